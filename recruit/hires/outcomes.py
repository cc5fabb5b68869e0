"""The employer records what became of the intents made for its positions (录用, 到岗 …)."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.audit.services import record_audit
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.formatting import local_today, to_local
from recruit.hires.models import Outcome, TentativeHire
from recruit.positions.models import Position

#: The outcomes an employer may record (意向 is where every intent starts).
RECORDABLE = (Outcome.HIRED, Outcome.STARTED, Outcome.DECLINED, Outcome.WITHDRAWN)


class OutcomeError(ValueError):
    """An outcome the rules refuse; the message is for the employer."""


def employer_hires_query(employer: Employer, outcome: Outcome | None = None) -> sa.Select:
    """Return the query of intents made for the employer's positions, newest first."""
    query = (
        sa.select(TentativeHire)
        .join(Position, Position.id == TentativeHire.position_id)
        .where(Position.employer_id == employer.id)
        .options(joinedload(TentativeHire.position), joinedload(TentativeHire.fair))
        .order_by(TentativeHire.recorded_at.desc(), TentativeHire.id.desc())
    )
    if outcome is not None:
        query = query.where(TentativeHire.outcome == outcome)
    return query


def get_employer_hire(employer: Employer, hire_id: int) -> TentativeHire | None:
    """Return the intent if it was made for one of the employer's positions, else None."""
    return db.session.scalar(
        sa.select(TentativeHire)
        .join(Position, Position.id == TentativeHire.position_id)
        .where(TentativeHire.id == hire_id, Position.employer_id == employer.id)
    )


def record_outcome(hire: TentativeHire, outcome: Outcome | str, on: date | None, *, by=None):
    """Record the outcome of an intent on a date; 到岗 implies 录用 on the same day if unset."""
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise OutcomeError("结果：请选择 已录用、已到岗、未录用 或 放弃。") from None
    if outcome not in RECORDABLE:
        raise OutcomeError("结果：请选择 已录用、已到岗、未录用 或 放弃。")
    if on is None:
        raise OutcomeError("日期：请填写日期。")
    if on > local_today():
        raise OutcomeError("日期：不能晚于今天。")
    fair_day = to_local(hire.fair.starts_at).date()
    if on < fair_day:
        raise OutcomeError(f"日期：不能早于招聘会当天（{fair_day}）。")

    before = hire.outcome
    if outcome is Outcome.HIRED:
        hire.hired_on = on
        hire.started_on = None
    elif outcome is Outcome.STARTED:
        if hire.hired_on is None or hire.hired_on > on:
            hire.hired_on = on
        hire.started_on = on
    elif outcome is Outcome.DECLINED:
        # 未录用: the employer did not hire, so a 录用 recorded earlier was a mistake.
        hire.hired_on = None
        hire.started_on = None
    elif outcome is Outcome.WITHDRAWN and hire.hired_on is not None and hire.hired_on > on:
        raise OutcomeError(f"日期：不能早于录用日期（{hire.hired_on}）。")
    hire.outcome = outcome
    hire.outcome_on = on
    record_audit(
        "hire.outcome",
        hire,
        by=by,
        summary={"outcome": [before.value, outcome.value], "on": on.isoformat()},
    )
    db.session.flush()
    return hire

"""What became of an intent (录用, 到岗 …), recorded by the employer it was made for."""

from datetime import date

from recruit.audit.services import record_audit
from recruit.auth.models import Role
from recruit.auth.scope import require_employer_write
from recruit.errors import Invalid
from recruit.extensions import db
from recruit.formatting import local_today, to_local
from recruit.hires.intents import require_hire_access
from recruit.hires.models import Outcome, TentativeHire

#: The outcomes an employer may record (意向 is where every intent starts).
RECORDABLE = (Outcome.HIRED, Outcome.STARTED, Outcome.DECLINED, Outcome.WITHDRAWN)
CHOOSE = "结果：请选择 已录用、已到岗、未录用 或 放弃。"


def record_outcome(hire: TentativeHire, outcome: Outcome | str, on: date | None, *, by):
    """Record the outcome of an intent on a date; 到岗 implies 录用 on the same day if unset."""
    require_hire_access(by, hire)
    if by.role is Role.EMPLOYER:
        require_employer_write(by)
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise Invalid(CHOOSE, field="outcome") from None
    if outcome not in RECORDABLE:
        raise Invalid(CHOOSE, field="outcome")
    if on is None:
        raise Invalid("日期：请填写日期。", field="on")
    if on > local_today():
        raise Invalid("日期：不能晚于今天。", field="on")
    fair_day = to_local(hire.fair.starts_at).date()
    if on < fair_day:
        raise Invalid(f"日期：不能早于招聘会当天（{fair_day}）。", field="on")

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
        raise Invalid(f"日期：不能早于录用日期（{hire.hired_on}）。", field="on")
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

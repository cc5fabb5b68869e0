"""What became of an intent (录用, 到岗 …), recorded by its employer or by staff.

The outcome is a step of the intent's dated history (recruit.hires.steps): recording 未录用
after 已录用 adds a step and keeps the 录用 (the intent reached it); a mistake is corrected by
voiding the step with a reason, never by recording over it.
"""

from datetime import date

from recruit.errors import Invalid
from recruit.hires.models import Outcome, StepKind, TentativeHire
from recruit.hires.steps import record_step, require_writer

#: The outcomes an employer may record (意向 is where every intent starts).
RECORDABLE = (Outcome.HIRED, Outcome.STARTED, Outcome.DECLINED, Outcome.WITHDRAWN)
CHOOSE = "结果：请选择 已录用、已到岗、未录用 或 放弃。"


def record_outcome(hire: TentativeHire, outcome: Outcome | str, on: date | None, *, by):
    """Record the outcome of an intent on a date, as a step of its history.

    到岗 without an earlier 录用 reaches 录用 on the same day.
    """
    require_writer(by, hire)
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise Invalid(CHOOSE, field="outcome") from None
    if outcome not in RECORDABLE:
        raise Invalid(CHOOSE, field="outcome")
    record_step(hire, StepKind(outcome.value), on, by=by)
    return hire

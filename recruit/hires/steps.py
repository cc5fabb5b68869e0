"""The dated history of an intent (DESIGN §7): the one place where steps are recorded and voided.

Every step (已录用, 已到岗, 在岗满30/90/180天, 未录用, 放弃, 已离职, 联系不上) is a HireStep row,
recorded by the intent's employer or by staff in scope, never edited: a mistake is voided as a
correction, with a reason, and a voided step no longer counts. The intent keeps three caches
computed here from the steps that count, so that every report reads one row per intent:

- hired_on: the day of the earliest hired or started step ("reached 录用", whatever came after:
  a later 未录用 or 放弃 does not undo it, issue 18 point 1);
- started_on: the day of the earliest started step ("reached 到岗");
- outcome / outcome_on: the last word (the latest outcome step; 联系不上 never changes it).
"""

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.audit.services import record_audit
from recruit.auth.models import Role
from recruit.auth.scope import STAFF, require_employer_write, require_role
from recruit.db_types import utcnow
from recruit.errors import Conflict, Forbidden, Invalid, NotFound
from recruit.extensions import db
from recruit.formatting import local_today, to_local
from recruit.hires.intents import require_hire_access
from recruit.hires.models import HireStep, Outcome, StepKind, TentativeHire
from recruit.validators import control_character_error

#: The call-back milestones, in days after the start (待回访).
MILESTONES = (30, 90, 180)
#: The step that answers each milestone's call-back.
RETAINED = {30: StepKind.RETAINED_30, 90: StepKind.RETAINED_90, 180: StepKind.RETAINED_180}
MILESTONE_OF = {kind: days for days, kind in RETAINED.items()}
#: The last word each step gives (联系不上 gives none).
OUTCOME_OF = {
    StepKind.HIRED: Outcome.HIRED,
    StepKind.STARTED: Outcome.STARTED,
    StepKind.RETAINED_30: Outcome.STARTED,
    StepKind.RETAINED_90: Outcome.STARTED,
    StepKind.RETAINED_180: Outcome.STARTED,
    StepKind.DECLINED: Outcome.DECLINED,
    StepKind.WITHDRAWN: Outcome.WITHDRAWN,
    StepKind.LEFT: Outcome.LEFT,
}
#: Steps that need a (non-voided) started step first: call-backs and their answers.
AFTER_START = (*RETAINED.values(), StepKind.LEFT, StepKind.UNREACHABLE)
#: The steps only staff record (the call-back that reached nobody).
STAFF_ONLY = (StepKind.UNREACHABLE,)
#: Steps an intent may carry several of (every call-back try); the others count once.
REPEATABLE = (StepKind.UNREACHABLE,)
#: Longest note or reason kept.
MAX_TEXT = 200
#: What every correction's reason starts with (issue 18: "更正：误录").
CORRECTION = "更正："
#: What the backfill (migration 0024) and the adoption of older rows write on derived steps.
DERIVED_NOTE = "由原结果记录迁移"

CHOOSE_STEP = "步骤：请选择 " + "、".join(k.label for k in StepKind) + " 之一。"
CHOOSE_MILESTONE = "回访节点：请选择30、90或180天。"
STEP_NOT_FOUND = "该记录不存在或不在您的管辖范围内。"


# --- reading ---------------------------------------------------------------------------------


def history(hire: TentativeHire) -> list[HireStep]:
    """Return the intent's steps oldest first, voided ones included (they show struck through)."""
    return histories([hire])[hire.id]


def histories(hires: list[TentativeHire]) -> dict[int, list[HireStep]]:
    """Return each intent's steps oldest first, by intent id, in one query."""
    found: dict[int, list[HireStep]] = {hire.id: [] for hire in hires}
    if not found:
        return found
    query = (
        sa.select(HireStep)
        .where(HireStep.hire_id.in_(found))
        .options(joinedload(HireStep.recorded_by))
        .order_by(HireStep.on, HireStep.recorded_at, HireStep.id)
    )
    for step in db.session.scalars(query):
        found[step.hire_id].append(step)
    return found


def get_step(actor, step_id: int) -> HireStep:
    """Return a step of an intent the actor may reach, else NotFound."""
    step = db.session.get(HireStep, step_id)
    if step is None:
        raise NotFound(STEP_NOT_FOUND)
    try:
        require_hire_access(actor, step.hire)
    except NotFound:
        raise NotFound(STEP_NOT_FOUND) from None
    return step


# --- recording ----------------------------------------------------------------------------


def require_writer(actor, hire: TentativeHire) -> None:
    """Refuse unless the actor is the intent's employer (allowed to write) or staff in scope."""
    require_role(actor, Role.EMPLOYER, *STAFF, message="当前账号无权登记就业意向的结果。")
    require_hire_access(actor, hire)
    if actor.role is Role.EMPLOYER:
        require_employer_write(actor)


def _text(value: str | None, field: str, label: str) -> str | None:
    value = (value or "").strip()
    if problem := control_character_error(value):
        raise Invalid(f"{label}：{problem}", field=field)
    if len(value) > MAX_TEXT:
        raise Invalid(f"{label}：不能超过{MAX_TEXT}个字。", field=field)
    return value or None


def _counting(hire: TentativeHire) -> list[HireStep]:
    """Return the intent's steps that count (not voided), oldest first."""
    return [step for step in history(hire) if step.voided_at is None]


def _milestone(kind: StepKind, milestone: int | str | None) -> int | None:
    """Return the milestone the step is for, or refuse one that does not fit the step."""
    if milestone in (None, ""):
        milestone = None
    else:
        try:
            milestone = int(milestone)
        except (TypeError, ValueError):
            raise Invalid(CHOOSE_MILESTONE, field="milestone") from None
        if milestone not in MILESTONES:
            raise Invalid(CHOOSE_MILESTONE, field="milestone")
    if kind in MILESTONE_OF:
        if milestone is not None and milestone != MILESTONE_OF[kind]:
            raise Invalid(
                f"回访节点：{kind.label}只能对应{MILESTONE_OF[kind]}天。", field="milestone"
            )
        return MILESTONE_OF[kind]
    if kind is StepKind.UNREACHABLE and milestone is None:
        raise Invalid(CHOOSE_MILESTONE, field="milestone")
    if milestone is not None and kind not in (StepKind.UNREACHABLE, StepKind.LEFT):
        raise Invalid(f"回访节点：{kind.label}不属于回访，请不要选择回访节点。", field="milestone")
    return milestone


def _check_date(hire: TentativeHire, kind: StepKind, on: date | None, steps: list[HireStep]):
    """Refuse a day the step cannot have happened on, or a step the history does not allow."""
    if on is None:
        raise Invalid("日期：请填写日期。", field="on")
    if on > local_today():
        raise Invalid("日期：不能晚于今天。", field="on")
    fair_day = to_local(hire.fair.starts_at).date()
    if on < fair_day:
        raise Invalid(f"日期：不能早于招聘会当天（{fair_day}）。", field="on")
    if kind not in REPEATABLE:
        for step in steps:
            if step.step is kind:
                raise Conflict(
                    f"步骤：{step.on}已登记“{kind.label}”；如需更正，请先作废原记录并说明原因。",
                    field="step",
                )
    if kind in (StepKind.DECLINED, StepKind.WITHDRAWN) and hire.hired_on and on < hire.hired_on:
        raise Invalid(f"日期：不能早于录用日期（{hire.hired_on}）。", field="on")
    if kind not in AFTER_START:
        return
    started = hire.started_on
    if started is None:
        raise Conflict(f"步骤：尚未登记到岗，不能登记“{kind.label}”。", field="step")
    if on < started:
        raise Invalid(f"日期：不能早于到岗日期（{started}）。", field="on")
    if kind in MILESTONE_OF:
        due = started + timedelta(days=MILESTONE_OF[kind])
        if on < due:
            raise Invalid(f"日期：到岗满{MILESTONE_OF[kind]}天（{due}）后才能登记。", field="on")
    left = next((step for step in steps if step.step is StepKind.LEFT), None)
    if left is not None and kind is StepKind.UNREACHABLE:
        raise Conflict(f"步骤：已于{left.on}登记离职，无需再回访。", field="step")
    if left is not None and kind in MILESTONE_OF and on > left.on:
        raise Invalid(f"日期：不能晚于离职日期（{left.on}）。", field="on")


def record_step(
    hire: TentativeHire,
    kind: StepKind | str,
    on: date | None,
    *,
    by,
    note: str | None = None,
    milestone: int | str | None = None,
) -> HireStep:
    """Record one dated step of the intent and refresh its caches; audited."""
    require_writer(by, hire)
    try:
        kind = StepKind(kind)
    except ValueError:
        raise Invalid(CHOOSE_STEP, field="step") from None
    if kind in STAFF_ONLY and by.role is Role.EMPLOYER:
        raise Forbidden(f"“{kind.label}”由人社工作人员回访时登记。")
    milestone = _milestone(kind, milestone)
    note = _text(note, "note", "备注")
    adopt_dates(hire)
    _check_date(hire, kind, on, _counting(hire))
    step = HireStep(
        hire=hire,
        step=kind,
        on=on,
        milestone=milestone,
        note=note,
        recorded_by_id=by.id,
    )
    db.session.add(step)
    db.session.flush()
    refresh(hire)
    summary = {"step_id": step.id, "step": kind.value, "on": on.isoformat()}
    if milestone is not None:
        summary["milestone"] = milestone
    record_audit("hire.step", hire, by=by, summary=summary)
    return step


def own_or_staff(actor, step: HireStep) -> bool:
    """Whether the actor's role lets it void this step: staff any, an employer its own."""
    if actor.role is not Role.EMPLOYER:
        return True
    recorder = step.recorded_by
    return recorder is not None and recorder.employer_id == actor.employer_id


def may_void(actor, step: HireStep) -> bool:
    """Whether a correction button makes sense for the actor (the service checks again)."""
    if step.voided_at is not None or not own_or_staff(actor, step):
        return False
    return actor.role is not Role.EMPLOYER or bool(actor.may_write_for_employer)


def void_step(step: HireStep, reason: str | None, *, by) -> HireStep:
    """Void a step as a correction ("更正：…"): it no longer counts; audited.

    Staff in scope void any step of the intent; an employer only the steps its own accounts
    recorded.
    """
    hire = step.hire
    require_writer(by, hire)
    if not own_or_staff(by, step):
        raise Forbidden("只能作废本单位登记的记录；其他记录请联系人社工作人员更正。")
    if step.voided_at is not None:
        raise Conflict("该记录已作废。", field="step")
    reason = _text(reason, "reason", "更正原因")
    if not reason or not reason.removeprefix(CORRECTION).strip():
        raise Invalid("更正原因：请说明作废的原因，例如“更正：误录”。", field="reason")
    if not reason.startswith(CORRECTION):
        reason = f"{CORRECTION}{reason}"[:MAX_TEXT]
    step.voided_at = utcnow()
    step.voided_by_id = by.id
    step.void_reason = reason
    db.session.flush()
    refresh(hire)
    record_audit(
        "hire.step_void",
        hire,
        by=by,
        summary={"step_id": step.id, "step": step.step.value, "on": step.on.isoformat()},
    )
    return step


# --- the caches on the intent -----------------------------------------------------------------


def refresh(hire: TentativeHire) -> None:
    """Recompute the intent's hired_on, started_on, outcome and outcome_on from its steps."""
    steps = _counting(hire)
    reached = [s.on for s in steps if s.step in (StepKind.HIRED, StepKind.STARTED)]
    started = [s.on for s in steps if s.step is StepKind.STARTED]
    hire.hired_on = min(reached, default=None)
    hire.started_on = min(started, default=None)
    words = [s for s in steps if s.step in OUTCOME_OF]
    if words:
        # Oldest first by day, then by when recorded: the last is the last word.
        last = words[-1]
        hire.outcome, hire.outcome_on = OUTCOME_OF[last.step], last.on
    else:
        hire.outcome, hire.outcome_on = Outcome.INTENT, None
    db.session.flush()


def adopt_dates(hire: TentativeHire) -> None:
    """Give an intent written without steps (bulk loaders, older rows) the steps its dates say.

    The same derivation as migration 0024's backfill; an intent with any step is left alone.
    """
    if hire.id is not None and db.session.scalar(
        sa.select(sa.func.count()).select_from(HireStep).where(HireStep.hire_id == hire.id)
    ):
        return
    derived = []
    if hire.hired_on is not None:
        derived.append((StepKind.HIRED, hire.hired_on))
    if hire.started_on is not None:
        derived.append((StepKind.STARTED, hire.started_on))
    if hire.outcome in (Outcome.DECLINED, Outcome.WITHDRAWN) and hire.outcome_on is not None:
        derived.append((StepKind(hire.outcome.value), hire.outcome_on))
    for kind, on in derived:
        db.session.add(HireStep(hire=hire, step=kind, on=on, note=DERIVED_NOTE))
    if derived:
        db.session.flush()

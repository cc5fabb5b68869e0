"""待回访: the intents due a call-back at 30 / 90 / 180 days after the start, and the answers.

The due rule lives here only. An intent is due for milestone N when its start (a started step
that counts) lies N days or more in the past and no answer counts yet for N: an answer is a
retained step for N or a later milestone, or a left step (leaving ends the follow-up). An intent
appears once, for the latest milestone due: answering that one answers the earlier ones. A
call that reached nobody (联系不上) is a try: the intent stays due, with its tries counted, after
the intents nobody has tried yet.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.auth.scope import STAFF, require_role, where_in_scope
from recruit.errors import Invalid
from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.formatting import local_today
from recruit.hires.models import HireStep, StepKind, TentativeHire
from recruit.hires.steps import MILESTONES, RETAINED, record_step
from recruit.positions.models import Position

#: How a call-back is answered on the work list: 在岗, 已离职, 联系不上.
ANSWERS = {"retained": "在岗", "left": "已离职", "unreachable": "联系不上"}
#: Above every milestone: a left step answers them all.
_ENDS = 10_000


@dataclass(frozen=True)
class Callback:
    """One intent due a call-back, as the work list shows it."""

    hire: TentativeHire
    milestone: int
    tries: int
    last_try: datetime | None

    @property
    def days_since_start(self) -> int:
        return (local_today() - self.hire.started_on).days


def _milestone(today: date) -> sa.ColumnElement:
    """The latest milestone the intent's start is old enough for (NULL before 30 days)."""
    started = TentativeHire.started_on
    return sa.case(
        *[(started <= today - timedelta(days=m), m) for m in sorted(MILESTONES, reverse=True)],
        else_=sa.null(),
    )


def _answered() -> sa.ScalarSelect:
    """The highest milestone the intent's counting steps answer (0 when none)."""
    level = sa.case(
        *[(HireStep.step == kind, days) for days, kind in RETAINED.items()],
        (HireStep.step == StepKind.LEFT, _ENDS),
        else_=0,
    )
    return (
        sa.select(sa.func.coalesce(sa.func.max(level), 0))
        .where(HireStep.hire_id == TentativeHire.id, HireStep.voided_at.is_(None))
        .scalar_subquery()
    )


def _tries(milestone: sa.ColumnElement, column) -> sa.ScalarSelect:
    """An aggregate over the counting 联系不上 steps for the milestone due."""
    return (
        sa.select(column)
        .where(
            HireStep.hire_id == TentativeHire.id,
            HireStep.step == StepKind.UNREACHABLE,
            HireStep.voided_at.is_(None),
            HireStep.milestone == milestone,
        )
        .scalar_subquery()
    )


def due_callbacks(
    actor, *, milestone: int | None = None, fair_id: int | None = None, today: date | None = None
) -> sa.Select:
    """Select (intent, milestone, tries, last try) due a call-back in the staff actor's scope.

    Untried first, then by the last try (oldest first), then by the start (longest waiting first).
    """
    require_role(actor, *STAFF, message="当前账号无权查看待回访名单。")
    if milestone is not None and milestone not in MILESTONES:
        raise Invalid("回访节点：请选择30、90或180天。", field="milestone")
    today = today or local_today()
    due = _milestone(today)
    tries = _tries(due, sa.func.count(HireStep.id))
    last_try = _tries(due, sa.func.max(HireStep.recorded_at))
    query = (
        sa.select(
            TentativeHire,
            due.label("milestone"),
            tries.label("tries"),
            last_try.label("last_try"),
        )
        .join(Fair, Fair.id == TentativeHire.fair_id)
        .where(TentativeHire.started_on.is_not(None), due.is_not(None), _answered() < due)
        .options(
            joinedload(TentativeHire.fair),
            joinedload(TentativeHire.position).joinedload(Position.employer),
        )
        .order_by(
            sa.case((tries > 0, 1), else_=0),
            last_try.asc().nulls_first(),
            TentativeHire.started_on,
            TentativeHire.id,
        )
    )
    query = where_in_scope(query, actor, Fair.region_code)
    if milestone is not None:
        query = query.where(due == milestone)
    if fair_id is not None:
        query = query.where(TentativeHire.fair_id == fair_id)
    return query


@dataclass
class CallbackPage:
    """A page of the work list: the shape of a Flask-SQLAlchemy pagination, for the pager."""

    items: list[Callback]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(self, left_edge=2, left_current=2, right_current=4, right_edge=2):
        """Yield page numbers with None for gaps, as Flask-SQLAlchemy's pagination does."""
        last = 0
        for number in range(1, self.pages + 1):
            if (
                number <= left_edge
                or self.page - left_current - 1 < number < self.page + right_current
                or number > self.pages - right_edge
            ):
                if last + 1 != number:
                    yield None
                yield number
                last = number


def callback_page(
    actor,
    *,
    page: int = 1,
    per_page: int = 20,
    milestone: int | None = None,
    fair_id: int | None = None,
) -> CallbackPage:
    """Return one page of the actor's 待回访 list."""
    query = due_callbacks(actor, milestone=milestone, fair_id=fair_id)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    items = [Callback(row[0], row.milestone, row.tries, row.last_try) for row in rows]
    return CallbackPage(items=items, total=total or 0, page=page, per_page=per_page)


def answer_callback(
    hire: TentativeHire,
    answer: str,
    milestone: int | str | None,
    *,
    by,
    on: date | None = None,
    note: str | None = None,
):
    """Record a call-back's answer: 在岗 (retained at the milestone, today), 已离职 (on a day),
    联系不上 (a try, today)."""
    require_role(by, *STAFF, message="当前账号无权登记回访结果。")
    try:
        milestone = int(milestone)
    except (TypeError, ValueError):
        raise Invalid("回访节点：请选择30、90或180天。", field="milestone") from None
    if milestone not in MILESTONES:
        raise Invalid("回访节点：请选择30、90或180天。", field="milestone")
    today = local_today()
    if answer == "retained":
        return record_step(hire, RETAINED[milestone], today, by=by, note=note)
    if answer == "left":
        return record_step(hire, StepKind.LEFT, on or today, by=by, note=note, milestone=milestone)
    if answer == "unreachable":
        return record_step(hire, StepKind.UNREACHABLE, today, by=by, note=note, milestone=milestone)
    raise Invalid("回访结果：请选择 在岗、已离职 或 联系不上。", field="answer")


def callback_fairs(actor, *, limit: int = 200) -> list[Fair]:
    """Return the fairs in the staff actor's scope with an intent that started, newest first."""
    require_role(actor, *STAFF, message="当前账号无权查看待回访名单。")
    started = sa.select(TentativeHire.fair_id).where(TentativeHire.started_on.is_not(None))
    query = sa.select(Fair).where(Fair.id.in_(started)).order_by(Fair.starts_at.desc()).limit(limit)
    return list(db.session.scalars(where_in_scope(query, actor, Fair.region_code)))

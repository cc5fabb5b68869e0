"""The applications a list page shows: filters, counts per state, and a fingerprint for polling.

Everything here narrows, counts or orders what recruit.seekers.services.fair_applications lets
the actor see, so who sees which applications stays that service's rule. The employer's booth
page and the organizer's fair page both list through this module.
"""

from dataclasses import dataclass, replace

import sqlalchemy as sa

from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.positions.models import Position
from recruit.seekers.models import Application, ApplicationState
from recruit.seekers.services import fair_applications

#: The state filter's values in the query string, and the state each one selects.
STATE_FILTERS = {
    "pending": ApplicationState.SUBMITTED,
    "intent": ApplicationState.INTENT,
    "declined": ApplicationState.DECLINED,
}
#: The filter tabs, in order ("" is all).
FILTER_LABELS = (
    ("", "全部"),
    ("pending", "待处理"),
    ("intent", "达成意向"),
    ("declined", "不合适"),
)
#: How the one deciding reads a state (the seeker reads 不合适 as 未通过).
STATE_LABELS = {
    ApplicationState.SUBMITTED: "待处理",
    ApplicationState.INTENT: "达成意向",
    ApplicationState.DECLINED: "不合适",
}
_FILTER_OF_STATE = {state: key for key, state in STATE_FILTERS.items()}


def _positive_int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None


@dataclass(frozen=True)
class ApplicationFilters:
    """What a list is narrowed to: a state filter key ("" = all), a position, an employer."""

    state: str = ""
    position_id: int | None = None
    employer_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "ApplicationFilters":
        """Read the filters from a query string; anything unknown means no filter."""
        state = args.get("state") or ""
        return cls(
            state=state if state in STATE_FILTERS else "",
            position_id=_positive_int(args.get("position")),
            employer_id=_positive_int(args.get("employer")),
        )

    def as_args(self) -> dict[str, str | int]:
        """Return the filters as query-string arguments (only those set)."""
        args: dict[str, str | int] = {}
        if self.state:
            args["state"] = self.state
        if self.position_id:
            args["position"] = self.position_id
        if self.employer_id:
            args["employer"] = self.employer_id
        return args


def listed(actor, fair: Fair, filters: ApplicationFilters) -> sa.Select:
    """Select the fair's applications the actor may see, narrowed by the filters, newest first."""
    query = fair_applications(actor, fair, STATE_FILTERS.get(filters.state))
    if filters.position_id:
        query = query.where(Application.position_id == filters.position_id)
    if filters.employer_id:
        query = query.where(Application.employer_id == filters.employer_id)
    return query


def _all_states(actor, fair: Fair, filters: ApplicationFilters) -> sa.Subquery:
    return listed(actor, fair, replace(filters, state="")).order_by(None).subquery()


def state_counts(actor, fair: Fair, filters: ApplicationFilters) -> dict[str, int]:
    """Return the number of applications per state filter key ("" = all) under the other filters."""
    rows = _all_states(actor, fair, filters)
    counts = {key: 0 for key, _label in FILTER_LABELS}
    for state, count in db.session.execute(
        sa.select(rows.c.state, sa.func.count()).group_by(rows.c.state)
    ):
        state = ApplicationState(state) if isinstance(state, str) else state
        counts[_FILTER_OF_STATE[state]] = count
        counts[""] += count
    return counts


def fingerprint(actor, fair: Fair, filters: ApplicationFilters) -> str:
    """Return a short value that changes whenever a row or a count of the list would change.

    A polling page sends back the value it shows; the same value means nothing to fetch (and no
    personal data disclosed again).
    """
    rows = _all_states(actor, fair, filters)
    count, last_id, last_decided = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(rows.c.id), sa.func.max(rows.c.decided_at))
    ).one()
    decided = last_decided.timestamp() if hasattr(last_decided, "timestamp") else last_decided
    return f"{count}-{last_id or 0}-{decided or 0}"


def applied_positions(actor, fair: Fair) -> list[tuple[int, str, str]]:
    """Return (id, title, employer name) of the positions the actor's applications name."""
    rows = fair_applications(actor, fair).order_by(None).subquery()
    query = (
        sa.select(Position.id, Position.title, Employer.name)
        .join(Employer, Position.employer_id == Employer.id)
        .where(Position.id.in_(sa.select(rows.c.position_id)))
        .order_by(Employer.name, Position.title, Position.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def applied_employers(actor, fair: Fair) -> list[tuple[int, str]]:
    """Return (id, name) of the employers the actor's applications went to."""
    rows = fair_applications(actor, fair).order_by(None).subquery()
    query = (
        sa.select(Employer.id, Employer.name)
        .where(Employer.id.in_(sa.select(rows.c.employer_id)))
        .order_by(Employer.name, Employer.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def decision_message(application: Application, name: str, where: str) -> str:
    """Return what a decision says to the one who made it; `where` names the outcomes page."""
    if application.state is ApplicationState.INTENT:
        return f"已与{name}达成就业意向（第{application.hire_id}号），可在{where}中记录录用、到岗。"
    return f"已将{name}标记为不合适，求职者将看到“未通过”。"

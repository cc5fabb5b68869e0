"""Finding fairs: scoped lookups for staff and employers, lists, filters, the public's fairs."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from recruit.auth.models import Role
from recruit.auth.scope import STAFF, in_scope, require_role, where_in_scope
from recruit.db_types import utcnow
from recruit.errors import NotFound
from recruit.extensions import db
from recruit.fairs.models import ACCEPTED, Fair, FairPosition, FairStatus, Participation
from recruit.formatting import local_day_bounds, local_today
from recruit.refdata.services import region_codes_within

#: Fairs not yet over, in the order the public and the workspace list them.
LIVE_STATUSES = (FairStatus.PLANNED, FairStatus.OPEN, FairStatus.HELD)
#: Fairs that took place, as the public's "past fairs" list shows them.
PAST_STATUSES = (FairStatus.HELD, FairStatus.CLOSED)

NOT_FOUND = "招聘会不存在或不在您的管辖范围内。"


# --- scope ---------------------------------------------------------------------


def staff_fairs(actor) -> sa.Select:
    """Select the fairs held inside the staff actor's region scope (Forbidden for others)."""
    require_role(actor, *STAFF)
    return where_in_scope(sa.select(Fair), actor, Fair.region_code)


def require_fair_access(actor, fair: Fair) -> None:
    """Refuse (NotFound) unless the actor is staff whose region scope holds the fair."""
    require_role(actor, *STAFF)
    if not in_scope(actor, fair.region_code):
        raise NotFound(NOT_FOUND)


def get_fair(actor, fair_id: int) -> Fair:
    """Return the fair if it exists and lies inside the staff actor's scope, else NotFound."""
    fair = db.session.scalar(staff_fairs(actor).where(Fair.id == fair_id))
    if fair is None:
        raise NotFound(NOT_FOUND)
    return fair


def get_public_fair(fair_id: int) -> Fair:
    """Return a fair anyone may see (not cancelled), else NotFound."""
    fair = db.session.get(Fair, fair_id)
    if fair is None or not fair.is_public:
        raise NotFound("招聘会不存在。")
    return fair


def get_fair_for_employer(actor, fair_id: int) -> Fair:
    """Return a fair an employer account may look at to sign up (any public fair)."""
    require_role(actor, Role.EMPLOYER)
    return get_public_fair(fair_id)


# --- lists and filters -------------------------------------------------------------


@dataclass
class FairFilters:
    start: date | None = None
    end: date | None = None
    region: str | None = None
    type: str | None = None
    mode: str | None = None
    industry_chain_id: int | None = None
    status: str | None = None
    q: str | None = None


def apply_fair_filters(query: sa.Select, filters: FairFilters) -> sa.Select:
    """Narrow a select of fairs by the filters (period in local dates, region with its subtree)."""
    if filters.start:
        query = query.where(Fair.starts_at >= local_day_bounds(filters.start, filters.start)[0])
    if filters.end:
        query = query.where(Fair.starts_at < local_day_bounds(filters.end, filters.end)[1])
    if filters.region:
        query = query.where(Fair.region_code.in_(region_codes_within(filters.region)))
    if filters.type:
        query = query.where(Fair.type == filters.type)
    if filters.mode:
        query = query.where(Fair.mode == filters.mode)
    if filters.industry_chain_id:
        query = query.where(Fair.industry_chain_id == filters.industry_chain_id)
    if filters.status:
        query = query.where(Fair.status == filters.status)
    if filters.q:
        # autoescape: "%" and "_" in a title filter are letters, not wildcards.
        query = query.where(Fair.title.contains(filters.q.strip(), autoescape=True))
    return query


def filter_fairs(actor, filters: FairFilters) -> sa.Select:
    """Select the staff actor's fairs matching the filters, newest first."""
    query = staff_fairs(actor).options(joinedload(Fair.region), joinedload(Fair.industry_chain))
    query = apply_fair_filters(query, filters)
    return query.order_by(Fair.starts_at.desc(), Fair.id.desc())


def fairs_between(actor, first: date, last: date) -> list[Fair]:
    """Return the actor's fairs starting on local dates first..last, in start order."""
    begin, stop = local_day_bounds(first, last)
    query = (
        staff_fairs(actor)
        .where(Fair.starts_at >= begin, Fair.starts_at < stop)
        .options(joinedload(Fair.region))
        .order_by(Fair.starts_at, Fair.id)
    )
    return list(db.session.scalars(query))


def fairs_to_close(actor, limit: int = 20) -> list[Fair]:
    """Return the actor's fairs that are over but not yet closed (their numbers do not count)."""
    query = (
        staff_fairs(actor)
        .where(
            Fair.status.in_([FairStatus.OPEN, FairStatus.HELD]),
            Fair.ends_at < local_day_bounds(local_today(), local_today())[0],
        )
        .options(joinedload(Fair.region))
        .order_by(Fair.ends_at, Fair.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def workspace_fairs(actor, days: int = 14, limit: int = 20) -> tuple[list[Fair], list[Fair]]:
    """Return today's fairs and the upcoming ones (next `days` days) in the actor's scope."""
    today = local_today()
    begin, stop = local_day_bounds(today, today)
    base = staff_fairs(actor).where(Fair.status.in_(LIVE_STATUSES)).options(joinedload(Fair.region))
    todays = db.session.scalars(
        base.where(Fair.starts_at < stop, Fair.ends_at >= begin).order_by(Fair.starts_at)
    ).all()
    soon_stop = local_day_bounds(today, today + timedelta(days=days))[1]
    upcoming = db.session.scalars(
        base.where(Fair.starts_at >= stop, Fair.starts_at < soon_stop)
        .order_by(Fair.starts_at, Fair.id)
        .limit(limit)
    ).all()
    return list(todays), list(upcoming)


# --- what the public sees ----------------------------------------------------------


def upcoming_fairs(limit: int = 10) -> list[Fair]:
    """Return public fairs not yet over, soonest first (the home page)."""
    query = (
        sa.select(Fair)
        .where(Fair.ends_at >= utcnow(), Fair.status.in_(LIVE_STATUSES))
        .options(joinedload(Fair.region))
        .order_by(Fair.starts_at, Fair.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def public_fairs_query(when: str = "upcoming", filters: FairFilters | None = None) -> sa.Select:
    """Select the fairs the public sees: upcoming soonest first, or past newest first."""
    filters = filters or FairFilters()
    now = utcnow()
    query = sa.select(Fair).options(joinedload(Fair.region), joinedload(Fair.industry_chain))
    if when == "past":
        query = query.where(Fair.ends_at < now, Fair.status.in_(PAST_STATUSES)).order_by(
            Fair.starts_at.desc(), Fair.id.desc()
        )
    else:
        query = query.where(Fair.ends_at >= now, Fair.status.in_(LIVE_STATUSES)).order_by(
            Fair.starts_at, Fair.id
        )
    return apply_fair_filters(query, filters)


def public_fair_choices(limit: int = 30) -> list[Fair]:
    """Return the fairs a position search may be narrowed to: not over, newest first."""
    query = (
        sa.select(Fair)
        .where(Fair.status.in_(LIVE_STATUSES))
        .order_by(Fair.starts_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def fair_participants(fair: Fair) -> list[Participation]:
    """Return the fair's accepted employers with their offered positions, by booth."""
    return list(
        db.session.scalars(
            sa.select(Participation)
            .where(Participation.fair_id == fair.id, Participation.status.in_(ACCEPTED))
            .options(
                joinedload(Participation.employer),
                selectinload(Participation.fair_positions).joinedload(FairPosition.position),
            )
            .order_by(Participation.booth.is_(None), Participation.booth, Participation.id)
        )
    )

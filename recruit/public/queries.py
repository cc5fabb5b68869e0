"""Queries behind the public fair pages and the public API reads."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import local_day_bounds
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import get_industry_chain, region_codes_within

#: Employers shown on a fair's public page: accepted by the organizer or already there.
SHOWN_PARTICIPATIONS = (ParticipationStatus.APPROVED, ParticipationStatus.ATTENDED)
UPCOMING_STATUSES = (FairStatus.PLANNED, FairStatus.OPEN, FairStatus.HELD)
PAST_STATUSES = (FairStatus.HELD, FairStatus.CLOSED)


@dataclass(frozen=True)
class FairFilters:
    """Optional filters of the public fair lists."""

    region: str | None = None
    type: FairType | None = None
    mode: FairMode | None = None
    industry_chain: str | None = None
    start: date | None = None
    end: date | None = None


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
        query = query.where(Fair.ends_at >= now, Fair.status.in_(UPCOMING_STATUSES)).order_by(
            Fair.starts_at, Fair.id
        )
    if filters.region:
        query = query.where(Fair.region_code.in_(region_codes_within(filters.region)))
    if filters.type:
        query = query.where(Fair.type == filters.type)
    if filters.mode:
        query = query.where(Fair.mode == filters.mode)
    if filters.industry_chain:
        chain = get_industry_chain(filters.industry_chain)
        query = query.where(Fair.industry_chain_id == (chain.id if chain else -1))
    if filters.start or filters.end:
        begin, stop = local_day_bounds(
            filters.start or date(2000, 1, 1), filters.end or date(9998, 12, 31)
        )
        query = query.where(Fair.starts_at >= begin, Fair.starts_at < stop)
    return query


def is_public_fair(fair: Fair) -> bool:
    """Return whether the public may see this fair (not cancelled)."""
    return fair.status is not FairStatus.CANCELLED


def fair_participants(fair: Fair) -> list[Participation]:
    """Return the fair's accepted employers with their offered positions, by booth."""
    return list(
        db.session.scalars(
            sa.select(Participation)
            .where(
                Participation.fair_id == fair.id,
                Participation.status.in_(SHOWN_PARTICIPATIONS),
            )
            .options(
                joinedload(Participation.employer),
                selectinload(Participation.fair_positions).joinedload(FairPosition.position),
            )
            .order_by(Participation.booth.is_(None), Participation.booth, Participation.id)
        )
    )

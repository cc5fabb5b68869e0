"""Queries behind the public fair pages and the public API reads."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.fairs.services import FairFilters, apply_fair_filters

#: Employers shown on a fair's public page: accepted by the organizer or already there.
SHOWN_PARTICIPATIONS = (ParticipationStatus.APPROVED, ParticipationStatus.ATTENDED)
UPCOMING_STATUSES = (FairStatus.PLANNED, FairStatus.OPEN, FairStatus.HELD)
PAST_STATUSES = (FairStatus.HELD, FairStatus.CLOSED)


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
    return apply_fair_filters(query, filters)


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

"""Fair queries and operations."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.fairs.models import Fair, FairStatus


def upcoming_fairs(limit: int = 10) -> list[Fair]:
    """Return fairs not yet over and not cancelled, soonest first."""
    query = (
        sa.select(Fair)
        .where(
            Fair.ends_at >= utcnow(),
            Fair.status.in_([FairStatus.PLANNED, FairStatus.OPEN, FairStatus.HELD]),
        )
        .options(joinedload(Fair.region))
        .order_by(Fair.starts_at, Fair.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))

"""Position operations shared by every domain; each announces what it changed."""

import logging
from datetime import date

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.positions.models import Position, PositionStatus
from recruit.positions.signals import position_changed

logger = logging.getLogger(__name__)


def set_position_status(
    position: Position, status: PositionStatus, *, by=None, note: str | None = None
) -> None:
    """Move a position to a status, record it, and announce the change."""
    before = position.status
    if before is status:
        return
    position.status = status
    if note is not None:
        position.review_note = note
    if status is PositionStatus.OPEN and position.published_at is None:
        position.published_at = utcnow()
    record_audit(
        f"position.{status.value}",
        position,
        by=by,
        summary={"status": [before.value, status.value]},
    )
    db.session.flush()
    position_changed.send(position, reason=status.value)


def expire_positions(today: date) -> int:
    """Mark open positions whose valid_until has passed as expired; return how many."""
    overdue = db.session.scalars(
        sa.select(Position).where(
            Position.status == PositionStatus.OPEN, Position.valid_until < today
        )
    ).all()
    for position in overdue:
        set_position_status(position, PositionStatus.EXPIRED)
    logger.info("Expired %d positions past their valid_until", len(overdue))
    return len(overdue)

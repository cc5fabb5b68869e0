"""Review of positions by organizers: publish, or send back to draft with a reason."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.auth.scope import scope_region_codes
from recruit.employers.models import EmployerStatus
from recruit.employers.review import ReviewError
from recruit.positions.models import Position, PositionStatus
from recruit.positions.screening import screen_text
from recruit.positions.services import set_position_status


def pending_positions(user) -> sa.Select:
    """Select positions waiting for review whose work region is in the user's scope."""
    query = (
        sa.select(Position)
        .where(Position.status == PositionStatus.PENDING)
        .options(joinedload(Position.employer), joinedload(Position.work_region))
    )
    codes = scope_region_codes(user)
    if codes is not None:
        query = query.where(Position.work_region_code.in_(codes))
    return query.order_by(Position.updated_at, Position.id)


def position_flags(position: Position):
    """Return the screening flags of the position's title and description."""
    return screen_text(position.title, position.description)


def review_position(position: Position, approve: bool, *, by, note: str = "") -> None:
    """Publish a pending position, or send it back to draft with a reason the employer sees."""
    if position.status is not PositionStatus.PENDING:
        raise ReviewError(f"岗位“{position.title}”当前为“{position.status.label}”，无需审核。")
    note = (note or "").strip()
    if len(note) > 500:
        raise ReviewError("审核意见：不能超过500个字。")
    if approve:
        if position.employer.status is not EmployerStatus.APPROVED:
            raise ReviewError(f"岗位“{position.title}”：所属企业尚未通过审核，不能发布。")
        blocking = [f for f in position_flags(position) if f.blocks]
        if blocking:
            raise ReviewError(f"岗位“{position.title}”：" + blocking[0].message())
        set_position_status(position, PositionStatus.OPEN, by=by, note=note)
    else:
        if not note:
            raise ReviewError("退回原因：请填写原因，企业会看到它。")
        set_position_status(position, PositionStatus.DRAFT, by=by, note=note)

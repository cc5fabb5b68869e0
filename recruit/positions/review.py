"""Review of positions by staff: publish, or send back to draft with a reason.

Only staff review, and only positions whose work region lies in their scope: any other position
is NotFound to them, exactly like one that does not exist.
"""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.audit.models import AuditLog
from recruit.audit.services import record_audit
from recruit.auth.scope import STAFF, require_role, where_in_scope
from recruit.employers.models import EmployerStatus
from recruit.employers.review import MAX_REVIEW_NOTE, NOTE_TOO_LONG
from recruit.errors import Conflict, Invalid
from recruit.extensions import db
from recruit.notify.events import position_reviewed
from recruit.positions.models import Position, PositionStatus
from recruit.positions.screening import Flag, screen_text
from recruit.positions.services import require_position_access, set_position_status


def pending_positions(actor) -> sa.Select:
    """Select positions waiting for review whose work region is in the staff actor's scope."""
    require_role(actor, *STAFF)
    query = (
        sa.select(Position)
        .where(Position.status == PositionStatus.PENDING)
        .options(joinedload(Position.employer), joinedload(Position.work_region))
    )
    query = where_in_scope(query, actor, Position.work_region_code)
    return query.order_by(Position.updated_at, Position.id)


def position_flags(position: Position) -> list[Flag]:
    """Return the screening flags of the position's title and description."""
    return screen_text(position.title, position.description)


def screening_explanations(positions: list[Position]) -> dict[int, str]:
    """Return what each employer wrote when it submitted a flagged posting, by position id."""
    ids = [str(p.id) for p in positions]
    if not ids:
        return {}
    entries = db.session.scalars(
        sa.select(AuditLog)
        .where(
            AuditLog.action == "position.screening",
            AuditLog.object_type == Position.__tablename__,
            AuditLog.object_id.in_(ids),
        )
        .order_by(AuditLog.id)
    )
    found: dict[int, str] = {}
    for entry in entries:
        if entry.summary.get("explanation"):
            found[int(entry.object_id)] = entry.summary["explanation"]
    return found


def review_position(position: Position, approve: bool, *, by, note: str = "") -> None:
    """Publish a pending position, or send it back to draft with a reason the employer sees."""
    require_role(by, *STAFF)
    require_position_access(by, position)
    if not position.awaiting_review:
        raise Conflict(f"岗位“{position.title}”当前为“{position.status.label}”，无需审核。")
    note = (note or "").strip()
    if len(note) > MAX_REVIEW_NOTE:
        raise Invalid(NOTE_TOO_LONG, field="note")
    if approve:
        if position.employer.status is not EmployerStatus.APPROVED:
            raise Conflict(f"岗位“{position.title}”：所属企业尚未通过审核，不能发布。")
        blocking = [f for f in position_flags(position) if f.blocks]
        if blocking and not note:
            phrases = "、".join(f"“{f.phrase}”" for f in blocking)
            raise Invalid(
                f"审核意见：岗位“{position.title}”含有{phrases}，如确认不构成限制性条件，"
                "请填写通过的理由（记入审计日志）。",
                field="note",
            )
        if blocking:
            record_audit(
                "position.screening_override",
                position,
                by=by,
                summary={"phrases": [f.phrase for f in blocking], "reason": note},
            )
        set_position_status(position, PositionStatus.OPEN, by=by, note=note)
        position_reviewed(position, approved=True)
    else:
        if not note:
            raise Invalid("退回原因：请填写原因，企业会看到它。", field="note")
        set_position_status(position, PositionStatus.DRAFT, by=by, note=note)
        position_reviewed(position, approved=False)

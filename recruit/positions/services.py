"""Position operations: every read and change takes the actor, checks it here, and announces
what it changed.

An employer account reaches only its own positions; staff (admins, organizers) reach positions
whose work region lies in their scope; a system actor (jobs, commands) reaches all. Anything
else is NotFound, exactly like an id that does not exist. Field rules live in
positions.rules; the state rules are the model's predicates (can_submit, can_close …).
"""

import logging
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.auth.models import Role
from recruit.auth.scope import (
    STAFF,
    in_scope,
    require_employer_write,
    require_role,
    where_in_scope,
)
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.errors import Conflict, Invalid, NotFound, Stale
from recruit.extensions import db
from recruit.formatting import local_today
from recruit.positions.models import Position, PositionStatus
from recruit.positions.rules import (
    CHANNEL_FIELDS,
    EDITABLE_FIELDS,
    MAX_EXPLANATION,
    MAX_TITLE,
    REVIEWED_FIELDS,
    refuse_blocking,
    validate_position_data,
)
from recruit.positions.screening import Flag
from recruit.positions.signals import position_changed
from recruit.uow import register_stale_message

logger = logging.getLogger(__name__)

NOT_FOUND = "岗位不存在。"
STALE_MESSAGE = "该岗位已被他人修改，请刷新页面后重新编辑。"
#: How long a new position (or a copy of one whose date has passed) stays valid at first.
DEFAULT_VALID_DAYS = 90


def default_valid_until(today: date | None = None) -> date:
    """Return the 有效期至 a new posting starts with."""
    return (today or local_today()) + timedelta(days=DEFAULT_VALID_DAYS)


register_stale_message("positions", STALE_MESSAGE)


# --- who reaches a position ------------------------------------------------------------------


def require_position_access(actor, position: Position) -> None:
    """Refuse (NotFound) unless the actor is the position's employer or staff in scope."""
    if actor.role is Role.EMPLOYER:
        reaches = position.employer_id == actor.employer_id
    else:
        reaches = actor.has_role(*STAFF) and in_scope(actor, position.work_region_code)
    if not reaches:
        raise NotFound(NOT_FOUND)


def get_position(actor, position_id: int) -> Position:
    """Return the position if the actor may reach it, else NotFound."""
    position = db.session.get(Position, position_id)
    if position is None:
        raise NotFound(NOT_FOUND)
    require_position_access(actor, position)
    return position


def _require_owner(actor, position: Position) -> None:
    """Refuse unless the actor is a writing account of the employer the position belongs to."""
    require_role(actor, Role.EMPLOYER)
    if position.employer_id != actor.employer_id:
        raise NotFound(NOT_FOUND)
    require_employer_write(actor)


def employer_positions(actor, status: PositionStatus | None = None) -> sa.Select:
    """Select the employer actor's positions, last changed first, optionally of one status."""
    require_role(actor, Role.EMPLOYER)
    query = (
        sa.select(Position)
        .where(Position.employer_id == actor.employer_id)
        .order_by(Position.updated_at.desc(), Position.id.desc())
    )
    if status is not None:
        query = query.where(Position.status == status)
    return query


def position_counts(actor) -> dict[PositionStatus, int]:
    """Return how many of the employer actor's positions are in each status."""
    require_role(actor, Role.EMPLOYER)
    rows = db.session.execute(
        sa.select(Position.status, sa.func.count(Position.id))
        .where(Position.employer_id == actor.employer_id)
        .group_by(Position.status)
    ).all()
    return {PositionStatus(status): count for status, count in rows}


# --- status changes ------------------------------------------------------------------------


def set_position_status(
    position: Position, status: PositionStatus, *, by, note: str | None = None
) -> None:
    """Move a position to a status, record it, and announce the change."""
    require_position_access(by, position)
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


def expire_positions(today: date, *, by) -> int:
    """Mark open positions in the actor's scope whose valid_until has passed as expired."""
    require_role(by, *STAFF)
    query = sa.select(Position).where(
        Position.status == PositionStatus.OPEN, Position.valid_until < today
    )
    overdue = db.session.scalars(where_in_scope(query, by, Position.work_region_code)).all()
    for position in overdue:
        set_position_status(position, PositionStatus.EXPIRED, by=by)
    logger.info("Expired %d positions past their valid_until", len(overdue))
    return len(overdue)


# --- the employer's own positions ----------------------------------------------------------


def _require_approved(employer: Employer) -> None:
    if employer.status is not EmployerStatus.APPROVED:
        raise Conflict(f"企业状态为“{employer.status.label}”，审核通过后才能提交岗位。")


def create_position(data: dict[str, Any], *, by) -> Position:
    """Validate and add a draft position for the employer actor."""
    require_employer_write(by)
    clean = validate_position_data(data)
    position = Position(employer=by.employer, status=PositionStatus.DRAFT, **clean)
    db.session.add(position)
    db.session.flush()
    record_audit("position.create", position, by=by, summary={"title": position.title})
    return position


def update_position(
    position: Position, data: dict[str, Any], *, version: int | None, by
) -> set[str]:
    """Apply an edit; return the fields that changed.

    `version` is the one the editor read; an edit based on an older one is refused (Stale).
    None means the caller read nothing to compare (a command or a test). On an open position
    a change of a channel field bumps the revision and announces "revised"; a change of a
    reviewed field sends it back to review.
    """
    _require_owner(by, position)
    if version is not None and version != position.version:
        raise Stale(STALE_MESSAGE)
    clean = validate_position_data(data)
    changed = {name for name in EDITABLE_FIELDS if getattr(position, name) != clean[name]}
    if not changed:
        return changed
    needs_review = position.status is PositionStatus.OPEN and bool(changed & REVIEWED_FIELDS)
    if needs_review or position.awaiting_review:
        refuse_blocking(clean["title"], clean["description"])
    for name in changed:
        setattr(position, name, clean[name])
    if changed & CHANNEL_FIELDS:
        position.revision += 1
    record_audit(
        "position.update",
        position,
        by=by,
        summary={"fields": sorted(changed), "revision": position.revision},
    )
    db.session.flush()
    if needs_review:
        set_position_status(position, PositionStatus.PENDING, by=by)
    elif position.status is PositionStatus.OPEN and changed & CHANNEL_FIELDS:
        position_changed.send(position, reason="revised")
    return changed


def duplicate_position(position: Position, *, by) -> Position:
    """Copy a position into a new draft of the same employer, valid for as long as allowed."""
    _require_owner(by, position)
    copy = Position(employer=position.employer, status=PositionStatus.DRAFT)
    for name in EDITABLE_FIELDS:
        setattr(copy, name, getattr(position, name))
    copy.title = f"{position.title}（副本）"[:MAX_TITLE]
    today = local_today()
    if copy.valid_until < today:
        copy.valid_until = today + timedelta(days=DEFAULT_VALID_DAYS)
    db.session.add(copy)
    db.session.flush()
    record_audit("position.duplicate", copy, by=by, summary={"from": position.id})
    return copy


def submit_position(position: Position, *, by, explanation: str | None = None) -> list[Flag]:
    """Send a draft to review after screening; return the flags the reviewer will see.

    A blocking phrase refuses the submission unless the employer explains why it is no
    restriction; the explanation is recorded with the flags for the reviewer.
    """
    _require_owner(by, position)
    _require_approved(position.employer)
    if not position.can_submit:
        raise Conflict(f"岗位状态为“{position.status.label}”，只有草稿可以提交审核。")
    if position.valid_until < local_today():
        raise Invalid("有效期至：已过期，请先修改有效期。", field="valid_until")
    explanation = (explanation or "").strip() or None
    if explanation and len(explanation) > MAX_EXPLANATION:
        raise Invalid(f"说明：不能超过 {MAX_EXPLANATION} 个字。", field="explanation")
    flags = refuse_blocking(position.title, position.description, explanation=explanation)
    set_position_status(position, PositionStatus.PENDING, by=by)
    if flags:
        summary = {
            "blocks": [f.phrase for f in flags if f.blocks],
            "warnings": [f.phrase for f in flags if not f.blocks],
        }
        if explanation and summary["blocks"]:
            summary["explanation"] = explanation
        record_audit("position.screening", position, by=by, summary=summary)
    return flags


def close_position(position: Position, *, filled: bool = False, by) -> None:
    """Stop recruiting: closed, or filled (an open position only)."""
    _require_owner(by, position)
    if filled:
        if not position.can_mark_filled:
            raise Conflict(f"岗位状态为“{position.status.label}”，只有招聘中的岗位可以标记已招满。")
    elif not position.can_close:
        raise Conflict(f"岗位状态为“{position.status.label}”，无需关闭。")
    set_position_status(position, PositionStatus.FILLED if filled else PositionStatus.CLOSED, by=by)


def reopen_position(position: Position, *, by) -> None:
    """Reopen a closed, filled or expired position; one never approved goes through review."""
    _require_owner(by, position)
    _require_approved(position.employer)
    if not position.can_reopen:
        raise Conflict(f"岗位状态为“{position.status.label}”，不能重新开放。")
    if position.valid_until < local_today():
        raise Invalid("有效期至：已过期，请先修改有效期再重新开放。", field="valid_until")
    if position.published_at is None:
        set_position_status(position, PositionStatus.DRAFT, by=by)
        submit_position(position, by=by)
        return
    set_position_status(position, PositionStatus.OPEN, by=by)

"""Suspending an employer, and reinstating it: admins only, audited, announced to the channels.

A suspended employer's positions leave the public site and every channel (the sync domain
hears `employer_changed` and withdraws them in the same transaction); reinstating it publishes
them again. Every door (the admin page, the API, `flask employers`) calls these two functions.
"""

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.auth.actors import Actor
from recruit.auth.models import Role
from recruit.auth.scope import require_role
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.employers.review import MAX_REVIEW_NOTE
from recruit.employers.signals import employer_changed
from recruit.errors import Conflict, Invalid, NotFound
from recruit.extensions import db

NOT_ADMIN = "只有系统管理员可以暂停或恢复企业。"
NOTE_REQUIRED = "暂停原因：请填写原因，企业会看到它。"
NOTE_TOO_LONG = f"暂停原因：不能超过{MAX_REVIEW_NOTE}个字。"
NOT_FOUND = "企业不存在。"
#: Employers listed on the admin page per page.
PER_PAGE = 20


def not_approved(employer: Employer) -> str:
    return f"{employer.name}：当前为“{employer.status.label}”，只有已通过的企业可以暂停。"


def not_suspended(employer: Employer) -> str:
    return f"{employer.name}：当前为“{employer.status.label}”，只有已暂停的企业可以恢复。"


def admin_employer(actor: Actor, employer_id: int) -> Employer:
    """Return any employer for an admin (Forbidden for others, NotFound if none)."""
    require_role(actor, Role.ADMIN, message=NOT_ADMIN)
    employer = db.session.get(Employer, employer_id)
    if employer is None:
        raise NotFound(NOT_FOUND)
    return employer


def admin_employer_by_uscc(actor: Actor, uscc: str) -> Employer:
    """Return the employer with this USCC for an admin (NotFound if none)."""
    require_role(actor, Role.ADMIN, message=NOT_ADMIN)
    employer = db.session.scalar(
        sa.select(Employer).where(Employer.uscc == (uscc or "").strip().upper())
    )
    if employer is None:
        raise NotFound(NOT_FOUND)
    return employer


def employers_query(actor: Actor, text: str = "", status: EmployerStatus | None = None):
    """Select employers for the admin page: by name or USCC, by status, newest first."""
    require_role(actor, Role.ADMIN, message=NOT_ADMIN)
    query = sa.select(Employer)
    text = (text or "").strip()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(
            sa.or_(
                Employer.name.ilike(f"%{escaped}%", escape="\\"),
                Employer.uscc == text.upper(),
            )
        )
    if status is not None:
        query = query.where(Employer.status == status)
    return query.order_by(Employer.created_at.desc(), Employer.id.desc())


def suspend_employer(employer: Employer, *, by: Actor, note: str) -> Employer:
    """Suspend an approved employer with a reason it sees; its positions leave every channel.

    Raises Forbidden unless an admin, Invalid without a reason (or one too long), Conflict
    unless the employer is approved.
    """
    require_role(by, Role.ADMIN, message=NOT_ADMIN)
    note = (note or "").strip()
    if not note:
        raise Invalid(NOTE_REQUIRED, field="note")
    if len(note) > MAX_REVIEW_NOTE:
        raise Invalid(NOTE_TOO_LONG, field="note")
    if employer.status is not EmployerStatus.APPROVED:
        raise Conflict(not_approved(employer))
    return _set_status(employer, EmployerStatus.SUSPENDED, note, by, "employer.suspend")


def reinstate_employer(employer: Employer, *, by: Actor) -> Employer:
    """Reinstate a suspended employer; its open positions are published again.

    Raises Forbidden unless an admin, Conflict unless the employer is suspended.
    """
    require_role(by, Role.ADMIN, message=NOT_ADMIN)
    if employer.status is not EmployerStatus.SUSPENDED:
        raise Conflict(not_suspended(employer))
    return _set_status(employer, EmployerStatus.APPROVED, None, by, "employer.reinstate")


def _set_status(
    employer: Employer, status: EmployerStatus, note: str | None, by: Actor, action: str
) -> Employer:
    before = employer.status
    employer.status = status
    employer.review_note = note
    employer.reviewed_at = utcnow()
    db.session.flush()
    summary = {"status": [before.value, status.value]}
    if note:
        summary["note"] = note
    record_audit(action, employer, by=by, summary=summary)
    employer_changed.send(employer, reason=status.value)
    return employer

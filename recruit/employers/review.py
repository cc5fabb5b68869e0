"""Review of employer registrations by staff: approve, or reject with a reason.

Only staff review, and only employers registered inside their region scope: any other employer
is NotFound to them, exactly like one that does not exist.
"""

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.auth.scope import STAFF, in_scope, require_role, where_in_scope
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.employers.signals import employer_changed
from recruit.errors import Conflict, Invalid, NotFound
from recruit.extensions import db
from recruit.notify.events import employer_reviewed

#: The longest review note (employers and positions); the employer reads it.
MAX_REVIEW_NOTE = 500
NOTE_TOO_LONG = f"审核意见：不能超过{MAX_REVIEW_NOTE}个字。"


def pending_employers(actor) -> sa.Select:
    """Select employers waiting for review inside the staff actor's scope, oldest first."""
    require_role(actor, *STAFF)
    query = sa.select(Employer).where(Employer.status == EmployerStatus.PENDING)
    query = where_in_scope(query, actor, Employer.region_code)
    return query.order_by(Employer.created_at, Employer.id)


def review_employer(employer: Employer, approve: bool, *, by, note: str = "") -> None:
    """Approve or reject a pending employer; a rejection needs a reason the employer sees."""
    require_role(by, *STAFF)
    if not in_scope(by, employer.region_code):
        raise NotFound("企业不存在或不在您的管辖范围内。")
    if employer.status is not EmployerStatus.PENDING:
        raise Conflict(f"{employer.name}：当前为“{employer.status.label}”，无需审核。")
    note = (note or "").strip()
    if not approve and not note:
        raise Invalid("不通过原因：请填写原因，企业会看到它。", field="note")
    if len(note) > MAX_REVIEW_NOTE:
        raise Invalid(NOTE_TOO_LONG, field="note")
    before = employer.status
    employer.status = EmployerStatus.APPROVED if approve else EmployerStatus.REJECTED
    employer.review_note = note or None
    employer.reviewed_at = utcnow()
    db.session.flush()
    record_audit(
        f"employer.{employer.status.value}",
        employer,
        by=by,
        summary={"status": [before.value, employer.status.value]},
    )
    employer_changed.send(employer, reason=employer.status.value)
    employer_reviewed(employer)

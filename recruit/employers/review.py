"""Review of employer registrations by organizers: approve or reject with a reason."""

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.auth.scope import scope_region_codes
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.employers.signals import employer_changed
from recruit.extensions import db


class ReviewError(ValueError):
    """A review decision that cannot be taken; the message is for the reviewer."""


def pending_employers(user) -> sa.Select:
    """Select employers waiting for review inside the user's region scope, oldest first."""
    query = sa.select(Employer).where(Employer.status == EmployerStatus.PENDING)
    codes = scope_region_codes(user)
    if codes is not None:
        query = query.where(Employer.region_code.in_(codes))
    return query.order_by(Employer.created_at, Employer.id)


def review_employer(employer: Employer, approve: bool, *, by, note: str = "") -> None:
    """Approve or reject a pending employer; a rejection needs a reason the employer sees."""
    if employer.status is not EmployerStatus.PENDING:
        raise ReviewError(f"{employer.name}：当前为“{employer.status.label}”，无需审核。")
    note = (note or "").strip()
    if not approve and not note:
        raise ReviewError("不通过原因：请填写原因，企业会看到它。")
    if len(note) > 500:
        raise ReviewError("审核意见：不能超过500个字。")
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

"""An employer's own profile: edits applied at once, and changes that go back to review.

Address, contact, size and industry chain are the employer's to correct: they apply at once.
Name, USCC and region identify the employer to the public and the bureau: once the employer
is approved, a change of them is an EmployerChange that an organizer of the employer's region
approves or rejects (with a reason); the old values stay public until it is approved. Every
edit is audited with the account that made it, and whatever the posting document carries goes
out to the channels through the desired state (the positions' revision moves).
"""

import logging
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.auth.models import Role
from recruit.auth.scope import STAFF, in_scope, require_employer_write, require_role, where_in_scope
from recruit.db_types import utcnow
from recruit.employers.models import ChangeStatus, Employer, EmployerChange, EmployerStatus
from recruit.employers.review import MAX_REVIEW_NOTE, NOTE_TOO_LONG
from recruit.employers.services import USCC_TAKEN, clean_employer_fields, uscc_taken
from recruit.employers.signals import employer_changed
from recruit.errors import Conflict, Invalid, NotFound
from recruit.extensions import db
from recruit.links import public_url
from recruit.notify.services import send_to_employer
from recruit.positions.models import Position

logger = logging.getLogger(__name__)

#: Fields the employer changes at once.
DIRECT_FIELDS = ("address", "contact_name", "contact_phone", "size", "industry_chain")
#: Fields whose change an organizer reviews once the employer is approved.
REVIEWED_FIELDS = ("name", "uscc", "region_code")
#: Employer fields the posting document carries (recruit.sync.documents): a change of any of
#: them is a new revision of every position of the employer. (The industry chain is not in the
#: document; it decides which channels' scope the positions are in, which the refresh redoes.)
DOCUMENT_FIELDS = frozenset({"name", "uscc", "region_code", "size", "address"})
#: The statuses in which nothing of the employer is public yet: every edit applies at once.
UNREVIEWED = (EmployerStatus.PENDING, EmployerStatus.REJECTED)
FIELD_LABELS = {
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "region_code": "所在地区",
    "address": "单位地址",
    "contact_name": "联系人",
    "contact_phone": "手机号码",
    "size": "企业规模",
    "industry_chain": "所属产业链",
}
NO_CHANGE = "变更申请不存在或不在您的管辖范围内。"


@dataclass
class ProfileEdit:
    """What an edit did: the fields applied at once, and the change sent to review, if any."""

    applied: list[str] = field(default_factory=list)
    change: EmployerChange | None = None
    withdrawn: EmployerChange | None = None

    @property
    def changed(self) -> bool:
        return bool(self.applied or self.change or self.withdrawn)


def field_labels(names: list[str]) -> str:
    """Return the Chinese names of fields, joined (企业名称、所在地区)."""
    return "、".join(FIELD_LABELS.get(name, name) for name in names)


def pending_change(employer: Employer) -> EmployerChange | None:
    """Return the employer's change waiting for review, if any."""
    return db.session.scalar(
        sa.select(EmployerChange).where(
            EmployerChange.employer_id == employer.id,
            EmployerChange.status == ChangeStatus.PENDING,
        )
    )


def latest_decided_change(employer: Employer) -> EmployerChange | None:
    """Return the employer's last reviewed change (the employer sees a rejection's reason)."""
    return db.session.scalar(
        sa.select(EmployerChange)
        .where(
            EmployerChange.employer_id == employer.id,
            EmployerChange.status.in_((ChangeStatus.APPROVED, ChangeStatus.REJECTED)),
        )
        .order_by(EmployerChange.reviewed_at.desc(), EmployerChange.id.desc())
        .limit(1)
    )


def own_employer(actor) -> Employer:
    """Return the employer account's own employer."""
    require_role(actor, Role.EMPLOYER)
    return actor.employer


def announce_profile_change(employer: Employer, fields: set[str]) -> None:
    """Send what the channels show of the employer out again through the desired state.

    A change of a field the posting document carries is a new revision of each of the
    employer's positions (an UPDATE that leaves their edit lock alone: the positions' own
    content did not change); the sync's receivers write the channel rows in this transaction.
    """
    if fields & DOCUMENT_FIELDS:
        db.session.execute(
            sa.update(Position)
            .where(Position.employer_id == employer.id)
            .values(revision=Position.revision + 1),
            execution_options={"synchronize_session": "fetch"},
        )
    employer_changed.send(employer, reason="profile")


def update_profile(employer: Employer, data: dict[str, Any], *, by) -> ProfileEdit:
    """Apply an edit of the employer's profile by one of its writing accounts.

    Direct fields apply at once. Name, USCC and region: applied at once while the employer has
    not been approved (nothing of it is public); otherwise a change under review, replacing
    one already waiting (the same values keep it; the current values withdraw it).
    """
    require_employer_write(by)
    if employer.id != by.employer_id:
        raise NotFound("企业不存在。")
    errors: dict[str, str] = {}
    clean = clean_employer_fields(data, errors, employer=employer)
    if errors:
        raise Invalid(errors=errors)

    edit = ProfileEdit()
    before = {name: getattr(employer, name) for name in DIRECT_FIELDS + REVIEWED_FIELDS}
    for name in DIRECT_FIELDS:
        if clean[name] != before[name]:
            setattr(employer, name, clean[name])
            edit.applied.append(name)

    asked = {name: clean[name] for name in REVIEWED_FIELDS}
    if employer.status in UNREVIEWED:
        for name in REVIEWED_FIELDS:
            if asked[name] != before[name]:
                setattr(employer, name, asked[name])
                edit.applied.append(name)
    else:
        edit.change, edit.withdrawn = _ask_for_change(employer, asked, by=by)

    if edit.applied:
        db.session.flush()
        record_audit(
            "employer.profile_update",
            employer,
            by=by,
            summary={"fields": edit.applied, **_visible_changes(before, employer, edit.applied)},
        )
        announce_profile_change(employer, set(edit.applied))
    return edit


def _visible_changes(before: dict, employer: Employer, names: list[str]) -> dict[str, list]:
    """Return before → after of the fields that are no person's contact (size, chain …)."""
    shown = {}
    for name in names:
        if name in ("contact_name", "contact_phone"):
            continue
        old, new = before[name], getattr(employer, name)
        shown[name] = [_plain(old), _plain(new)]
    return shown


def _plain(value: Any) -> Any:
    if value is None:
        return None
    return getattr(value, "code", None) or getattr(value, "value", None) or value


def _ask_for_change(
    employer: Employer, asked: dict[str, Any], *, by
) -> tuple[EmployerChange | None, EmployerChange | None]:
    """Open (or keep, or withdraw) the change of name, USCC and region; return (new, withdrawn)."""
    waiting = pending_change(employer)
    if waiting is not None:
        if all(getattr(waiting, name) == value for name, value in asked.items()):
            return None, None
        waiting.status = ChangeStatus.WITHDRAWN
        waiting.reviewed_at = utcnow()
        record_audit("employer.change_withdraw", employer, by=by, summary={"change": waiting.id})
        db.session.flush()
    if all(getattr(employer, name) == value for name, value in asked.items()):
        return None, waiting
    change = EmployerChange(
        employer=employer,
        old_name=employer.name,
        old_uscc=employer.uscc,
        old_region_code=employer.region_code,
        requested_by_id=by.id,
        **asked,
    )
    db.session.add(change)
    db.session.flush()
    record_audit(
        "employer.change_request",
        employer,
        by=by,
        summary={"change": change.id, "fields": change.changed_fields},
    )
    logger.info("Employer %s asked for a change of %s", employer.id, change.changed_fields)
    return change, waiting


def withdraw_change(employer: Employer, *, by) -> EmployerChange:
    """Withdraw the employer's change waiting for review."""
    require_employer_write(by)
    if employer.id != by.employer_id:
        raise NotFound("企业不存在。")
    waiting = pending_change(employer)
    if waiting is None:
        raise Conflict("没有待审核的变更申请。")
    waiting.status = ChangeStatus.WITHDRAWN
    waiting.reviewed_at = utcnow()
    record_audit("employer.change_withdraw", employer, by=by, summary={"change": waiting.id})
    return waiting


# --- the organizer's review ------------------------------------------------------------------


def pending_changes(actor) -> sa.Select:
    """Select the changes waiting for review of employers in the staff actor's scope."""
    require_role(actor, *STAFF)
    query = (
        sa.select(EmployerChange)
        .join(Employer, Employer.id == EmployerChange.employer_id)
        .where(EmployerChange.status == ChangeStatus.PENDING)
    )
    query = where_in_scope(query, actor, Employer.region_code)
    return query.order_by(EmployerChange.requested_at, EmployerChange.id)


def get_change(actor, change_id: int) -> EmployerChange:
    """Return a change of an employer in the staff actor's scope, else NotFound."""
    require_role(actor, *STAFF)
    change = db.session.get(EmployerChange, change_id)
    if change is None or not in_scope(actor, change.employer.region_code):
        raise NotFound(NO_CHANGE)
    return change


def review_change(change: EmployerChange, approve: bool, *, by, note: str = "") -> None:
    """Approve (the new values become public) or reject with a reason the employer sees."""
    require_role(by, *STAFF)
    employer = change.employer
    if not in_scope(by, employer.region_code):
        raise NotFound(NO_CHANGE)
    if change.status is not ChangeStatus.PENDING:
        raise Conflict(f"该变更申请当前为“{change.status.label}”，无需审核。")
    note = (note or "").strip()
    if not approve and not note:
        raise Invalid("不通过原因：请填写原因，企业会看到它。", field="note")
    if len(note) > MAX_REVIEW_NOTE:
        raise Invalid(NOTE_TOO_LONG, field="note")
    fields = change.changed_fields
    if approve:
        if "uscc" in fields and uscc_taken(change.uscc, employer):
            raise Conflict(USCC_TAKEN, field="uscc")
        before = {name: getattr(employer, name) for name in REVIEWED_FIELDS}
        employer.name = change.name
        employer.uscc = change.uscc
        employer.region_code = change.region_code
    change.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
    change.reviewed_by_id = by.id
    change.reviewed_at = utcnow()
    change.review_note = note or None
    db.session.flush()
    summary: dict[str, Any] = {"change": change.id, "fields": fields}
    if approve:
        summary.update({name: [before[name], getattr(employer, name)] for name in fields})
    record_audit(f"employer.change_{change.status.value}", employer, by=by, summary=summary)
    params = {
        "fields": field_labels(fields),
        "url": public_url("employer.profile"),
    }
    if approve:
        announce_profile_change(employer, set(fields))
        send_to_employer(employer, "employer_change_approved", params)
    else:
        send_to_employer(employer, "employer_change_rejected", {**params, "reason": note})

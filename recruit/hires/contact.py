"""The one gate through which a seeker's full phone and ID number leave the product.

Everywhere else they are shown masked (TentativeHire.masked_phone / masked_id_number). The gate
checks who asks: staff see the phone and the ID number of intents at fairs in their region
scope; an employer sees the phone (to call back) of intents made for its own positions, never
the ID number; nobody else sees either. Every disclosure writes an audit entry naming who saw
which intents and why; an export additionally needs the password typed again recently.
"""

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from recruit.audit.services import record_audit
from recruit.auth.models import Role
from recruit.auth.scope import STAFF, require_role
from recruit.db_types import utcnow
from recruit.errors import Forbidden, ReauthenticationRequired
from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.fairs.queries import require_fair_access
from recruit.hires.imports import TEMPLATE_COLUMNS
from recruit.hires.intents import fair_hires, require_hire_access
from recruit.hires.models import TentativeHire
from recruit.hires.privacy import REMOVED_NAME
from recruit.refdata.codes import PriorityGroup
from recruit.spreadsheets import TypedBook

#: The most intents whose ids one audit entry lists (the count is always exact).
AUDITED_IDS = 200


@dataclass(frozen=True)
class Contact:
    """A seeker's contact details as disclosed to one actor."""

    hire_id: int
    seeker_name: str
    seeker_phone: str | None
    #: None for employers: they never see it.
    seeker_id_number: str | None


def _fields(actor) -> tuple[str, ...]:
    """Return which personal fields the actor may see (Forbidden for roles that see none)."""
    if actor.role is Role.EMPLOYER:
        return ("seeker_phone",)
    require_role(actor, *STAFF, message="当前账号无权查看求职者的联系方式。")
    return ("seeker_phone", "seeker_id_number")


def _contact(hire: TentativeHire, fields: tuple[str, ...]) -> Contact:
    return Contact(
        hire_id=hire.id,
        seeker_name=hire.seeker_name,
        seeker_phone=hire.seeker_phone if "seeker_phone" in fields else None,
        seeker_id_number=hire.seeker_id_number if "seeker_id_number" in fields else None,
    )


def disclose_contact(actor, hire: TentativeHire, *, purpose: str) -> Contact:
    """Return one intent's contact details for the actor, and audit the disclosure."""
    fields = _fields(actor)
    require_hire_access(actor, hire)
    record_audit(
        "hire.view_pii",
        hire,
        by=actor,
        summary={"fair_id": hire.fair_id, "purpose": purpose, "fields": list(fields)},
    )
    return _contact(hire, fields)


def disclose_contacts(actor, hires: list[TentativeHire], *, purpose: str) -> dict[int, Contact]:
    """Return the contact details of several intents by id, with one audit entry for them all."""
    if not hires:
        return {}
    fields = _fields(actor)
    for hire in hires:
        require_hire_access(actor, hire)
    ids = sorted(hire.id for hire in hires)
    record_audit(
        "hire.view_pii",
        object_type="tentative_hires",
        by=actor,
        summary={
            "count": len(ids),
            "ids": ids[:AUDITED_IDS],
            "purpose": purpose,
            "fields": list(fields),
        },
    )
    return {hire.id: _contact(hire, fields) for hire in hires}


@dataclass(frozen=True)
class ApplicantContact:
    """An applicant's name and mobile as disclosed to the employer applied to, or to staff."""

    application_id: int
    name: str
    phone: str | None


def disclose_applicants(actor, applications: list, *, purpose: str) -> dict[int, ApplicantContact]:
    """Return applicants' names and mobiles by application id, with one audit entry.

    The seeker consented to hand them to the employer applied to (DESIGN §7); staff in the
    fair's scope see them too. The caller selected the applications through
    recruit.seekers.services.fair_applications, which keeps each actor to its own.
    """
    if not applications:
        return {}
    if actor.role is not Role.EMPLOYER:
        require_role(actor, *STAFF, message="当前账号无权查看求职者的联系方式。")
    for application in applications:
        if actor.role is Role.EMPLOYER and application.employer_id != actor.employer_id:
            raise Forbidden("只能查看投递到本单位岗位的求职者。")
    ids = sorted(application.id for application in applications)
    record_audit(
        "application.view_pii",
        object_type="applications",
        by=actor,
        summary={"count": len(ids), "ids": ids[:AUDITED_IDS], "purpose": purpose},
    )
    return {
        application.id: ApplicantContact(
            application_id=application.id,
            name=application.seeker.name or REMOVED_NAME,
            phone=application.seeker.seeker_phone,
        )
        for application in applications
    }


def require_recent_password(checked_at: datetime | None) -> None:
    """Refuse a bulk disclosure unless the password was typed within RECENT_LOGIN_MINUTES."""
    window = timedelta(minutes=current_app.config["RECENT_LOGIN_MINUTES"])
    if checked_at is None or utcnow() - checked_at > window:
        raise ReauthenticationRequired("导出含求职者个人信息的数据前，请再次输入密码确认身份。")


def export_hires(fair: Fair, *, by, password_checked_at: datetime | None) -> bytes:
    """Return the fair's intents as .xlsx with full contact details; the export is audited.

    Only staff in scope, and only within minutes of typing the password again.
    """
    require_role(by, *STAFF, message="当前账号无权导出求职者信息。")
    require_fair_access(by, fair)
    require_recent_password(password_checked_at)
    buffer = io.BytesIO()
    # constant_memory: rows go to disk as written; the column widths are set at close.
    book = TypedBook(buffer, styles={"bold": {"bold": True}}, in_memory=True, constant_memory=True)
    sheet = book.add_sheet("就业意向")
    header = ("编号", *TEMPLATE_COLUMNS[:6], "岗位", "用人单位", "状态", "登记时间", "来源")
    sheet.write_row(0, header, "bold")
    sheet.sheet.freeze_panes(1, 0)
    count = 0
    rows = db.session.scalars(fair_hires(fair).order_by(None).order_by(TentativeHire.id))
    for row, hire in enumerate(rows, start=1):
        groups = "、".join(PriorityGroup(g).label for g in hire.priority_groups)
        values = (
            hire.id,
            hire.seeker_name,
            hire.gender.label if hire.gender else "",
            hire.seeker_phone or "",
            hire.seeker_id_number or "",
            hire.education.label if hire.education else "",
            groups,
            hire.position.title,
            hire.position.employer.name,
            hire.outcome.label,
            hire.recorded_at,  # a date and time cell, in local time
            hire.source.label,
        )
        # Names and titles are typed by seekers and employers: "=HYPERLINK(…)" stays text.
        sheet.write_row(row, values)
        count = row
    book.close()
    record_audit("hire.export", fair, by=by, summary={"fair_id": fair.id, "rows": count})
    return buffer.getvalue()

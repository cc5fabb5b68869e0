"""Employers: the scoped lookup, registration, and what the public may see of one."""

import logging
import re
from typing import Any

import sqlalchemy as sa
from flask import current_app

from recruit.audit.services import record_audit
from recruit.auth.contact import read_email, read_mobile
from recruit.auth.models import EmployerRole, Role, User
from recruit.auth.scope import STAFF, in_scope
from recruit.auth.services import create_user, read_new_login
from recruit.employers.models import ChangeStatus, Employer, EmployerChange, EmployerStatus
from recruit.errors import Invalid, NotFound
from recruit.extensions import db
from recruit.positions.models import Position, public_clause
from recruit.refdata import codes
from recruit.refdata.codes import EmployerSize
from recruit.refdata.models import IndustryChain, Region
from recruit.refdata.services import get_industry_chain, region_codes_within
from recruit.uow import register_unique_race
from recruit.validators import (
    mobile_error,
    normalize_mobile,
    normalize_uscc,
    read_text,
    uscc_error,
)

logger = logging.getLogger(__name__)

_INDUSTRY_CLASS_RE = re.compile(r"^\d{4}$")
USCC_TAKEN = "统一社会信用代码：该企业已注册。如需新增账号或找回密码，请联系所在地就业服务中心。"

register_unique_race("employers", ("uscc",), "uscc", USCC_TAKEN)


def get_employer(actor, employer_id: int) -> Employer:
    """Return the employer if the actor may reach it: staff in scope, or the employer itself.

    Organizers reach employers registered in their region scope; an employer account reaches
    only its own; anything else is NotFound, exactly like an id that does not exist.
    """
    employer = db.session.get(Employer, employer_id)
    if employer is not None:
        if actor.has_role(*STAFF) and in_scope(actor, employer.region_code):
            return employer
        if actor.role is Role.EMPLOYER and actor.employer_id == employer.id:
            return employer
    raise NotFound("企业不存在或不在您的管辖范围内。")


def get_public_employer(employer_id: int) -> Employer:
    """Return an employer anyone may look at (approved), else NotFound."""
    employer = db.session.get(Employer, employer_id)
    if employer is None or not employer.is_public:
        raise NotFound("企业不存在。")
    return employer


def public_positions(employer: Employer) -> sa.Select:
    """Select the employer's public positions, newest published first (as the search shows)."""
    return (
        sa.select(Position)
        .join(Employer, Employer.id == Position.employer_id)
        .where(Position.employer_id == employer.id, public_clause())
        .order_by(Position.published_at.desc(), Position.id.desc())
    )


def uscc_taken(uscc: str, employer: Employer | None = None) -> bool:
    """Whether another employer holds this USCC, or asked for it in a change under review."""
    other = sa.select(Employer.id).where(Employer.uscc == uscc)
    asked = sa.select(EmployerChange.id).where(
        EmployerChange.uscc == uscc, EmployerChange.status == ChangeStatus.PENDING
    )
    if employer is not None:
        other = other.where(Employer.id != employer.id)
        asked = asked.where(EmployerChange.employer_id != employer.id)
    return bool(db.session.scalar(other) or db.session.scalar(asked))


def clean_employer_fields(
    data: dict[str, Any], errors: dict[str, str], *, employer: Employer | None = None
) -> dict[str, Any]:
    """Return the checked profile fields of an employer; note each bad one in `errors`.

    One rule for registration and later edits: name, USCC (GB 32100, unique among employers
    other than `employer`), region (a current district of the city), industry chain, size,
    address, contact name and mobile.
    """

    def text(name: str, label: str, max_len: int) -> str | None:
        return read_text(data, name, label, max_len, errors, required=True)

    clean: dict[str, Any] = {
        "name": text("name", "企业名称", 120),
        "address": text("address", "单位地址", 200),
        "contact_name": text("contact_name", "联系人", 40),
    }

    uscc = normalize_uscc(data.get("uscc") or "")
    if not uscc:
        errors["uscc"] = "统一社会信用代码：必填。"
    elif problem := uscc_error(uscc):
        errors["uscc"] = f"统一社会信用代码：{problem}。"
    elif uscc_taken(uscc, employer):
        errors["uscc"] = USCC_TAKEN
    clean["uscc"] = uscc

    region_code = (data.get("region_code") or "").strip()
    region = db.session.get(Region, region_code) if region_code else None
    city = current_app.config["CITY_REGION_CODE"]
    if region is None or not region.is_current or region_code not in region_codes_within(city):
        errors["region_code"] = "所在地区：请选择本市现行的区县。"
    clean["region_code"] = region_code

    # Pages send the chain's id (a select); the API sends its code ("industry_chain").
    chain = None
    chain_id = str(data.get("industry_chain_id") or "").strip()
    chain_code = str(data.get("industry_chain") or "").strip()
    if chain_id:
        chain = db.session.get(IndustryChain, int(chain_id)) if chain_id.isdigit() else None
        if chain is None or not (chain.active or chain is getattr(employer, "industry_chain", 0)):
            errors["industry_chain_id"] = "所属产业链：请从列表中选择。"
    elif chain_code:
        chain = get_industry_chain(chain_code)
        if chain is None or not (chain.active or chain is getattr(employer, "industry_chain", 0)):
            errors["industry_chain"] = "所属产业链：不存在。"
    clean["industry_chain"] = chain

    size = None
    if data.get("size"):
        try:
            size = EmployerSize(data["size"])
        except ValueError:
            errors["size"] = "企业规模：请从列表中选择。"
    clean["size"] = size

    phone = (data.get("contact_phone") or "").strip()
    if not phone:
        errors["contact_phone"] = "手机号码：必填。"
    elif problem := mobile_error(phone):
        errors["contact_phone"] = f"手机号码：{problem}。"
    else:
        phone = normalize_mobile(phone)
    clean["contact_phone"] = phone
    return clean


def register_employer(data: dict[str, Any]) -> User:
    """Add a pending employer and its first account; raise Invalid naming every bad field.

    The first account is the employer's administrator (it invites colleagues). The
    registration is audited as done by the new account itself.
    """
    errors: dict[str, str] = {}
    clean = clean_employer_fields(data, errors)
    contact_name = clean["contact_name"]

    section = (data.get("industry_section") or "").strip().upper()
    if section not in codes.INDUSTRY_SECTIONS:
        errors["industry_section"] = "行业门类：请选择 GB/T 4754 门类 A–T 之一。"
    industry_class = (data.get("industry_class") or "").strip() or None
    if industry_class and not _INDUSTRY_CLASS_RE.match(industry_class):
        errors["industry_class"] = "行业小类：应为 4 位数字（GB/T 4754），可不填。"

    # The account's own mobile (for 忘记密码 and messages): the contact mobile unless another
    # is given; both it and the optional e-mail wait for the person to verify them.
    account_mobile = read_mobile(data.get("account_mobile"), "account_mobile", errors, "登录手机号")
    if not (data.get("account_mobile") or "").strip() and "contact_phone" not in errors:
        account_mobile = clean["contact_phone"]
    account_email = read_email(data.get("account_email"), "account_email", errors, "邮箱")

    username, password = read_new_login(data, errors, name=contact_name)
    if errors:
        raise Invalid(errors=errors)

    employer = Employer(
        **clean,
        industry_section=section,
        industry_class=industry_class,
        status=EmployerStatus.PENDING,
    )
    # A registration racing ours loses at the unique constraint: the unit of work answers it.
    db.session.add(employer)
    db.session.flush()
    user = create_user(
        username, password, Role.EMPLOYER, employer_uscc=employer.uscc, display_name=contact_name
    )
    user.employer_role = EmployerRole.ADMIN
    user.mobile, user.email = account_mobile, account_email
    record_audit("employer.register", employer, by=user, summary={"status": "pending"})
    logger.info("Employer %s registered, waiting for review", employer.id)
    return user

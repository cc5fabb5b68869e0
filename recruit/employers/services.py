"""Employers: the scoped lookup, registration, and what the public may see of one."""

import logging
import re
from typing import Any

import sqlalchemy as sa
from flask import current_app

from recruit.audit.services import record_audit
from recruit.auth.models import Role, User
from recruit.auth.scope import STAFF, in_scope
from recruit.auth.services import USERNAME_RE, check_password_policy, create_user
from recruit.employers.models import Employer, EmployerStatus
from recruit.errors import Invalid, NotFound
from recruit.extensions import db
from recruit.positions.models import Position, public_clause
from recruit.refdata import codes
from recruit.refdata.codes import EmployerSize
from recruit.refdata.models import IndustryChain, Region
from recruit.refdata.services import region_codes_within
from recruit.uow import register_unique_race
from recruit.validators import (
    is_valid_mobile,
    is_valid_uscc,
    normalize_mobile,
    normalize_uscc,
    read_text,
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


def register_employer(data: dict[str, Any]) -> User:
    """Add a pending employer and its first account; raise Invalid naming every bad field.

    The registration is audited as done by the new account itself.
    """
    errors: dict[str, str] = {}

    def text(name: str, label: str, max_len: int) -> str | None:
        return read_text(data, name, label, max_len, errors, required=True)

    name = text("name", "企业名称", 120)
    address = text("address", "单位地址", 200)
    contact_name = text("contact_name", "联系人", 40)

    uscc = normalize_uscc(data.get("uscc") or "")
    if not uscc:
        errors["uscc"] = "统一社会信用代码：必填。"
    elif not is_valid_uscc(uscc):
        errors["uscc"] = "统一社会信用代码：校验不通过，请核对营业执照上的 18 位代码。"
    elif db.session.scalar(sa.select(Employer.id).where(Employer.uscc == uscc)):
        errors["uscc"] = USCC_TAKEN

    region_code = (data.get("region_code") or "").strip()
    region = db.session.get(Region, region_code) if region_code else None
    city = current_app.config["CITY_REGION_CODE"]
    if region is None or not region.is_current or region_code not in region_codes_within(city):
        errors["region_code"] = "所在地区：请选择本市现行的区县。"

    section = (data.get("industry_section") or "").strip().upper()
    if section not in codes.INDUSTRY_SECTIONS:
        errors["industry_section"] = "行业门类：请选择 GB/T 4754 门类 A–T 之一。"
    industry_class = (data.get("industry_class") or "").strip() or None
    if industry_class and not _INDUSTRY_CLASS_RE.match(industry_class):
        errors["industry_class"] = "行业小类：应为 4 位数字（GB/T 4754），可不填。"

    chain = None
    chain_id = str(data.get("industry_chain_id") or "").strip()
    if chain_id:
        chain = db.session.get(IndustryChain, int(chain_id)) if chain_id.isdigit() else None
        if chain is None or not chain.active:
            errors["industry_chain_id"] = "所属产业链：请从列表中选择。"

    size = None
    if data.get("size"):
        try:
            size = EmployerSize(data["size"])
        except ValueError:
            errors["size"] = "企业规模：请从列表中选择。"

    phone = (data.get("contact_phone") or "").strip()
    if not phone:
        errors["contact_phone"] = "手机号码：必填。"
    elif not is_valid_mobile(phone):
        errors["contact_phone"] = "手机号码：格式不正确，应为以 13–19 开头的 11 位数字。"
    else:
        phone = normalize_mobile(phone)

    username = (data.get("username") or "").strip()
    if not USERNAME_RE.match(username):
        errors["username"] = "登录用户名：须为 3–64 位字母、数字、下划线、点或连字符。"
    elif db.session.scalar(sa.select(User.id).where(User.username == username)):
        errors["username"] = f"登录用户名：“{username}”已被使用。"
    password = data.get("password") or ""
    try:
        check_password_policy(password, user_inputs=(username, contact_name))
    except Invalid as error:
        errors.update(error.errors)
    if "password" not in errors and password != data.get("password_confirm"):
        errors["password_confirm"] = "确认密码：两次输入的密码不一致。"
    if errors:
        raise Invalid(errors=errors)

    employer = Employer(
        name=name,
        uscc=uscc,
        region_code=region_code,
        industry_section=section,
        industry_class=industry_class,
        industry_chain=chain,
        size=size,
        address=address,
        contact_name=contact_name,
        contact_phone=phone,
        status=EmployerStatus.PENDING,
    )
    # A registration racing ours loses at the unique constraint: the unit of work answers it.
    db.session.add(employer)
    db.session.flush()
    user = create_user(
        username, password, Role.EMPLOYER, employer_uscc=uscc, display_name=contact_name
    )
    record_audit("employer.register", employer, by=user, summary={"status": "pending"})
    logger.info("Employer %s registered, waiting for review", employer.id)
    return user

"""Position operations shared by every domain; each announces what it changed."""

import logging
import re
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from recruit.audit.services import record_audit
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db
from recruit.formatting import local_today
from recruit.positions.models import Position, PositionStatus
from recruit.positions.screening import Flag, screen_text
from recruit.positions.signals import position_changed
from recruit.refdata import codes
from recruit.refdata.codes import Education, EmploymentType, Experience
from recruit.refdata.models import Region
from recruit.refdata.services import region_codes_within
from recruit.validators import is_valid_mobile, normalize_mobile

logger = logging.getLogger(__name__)


def set_position_status(
    position: Position, status: PositionStatus, *, by=None, note: str | None = None
) -> None:
    """Move a position to a status, record it, and announce the change."""
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


def expire_positions(today: date) -> int:
    """Mark open positions whose valid_until has passed as expired; return how many."""
    overdue = db.session.scalars(
        sa.select(Position).where(
            Position.status == PositionStatus.OPEN, Position.valid_until < today
        )
    ).all()
    for position in overdue:
        set_position_status(position, PositionStatus.EXPIRED)
    logger.info("Expired %d positions past their valid_until", len(overdue))
    return len(overdue)


# --- employer self-service -------------------------------------------------------------------

#: Fields an employer edits; each is a Position attribute of the same name.
EDITABLE_FIELDS = (
    "title",
    "occupation_major_group",
    "occupation_code",
    "openings",
    "salary_negotiable",
    "salary_min",
    "salary_max",
    "education",
    "experience",
    "employment_type",
    "work_region_code",
    "work_address",
    "description",
    "contact_name",
    "contact_phone",
    "valid_until",
)
#: Fields the reviewer judged: changing one sends a published position back to review.
REVIEWED_FIELDS = frozenset(
    {
        "title",
        "description",
        "occupation_major_group",
        "occupation_code",
        "salary_negotiable",
        "salary_min",
        "salary_max",
        "education",
        "experience",
        "employment_type",
        "work_region_code",
    }
)
#: Fields the channel posting document carries (DESIGN §4): a change bumps the revision.
CHANNEL_FIELDS = REVIEWED_FIELDS | {
    "openings",
    "work_address",
    "contact_name",
    "contact_phone",
    "valid_until",
}

_OCCUPATION_CODE_RE = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
#: Employment types paid by the month, to which the monthly minimum wage applies. Part-time
#: work has an hourly minimum instead, and interns are not employees under the labour law.
_MONTHLY_PAID = (EmploymentType.FULL_TIME, EmploymentType.TEMPORARY)


class PositionError(ValueError):
    """Position input that cannot be accepted; `errors` maps field names to Chinese messages."""

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"": errors}
        self.errors = errors
        super().__init__("；".join(errors.values()))


class StaleEditError(PositionError):
    """The position changed since the form was opened; the edit is refused, not merged."""

    def __init__(self):
        super().__init__("该岗位已被他人修改，请刷新页面后重新编辑。")


def minimum_monthly_wage(region_code: str) -> int:
    """Return the configured minimum monthly wage for a region, walking up to its parents."""
    table = current_app.config["MINIMUM_MONTHLY_WAGE"]
    code: str | None = region_code
    while code:
        if code in table:
            return table[code]
        region = db.session.get(Region, code)
        code = region.parent_code if region else None
    return table.get(current_app.config["CITY_REGION_CODE"], 0)


def validate_position_data(data: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """Return the cleaned position fields, or raise PositionError naming every bad field."""
    today = today or local_today()
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    def text(name: str, label: str, max_len: int, required: bool = False) -> str | None:
        value = (data.get(name) or "").strip()
        if required and not value:
            errors[name] = f"{label}：必填。"
        elif len(value) > max_len:
            errors[name] = f"{label}：不能超过 {max_len} 个字。"
        return value or None

    clean["title"] = text("title", "岗位名称", 80, required=True)
    clean["description"] = text("description", "岗位描述", 5000, required=True) or ""
    clean["work_address"] = text("work_address", "工作地址", 200)
    clean["contact_name"] = text("contact_name", "联系人", 40)
    phone = text("contact_phone", "联系电话", 20)
    if phone and not (is_valid_mobile(phone) or _LANDLINE_RE.match(phone)):
        errors["contact_phone"] = "联系电话：请填写手机号码或带区号的固定电话（如 0731-28888888）。"
    elif phone and is_valid_mobile(phone):
        phone = normalize_mobile(phone)
    clean["contact_phone"] = phone

    group = data.get("occupation_major_group")
    try:
        group = int(group)
    except (TypeError, ValueError):
        group = None
    if group not in codes.OCCUPATION_MAJOR_GROUPS:
        errors["occupation_major_group"] = "职业大类：请选择 1–8 大类之一。"
    clean["occupation_major_group"] = group
    occupation_code = text("occupation_code", "职业编码", 12)
    if occupation_code:
        if not _OCCUPATION_CODE_RE.match(occupation_code):
            errors["occupation_code"] = "职业编码：格式应为 X-XX-XX-XX（职业分类大典 2022）。"
        elif group and occupation_code[0] != str(group):
            errors["occupation_code"] = f"职业编码：应以所选大类 {group} 开头。"
    clean["occupation_code"] = occupation_code

    openings = data.get("openings")
    if not isinstance(openings, int) or isinstance(openings, bool):
        try:
            openings = int(str(openings).strip())
        except (TypeError, ValueError):
            openings = None
    if openings is None or openings < 1:
        errors["openings"] = "招聘人数：至少 1 人。"
    elif openings > 9999:
        errors["openings"] = "招聘人数：不能超过 9999 人。"
    clean["openings"] = openings

    for name, enum_cls, label in (
        ("education", Education, "学历要求"),
        ("experience", Experience, "工作经验"),
        ("employment_type", EmploymentType, "用工形式"),
    ):
        try:
            clean[name] = enum_cls(data.get(name) or next(iter(enum_cls)).value)
        except ValueError:
            errors[name] = f"{label}：请从列表中选择。"

    region_code = (data.get("work_region_code") or "").strip()
    region = db.session.get(Region, region_code) if region_code else None
    city = current_app.config["CITY_REGION_CODE"]
    if region is None or not region.is_current or region.code not in region_codes_within(city):
        errors["work_region_code"] = "工作地区：请选择本市现行的区县。"
    clean["work_region_code"] = region_code

    negotiable = bool(data.get("salary_negotiable"))
    clean["salary_negotiable"] = negotiable
    salary_min, salary_max = data.get("salary_min"), data.get("salary_max")
    if negotiable:
        clean["salary_min"] = clean["salary_max"] = None
    else:
        if salary_min is None or salary_max is None:
            errors["salary_min"] = "月薪：请填写最低和最高月薪，或勾选“面议”。"
        elif salary_min < 0 or salary_max < 0:
            errors["salary_min"] = "月薪：不能为负数。"
        elif salary_min > salary_max:
            errors["salary_max"] = "月薪：最高月薪不能低于最低月薪。"
        elif salary_max > 1_000_000:
            errors["salary_max"] = "月薪：数额过大，请以“元/月”填写。"
        elif "work_region_code" not in errors and clean.get("employment_type") in _MONTHLY_PAID:
            minimum = minimum_monthly_wage(region_code)
            if salary_min < minimum:
                errors["salary_min"] = (
                    f"月薪：最低月薪不得低于{region.name}最低工资标准 {minimum} 元/月。"
                )
        clean["salary_min"], clean["salary_max"] = salary_min, salary_max

    valid_until = data.get("valid_until")
    longest = current_app.config["POSITION_MAX_VALID_DAYS"]
    if not isinstance(valid_until, date):
        errors["valid_until"] = "有效期至：请填写日期。"
    elif valid_until < today:
        errors["valid_until"] = "有效期至：不能早于今天。"
    elif valid_until > today + timedelta(days=longest):
        errors["valid_until"] = f"有效期至：最长一年（不晚于 {today + timedelta(days=longest)}）。"
    clean["valid_until"] = valid_until

    if errors:
        raise PositionError(errors)
    return clean


def check_screening(position: Position) -> list[Flag]:
    """Raise PositionError on a blocking phrase; return the warnings for the reviewer."""
    return _refuse_blocking(position.title, position.description)


def _refuse_blocking(title: str | None, description: str | None) -> list[Flag]:
    flags = screen_text(title, description)
    blocking = [f for f in flags if f.blocks]
    if blocking:
        raise PositionError({"description": " ".join(f.message() for f in blocking)})
    return [f for f in flags if not f.blocks]


def _require_approved(employer: Employer) -> None:
    if employer.status is not EmployerStatus.APPROVED:
        raise PositionError(f"企业状态为“{employer.status.label}”，审核通过后才能提交岗位。")


def create_position(employer: Employer, data: dict[str, Any], *, by=None) -> Position:
    """Validate and add a draft position for the employer."""
    clean = validate_position_data(data)
    position = Position(employer=employer, status=PositionStatus.DRAFT, **clean)
    db.session.add(position)
    db.session.flush()
    record_audit("position.create", position, by=by, summary={"title": position.title})
    return position


def update_position(
    position: Position, data: dict[str, Any], *, version: int | None, by=None
) -> set[str]:
    """Apply an edit; return the fields that changed.

    A stale `version` is refused. On an open position a change of a channel field bumps the
    revision and announces "revised"; a change of a reviewed field sends it back to review.
    """
    if version is not None and version != position.version:
        raise StaleEditError()
    clean = validate_position_data(data)
    changed = {name for name in EDITABLE_FIELDS if getattr(position, name) != clean[name]}
    if not changed:
        return changed
    needs_review = position.status is PositionStatus.OPEN and bool(changed & REVIEWED_FIELDS)
    if needs_review or position.status is PositionStatus.PENDING:
        _refuse_blocking(clean["title"], clean["description"])
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


def duplicate_position(position: Position, *, by=None) -> Position:
    """Copy a position into a new draft of the same employer, valid for as long as allowed."""
    copy = Position(employer=position.employer, status=PositionStatus.DRAFT)
    for name in EDITABLE_FIELDS:
        setattr(copy, name, getattr(position, name))
    copy.title = f"{position.title}（副本）"[:80]
    today = local_today()
    if copy.valid_until < today:
        copy.valid_until = today + timedelta(days=90)
    db.session.add(copy)
    db.session.flush()
    record_audit("position.duplicate", copy, by=by, summary={"from": position.id})
    return copy


def submit_position(position: Position, *, by=None) -> list[Flag]:
    """Send a draft to review after screening; return the warnings the reviewer will see."""
    _require_approved(position.employer)
    if position.status is not PositionStatus.DRAFT:
        raise PositionError(f"岗位状态为“{position.status.label}”，只有草稿可以提交审核。")
    if position.valid_until < local_today():
        raise PositionError({"valid_until": "有效期至：已过期，请先修改有效期。"})
    warnings = check_screening(position)
    set_position_status(position, PositionStatus.PENDING, by=by)
    if warnings:
        record_audit(
            "position.screening",
            position,
            by=by,
            summary={"warnings": [f.phrase for f in warnings]},
        )
    return warnings


def close_position(position: Position, *, filled: bool = False, by=None) -> None:
    """Stop recruiting for an open or pending position."""
    if position.status not in (PositionStatus.OPEN, PositionStatus.PENDING, PositionStatus.DRAFT):
        raise PositionError(f"岗位状态为“{position.status.label}”，无需关闭。")
    set_position_status(position, PositionStatus.FILLED if filled else PositionStatus.CLOSED, by=by)


def reopen_position(position: Position, *, by=None) -> None:
    """Reopen a closed, filled or expired position that was approved before."""
    _require_approved(position.employer)
    ended = (PositionStatus.CLOSED, PositionStatus.FILLED, PositionStatus.EXPIRED)
    if position.status not in ended:
        raise PositionError(f"岗位状态为“{position.status.label}”，不能重新开放。")
    if position.valid_until < local_today():
        raise PositionError({"valid_until": "有效期至：已过期，请先修改有效期再重新开放。"})
    if position.published_at is None:
        # Never approved: it goes through review like a new posting.
        set_position_status(position, PositionStatus.DRAFT, by=by)
        submit_position(position, by=by)
        return
    set_position_status(position, PositionStatus.OPEN, by=by)

"""What a position may say: the field rules every door's input goes through, and screening.

A position's fields are checked here once, whoever typed them (the employer's form, the API);
a refusal names every bad field at once (Invalid, field names = Position attribute names).
"""

import re
from datetime import date, timedelta
from typing import Any

from flask import current_app

from recruit.errors import Invalid
from recruit.extensions import db
from recruit.formatting import local_today
from recruit.positions.models import MAX_OPENINGS
from recruit.positions.screening import Flag, screen_text
from recruit.refdata import codes
from recruit.refdata.codes import Education, EmploymentType, Experience
from recruit.refdata.models import Region
from recruit.refdata.services import region_codes_within
from recruit.validators import normalize_phone, phone_error, read_text

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

#: The longest title and description (characters); the columns and the API schema agree.
MAX_TITLE = 80
MAX_DESCRIPTION = 5000
#: A monthly salary above this is surely a yearly one typed in the wrong box.
MAX_MONTHLY_SALARY = 1_000_000

_OCCUPATION_CODE_RE = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$")
#: Employment types paid by the month, to which the monthly minimum wage applies. Part-time
#: work has an hourly minimum instead, and interns are not employees under the labour law.
_MONTHLY_PAID = (EmploymentType.FULL_TIME, EmploymentType.TEMPORARY)


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


def _whole_number(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def validate_position_data(data: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """Return the cleaned position fields, or raise Invalid naming every bad field."""
    today = today or local_today()
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    def text(name: str, label: str, max_len: int, required: bool = False) -> str | None:
        return read_text(data, name, label, max_len, errors, required=required)

    clean["title"] = text("title", "岗位名称", MAX_TITLE, required=True)
    clean["description"] = text("description", "岗位描述", MAX_DESCRIPTION, required=True) or ""
    clean["work_address"] = text("work_address", "工作地址", 200)
    clean["contact_name"] = text("contact_name", "联系人", 40)
    phone = text("contact_phone", "联系电话", 20)
    if phone and (problem := phone_error(phone)):
        errors["contact_phone"] = f"联系电话：{problem}。"
    elif phone:
        phone = normalize_phone(phone)
    clean["contact_phone"] = phone

    group = _whole_number(data.get("occupation_major_group"))
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

    openings = _whole_number(data.get("openings"))
    if openings is None or openings < 1:
        errors["openings"] = "招聘人数：至少 1 人。"
    elif openings > MAX_OPENINGS:
        errors["openings"] = f"招聘人数：不能超过 {MAX_OPENINGS} 人。"
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
    if clean.get("education") is Education.PRIMARY:
        # 小学 is a seeker's level, not a requirement a posting sets.
        errors["education"] = "学历要求：请从列表中选择。"

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
        elif salary_max > MAX_MONTHLY_SALARY:
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
        raise Invalid(errors=errors)
    return clean


#: The longest explanation an employer may give for a flagged phrase.
MAX_EXPLANATION = 500


def refuse_blocking(
    title: str | None, description: str | None, *, explanation: str | None = None
) -> list[Flag]:
    """Refuse (Invalid on `description`) text with a blocking phrase; return the other flags.

    The wording is the employer's to fix, so the refusal is a field rule on every door. When the
    employer explains why the phrase is no restriction, the posting goes to review with every
    flag (a reviewer decides, with a recorded reason): the flags are returned then.
    """
    flags = screen_text(title, description)
    blocking = [f for f in flags if f.blocks]
    if blocking and not (explanation or "").strip():
        messages = " ".join(f.message() for f in blocking)
        raise Invalid(
            errors={
                "description": f"岗位“{title}”：{messages}"
                "如确认不是限制性条件，请写明说明后再提交，由审核人员判断。"
            }
        )
    return flags if blocking else [f for f in flags if not f.blocks]

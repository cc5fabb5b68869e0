"""A fair from planning to closing: create, edit, move along the status flow, close."""

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from recruit.audit.services import record_audit
from recruit.auth.models import Role
from recruit.auth.scope import STAFF, in_scope, require_role
from recruit.db_types import utcnow
from recruit.employers.models import Employer
from recruit.errors import Conflict, Invalid, Stale
from recruit.extensions import db
from recruit.fairs.credit import signup_blocked_until
from recruit.fairs.models import Fair, FairStatus, Participation, ParticipationStatus
from recruit.fairs.participations import places_taken
from recruit.fairs.queries import require_fair_access
from recruit.formatting import FIRST_YEAR, LAST_YEAR, local_today
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.models import IndustryChain, Region
from recruit.refdata.services import region_codes_within
from recruit.uow import register_stale_message
from recruit.validators import read_text

#: Fields of a fair an organizer sets, each a Fair attribute of the same name.
FAIR_FIELDS = (
    "title",
    "type",
    "mode",
    "region_code",
    "venue",
    "starts_at",
    "ends_at",
    "organizer_unit",
    "industry_chain_id",
    "booth_capacity",
    "registration_deadline",
    "description",
)

#: The limits of a fair's fields; forms and API schemas import these.
MAX_TITLE = 120
MAX_VENUE = 200
MAX_ORGANIZER_UNIT = 120
MAX_DESCRIPTION = 5000
MAX_BOOTH_CAPACITY = 5000
MAX_CANCEL_REASON = 200
MAX_CORRECTION_REASON = 200

#: What each hand-made status change is called on the organizer's buttons.
TRANSITION_LABELS = {
    FairStatus.OPEN: "开放报名",
    FairStatus.PLANNED: "停止报名",
    FairStatus.HELD: "开始举办",
    FairStatus.CANCELLED: "取消招聘会",
}

register_stale_message(
    "fairs", "其他人刚刚修改了这场招聘会，您的操作未执行。请查看最新信息后重试。"
)


def stale_message(fair: Fair) -> str:
    """Return what an organizer reads when the fair changed under the edit."""
    return (
        "保存失败：其他人在您编辑期间修改了这场招聘会（当前为第"
        f"{fair.version}版）。您填写的内容仍保留在下方，请核对最新信息后再次保存。"
    )


def clean_fair_data(actor, data: dict) -> dict:
    """Return the fair's fields checked against every rule, or raise Invalid naming them all."""
    errors: dict[str, str] = {}
    clean = {
        "title": read_text(data, "title", "招聘会名称", MAX_TITLE, errors, required=True),
        "venue": read_text(data, "venue", "举办地点", MAX_VENUE, errors),
        "organizer_unit": read_text(
            data, "organizer_unit", "主办单位", MAX_ORGANIZER_UNIT, errors, required=True
        ),
        "description": read_text(data, "description", "介绍", MAX_DESCRIPTION, errors) or "",
    }
    try:
        clean["type"] = FairType(data.get("type"))
    except ValueError:
        errors["type"] = "类型：请从列表中选择。"
    try:
        clean["mode"] = FairMode(data.get("mode"))
    except ValueError:
        errors["mode"] = "形式：请从列表中选择。"
    region = db.session.get(Region, data.get("region_code") or "")
    if region is None or not region.is_current:
        errors["region_code"] = "举办地区：请选择本市现行的区县。"
    elif not in_scope(actor, region.code):
        errors["region_code"] = "举办地区：不在您的管辖范围内。"
    clean["region_code"] = data.get("region_code")

    starts, ends = data.get("starts_at"), data.get("ends_at")
    deadline = data.get("registration_deadline")
    for name, value, label, required in (
        ("starts_at", starts, "开始时间", True),
        ("ends_at", ends, "结束时间", True),
        ("registration_deadline", deadline, "报名截止时间", False),
    ):
        if value is None:
            if required:
                errors[name] = f"{label}：必填。"
        elif not isinstance(value, datetime) or value.tzinfo is None:
            errors[name] = f"{label}：请填写带时区的日期和时间。"
        elif not FIRST_YEAR <= value.year <= LAST_YEAR:
            errors[name] = f"{label}：年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间。"
    if "starts_at" not in errors and "ends_at" not in errors and ends < starts:
        errors["ends_at"] = "结束时间：不能早于开始时间。"
    checked = "starts_at" not in errors and "registration_deadline" not in errors
    if deadline is not None and checked and deadline > starts:
        errors["registration_deadline"] = "报名截止时间：不能晚于开始时间。"
    clean.update(starts_at=starts, ends_at=ends, registration_deadline=deadline)

    capacity = data.get("booth_capacity")
    if capacity is not None and (
        not isinstance(capacity, int) or not 0 <= capacity <= MAX_BOOTH_CAPACITY
    ):
        errors["booth_capacity"] = f"展位数量：应在0–{MAX_BOOTH_CAPACITY}之间，不填表示不限。"
    clean["booth_capacity"] = capacity

    chain_id = data.get("industry_chain_id")
    if chain_id is not None:
        chain = db.session.get(IndustryChain, chain_id)
        if chain is None or not chain.active:
            errors["industry_chain"] = "产业链：请从列表中选择。"
    elif clean.get("type") is FairType.INDUSTRY_CHAIN:
        errors["industry_chain"] = "产业链：产业链专场请选择产业链。"
    clean["industry_chain_id"] = chain_id
    if errors:
        raise Invalid(errors=errors)
    return clean


def create_fair(data: dict, *, by) -> Fair:
    """Add a planned fair inside the organizer's scope."""
    require_role(by, *STAFF)
    clean = clean_fair_data(by, data)
    fair = Fair(**clean, status=FairStatus.PLANNED, created_by_id=by.id)
    db.session.add(fair)
    db.session.flush()
    record_audit("fair.create", fair, by=by, summary={"title": fair.title})
    return fair


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def update_fair(fair: Fair, data: dict, *, version: int | None, by) -> Fair:
    """Save an edit made on the given version; refuse it if the fair changed since."""
    require_fair_access(by, fair)
    if fair.is_final:
        raise Conflict(f"该招聘会{fair.status.label}，不能再修改。")
    if version != fair.version:
        raise Stale(stale_message(fair))
    clean = clean_fair_data(by, data)
    capacity = clean["booth_capacity"]
    if capacity is not None:
        taken = places_taken(fair)
        if taken > capacity:
            raise Invalid(
                f"展位数量：已有{taken}家企业报名或参会，不能少于{taken}。",
                field="booth_capacity",
            )
    changed = {}
    for name in FAIR_FIELDS:
        old, new = getattr(fair, name), clean[name]
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
            setattr(fair, name, new)
    if changed:
        db.session.flush()  # the version column catches a save racing with ours
        record_audit("fair.update", fair, by=by, summary=changed)
    return fair


def set_fair_status(fair: Fair, status: FairStatus, *, by, reason: str | None = None) -> None:
    """Move the fair along its status flow, refusing moves that make no sense."""
    require_fair_access(by, fair)
    if status is FairStatus.CLOSED:
        close_fair(fair, by=by)
        return
    if status not in fair.transitions:
        raise Conflict(f"招聘会当前状态为“{fair.status.label}”，不能改为“{status.label}”。")
    reason = (reason or "").strip()
    if status is FairStatus.CANCELLED and not reason:
        raise Invalid("取消原因：请填写取消原因。", field="reason")
    if len(reason) > MAX_CANCEL_REASON:
        raise Invalid(f"取消原因：不能超过{MAX_CANCEL_REASON}个字。", field="reason")
    before = fair.status
    fair.status = status
    db.session.flush()
    summary = {"status": [before.value, status.value]}
    if reason:
        summary["reason"] = reason
    record_audit(f"fair.{status.value}", fair, by=by, summary=summary)


@dataclass
class CloseResult:
    attended: int = 0
    no_show: int = 0
    #: Employers whose no-show now blocks fair sign-up, with the last blocked day.
    blocked: list[tuple[Employer, date]] = field(default_factory=list)


def close_fair(fair: Fair, *, by) -> CloseResult:
    """Close a fair: settle every approved participation as attended or no-show.

    Online fairs: approved participations become attended. Offline and hybrid fairs: those
    checked in become attended, those not checked in become no_show (the credit rule counts them).
    """
    require_fair_access(by, fair)
    if not fair.can_close:
        raise Conflict(f"招聘会当前状态为“{fair.status.label}”，不能结束。")
    result = CloseResult()
    approved = db.session.scalars(
        sa.select(Participation).where(
            Participation.fair_id == fair.id,
            Participation.status == ParticipationStatus.APPROVED,
        )
    ).all()
    for part in approved:
        if fair.mode is FairMode.ONLINE or part.checked_in_at is not None:
            part.status = ParticipationStatus.ATTENDED
            result.attended += 1
        else:
            part.status = ParticipationStatus.NO_SHOW
            result.no_show += 1
            record_audit(
                "participation.no_show",
                part,
                by=by,
                summary={"fair_id": fair.id, "employer_id": part.employer_id},
            )
    before = fair.status
    fair.status = FairStatus.CLOSED
    fair.closed_at = utcnow()
    db.session.flush()
    today = local_today()
    for part in approved:
        if part.status is ParticipationStatus.NO_SHOW:
            until = signup_blocked_until(part.employer, today)
            if until is not None:
                result.blocked.append((part.employer, until))
    record_audit(
        "fair.close",
        fair,
        by=by,
        summary={
            "status": [before.value, FairStatus.CLOSED.value],
            "attended": result.attended,
            "no_show": result.no_show,
        },
    )
    return result


def correct_fair_region(fair: Fair, region_code: str | None, *, reason: str | None, by) -> Fair:
    """Correct the region a fair is recorded in, whatever its status (an admin's audited fix).

    A closed fair is frozen for organizers; only an admin may move it, to a current region,
    with a reason kept in the audit log beside the codes before and after.
    """
    require_role(by, Role.ADMIN, message="只有系统管理员可以更正招聘会的举办地区。")
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "更正原因：请填写更正原因。"
    elif len(reason) > MAX_CORRECTION_REASON:
        errors["reason"] = f"更正原因：不能超过{MAX_CORRECTION_REASON}个字。"
    region = db.session.get(Region, region_code or "")
    city = region_codes_within(current_app.config["CITY_REGION_CODE"])
    if region is None or not region.is_current or region.code not in city:
        errors["region_code"] = "举办地区：请选择本市现行的区县。"
    elif region.code == fair.region_code:
        errors["region_code"] = "举办地区：与现在记录的地区相同，无需更正。"
    if errors:
        raise Invalid(errors=errors)
    before = fair.region_code
    fair.region_code = region.code
    db.session.flush()
    record_audit(
        "fair.correct_region",
        fair,
        by=by,
        summary={"region_code": [before, region.code], "reason": reason},
    )
    return fair

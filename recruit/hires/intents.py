"""Tentative hires (初步就业意向) registered at a fair: the seeker's fields, one or many at once.

One set of rules for a seeker's fields (`seeker_errors`) serves the phone form, the API (one or a
bulk list) and the spreadsheet import; duplicates (same seeker, position and fair) are found by
the keyed hash of the phone, never by decrypting.
"""

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.audit.services import record_audit
from recruit.auth.models import Role
from recruit.auth.scope import require_role
from recruit.db_types import utcnow
from recruit.errors import Conflict, Forbidden, Invalid, NotFound
from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.fairs.onsite import require_on_the_day
from recruit.fairs.queries import require_fair_access
from recruit.fairs.summary import offered_position_ids
from recruit.hires.models import HireSource, Outcome, TentativeHire
from recruit.pii import pii_hash
from recruit.positions.models import Position
from recruit.refdata.codes import Education, Gender, PriorityGroup
from recruit.seekers.services import seeker_id_for, seeker_ids_for
from recruit.validators import (
    control_character_error,
    id_number_error,
    mobile_error,
    normalize_id_number,
    normalize_mobile,
)

logger = logging.getLogger(__name__)

#: The longest seeker name kept.
MAX_NAME = 40
#: The most intents one bulk request or one spreadsheet may carry.
MAX_BULK = 50_000

#: Each seeker field's Chinese name, as messages start with it.
FIELD_LABELS = {
    "seeker_name": "姓名",
    "seeker_phone": "手机号",
    "seeker_id_number": "身份证号",
    "gender": "性别",
    "education": "学历",
    "priority_groups": "重点群体",
    "position_id": "岗位",
}

NOT_FOUND = "就业意向不存在或不在您的管辖范围内。"


# --- lookups -------------------------------------------------------------------------------


def fair_hires(fair: Fair) -> sa.Select:
    """Select the fair's intents, newest first, with position and employer loaded."""
    return (
        sa.select(TentativeHire)
        .where(TentativeHire.fair_id == fair.id)
        .options(joinedload(TentativeHire.position).joinedload(Position.employer))
        .order_by(TentativeHire.id.desc())
    )


def employer_hires(actor, outcome: Outcome | None = None) -> sa.Select:
    """Select the intents made for the employer actor's positions, newest first."""
    require_role(actor, Role.EMPLOYER)
    query = (
        sa.select(TentativeHire)
        .join(Position, Position.id == TentativeHire.position_id)
        .where(Position.employer_id == actor.employer_id)
        .options(joinedload(TentativeHire.position), joinedload(TentativeHire.fair))
        .order_by(TentativeHire.recorded_at.desc(), TentativeHire.id.desc())
    )
    if outcome is not None:
        query = query.where(TentativeHire.outcome == outcome)
    return query


def require_hire_access(actor, hire: TentativeHire) -> None:
    """Refuse (NotFound) unless the actor may reach the intent.

    Staff reach intents of fairs in their region scope; an employer account those made for its
    own positions.
    """
    if actor.role is Role.EMPLOYER:
        if hire.position.employer_id != actor.employer_id:
            raise NotFound(NOT_FOUND)
        return
    try:
        require_fair_access(actor, hire.fair)
    except Forbidden:
        raise NotFound(NOT_FOUND) from None


def get_hire(actor, hire_id: int, fair: Fair | None = None) -> TentativeHire:
    """Return an intent the actor may reach (registered at `fair`, when given), else NotFound."""
    hire = db.session.get(TentativeHire, hire_id)
    if hire is None or (fair is not None and hire.fair_id != fair.id):
        raise NotFound(NOT_FOUND)
    require_hire_access(actor, hire)
    return hire


# --- the seeker's fields ---------------------------------------------------------------------


@dataclass
class SeekerData:
    seeker_name: str
    seeker_phone: str
    position_id: int
    gender: Gender | None = None
    seeker_id_number: str | None = None
    education: Education | None = None
    priority_groups: list[str] = field(default_factory=list)


def seeker_errors(values: dict) -> dict[str, str]:
    """Return {field: message} for one seeker's values given as codes (empty when all fine)."""
    errors: dict[str, str] = {}
    name = (values.get("seeker_name") or "").strip()
    if control_character_error(name):
        errors["seeker_name"] = control_character_error(name)
    elif not name:
        errors["seeker_name"] = "必填"
    elif len(name) > MAX_NAME:
        errors["seeker_name"] = f"不能超过{MAX_NAME}个字"
    phone = (values.get("seeker_phone") or "").strip()
    if not phone:
        errors["seeker_phone"] = "必填"
    else:
        problem = mobile_error(phone)
        if problem:
            errors["seeker_phone"] = f"{problem}（“{phone}”）"
    id_number = (values.get("seeker_id_number") or "").strip()
    if id_number and (problem := id_number_error(id_number)):
        errors["seeker_id_number"] = problem
    gender = values.get("gender")
    if gender and gender not in {g.value for g in Gender}:
        errors["gender"] = "只能是男或女"
    education = values.get("education")
    if education and education not in {e.value for e in Education}:
        errors["education"] = "不在学历列表中"
    known = {g.value for g in PriorityGroup}
    unknown = [g for g in values.get("priority_groups") or [] if g not in known]
    if unknown:
        errors["priority_groups"] = f"“{unknown[0]}”不在重点群体列表中"
    position_id = values.get("position_id")
    if not position_id:
        errors["position_id"] = "必填"
    return errors


def labelled(errors: dict[str, str]) -> dict[str, str]:
    """Return the errors with each field's Chinese name in front of its message."""
    return {name: f"{FIELD_LABELS[name]}：{message}" for name, message in errors.items()}


def clean_seeker(values: dict) -> SeekerData:
    """Validate one seeker's values (codes); raise Invalid naming every bad field."""
    errors = seeker_errors(values)
    if errors:
        raise Invalid(errors=labelled(errors))
    id_number = (values.get("seeker_id_number") or "").strip()
    return SeekerData(
        seeker_name=values["seeker_name"].strip(),
        seeker_phone=normalize_mobile(values["seeker_phone"]),
        position_id=int(values["position_id"]),
        gender=Gender(values["gender"]) if values.get("gender") else None,
        seeker_id_number=normalize_id_number(id_number) if id_number else None,
        education=Education(values["education"]) if values.get("education") else None,
        priority_groups=sorted(set(values.get("priority_groups") or [])),
    )


def intent_key(name: str, phone: str, position_id: int) -> tuple[str, str | None, int]:
    """Identify an intent by seeker and position; the phone only by its keyed hash."""
    return (name.strip(), pii_hash(phone), position_id)


def existing_intent_keys(fair: Fair) -> set[tuple[str, str | None, int]]:
    """Return the keys of the fair's intents, read from the hashes (nothing is decrypted)."""
    return {
        tuple(row)
        for row in db.session.execute(
            sa.select(
                TentativeHire.seeker_name,
                TentativeHire.seeker_phone_hash,
                TentativeHire.position_id,
            ).where(TentativeHire.fair_id == fair.id)
        )
    }


def with_pii_hashes(record: dict) -> dict:
    """Add the keyed hashes to a row written by a bulk insert (the ORM adds them otherwise)."""
    record["seeker_phone_hash"] = pii_hash(record.get("seeker_phone"))
    record["seeker_id_hash"] = pii_hash(record.get("seeker_id_number"))
    return record


# --- registering ---------------------------------------------------------------------------


def register_intent(
    fair: Fair, data: SeekerData, *, by, late_reason: str | None = None
) -> TentativeHire:
    """Record one tentative hire at a fair, refusing duplicates of seeker, position and fair."""
    require_fair_access(by, fair)
    late = require_on_the_day(fair, late_reason)
    if data.position_id not in offered_position_ids(fair):
        raise Invalid("岗位：该岗位不在本场招聘会的参会岗位中。", field="position_id")
    duplicate = db.session.scalar(
        sa.select(TentativeHire.id).where(
            TentativeHire.fair_id == fair.id,
            TentativeHire.position_id == data.position_id,
            TentativeHire.seeker_name == data.seeker_name,
            TentativeHire.seeker_phone_hash == pii_hash(data.seeker_phone),
        )
    )
    if duplicate is not None:
        raise Conflict(
            f"重复登记：{data.seeker_name}（手机尾号{data.seeker_phone[-4:]}）已在本场招聘会"
            f"登记过该岗位的就业意向（第{duplicate}号），无需重复登记。",
            field="seeker_name",
        )
    hire = TentativeHire(
        fair_id=fair.id,
        position_id=data.position_id,
        # The seeker with this mobile (DESIGN §7), registered from the bureau's record if new.
        seeker_id=seeker_id_for(
            data.seeker_name,
            data.seeker_phone,
            gender=data.gender,
            education=data.education,
            priority_groups=data.priority_groups,
        ),
        seeker_name=data.seeker_name,
        seeker_phone=data.seeker_phone,
        seeker_id_number=data.seeker_id_number,
        gender=data.gender,
        education=data.education,
        priority_groups=data.priority_groups,
        outcome=Outcome.INTENT,
        source=HireSource.FORM,
        recorded_by_id=by.id,
    )
    db.session.add(hire)
    db.session.flush()
    # No personal information in the audit log: ids only.
    record_audit(
        "hire.register",
        hire,
        by=by,
        summary={
            "fair_id": fair.id,
            "position_id": data.position_id,
            **({"late_reason": late} if late else {}),
        },
    )
    return hire


def require_importable(fair: Fair) -> None:
    """Refuse intents in bulk unless the fair is open, held or closed."""
    if not fair.takes_imports:
        raise Conflict(f"招聘会当前状态为“{fair.status.label}”，不能登记就业意向。")


def register_intents(fair: Fair, items: list[dict], *, by) -> int:
    """Record many intents at once, all or none; errors are keyed "items.N" (N from 0)."""
    require_fair_access(by, fair)
    require_importable(fair)
    if not items:
        raise Invalid("请至少提交一条就业意向。", field="items")
    if len(items) > MAX_BULK:
        raise Invalid(f"一次最多提交{MAX_BULK}条。", field="items")
    # First every item's own fields, then (all of them fine) the fair's positions and duplicates.
    errors: dict[str, str] = {}
    for number, values in enumerate(items):
        problems = seeker_errors(values)
        if problems:
            errors[f"items.{number}"] = "；".join(labelled(problems).values())
    if errors:
        raise Invalid("有数据不符合要求，未登记任何一条。", errors=errors)
    seekers = [clean_seeker(values) for values in items]
    offered = offered_position_ids(fair)
    existing = existing_intent_keys(fair)
    seen: set[tuple] = set()
    for number, data in enumerate(seekers):
        key = intent_key(data.seeker_name, data.seeker_phone, data.position_id)
        if data.position_id not in offered:
            errors[f"items.{number}"] = "岗位：该岗位不在本场招聘会的参会岗位中。"
        elif key in existing or key in seen:
            errors[f"items.{number}"] = "重复登记：该求职者已登记过本场该岗位的就业意向。"
        seen.add(key)
    if errors:
        raise Invalid("有数据不符合要求，未登记任何一条。", errors=errors)
    records = [
        {
            "fair_id": fair.id,
            "position_id": data.position_id,
            "seeker_name": data.seeker_name,
            "seeker_phone": data.seeker_phone,
            "seeker_id_number": data.seeker_id_number,
            "gender": data.gender,
            "education": data.education,
            "priority_groups": data.priority_groups,
            "outcome": Outcome.INTENT,
            "source": HireSource.API,
        }
        for data in seekers
    ]
    return insert_intents(fair, records, by=by, action="hire.bulk")


def insert_intents(fair: Fair, records: list[dict], *, by, action: str) -> int:
    """Write checked intent rows in one bulk insert, with one audit entry; return the count."""
    now = utcnow()
    for record in records:
        record.update(recorded_at=now, updated_at=now, recorded_by_id=by.id)
        with_pii_hashes(record)
    # Each row linked to the seeker with its mobile (DESIGN §7), new ones registered at once.
    seeker_ids = seeker_ids_for(records)
    for record in records:
        record["seeker_id"] = seeker_ids.get(record["seeker_phone_hash"])
    db.session.execute(sa.insert(TentativeHire), records)
    record_audit(action, fair, by=by, summary={"fair_id": fair.id, "imported": len(records)})
    logger.info("Recorded %d tentative hires into fair %s", len(records), fair.id)
    return len(records)

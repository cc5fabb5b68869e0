"""Register tentative hires (初步就业意向) at a fair: one by one on a phone or by spreadsheet."""

import io
import logging
from dataclasses import dataclass, field
from typing import IO

import openpyxl
import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.orm import joinedload

from recruit.audit.services import record_audit
from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.fairs.services import FairError, fair_offered_positions, require_on_the_day
from recruit.formatting import local_datetime
from recruit.hires.models import HireSource, Outcome, TentativeHire
from recruit.pii import pii_hash
from recruit.positions.models import Position
from recruit.refdata.codes import Education, Gender, PriorityGroup
from recruit.validators import is_valid_id_number, normalize_id_number, normalize_mobile

logger = logging.getLogger(__name__)


class HireError(FairError):
    """A tentative hire that cannot be accepted; the message names the field."""


#: Statuses in which a fair's intents may still be recorded by import (after the day too).
IMPORTABLE = (FairStatus.OPEN, FairStatus.HELD, FairStatus.CLOSED)


def offered_position_ids(fair: Fair) -> set[int]:
    """Return the ids of the positions offered at this fair by approved or attended employers."""
    return set(
        db.session.scalars(
            sa.select(FairPosition.position_id)
            .join(Participation, FairPosition.participation_id == Participation.id)
            .where(
                Participation.fair_id == fair.id,
                Participation.status.in_(
                    [ParticipationStatus.APPROVED, ParticipationStatus.ATTENDED]
                ),
            )
        )
    )


def _intent_key(name: str, phone: str, position_id: int) -> tuple[str, str | None, int]:
    """Identify an intent by seeker and position; the phone only by its keyed hash."""
    return (name.strip(), pii_hash(phone), position_id)


def _existing_intent_keys(fair: Fair) -> set[tuple[str, str | None, int]]:
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


def find_duplicate(fair: Fair, name: str, phone: str, position_id: int) -> TentativeHire | None:
    """Return an intent already registered for this seeker, position and fair."""
    return db.session.scalar(
        sa.select(TentativeHire).where(
            TentativeHire.fair_id == fair.id,
            TentativeHire.position_id == position_id,
            TentativeHire.seeker_name == name.strip(),
            TentativeHire.seeker_phone_hash == pii_hash(phone),
        )
    )


@dataclass
class SeekerData:
    seeker_name: str
    seeker_phone: str
    position_id: int
    gender: Gender | None = None
    seeker_id_number: str | None = None
    education: Education | None = None
    priority_groups: list[str] = field(default_factory=list)


def clean_seeker(
    *,
    name: str | None,
    phone: str | None,
    id_number: str | None,
    gender: str | None,
    education: str | None,
    priority_groups: list[str] | None,
    position_id: int | None,
) -> SeekerData:
    """Validate one seeker's fields; raise HireError naming the first bad field."""
    errors = seeker_errors(name, phone, id_number, gender, education, priority_groups, position_id)
    if errors:
        raise HireError("；".join(f"{col}：{msg}" for col, msg in errors))
    return SeekerData(
        seeker_name=name.strip(),
        seeker_phone=normalize_mobile(phone),
        position_id=int(position_id),
        gender=Gender(gender) if gender else None,
        seeker_id_number=normalize_id_number(id_number) if (id_number or "").strip() else None,
        education=Education(education) if education else None,
        priority_groups=sorted(set(priority_groups or [])),
    )


def seeker_errors(name, phone, id_number, gender, education, groups, position_id):
    """Return [(field label, Chinese message)] for one seeker's values (codes, not labels)."""
    errors = []
    name = (name or "").strip()
    if not name:
        errors.append(("姓名", "必填"))
    elif len(name) > 40:
        errors.append(("姓名", "不能超过40个字"))
    phone = (phone or "").strip()
    if not phone:
        errors.append(("手机号", "必填"))
    else:
        try:
            normalize_mobile(phone)
        except ValueError:
            errors.append(("手机号", f"“{phone}”不是有效的手机号码"))
    if (id_number or "").strip() and not is_valid_id_number(id_number):
        errors.append(("身份证号", "号码无效（请检查位数、出生日期和校验位）"))
    if gender and gender not in {g.value for g in Gender}:
        errors.append(("性别", "只能是男或女"))
    if education and education not in {e.value for e in Education}:
        errors.append(("学历", "不在学历列表中"))
    known = {g.value for g in PriorityGroup}
    for group in groups or []:
        if group not in known:
            errors.append(("重点群体", f"“{group}”不在重点群体列表中"))
    if not position_id:
        errors.append(("岗位", "必填"))
    return errors


def register_intent(fair: Fair, data: SeekerData, *, by) -> TentativeHire:
    """Record one tentative hire at a fair, refusing duplicates of seeker, position and fair."""
    require_on_the_day(fair)
    if data.position_id not in offered_position_ids(fair):
        raise HireError("岗位：该岗位不在本场招聘会的参会岗位中。")
    duplicate = find_duplicate(fair, data.seeker_name, data.seeker_phone, data.position_id)
    if duplicate is not None:
        raise HireError(
            f"重复登记：{data.seeker_name}（手机尾号{data.seeker_phone[-4:]}）已在本场招聘会"
            f"登记过该岗位的就业意向（第{duplicate.id}号），无需重复登记。"
        )
    hire = TentativeHire(
        fair_id=fair.id,
        position_id=data.position_id,
        seeker_name=data.seeker_name,
        seeker_phone=data.seeker_phone,
        seeker_id_number=data.seeker_id_number,
        gender=data.gender,
        education=data.education,
        priority_groups=data.priority_groups,
        outcome=Outcome.INTENT,
        source=HireSource.FORM,
        recorded_by_id=getattr(by, "id", None),
    )
    db.session.add(hire)
    db.session.flush()
    # No personal information in the audit log: ids only.
    record_audit(
        "hire.register",
        hire,
        by=by,
        summary={"fair_id": fair.id, "position_id": data.position_id},
    )
    return hire


def fair_hires(fair: Fair) -> sa.Select:
    """Select the fair's intents, newest first, with position and employer loaded."""
    return (
        sa.select(TentativeHire)
        .where(TentativeHire.fair_id == fair.id)
        .options(joinedload(TentativeHire.position).joinedload(Position.employer))
        .order_by(TentativeHire.id.desc())
    )


def get_fair_hire(fair: Fair, hire_id: int) -> TentativeHire | None:
    """Return the intent if it was registered at this fair."""
    return db.session.scalar(fair_hires(fair).where(TentativeHire.id == hire_id))


def export_hires(fair: Fair, *, by) -> bytes:
    """Return the fair's intents as .xlsx with full contact details; the export is audited."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("就业意向")
    header = ("编号", *TEMPLATE_COLUMNS[:6], "岗位", "用人单位", "状态", "登记时间", "来源")
    for col, title in enumerate(header):
        sheet.write(0, col, title, bold)
    count = 0
    rows = db.session.scalars(fair_hires(fair).order_by(None).order_by(TentativeHire.id))
    for row, hire in enumerate(rows, start=1):
        groups = "、".join(PriorityGroup(g).label for g in hire.priority_groups)
        values = (
            hire.id,
            hire.seeker_name,
            hire.gender.label if hire.gender else "",
            hire.seeker_phone,
            hire.seeker_id_number or "",
            hire.education.label if hire.education else "",
            groups,
            hire.position.title,
            hire.position.employer.name,
            hire.outcome.label,
            local_datetime(hire.recorded_at),
            hire.source.label,
        )
        for col, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, value)
        count = row
    book.close()
    record_audit("hire.export", fair, by=by, summary={"fair_id": fair.id, "rows": count})
    return buffer.getvalue()


# --- spreadsheet import -----------------------------------------------------------

TEMPLATE_COLUMNS = ("姓名", "性别", "手机号", "身份证号", "学历", "重点群体", "岗位编号")
MAX_IMPORT_ROWS = 100_000
_GROUP_SEPARATORS = ("、", "，", ",", "；", ";", "/", " ")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.message}"


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def build_import_template(fair: Fair) -> bytes:
    """Return an .xlsx template: the columns to fill and a sheet of the fair's positions."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    # Text cells, so Excel keeps phone and ID numbers as typed (no 1.39E+10, no lost digits).
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet("就业意向")
    for col, title in enumerate(TEMPLATE_COLUMNS):
        sheet.write(0, col, title, bold)
        width = 20 if title in ("身份证号", "重点群体") else 12
        sheet.set_column(col, col, width, text if title in ("手机号", "身份证号") else None)
    sheet.write_comment(0, 1, "男 或 女，可不填")
    sheet.write_comment(0, 4, "、".join(e.label for e in Education) + "，可不填")
    sheet.write_comment(0, 5, "可填多个，用顿号分隔：" + "、".join(g.label for g in PriorityGroup))
    sheet.write_comment(0, 6, "见“岗位列表”工作表的岗位编号")
    positions = book.add_worksheet("岗位列表")
    for col, title in enumerate(("岗位编号", "岗位名称", "用人单位", "展位")):
        positions.write(0, col, title, bold)
    positions.set_column(1, 2, 30)
    for row, fp in enumerate(fair_offered_positions(fair), start=1):
        positions.write_number(row, 0, fp.position_id)
        positions.write(row, 1, fp.position.title)
        positions.write(row, 2, fp.position.employer.name)
        positions.write(row, 3, fp.participation.booth or "")
    help_sheet = book.add_worksheet("填写说明")
    notes = [
        f"招聘会：{fair.title}",
        "每行一名求职者的一个就业意向；同一人可有多个岗位意向，分多行填写。",
        "必填：姓名、手机号、岗位编号；身份证号可不填，填写时须为有效号码。",
        "整个文件检查无误才会导入；有任何错误都不会写入，请按错误清单修改后重新上传。",
    ]
    for row, text in enumerate(notes):
        help_sheet.write(row, 0, text)
    book.close()
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _split_groups(text: str) -> list[str]:
    for sep in _GROUP_SEPARATORS[1:]:
        text = text.replace(sep, _GROUP_SEPARATORS[0])
    return [part for part in text.split(_GROUP_SEPARATORS[0]) if part]


def import_hires(fair: Fair, stream: IO[bytes], *, by) -> ImportResult:
    """Check a whole .xlsx of tentative hires; import all rows or none.

    Every row is validated first (fields, positions offered at the fair, duplicates against
    the fair and inside the file). Only a file without errors is written, in bulk.
    """
    if fair.status not in IMPORTABLE:
        raise HireError(f"招聘会当前状态为“{fair.status.label}”，不能导入就业意向。")
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise HireError("文件：无法读取，请上传由模板填写的 .xlsx 文件。") from None
    try:
        sheet = book["就业意向"] if "就业意向" in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_text(v) for v in next(rows, ())]
        missing = [c for c in TEMPLATE_COLUMNS if c not in header]
        if missing:
            raise HireError("表头：缺少列“" + "”“".join(missing) + "”，请使用下载的模板。")
        index = {name: header.index(name) for name in TEMPLATE_COLUMNS}
        result, records = _check_rows(fair, rows, index)
    finally:
        book.close()
    if result.errors:
        return result
    if not records:
        raise HireError("文件：没有可导入的数据行。")
    result.imported = _insert_intents(fair, records, by=by, action="hire.import")
    return result


def _insert_intents(fair: Fair, records: list[dict], *, by, action: str) -> int:
    """Write checked intent rows in one bulk insert, with one audit entry; return the count."""
    now = utcnow()
    user_id = getattr(by, "id", None)
    for record in records:
        record.update(recorded_at=now, updated_at=now, recorded_by_id=user_id)
        with_pii_hashes(record)
    db.session.execute(sa.insert(TentativeHire), records)
    record_audit(action, fair, by=by, summary={"fair_id": fair.id, "imported": len(records)})
    logger.info("Recorded %d tentative hires into fair %s", len(records), fair.id)
    return len(records)


class BulkHireError(HireError):
    """Some items of a bulk registration were refused; `errors` maps item index → message."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("有数据不符合要求，未登记任何一条。")
        self.errors = errors


def register_intents(fair: Fair, seekers: list[SeekerData], *, by) -> int:
    """Record many intents at once (API), all or none, with the checks of one at a time."""
    if fair.status not in IMPORTABLE:
        raise HireError(f"招聘会当前状态为“{fair.status.label}”，不能登记就业意向。")
    offered = offered_position_ids(fair)
    existing = _existing_intent_keys(fair)
    errors: dict[int, str] = {}
    seen: set[tuple] = set()
    for number, data in enumerate(seekers):
        key = _intent_key(data.seeker_name, data.seeker_phone, data.position_id)
        if data.position_id not in offered:
            errors[number] = "岗位：该岗位不在本场招聘会的参会岗位中。"
        elif key in existing or key in seen:
            errors[number] = "重复登记：该求职者已登记过本场该岗位的就业意向。"
        seen.add(key)
    if errors:
        raise BulkHireError(errors)
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
    return _insert_intents(fair, records, by=by, action="hire.bulk")


def _check_rows(fair: Fair, rows, index: dict[str, int]) -> tuple[ImportResult, list[dict]]:
    result = ImportResult()
    errors = result.errors
    offered = offered_position_ids(fair)
    existing = _existing_intent_keys(fair)
    genders = {g.label: g.value for g in Gender}
    educations = {e.label: e.value for e in Education}
    educations.update({"高中/中专/技校": Education.SENIOR_HIGH.value, "中专": "vocational"})
    educations.update({"技校": "vocational"})
    groups_by_label = {g.label: g.value for g in PriorityGroup}
    seen: dict[tuple, int] = {}
    records: list[dict] = []
    for row_number, values in enumerate(rows, start=2):
        cells = {name: _text(values[i]) if i < len(values) else "" for name, i in index.items()}
        if not any(cells.values()):
            continue
        if row_number > MAX_IMPORT_ROWS + 1:
            errors.append(RowError(row_number, "文件", f"超过{MAX_IMPORT_ROWS}行，请分批导入"))
            break
        before = len(errors)
        name, phone = cells["姓名"], cells["手机号"]
        if not name:
            errors.append(RowError(row_number, "姓名", "必填"))
        elif len(name) > 40:
            errors.append(RowError(row_number, "姓名", "不能超过40个字"))
        try:
            phone = normalize_mobile(phone) if phone else ""
            if not phone:
                errors.append(RowError(row_number, "手机号", "必填"))
        except ValueError:
            errors.append(RowError(row_number, "手机号", f"“{phone}”不是有效的手机号码"))
        id_number = cells["身份证号"]
        if id_number:
            if is_valid_id_number(id_number):
                id_number = normalize_id_number(id_number)
            else:
                errors.append(
                    RowError(row_number, "身份证号", "号码无效（位数、出生日期或校验位）")
                )
        gender = None
        if cells["性别"]:
            gender = genders.get(cells["性别"])
            if gender is None:
                errors.append(RowError(row_number, "性别", f"“{cells['性别']}”应为男或女"))
        education = None
        if cells["学历"]:
            education = educations.get(cells["学历"])
            if education is None:
                errors.append(RowError(row_number, "学历", f"“{cells['学历']}”不在学历列表中"))
        groups = []
        for label in _split_groups(cells["重点群体"]):
            if label in groups_by_label:
                groups.append(groups_by_label[label])
            else:
                errors.append(RowError(row_number, "重点群体", f"“{label}”不在重点群体列表中"))
        position_id = None
        raw_position = cells["岗位编号"]
        if not raw_position:
            errors.append(RowError(row_number, "岗位编号", "必填"))
        elif not raw_position.isdigit() or int(raw_position) not in offered:
            errors.append(
                RowError(row_number, "岗位编号", f"“{raw_position}”不是本场招聘会的参会岗位")
            )
        else:
            position_id = int(raw_position)
        if len(errors) > before:
            continue
        key = _intent_key(name, phone, position_id)
        if key in existing:
            errors.append(RowError(row_number, "姓名", "该求职者已登记过本场该岗位的就业意向"))
            continue
        if key in seen:
            errors.append(
                RowError(row_number, "姓名", f"与第{seen[key]}行重复（同一人、同一岗位）")
            )
            continue
        seen[key] = row_number
        records.append(
            {
                "fair_id": fair.id,
                "position_id": position_id,
                "seeker_name": name,
                "seeker_phone": phone,
                "seeker_id_number": id_number or None,
                "gender": Gender(gender) if gender else None,
                "education": Education(education) if education else None,
                "priority_groups": sorted(set(groups)),
                "outcome": Outcome.INTENT,
                "source": HireSource.IMPORT,
            }
        )
    return result, records

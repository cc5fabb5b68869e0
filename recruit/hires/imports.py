"""Tentative hires from a spreadsheet: the fair's template, and an import of all rows or none.

The cells are labels (男, 大专, 高校毕业生 …); they are turned into codes and then checked by
the same rules as one intent typed on a phone (`intents.seeker_errors`), reported by row and
column.
"""

import io
from dataclasses import dataclass, field
from typing import IO

import openpyxl
from openpyxl.utils.escape import unescape

from recruit.errors import Conflict, Invalid
from recruit.fairs.models import Fair
from recruit.fairs.queries import require_fair_access
from recruit.fairs.summary import fair_offered_positions, offered_position_ids
from recruit.hires.intents import (
    existing_intent_keys,
    insert_intents,
    intent_key,
    seeker_errors,
)
from recruit.hires.models import HireSource, Outcome
from recruit.refdata.codes import Education, Gender, PriorityGroup
from recruit.spreadsheets import UNREADABLE, TypedBook, check_workbook_archive
from recruit.validators import normalize_id_number, normalize_mobile

TEMPLATE_COLUMNS = ("姓名", "性别", "手机号", "身份证号", "学历", "重点群体", "岗位编号")
MAX_IMPORT_ROWS = 100_000
#: What a filled template column typically holds, to size the empty columns.
_TYPED_EXAMPLES = {
    "手机号": "13907331234",
    "身份证号": "430281199001011234",
    "学历": "大专（高职）",
    "重点群体": "高校毕业生、退役军人",
}
_GROUP_SEPARATORS = ("、", "，", ",", "；", ";", "/", " ")
#: The template's column of each seeker field.
_COLUMN_OF = {
    "seeker_name": "姓名",
    "gender": "性别",
    "seeker_phone": "手机号",
    "seeker_id_number": "身份证号",
    "education": "学历",
    "priority_groups": "重点群体",
    "position_id": "岗位编号",
}
#: Labels people type for an education, beyond each level's own label.
_EDUCATION_ALIASES = {
    "高中/中专/技校": Education.SENIOR_HIGH.value,
    "中专": Education.VOCATIONAL.value,
    "技校": Education.VOCATIONAL.value,
}


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


def build_import_template(fair: Fair, *, by) -> bytes:
    """Return an .xlsx template: the columns to fill and a sheet of the fair's positions."""
    require_fair_access(by, fair)
    buffer = io.BytesIO()
    # Names typed by employers go in as text: "=…" in a position's title is no formula here.
    book = TypedBook(buffer, styles={"bold": {"bold": True, "bg_color": "#DDEBF7"}}, in_memory=True)
    # Text cells, so Excel keeps phone and ID numbers as typed (no 1.39E+10, no lost digits).
    text = book.book.add_format({"num_format": "@"})
    typed = book.add_sheet("就业意向")
    sheet = typed.sheet
    typed.write_row(0, TEMPLATE_COLUMNS, "bold")
    for col, title in enumerate(TEMPLATE_COLUMNS):
        # Wide enough for what is typed below the header.
        typed.measure(col, _TYPED_EXAMPLES.get(title, "某某某某"))
        if title in ("手机号", "身份证号"):
            typed.column_format(col, text)
    educations = [label for _value, label in Education.seeker_choices()]
    sheet.write_comment(0, 1, "男 或 女，可不填")
    sheet.write_comment(0, 4, "、".join(educations) + "，可不填")
    sheet.write_comment(0, 5, "可填多个，用顿号分隔：" + "、".join(g.label for g in PriorityGroup))
    sheet.write_comment(0, 6, "见“岗位列表”工作表的岗位编号")
    offered = fair_offered_positions(fair)
    # Drop-downs where a cell takes one value of a list (重点群体 may take several: a note).
    for col, source in (
        (1, [g.label for g in Gender]),
        (4, educations),
        (6, f"=岗位列表!$A$2:$A${len(offered) + 1}" if offered else None),
    ):
        if source:
            sheet.data_validation(
                1,
                col,
                MAX_IMPORT_ROWS,
                col,
                {
                    "validate": "list",
                    "source": source,
                    "ignore_blank": True,
                    "error_title": "请从列表中选择",
                    "error_message": "请从下拉列表中选择，或清空此格。",
                },
            )
    sheet.data_validation(
        1,
        5,
        MAX_IMPORT_ROWS,
        5,
        {
            "validate": "any",
            "input_title": "重点群体",
            "input_message": "可填多个，用顿号分隔，如：高校毕业生、退役军人",
        },
    )
    positions = book.add_sheet("岗位列表")
    positions.write_row(0, ("岗位编号", "岗位名称", "用人单位", "展位"), "bold")
    for row, fp in enumerate(offered, start=1):
        values = (fp.position_id, fp.position.title, fp.position.employer.name)
        positions.write_row(row, (*values, fp.participation.booth or ""))
    help_sheet = book.add_sheet("填写说明")
    notes = [
        f"招聘会：{fair.title}",
        "每行一名求职者的一个就业意向；同一人可有多个岗位意向，分多行填写。",
        "必填：姓名、手机号、岗位编号；身份证号可不填，填写时须为有效号码。",
        "整个文件检查无误才会导入；有任何错误都不会写入，请按错误清单修改后重新上传。",
    ]
    for row, line in enumerate(notes):
        help_sheet.write(row, 0, line)
    book.close()
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Excel writes a control character typed into a cell as "_x000B_"; read it back as Excel
    # does, so the text-field rule sees (and refuses) the character rather than the escape.
    return unescape(str(value)).strip()


def _split_groups(text: str) -> list[str]:
    for sep in _GROUP_SEPARATORS[1:]:
        text = text.replace(sep, _GROUP_SEPARATORS[0])
    return [part for part in text.split(_GROUP_SEPARATORS[0]) if part]


def import_hires(fair: Fair, stream: IO[bytes], *, by) -> ImportResult:
    """Check a whole .xlsx of tentative hires; import all rows or none.

    Every row is validated first (fields, positions offered at the fair, duplicates against
    the fair and inside the file). Only a file without errors is written, in bulk; a result
    with errors has written nothing.
    """
    require_fair_access(by, fair)
    if not fair.takes_imports:
        raise Conflict(f"招聘会当前状态为“{fair.status.label}”，不能导入就业意向。")
    # Before openpyxl unpacks anything: it reads the shared strings whole, even read-only.
    check_workbook_archive(stream, field="file")
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise Invalid(UNREADABLE, field="file") from None
    try:
        sheet = book["就业意向"] if "就业意向" in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_text(v) for v in next(rows, ())]
        missing = [c for c in TEMPLATE_COLUMNS if c not in header]
        if missing:
            raise Invalid(
                "表头：缺少列“" + "”“".join(missing) + "”，请使用下载的模板。", field="file"
            )
        index = {name: header.index(name) for name in TEMPLATE_COLUMNS}
        result, records = _check_rows(fair, rows, index)
    finally:
        book.close()
    if result.errors:
        return result
    if not records:
        raise Invalid("文件：没有可导入的数据行。", field="file")
    result.imported = insert_intents(fair, records, by=by, action="hire.import")
    return result


def _codes(
    cells: dict[str, str], row_number: int, offered: set[int], errors: list[RowError]
) -> dict | None:
    """Turn a row's labels into codes and check them; None when the row has errors."""
    before = len(errors)
    genders = {g.label: g.value for g in Gender}
    educations = {e.label: e.value for e in Education} | _EDUCATION_ALIASES
    groups_by_label = {g.label: g.value for g in PriorityGroup}
    gender = genders.get(cells["性别"]) if cells["性别"] else None
    if cells["性别"] and gender is None:
        errors.append(RowError(row_number, "性别", f"“{cells['性别']}”应为男或女"))
    education = educations.get(cells["学历"]) if cells["学历"] else None
    if cells["学历"] and education is None:
        errors.append(RowError(row_number, "学历", f"“{cells['学历']}”不在学历列表中"))
    groups = []
    for label in _split_groups(cells["重点群体"]):
        if label in groups_by_label:
            groups.append(groups_by_label[label])
        else:
            errors.append(RowError(row_number, "重点群体", f"“{label}”不在重点群体列表中"))
    raw_position = cells["岗位编号"]
    position_id = int(raw_position) if raw_position.isdigit() else None
    if raw_position and position_id not in offered:
        errors.append(RowError(row_number, "岗位编号", f"“{raw_position}”不是本场招聘会的参会岗位"))
    values = {
        "seeker_name": cells["姓名"],
        "seeker_phone": cells["手机号"],
        "seeker_id_number": cells["身份证号"],
        "gender": gender,
        "education": education,
        "priority_groups": groups,
        "position_id": position_id,
    }
    for name, message in seeker_errors(values).items():
        if name == "position_id" and raw_position:
            continue  # already told: not one of the fair's positions
        errors.append(RowError(row_number, _COLUMN_OF[name], message))
    return values if len(errors) == before else None


def _check_rows(fair: Fair, rows, index: dict[str, int]) -> tuple[ImportResult, list[dict]]:
    result = ImportResult()
    errors = result.errors
    offered = offered_position_ids(fair)
    existing = existing_intent_keys(fair)
    seen: dict[tuple, int] = {}
    records: list[dict] = []
    for row_number, row in enumerate(rows, start=2):
        cells = {name: _text(row[i]) if i < len(row) else "" for name, i in index.items()}
        if not any(cells.values()):
            continue
        if row_number > MAX_IMPORT_ROWS + 1:
            errors.append(RowError(row_number, "文件", f"超过{MAX_IMPORT_ROWS}行，请分批导入"))
            break
        values = _codes(cells, row_number, offered, errors)
        if values is None:
            continue
        phone = normalize_mobile(values["seeker_phone"])
        name = values["seeker_name"].strip()
        key = intent_key(name, phone, values["position_id"])
        if key in existing:
            errors.append(RowError(row_number, "姓名", "该求职者已登记过本场该岗位的就业意向"))
            continue
        if key in seen:
            errors.append(
                RowError(row_number, "姓名", f"与第{seen[key]}行重复（同一人、同一岗位）")
            )
            continue
        seen[key] = row_number
        id_number = values["seeker_id_number"]
        records.append(
            {
                "fair_id": fair.id,
                "position_id": values["position_id"],
                "seeker_name": name,
                "seeker_phone": phone,
                "seeker_id_number": normalize_id_number(id_number) if id_number else None,
                "gender": Gender(values["gender"]) if values["gender"] else None,
                "education": Education(values["education"]) if values["education"] else None,
                "priority_groups": sorted(set(values["priority_groups"])),
                "outcome": Outcome.INTENT,
                "source": HireSource.IMPORT,
            }
        )
    return result, records

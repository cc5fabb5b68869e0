"""A workbook per run (sheets 新增/更新 and 撤下) for upload at the 就业超市 service points.

Cells are typed (recruit.spreadsheets.TypedBook): 有效期至 and 发布日期 are dates, counts and
salaries numbers, everything else formula-safe text; columns as wide as their content.
"""

from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app

from recruit.db_types import utcnow
from recruit.formatting import local_datetime
from recruit.spreadsheets import TypedBook
from recruit.sync.connectors.base import BatchConnector, Planned, register

#: The default column template: (header, dotted path in the posting document).
DEFAULT_COLUMNS: list[list[str]] = [
    ["岗位编号", "ref"],
    ["版本", "revision"],
    ["岗位名称", "title"],
    ["招聘人数", "openings"],
    ["月薪下限", "salary.min"],
    ["月薪上限", "salary.max"],
    ["学历要求", "education.label"],
    ["工作地区代码", "work_region_code"],
    ["工作地点", "work_address"],
    ["用人单位", "employer.name"],
    ["统一社会信用代码", "employer.uscc"],
    ["联系人", "contact.name"],
    ["联系电话", "contact.phone"],
    ["岗位描述", "description"],
    ["有效期至", "valid_through"],
    ["岗位链接", "url"],
]
WITHDRAWN_COLUMNS = [["岗位编号", "ref"], ["撤下原因", "reason"]]
#: Fields of the posting document that hold an ISO date (YYYY-MM-DD): written as date cells.
DATE_PATHS = frozenset({"valid_through", "date_posted"})


def pick(document: dict[str, Any], path: str) -> Any:
    """Return the value at a dotted path of the document, None when missing."""
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def cell_value(document: dict[str, Any], path: str) -> Any:
    """Return the value at a path as the workbook should type it (dates as dates)."""
    value = pick(document, path)
    if path in DATE_PATHS and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def exports_dir(code: str) -> Path:
    """Return the folder under the instance path holding a channel's workbooks."""
    folder = Path(current_app.instance_path) / "exports" / code
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@register
class XlsxExportConnector(BatchConnector):
    """Write one workbook per run; its items count as delivered once the file is written."""

    kind = "xlsx_export"

    def deliver(self, upserts: list[Planned], withdrawals: list[Planned], run_id: int) -> str:
        columns = self.channel.settings.get("columns") or DEFAULT_COLUMNS
        stamp = local_datetime(utcnow(), "%Y%m%d-%H%M%S")
        name = f"{self.channel.code}-{stamp}-{run_id}.xlsx"
        final = exports_dir(self.channel.code) / name
        partial = final.with_suffix(".part")
        workbook = TypedBook(str(partial), styles={"bold": {"bold": True}})
        try:
            for title, cols, items in (
                ("新增/更新", columns, upserts),
                ("撤下", WITHDRAWN_COLUMNS, withdrawals),
            ):
                # Sheet names may not contain "/" in Excel; xlsxwriter refuses it too.
                sheet = workbook.add_sheet(title.replace("/", "／"))
                sheet.write_row(0, [header for header, _path in cols], "bold")
                for row, item in enumerate(items, start=1):
                    source = item.document or {"ref": item.ref, **item.extra}
                    sheet.write_row(row, [cell_value(source, path) for _header, path in cols])
                sheet.sheet.freeze_panes(1, 0)
        finally:
            workbook.close()
        # Renamed only once complete: a crash never leaves a half workbook to download.
        partial.replace(final)
        return name

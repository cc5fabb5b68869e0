"""What every workbook the product writes or reads shares: typed cells, fitted columns,
formula-safe text, bounded uploads, one way to send a download.

Exports (the intents list, the report workbook and CSV, the channel workbook, the import
template) write through `TypedBook`: numbers as numbers, dates as dates (yyyy-mm-dd), rates as
numbers with a % format (`Percent`), and text through `safe_text`: a value a spreadsheet would
read as a formula is prefixed with an apostrophe and always written as text. Column widths
follow the content, CJK characters counting double. Uploads pass `check_workbook_archive`
before openpyxl opens them, so a small zip cannot unpack into gigabytes in the worker.
Downloads go out through `send_download` (flask.send_file with a readable ASCII file name for
clients that do not read RFC 5987's filename*).
"""

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote
from xml.etree import ElementTree

import xlsxwriter
from flask import Response, send_file

from recruit.errors import Invalid
from recruit.formatting import to_local

#: A cell starting with one of these could be read as a formula (CSV / formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What a defused value starts with: Excel and LibreOffice show the rest as typed.
TEXT_PREFIX = "'"

#: Limits on an uploaded .xlsx, checked on the zip's directory before anything is unpacked.
#: A filled template has about a dozen parts; MAX_IMPORT_ROWS (100,000) rows of seven cells
#: unpack to some 35 MB of sheet XML and 9 MB of distinct names and numbers.
MAX_ARCHIVE_ENTRIES = 200
MAX_UNPACKED_MB = 100
#: openpyxl reads the shared strings part whole into memory, even read-only: 16 MB of one-letter
#: strings took 7 s and 144 MB to read (340 MB took 172 s and 2 GB); 100,000 rows need 9 MB.
MAX_SHARED_STRINGS_MB = 16
#: Spreadsheet XML compresses ten or twenty times; a zip bomb compresses a thousandfold.
MAX_COMPRESSION_RATIO = 100
#: Parts smaller than this are not judged by their ratio (small repetitive parts compress well).
RATIO_FLOOR = 1024 * 1024
#: Where the shared strings usually are; [Content_Types].xml may name another part.
SHARED_STRINGS = "xl/sharedStrings.xml"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
CONTENT_TYPES = "[Content_Types].xml"
#: The content types part lists a dozen parts in a few KB.
MAX_CONTENT_TYPES_BYTES = 256 * 1024


def safe_text(value: Any) -> str:
    """Return text a spreadsheet shows as written, never evaluates."""
    text = "" if value is None else str(value)
    return TEXT_PREFIX + text if text.startswith(FORMULA_STARTS) else text


# --- typed workbooks -----------------------------------------------------------------------

#: Number formats of typed cells (Excel's codes; LibreOffice reads them alike).
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"
#: Column widths in character units: a CJK character counts two, padding one each side.
MIN_WIDTH = 6
MAX_WIDTH = 60
PADDING = 2


@dataclass(frozen=True)
class Percent:
    """A rate given in percent (47.1 means 47.1 %), written as 0.471 with a % format."""

    value: float | Decimal | int | None


def display_width(text: str) -> int:
    """Return how many character cells the text takes: wide and full-width characters two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(value: Any) -> str:
    """Return the text a cell shows, for measuring its column."""
    if isinstance(value, datetime):
        return "2026-01-01 00:00"
    if isinstance(value, date):
        return "2026-01-01"
    if isinstance(value, Percent):
        return "100.0%"
    if isinstance(value, bool):
        return "是"
    if isinstance(value, float | Decimal):
        return f"{value:.2f}"
    return "" if value is None else str(value)


class TypedSheet:
    """One worksheet written with typed cells; its column widths are measured as it is filled.

    `write` picks the cell type from the value: int/float/Decimal a number, `date` a date,
    `datetime` a local date and time (aware values are shown in Asia/Shanghai), `Percent` a
    number with a % format, bool 是/否, None blank, anything else formula-safe text.
    """

    def __init__(self, book: "TypedBook", sheet) -> None:
        self.book = book
        self.sheet = sheet
        self.widths: dict[int, int] = {}
        self.column_formats: dict[int, Any] = {}

    def measure(self, col: int, text: str) -> None:
        """Let a column grow to show the text (a cell written directly through `sheet`)."""
        width = max(display_width(line) for line in text.split("\n")) if text else 0
        self.widths[col] = max(self.widths.get(col, 0), width)

    def write(self, row: int, col: int, value: Any, style: str | None = None) -> None:
        """Write one typed cell in the named style (a key of the book's styles)."""
        fmt = self.book.format(style, _kind(value))
        sheet = self.sheet
        if value is None:
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            sheet.write_string(row, col, "是" if value else "否", fmt)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
        elif isinstance(value, Percent):
            if value.value is None:
                sheet.write_blank(row, col, None, fmt)
            else:
                sheet.write_number(row, col, float(value.value) / 100, fmt)
        elif isinstance(value, datetime):
            local = to_local(value) if value.tzinfo else value
            sheet.write_datetime(row, col, local.replace(tzinfo=None), fmt)
        elif isinstance(value, date):
            sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt)
        else:
            sheet.write_string(row, col, safe_text(value), fmt)
        self.measure(col, _shown(value))

    def write_row(self, row: int, values, style: str | None = None) -> None:
        for col, value in enumerate(values):
            self.write(row, col, value, style)

    def column_format(self, col: int, fmt) -> None:
        """Give a whole column a format (e.g. text for phone numbers typed into a template)."""
        self.column_formats[col] = fmt

    def fit_columns(self) -> None:
        """Set every measured column's width from its widest cell (headers included)."""
        for col in sorted(set(self.widths) | set(self.column_formats)):
            width = min(max(self.widths.get(col, 0) + PADDING, MIN_WIDTH), MAX_WIDTH)
            self.sheet.set_column(col, col, width, self.column_formats.get(col))


def _kind(value: Any) -> str:
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, Percent):
        return "percent"
    return "plain"


_NUMBER_FORMATS = {"date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "percent": PERCENT_FORMAT}


class TypedBook:
    """An xlsxwriter workbook whose sheets write typed cells and fit their columns on close.

    Text is never read as a formula, a URL or a number: "=…" stays text, "0731…" keeps its 0.
    """

    def __init__(self, target, *, styles: dict[str, dict] | None = None, **options) -> None:
        self.book = xlsxwriter.Workbook(
            target,
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                **options,
            },
        )
        self.styles: dict[str | None, dict] = {None: {}, **(styles or {})}
        self._formats: dict[tuple[str | None, str], Any] = {}
        self.sheets: list[TypedSheet] = []

    def format(self, style: str | None, kind: str = "plain"):
        """Return the cached format of a style for a kind of cell (None when plain and unstyled)."""
        key = (style, kind)
        if key not in self._formats:
            props = dict(self.styles[style])
            if kind in _NUMBER_FORMATS:
                props["num_format"] = _NUMBER_FORMATS[kind]
            self._formats[key] = self.book.add_format(props) if props else None
        return self._formats[key]

    def add_sheet(self, name: str) -> TypedSheet:
        sheet = TypedSheet(self, self.book.add_worksheet(name))
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        for sheet in self.sheets:
            sheet.fit_columns()
        self.book.close()


def build_workbook(fill, *, styles: dict[str, dict] | None = None, **options) -> bytes:
    """Return the bytes of a workbook that `fill(book)` writes."""
    buffer = io.BytesIO()
    book = TypedBook(buffer, styles=styles, in_memory=True, **options)
    try:
        fill(book)
    finally:
        book.close()
    return buffer.getvalue()


# --- downloads -----------------------------------------------------------------------------

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_download(
    data: bytes | Path, filename: str, *, ascii_name: str, mimetype: str | None = None
) -> Response:
    """Send a file as an attachment with flask.send_file.

    `filename` may be Chinese (sent as RFC 5987 filename*); `ascii_name` is the readable
    fallback for old clients, e.g. intents-12.xlsx where Werkzeug would strip 就业意向-12.xlsx
    down to "-12.xlsx".
    """
    source = data if isinstance(data, Path) else io.BytesIO(data)
    response = send_file(source, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Content-Disposition"] = (
        f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(filename, safe='')}"
    )
    return response


def check_workbook_archive(stream: IO[bytes], field: str = "file") -> None:
    """Refuse (Invalid, naming the limit) an upload whose zip would unpack beyond the limits.

    Only the zip's directory and its small content types part are read. Python's zipfile never
    returns more bytes for a part than the directory declares, so the declared sizes bound
    what openpyxl unpacks.
    """
    start = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            shared = {SHARED_STRINGS} | _declared_shared_strings(archive, field)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise Invalid(UNREADABLE, field=field) from None
    finally:
        stream.seek(start)
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise Invalid(
            f"文件：包含的部件超过 {MAX_ARCHIVE_ENTRIES} 个，不是由模板填写的 .xlsx 文件。",
            field=field,
        )
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_MB << 20:
        raise Invalid(f"文件：解压后超过 {MAX_UNPACKED_MB} MB，请分批导入。", field=field)
    for entry in entries:
        if entry.filename in shared and entry.file_size > MAX_SHARED_STRINGS_MB << 20:
            raise Invalid(
                f"文件：文字内容（共享字符串）解压后超过 {MAX_SHARED_STRINGS_MB} MB，请分批导入。",
                field=field,
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR and ratio > MAX_COMPRESSION_RATIO:
            raise Invalid(
                f"文件：压缩比超过 {MAX_COMPRESSION_RATIO} 倍，不像正常填写的表格，未读取。",
                field=field,
            )


#: What an upload that is not a workbook at all is told.
UNREADABLE = "文件：无法读取，请上传由模板填写的 .xlsx 文件。"


def _declared_shared_strings(archive: zipfile.ZipFile, field: str) -> set[str]:
    """Return the parts [Content_Types].xml declares as shared strings (openpyxl reads those)."""
    try:
        info = archive.getinfo(CONTENT_TYPES)
    except KeyError:
        return set()
    if info.file_size > MAX_CONTENT_TYPES_BYTES:
        raise Invalid(UNREADABLE, field=field)
    try:
        root = ElementTree.fromstring(archive.read(info))
    except ElementTree.ParseError:
        raise Invalid(UNREADABLE, field=field) from None
    return {
        override.get("PartName", "").lstrip("/")
        for override in root.iter()
        if override.tag.endswith("Override") and override.get("ContentType") == SHARED_STRINGS_TYPE
    }

"""What every workbook the product writes or reads shares: formula-safe text, bounded uploads.

Exports (the intents list, the report workbook and CSV, the channel workbook, the import
template) write text through `safe_text` / `write_cell`: a value a spreadsheet would read as a
formula is prefixed with an apostrophe and always written as text. Uploads pass
`check_workbook_archive` before openpyxl opens them, so a small zip cannot unpack into
gigabytes in the worker.
"""

import zipfile
from typing import IO, Any
from xml.etree import ElementTree

from recruit.errors import Invalid

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


def write_cell(sheet, row: int, col: int, value: Any, cell_format=None) -> None:
    """Write a number as a number and anything else as formula-safe text (xlsxwriter)."""
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否", cell_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, safe_text(value), cell_format)


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

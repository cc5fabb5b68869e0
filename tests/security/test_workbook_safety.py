"""Workbooks: an upload is measured before openpyxl unpacks it; every export writes text as text."""

import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest

import recruit.hires.imports as imports
from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.errors import Invalid
from recruit.fairs.models import FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import local_today
from recruit.hires.contact import export_hires
from recruit.hires.imports import TEMPLATE_COLUMNS, build_import_template, import_hires
from recruit.hires.models import TentativeHire
from recruit.spreadsheets import (
    MAX_ARCHIVE_ENTRIES,
    MAX_COMPRESSION_RATIO,
    MAX_SHARED_STRINGS_MB,
    SHARED_STRINGS_TYPE,
    safe_text,
)

IMPORTER = system("tests.workbook_safety")
FORMULAS = [
    '=HYPERLINK("http://evil.example","点我")',
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def import_fair(db, make_fair, make_position):
    fair = make_fair(day=local_today() - timedelta(days=1), status=FairStatus.HELD)
    position = make_position()
    part = Participation(fair=fair, employer=position.employer, status=ParticipationStatus.ATTENDED)
    part.fair_positions.append(FairPosition(position=position, openings=2))
    db.session.add(part)
    db.session.flush()
    return fair, position


def _workbook_parts(strings_part: str = "xl/sharedStrings.xml") -> dict[str, bytes]:
    """Return the parts of a real one-cell workbook, its shared strings under another name."""
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(list(TEMPLATE_COLUMNS))
    book.save(buffer)
    parts = {}
    with zipfile.ZipFile(buffer) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    override = f'<Override PartName="/{strings_part}" ContentType="{SHARED_STRINGS_TYPE}"/></Types>'
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", override.encode()
    )
    return parts


def _zip(parts: dict[str, bytes], stored: tuple[str, ...] = ()) -> io.BytesIO:
    """Zip the parts, deflated at the highest level except those named in `stored`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data, zipfile.ZIP_STORED if name in stored else None)
    buffer.seek(0)
    return buffer


def _bomb(megabytes: int) -> io.BytesIO:
    """A workbook whose shared strings are one-letter strings: kilobytes zipped, MB unpacked."""
    parts = _workbook_parts()
    head = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(head)
            chunk = b"<si><t>a</t></si>" * (1024 * 1024 // 17)
            for _ in range(megabytes):
                part.write(chunk)
            part.write(b"</sst>")
    buffer.seek(0)
    return buffer


@pytest.fixture
def never_parsed(monkeypatch):
    """Fail the test if openpyxl is asked to open the file at all."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("openpyxl opened a file the size check should have refused")

    monkeypatch.setattr(imports.openpyxl, "load_workbook", refuse)


def test_a_shared_strings_zip_bomb_is_refused_before_openpyxl_reads_it(
    db, import_fair, never_parsed
):
    fair, _position = import_fair
    bomb = _bomb(64)  # 64 MB of one-letter strings: openpyxl would hold millions of them
    assert len(bomb.getvalue()) < 256 * 1024  # the finding's file was 351 KB
    with pytest.raises(Invalid) as refusal:
        import_hires(fair, bomb, by=IMPORTER)
    assert refusal.value.field == "file"
    assert "MB" in refusal.value.message or "压缩比" in refusal.value.message


def test_shared_strings_past_the_limit_are_refused_whatever_the_part_is_called(
    db, import_fair, never_parsed
):
    fair, _position = import_fair
    parts = _workbook_parts("xl/worksheets/notes.xml")
    # Stored, not compressed, so the ratio check passes: only the size limit stops it.
    parts["xl/worksheets/notes.xml"] = b"x" * ((MAX_SHARED_STRINGS_MB << 20) + 1)
    upload = _zip(parts, stored=("xl/worksheets/notes.xml",))
    with pytest.raises(Invalid, match=f"{MAX_SHARED_STRINGS_MB} MB"):
        import_hires(fair, upload, by=IMPORTER)


def test_a_part_compressed_a_thousandfold_is_refused(db, import_fair, never_parsed):
    fair, _position = import_fair
    parts = _workbook_parts()
    parts["xl/worksheets/sheet1.xml"] = b"<row/>" * 2_000_000
    with pytest.raises(Invalid, match=f"压缩比超过 {MAX_COMPRESSION_RATIO} 倍"):
        import_hires(fair, _zip(parts), by=IMPORTER)


def test_a_zip_of_too_many_parts_is_refused(db, import_fair, never_parsed):
    fair, _position = import_fair
    parts = _workbook_parts()
    parts.update({f"xl/media/{n}.txt": b"x" for n in range(MAX_ARCHIVE_ENTRIES)})
    with pytest.raises(Invalid, match=f"超过 {MAX_ARCHIVE_ENTRIES} 个"):
        import_hires(fair, _zip(parts), by=IMPORTER)


def test_a_large_ordinary_file_still_imports(db, import_fair):
    fair, position = import_fair
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("就业意向")
    sheet.append(list(TEMPLATE_COLUMNS))
    for n in range(3000):
        sheet.append([f"求职者{n:05d}", "男", f"139{n:08d}", "", "本科", "", position.id])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    assert import_hires(fair, buffer, by=IMPORTER).imported == 3000


# --- formula safety in every export --------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_the_one_helper_defuses_every_formula_start(text):
    assert safe_text(text) == "'" + text
    assert safe_text("张三") == "张三" and safe_text(None) == "" and safe_text(12) == "12"


def test_the_intents_export_writes_formulas_as_prefixed_text(db, import_fair, make_user):
    fair, position = import_fair
    for n, text in enumerate(FORMULAS):
        db.session.add(
            TentativeHire(
                fair=fair, position=position, seeker_name=text[:40], seeker_phone=f"1390000{n:04d}"
            )
        )
    db.session.flush()
    data = export_hires(fair, by=make_user(Role.ADMIN), password_checked_at=utcnow())
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == len(FORMULAS) and all(name.startswith("'") for name in names)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_import_template_lists_positions_as_text_not_formulas(db, import_fair, make_user):
    fair, position = import_fair
    position.title = '=HYPERLINK("http://evil.example","岗位")'
    position.employer.name = "+SUM(A1)有限公司"
    db.session.flush()
    data = build_import_template(fair, by=make_user(Role.ADMIN))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["岗位列表"]
    row = next(sheet.iter_rows(min_row=2))
    assert row[1].value == "'" + position.title and row[1].data_type == "s"
    assert row[2].value == "'+SUM(A1)有限公司" and row[2].data_type == "s"

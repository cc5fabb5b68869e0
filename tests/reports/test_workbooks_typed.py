"""Every workbook the product writes has typed cells and fitted columns, read back by openpyxl
and after a round trip through headless LibreOffice (issue 19, point 5).

The workbooks: the report (and its CSV), the intents export, the import template and the
channel workbook (xlsx_export). Dates are date cells (yyyy-mm-dd), rates numbers with a %
format, counts numbers, text formula-safe; a column is at least as wide as its header.
"""

import io
import os
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.channels.models import Channel
from recruit.db_types import utcnow
from recruit.extensions import db as _db
from recruit.fairs.models import FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import LOCAL_TZ
from recruit.hires.contact import export_hires
from recruit.hires.imports import build_import_template
from recruit.hires.models import Outcome, TentativeHire
from recruit.refdata.codes import FairType
from recruit.refdata.services import get_industry_chain
from recruit.spreadsheets import (
    MAX_WIDTH,
    Percent,
    TypedBook,
    build_workbook,
    display_width,
    send_download,
)
from recruit.sync.connectors.xlsx_export import exports_dir
from recruit.sync.services import run_channel_sync

MARCH = {"preset": "custom", "start": "2026-03-01", "end": "2026-03-31"}
ACTOR = system("tests.workbooks")


@pytest.fixture
def march(fair, attend, tally, hire):
    """Two counted fairs in March 2026 with intents, one hired and one started."""
    ceramics = get_industry_chain("ceramics")
    liling = fair(region_code="430281", type=FairType.INDUSTRY_CHAIN, industry_chain=ceramics)
    attend(liling, openings=[30, 12])
    tally(liling, 400)
    for _ in range(3):
        hire(liling)
    hire(liling, Outcome.STARTED, hired_on=date(2026, 3, 12), started_on=date(2026, 3, 15))
    tianyuan = fair(region_code="430211", title='=HYPERLINK("http://evil")天元区招聘会')
    attend(tianyuan, openings=[8])
    tally(tianyuan, 100)
    hire(tianyuan, Outcome.HIRED, hired_on=date(2026, 3, 20))
    return liling, tianyuan


@pytest.fixture
def workbooks(client, login_as, make_user, make_fair, make_position, march, tmp_path):
    """Write every workbook the product writes into tmp_path; return {name: path}."""
    login_as(make_user(Role.VIEWER))
    report = client.get("/reports/export.xlsx", query_string=MARCH)
    assert report.status_code == 200
    files = {"report": report.data}

    fair = make_fair(status=FairStatus.OPEN)
    position = make_position(title="=SUM(A1) 陶瓷彩绘工")
    part = Participation(fair=fair, employer=position.employer, status=ParticipationStatus.APPROVED)
    part.fair_positions.append(FairPosition(position=position, openings=3))
    _db.session.add(part)
    _db.session.add(
        TentativeHire(
            fair=fair, position=position, seeker_name="刘小红", seeker_phone="13907331234"
        )
    )
    _db.session.flush()
    admin = make_user(Role.ADMIN)
    files["intents"] = export_hires(fair, by=admin, password_checked_at=utcnow())
    files["template"] = build_import_template(fair, by=admin)

    channel = _db.session.scalar(sa.select(Channel).where(Channel.code == "jycs"))
    run = run_channel_sync(channel, by=ACTOR)
    assert run.output_file
    files["channel"] = (exports_dir("jycs") / run.output_file).read_bytes()

    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.xlsx"
        paths[name].write_bytes(data)
    return paths


def _rows(sheet) -> dict[str, list]:
    """Return the sheet's rows by the text in their first cell."""
    return {str(row[0].value): row for row in sheet.iter_rows() if row[0].value is not None}


def _column_width(sheet, col: int) -> float | None:
    """Return a column's set width (a <col> element may cover a range of columns)."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min and dimension.min <= col <= dimension.max and dimension.customWidth:
            return dimension.width
    return None


def _fmt(cell) -> str:
    """Return the number format as written (LibreOffice writes yyyy\\-mm\\-dd)."""
    return cell.number_format.lower().replace("\\", "")


def _check_typed(paths: dict[str, Path], *, widths: bool = True) -> None:
    """The typed cells of every workbook, whoever wrote the file last."""
    book = openpyxl.load_workbook(paths["report"])
    summary = _rows(book["汇总"])
    assert summary["举办招聘会"][1].value == 2 and summary["举办招聘会"][1].data_type == "n"
    hired_rate = summary["录用率（占意向）"][1]
    # 2 of 5 intents hired: 40 %, a number shown as a percentage, not the text "40.0%".
    assert hired_rate.data_type == "n" and hired_rate.value == pytest.approx(0.4)
    assert "%" in hired_rate.number_format
    fairs = book["招聘会清单"]
    header = [c.value for c in fairs[1]]
    held = fairs.cell(row=2, column=header.index("举办日期") + 1)
    assert held.is_date and held.value.date() == date(2026, 3, 10)
    assert _fmt(held) == "yyyy-mm-dd"
    title = fairs.cell(row=3, column=2)
    assert title.data_type == "s" and not str(title.value).startswith("=")
    if widths:
        for sheet in book.worksheets:
            first = 5 if sheet.title == "汇总" else 1
            for cell in sheet[first]:
                if cell.value is None:
                    continue
                width = _column_width(sheet, cell.column)
                need = min(display_width(str(cell.value)), MAX_WIDTH - 2)
                assert width and width >= need, (sheet.title, cell.value, width)
    book.close()

    book = openpyxl.load_workbook(paths["intents"])
    sheet = book["就业意向"]
    header = [c.value for c in sheet[1]]
    recorded = sheet.cell(row=2, column=header.index("登记时间") + 1)
    assert recorded.is_date and _fmt(recorded).startswith("yyyy-mm-dd")
    # Written in local time (Asia/Shanghai), like every time the product shows.
    local_now = datetime.now(LOCAL_TZ).replace(tzinfo=None)
    assert abs(recorded.value - local_now) < timedelta(minutes=10)
    assert sheet.cell(row=2, column=1).data_type == "n"
    assert sheet.cell(row=2, column=header.index("岗位") + 1).value.startswith("'=")
    phone = sheet.cell(row=2, column=header.index("手机号") + 1)
    assert phone.data_type == "s" and phone.value == "13907331234"
    if widths:
        for col, name in enumerate(header, start=1):
            assert _column_width(sheet, col) >= display_width(name), name
    book.close()

    book = openpyxl.load_workbook(paths["template"])
    positions = book["岗位列表"]
    assert positions.cell(row=2, column=1).data_type == "n"
    assert positions.cell(row=2, column=2).value.startswith("'=")
    if widths:
        assert _column_width(book["就业意向"], 4) >= len("430281199001011234")
    book.close()

    book = openpyxl.load_workbook(paths["channel"])
    sheet = book["新增／更新"]
    header = [c.value for c in sheet[1]]
    valid = sheet.cell(row=2, column=header.index("有效期至") + 1)
    assert valid.is_date and _fmt(valid) == "yyyy-mm-dd"
    assert sheet.cell(row=2, column=header.index("招聘人数") + 1).data_type == "n"
    assert sheet.cell(row=2, column=header.index("统一社会信用代码") + 1).data_type == "s"
    if widths:
        for col, name in enumerate(header, start=1):
            assert _column_width(sheet, col) >= display_width(name), name
    book.close()


def test_every_workbook_has_typed_cells_and_fitted_columns(workbooks):
    _check_typed(workbooks)


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    required = os.environ.get("REQUIRE_LIBREOFFICE") == "1" or (
        os.environ.get("REQUIRE_BROWSER") == "1"
    )
    if found is None and required:
        pytest.fail("LibreOffice (soffice) is required here but not installed")
    return found


def test_libreoffice_opens_every_workbook_and_keeps_the_types(workbooks, tmp_path):
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "roundtrip"
    profile = tmp_path / "lo-profile"
    # One process converts them all: LibreOffice opens each file, then writes it anew.
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            *(str(path) for path in workbooks.values()),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    written = {name: out / path.name for name, path in workbooks.items()}
    missing = [name for name, path in written.items() if not path.exists()]
    assert not missing, (missing, done.stdout, done.stderr)
    # LibreOffice sets its own widths; the types must survive.
    _check_typed(written, widths=False)


def test_the_report_csv_is_sent_with_one_charset(client, login_as, make_user, march):
    login_as(make_user(Role.VIEWER))
    response = client.get("/reports/export.csv", query_string=MARCH)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=report_fairs_20260301-20260331.csv;")
    assert "filename*=UTF-8''" in disposition
    # The fair list's date is a plain ISO date in CSV.
    assert ",2026-03-10," in response.data.decode("utf-8-sig")


def test_downloads_have_a_readable_ascii_fallback_name(app):
    with app.test_request_context():
        response = send_download(
            b"x", "就业意向-1.xlsx", ascii_name="intents-1.xlsx", mimetype="application/x"
        )
    disposition = response.headers["Content-Disposition"]
    assert "filename=intents-1.xlsx;" in disposition
    assert "filename=-1.xlsx" not in disposition
    assert "filename*=UTF-8''%E5%B0%B1%E4%B8%9A%E6%84%8F%E5%90%91-1.xlsx" in disposition


def test_widths_count_cjk_double_and_cells_are_typed_by_value():
    assert display_width("招聘会abc") == 9
    assert display_width("ＡＢ") == 4  # full-width letters are wide too

    def fill(book: TypedBook) -> None:
        sheet = book.add_sheet("表")
        sheet.write_row(0, ["初步达成就业意向（人次）", "x"])
        sheet.write_row(1, [Percent(47.1), date(2026, 3, 5)])
        sheet.write_row(2, [Percent(None), "=1+1"])

    book = openpyxl.load_workbook(io.BytesIO(build_workbook(fill)))
    sheet = book["表"]
    assert sheet["A2"].value == pytest.approx(0.471) and sheet["A2"].number_format == "0.0%"
    assert sheet["B2"].is_date and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["A3"].value is None and sheet["B3"].value == "'=1+1"
    assert sheet.column_dimensions["A"].width >= display_width("初步达成就业意向（人次）")
    assert sheet.column_dimensions["B"].width >= len("2026-03-05")

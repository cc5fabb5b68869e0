"""Journey 4: the demo viewer reads the dashboard and downloads the Excel file."""

from datetime import date

import openpyxl
from playwright.sync_api import expect

from recruit.demo.services import DEMO_PASSWORD
from recruit.formatting import bureau_number, local_today
from recruit.reports.metrics import ReportFilter, compute_metrics
from recruit.reports.sentence import bureau_sentence


def test_viewer_reads_the_dashboard_and_downloads_the_excel_file(page, live_server, tmp_path):
    with live_server.app.app_context():
        today = local_today()
        year = ReportFilter(date(today.year, 1, 1), date(today.year, 12, 31))
        expected = compute_metrics(year.start, year.end)
        sentence = bureau_sentence(year, expected)
    assert expected.fairs > 0

    page.goto("/login")
    page.get_by_label("用户名").fill("viewer")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="统计报表").click()

    expect(page.get_by_role("heading", name="招聘会统计报表")).to_be_visible()
    expect(page.get_by_test_id("bureau-sentence")).to_have_text(sentence)
    for testid, value in (
        ("metric-fairs", expected.fairs),
        ("metric-employer-attendances", expected.employer_attendances),
        ("metric-tentative-hires", expected.tentative_hires),
    ):
        expect(page.get_by_test_id(testid).locator(".metric-value")).to_have_text(
            bureau_number(value)
        )
    chart = page.get_by_test_id("chart-trend-fairs")
    expect(chart).to_be_visible()
    assert chart.evaluate("node => node.tagName.toLowerCase()") == "svg"

    # A number leads to the rows it counts.
    page.get_by_test_id("metric-fairs").click()
    expect(page.get_by_test_id("drill-total")).to_contain_text(f"合计 {expected.fairs} 场")
    page.go_back()

    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    path = tmp_path / "report.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(path)
    try:
        cells = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row[0]}
    finally:
        book.close()
    assert cells["举办招聘会"] == expected.fairs
    assert cells["通报"] == sentence

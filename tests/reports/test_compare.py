"""同比 and 环比 (issue 18.5): the compared period's rule, exact numbers on a small data set,
and the page, the workbook and the API agreeing number for number, links included."""

import io
from datetime import date
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from recruit.auth.models import Role
from recruit.errors import Invalid
from recruit.extensions import db
from recruit.metrics import METRIC_NAMES
from recruit.reports.compare import change_pct, compare_report, compared_period
from recruit.reports.metrics import ReportFilter
from recruit.reports.services import build_report


@pytest.mark.parametrize(
    "kind, start, end, expected",
    [
        # 同比: whole months compare with the same months a year before.
        ("yoy", "2026-03-01", "2026-03-31", ("2025-03-01", "2025-03-31")),
        ("yoy", "2025-02-01", "2025-02-28", ("2024-02-01", "2024-02-29")),
        ("yoy", "2024-02-01", "2024-02-29", ("2023-02-01", "2023-02-28")),
        ("yoy", "2026-01-01", "2026-06-30", ("2025-01-01", "2025-06-30")),
        # 同比 of other ranges: each day a year back, 2月29日 → 2月28日.
        ("yoy", "2024-02-29", "2024-02-29", ("2023-02-28", "2023-02-28")),
        ("yoy", "2024-02-10", "2024-02-29", ("2023-02-10", "2023-02-28")),
        ("yoy", "2026-03-05", "2026-03-20", ("2025-03-05", "2025-03-20")),
        ("yoy", "2025-12-20", "2026-01-10", ("2024-12-20", "2025-01-10")),
        # 环比: the previous month, quarter, half-year, year, n whole months.
        ("pop", "2026-03-01", "2026-03-31", ("2026-02-01", "2026-02-28")),
        ("pop", "2026-01-01", "2026-01-31", ("2025-12-01", "2025-12-31")),
        ("pop", "2024-03-01", "2024-03-31", ("2024-02-01", "2024-02-29")),
        ("pop", "2026-01-01", "2026-03-31", ("2025-10-01", "2025-12-31")),
        ("pop", "2026-04-01", "2026-06-30", ("2026-01-01", "2026-03-31")),
        ("pop", "2026-01-01", "2026-06-30", ("2025-07-01", "2025-12-31")),
        ("pop", "2026-07-01", "2026-12-31", ("2026-01-01", "2026-06-30")),
        ("pop", "2026-01-01", "2026-12-31", ("2025-01-01", "2025-12-31")),
        ("pop", "2026-01-01", "2026-05-31", ("2025-08-01", "2025-12-31")),
        # 环比 of other ranges: the same number of days just before, across years too.
        ("pop", "2026-03-05", "2026-03-20", ("2026-02-17", "2026-03-04")),
        ("pop", "2026-01-01", "2026-01-10", ("2025-12-22", "2025-12-31")),
        ("pop", "2024-03-01", "2024-03-01", ("2024-02-29", "2024-02-29")),
    ],
)
def test_the_compared_period(kind, start, end, expected):
    got = compared_period(date.fromisoformat(start), date.fromisoformat(end), kind)

    assert tuple(d.isoformat() for d in got) == expected


def test_an_unknown_comparison_is_refused():
    with pytest.raises(Invalid) as error:
        compared_period(date(2026, 3, 1), date(2026, 3, 31), "mom")

    assert error.value.errors == {"compare": "对比方式应为 同比（yoy）或 环比（pop）。"}


@pytest.mark.parametrize(
    "current, base, expected",
    [
        (150, 100, 50.0),
        (1, 3, -66.7),
        (2, 3, -33.3),
        (100, 100, 0.0),
        (0, 4, -100.0),
        (401, 400, 0.3),  # half up, where a float round() gives 0.2
        (399, 400, -0.3),
        (5, 0, None),
        (0, 0, None),
    ],
)
def test_the_change_in_percent(current, base, expected):
    assert change_pct(current, base) == expected


@pytest.fixture
def years(fair, attend, tally, hire):
    """Fairs over three years, one number apart, for exact comparisons.

    2026: 2月15日 天元区 (B), 3月10日 醴陵市 (C), 3月20日 天元区 (D);
    2025: 2月28日 (H), 3月10日 醴陵市 (A), 10月5日 天元区 (E);
    2024: 2月29日 (F); 2023: 2月28日 (G).
    """
    made = {}

    def add(name, day, region, openings, entries, intents):
        held = fair(day, region_code=region, title=f"{name}招聘会")
        attend(held, openings=[openings])
        tally(held, entries)
        for _ in range(intents):
            hire(held)
        made[name] = held

    add("A", date(2025, 3, 10), "430281", 10, 100, 2)
    add("B", date(2026, 2, 15), "430211", 5, 40, 1)
    add("C", date(2026, 3, 10), "430281", 30, 150, 3)
    add("D", date(2026, 3, 20), "430211", 8, 50, 0)
    add("E", date(2025, 10, 5), "430211", 20, 60, 1)
    add("F", date(2024, 2, 29), "430281", 4, 7, 0)
    add("G", date(2023, 2, 28), "430281", 2, 3, 0)
    add("H", date(2025, 2, 28), "430211", 6, 11, 1)
    return made


def _numbers(metrics) -> tuple:
    return tuple(getattr(metrics, name) for name in METRIC_NAMES)


def _compare(make_user, start, end, kind):
    actor = make_user(Role.VIEWER)
    report = build_report(actor, ReportFilter(date.fromisoformat(start), date.fromisoformat(end)))
    return report, compare_report(actor, report, kind)


@pytest.mark.parametrize(
    "start, end, kind, current, base, period",
    [
        # March 2026 against March 2025 (A) and February 2026 (B).
        ("2026-03-01", "2026-03-31", "yoy", (2, 2, 38, 200, 3), (1, 1, 10, 100, 2), "2025-03"),
        ("2026-03-01", "2026-03-31", "pop", (2, 2, 38, 200, 3), (1, 1, 5, 40, 1), "2026-02"),
        # 一季度 2026 (B, C, D) against 一季度 2025 (H, A) and 四季度 2025 (E).
        ("2026-01-01", "2026-03-31", "yoy", (3, 3, 43, 240, 4), (2, 2, 16, 111, 3), "2025-01"),
        ("2026-01-01", "2026-03-31", "pop", (3, 3, 43, 240, 4), (1, 1, 20, 60, 1), "2025-10"),
        # 上半年 2026 against 上半年 2025 and 下半年 2025.
        ("2026-01-01", "2026-06-30", "yoy", (3, 3, 43, 240, 4), (2, 2, 16, 111, 3), "2025-01"),
        ("2026-01-01", "2026-06-30", "pop", (3, 3, 43, 240, 4), (1, 1, 20, 60, 1), "2025-07"),
        # An arbitrary range: 3月5日至15日 (C) against 2025 (A) and the 11 days before (none).
        ("2026-03-05", "2026-03-15", "yoy", (1, 1, 30, 150, 3), (1, 1, 10, 100, 2), "2025-03"),
        ("2026-03-05", "2026-03-15", "pop", (1, 1, 30, 150, 3), (0, 0, 0, 0, 0), "2026-02"),
        # The leap day (F) against 2023年2月28日 (G); February 2025 (H) against all of
        # February 2024 (F).
        ("2024-02-29", "2024-02-29", "yoy", (1, 1, 4, 7, 0), (1, 1, 2, 3, 0), "2023-02"),
        ("2025-02-01", "2025-02-28", "yoy", (1, 1, 6, 11, 1), (1, 1, 4, 7, 0), "2024-02"),
    ],
)
def test_exact_numbers_beside_the_compared_period(
    make_user, years, start, end, kind, current, base, period
):
    report, comparison = _compare(make_user, start, end, kind)

    assert _numbers(report.metrics)[:5] == current
    assert _numbers(comparison.metrics)[:5] == base
    assert comparison.filter.start.isoformat().startswith(period)
    change = comparison.change("positions_offered")
    assert change.delta == current[2] - base[2]
    assert change.pct == change_pct(current[2], base[2])


def test_breakdown_rows_are_paired_by_key_and_months_by_place(make_user, years):
    _report, yoy = _compare(make_user, "2026-03-01", "2026-03-31", "yoy")
    _report, pop = _compare(make_user, "2026-01-01", "2026-03-31", "pop")

    counties = {row.key: row for row in yoy.breakdowns["county"]}
    liling, tianyuan = counties["430281"], counties["430211"]
    assert (liling.metrics.positions_offered, liling.base.positions_offered) == (30, 10)
    assert liling.change("positions_offered").pct == 200.0
    assert (tianyuan.metrics.positions_offered, tianyuan.base.positions_offered) == (8, 0)
    assert tianyuan.change("positions_offered").pct_text == "—"
    assert liling.base_narrow == {"start": "2025-03-01", "end": "2025-03-31", **liling.narrow}

    months = pop.breakdowns["month"]
    assert [(m.label, m.base_label) for m in months] == [
        ("1月", "2025年10月"),
        ("2月", "2025年11月"),
        ("3月", "2025年12月"),
    ]
    assert [(m.metrics.fairs, m.base.fairs) for m in months] == [(0, 1), (1, 0), (2, 0)]
    assert months[0].base_narrow == {"start": "2025-10-01", "end": "2025-10-31"}


def test_a_row_found_only_in_the_compared_period_comes_last_at_zero(make_user, years):
    # February 2025 held only 天元区 (H); February 2024 only 醴陵市 (F).
    _report, comparison = _compare(make_user, "2025-02-01", "2025-02-28", "yoy")

    rows = [(r.key, r.metrics.fairs, r.base.fairs) for r in comparison.breakdowns["county"]]
    assert rows == [("430211", 1, 0), ("430281", 0, 1)]


# --- the page, the workbook and the API agree ------------------------------------------------

MARCH = {"preset": "custom", "start": "2026-03-01", "end": "2026-03-31"}


def _page_headline(page: str) -> dict:
    soup = BeautifulSoup(page, "html.parser")
    table = soup.find(attrs={"data-testid": "compare-headline"})
    result = {}
    for row in table.find("tbody").find_all("tr"):
        cells = {
            key: row.find("td", attrs={f"data-{key}": True}) for key in ("current", "base", "delta")
        }
        result[row["data-metric"]] = {
            "current": int(cells["current"].get_text()),
            "base": int(cells["base"].get_text()),
            "delta": cells["delta"].get_text(),
            "pct": row.find("td", attrs={"data-pct": True}).get_text(),
            "base_link": cells["base"].a["href"],
        }
    return result


@pytest.mark.parametrize("kind, base_start", [("yoy", "2025-03-01"), ("pop", "2026-02-01")])
def test_page_workbook_and_api_agree(client, login_as, make_user, bearer, years, kind, base_start):
    viewer = make_user(Role.VIEWER)
    login_as(viewer)

    page = client.get("/reports/", query_string={**MARCH, "compare": kind}).get_data(as_text=True)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/reports/export.xlsx", query_string={**MARCH, "compare": kind}).data)
    )
    api = client.get(
        "/api/v1/reports/summary",
        query_string={"start": "2026-03-01", "end": "2026-03-31", "compare": kind},
        headers=bearer(viewer),
    ).get_json()

    headline = _page_headline(page)
    summary = book["汇总"]
    sheet_rows = {
        summary.cell(r, 1).value: [summary.cell(r, c).value for c in range(2, 8)]
        for r in range(6, 6 + len(METRIC_NAMES))
    }
    assert summary.cell(5, 5).value == ("上年同期" if kind == "yoy" else "上期")
    assert api["compare"]["period"]["start"] == base_start
    for n, name in enumerate(METRIC_NAMES):
        shown = headline[name]
        current, _unit, _bureau, base, delta, pct = sheet_rows[summary.cell(6 + n, 1).value]
        assert (
            (shown["current"], shown["base"])
            == (current, base)
            == (
                api[name],
                api["compare"]["figures"][name],
            )
        ), name
        assert delta == api["compare"]["change"][name] == shown["current"] - shown["base"]
        api_pct = api["compare"]["change_pct"][name]
        if api_pct is None:
            assert shown["pct"] == "—" and pct == "—"
        else:
            assert round(pct * 100, 1) == api_pct
            assert shown["pct"] == (f"{api_pct:+.1f}%" if api_pct else "0.0%")
        # The compared value links to its rows over the compared period.
        query = parse_qs(urlparse(shown["base_link"]).query)
        assert query["start"] == [base_start]
        assert query["end"] == [api["compare"]["period"]["end"]]


def test_compared_links_list_the_rows_they_count(client, login_as, make_user, years):
    login_as(make_user(Role.VIEWER))
    page = client.get("/reports/", query_string={**MARCH, "compare": "yoy"}).get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")

    # Headline: the compared fairs are fair A, in March 2025.
    link = _page_headline(page)["fairs"]["base_link"]
    rows = client.get(link).get_data(as_text=True)
    assert "A招聘会" in rows and "C招聘会" not in rows
    assert "举办招聘会合计 <strong>1</strong>" in rows

    # A county row's compared openings: 醴陵市 in March 2025, 10 openings.
    table = soup.find(attrs={"data-testid": "compare-county"})
    row = table.find("tr", attrs={"data-key": "430281"})
    cell = row.find("td", attrs={"data-metric": "positions_offered", "data-base": True})
    assert cell.get_text() == "10"
    listed = client.get(cell.a["href"]).get_data(as_text=True)
    assert "提供岗位合计 <strong>10</strong>" in listed
    query = parse_qs(urlparse(cell.a["href"]).query)
    assert (query["start"], query["end"]) == (["2025-03-01"], ["2025-03-31"])


def test_the_breakdown_sheets_carry_the_compared_columns(client, login_as, make_user, years):
    login_as(make_user(Role.VIEWER))
    response = client.get("/reports/export.xlsx", query_string={**MARCH, "compare": "yoy"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["按县市区"]

    header = [c.value for c in sheet[1]]
    assert header[8:12] == [
        "举办招聘会·上年同期",
        "举办招聘会·增减",
        "举办招聘会·增减%",
        "进场用工企业·上年同期",
    ]
    rows = {
        sheet.cell(r, 1).value: [c.value for c in sheet[r]] for r in range(2, sheet.max_row + 1)
    }
    tianyuan = rows["天元区"]
    # 提供岗位 is the third metric: its compared columns are 8 + 2·3 … (1-based 15, 16, 17).
    assert tianyuan[3] == 8 and tianyuan[14:17] == [0, 8, "—"]
    liling = rows["醴陵市"]
    assert liling[3] == 30 and liling[14:16] == [10, 20] and round(liling[16] * 100, 1) == 200.0
    assert rows["合计"][14:16] == [10, 28]


def test_no_comparison_leaves_the_page_and_workbook_as_they_were(
    client, login_as, make_user, years
):
    login_as(make_user(Role.VIEWER))

    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/reports/export.xlsx", query_string=MARCH).data)
    )

    assert 'data-testid="compare-headline"' not in page
    assert 'data-testid="compare-form"' in page
    assert [c.value for c in book["按县市区"][1]][-1] == "到岗（人次）"
    assert book["汇总"].cell(5, 5).value is None


def test_a_compared_period_outside_the_years_is_flashed(client, login_as, make_user):
    login_as(make_user(Role.VIEWER))

    page = client.get(
        "/reports/",
        query_string={
            "preset": "custom",
            "start": "1900-01-01",
            "end": "1900-01-31",
            "compare": "yoy",
        },
    ).get_data(as_text=True)
    bad = client.get("/reports/", query_string={**MARCH, "compare": "mom"}).get_data(as_text=True)

    assert "超出可统计的年份" in page
    assert "对比方式应为" in bad
    assert 'data-testid="compare-headline"' not in page


def test_the_comparison_costs_the_same_statements_whatever_the_rows(make_user, fair, attend, years):
    def statements(start, end):
        actor = make_user(Role.VIEWER)
        report = build_report(
            actor, ReportFilter(date.fromisoformat(start), date.fromisoformat(end))
        )
        seen = []
        engine = db.engine

        def listener(_connection, _cursor, statement, *_rest):
            seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            compare_report(actor, report, "yoy")
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return [s for s in seen if "per_fair" in s]

    few = statements("2026-03-01", "2026-03-31")
    for region in ("430223", "430224", "430225", "430212"):
        attend(fair(date(2025, 3, 12), region_code=region), openings=[1])
    many = statements("2026-03-01", "2026-03-31")

    # One grouped statement (the CTE per_fair) counts the headline and all five breakdowns.
    assert len(few) == len(many) == 1

"""The shortage index (紧缺工种, issue 18 point 6): exact numbers, the top list's order, the same
numbers on the page and in the workbook, every number's rows, and who sees what."""

import io
import re
from datetime import date
from html import unescape

import openpyxl
import pytest

from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.errors import Forbidden, Invalid
from recruit.reports.shortage import (
    Occupation,
    last_complete_quarter,
    occupation_of,
    shortage_index,
    shortage_rows,
)
from tests.reports.shortage_data import (
    LILING_ROWS,
    LILING_TOTAL,
    Q1,
    Q1_GROUPS,
    Q1_ROWS,
    Q1_TOP,
    Q1_TOTAL,
    QUARTERS,
    build_shortage_data,
)


@pytest.fixture
def shortage_data(make_fair, make_employer, make_position):
    return build_shortage_data(make_fair, make_employer, make_position)


def _numbers(row) -> tuple:
    ratio = None if row.ratio is None else str(row.ratio)
    return (*row.figures().values(), ratio, row.gap)


def _figures(row) -> tuple:
    return tuple(row.figures().values())


# --- the service -------------------------------------------------------------------------------


def test_each_occupation_is_counted_exactly_and_ranked_by_gap(shortage_data):
    index = shortage_index(system("test"), 2026, 1)

    assert [row.occupation.key for row in index.rows] == list(Q1_ROWS)
    assert {row.occupation.key: _numbers(row) for row in index.rows} == Q1_ROWS
    assert [row.rank for row in index.rows] == list(range(1, len(Q1_ROWS) + 1))
    levels = {row.occupation.key: row.occupation.level for row in index.rows}
    assert levels["6-04-01-00"] == "full" and levels["4"] == "major" and levels["6"] == "major"
    assert [row.occupation.key for row in index.top] == Q1_TOP
    assert {row.occupation.group: _figures(row) for row in index.groups} == Q1_GROUPS
    assert _figures(index.totals) == Q1_TOTAL
    assert index.name == "2026年一季度"
    assert (index.filter.start, index.filter.end) == (date(2026, 1, 1), date(2026, 3, 31))


def test_the_top_rows_carry_the_four_quarters_of_the_year(shortage_data):
    index = shortage_index(system("test"), 2026, 1)

    for key, quarters in QUARTERS.items():
        cells = index.quarters[key]
        assert {q: (c.openings, c.intents) for q, c in cells.items()} == quarters, key
    assert str(index.quarters["6-04-01-00"][2].ratio) == "3.50"
    assert index.quarters["4"][1].ratio is None


def test_the_second_quarter_counts_its_own_fair(shortage_data):
    index = shortage_index(system("test"), 2026, 2)

    rows = {row.occupation.key: _numbers(row) for row in index.rows}
    assert rows == {"6-04-01-00": (7, 1, 2, 0, "3.50", 5), "4-01-02-03": (1, 0, 1, 0, "1.00", 0)}
    assert [row.occupation.key for row in index.top] == ["6-04-01-00"]


def test_the_report_filters_apply(shortage_data):
    actor = system("test")
    liling = shortage_index(actor, 2026, 1, {"region": "430281"})
    assert {row.occupation.key: _numbers(row) for row in liling.rows} == LILING_ROWS
    by_type = shortage_index(actor, 2026, 1, {"fair_type": "industry_chain"})
    assert {row.occupation.key: _numbers(row) for row in by_type.rows} == LILING_ROWS
    assert _figures(shortage_index(actor, 2026, 1, {"mode": "online"}).totals) == (0, 0, 0, 0)


def test_a_county_organizer_sees_its_scope_and_a_viewer_the_city(shortage_data, make_user):
    liling = make_user(Role.ORGANIZER, region_code="430281")
    index = shortage_index(liling, 2026, 1)
    assert index.filter.region == "430281"
    assert {row.occupation.key: _numbers(row) for row in index.rows} == LILING_ROWS
    assert _figures(index.totals) == LILING_TOTAL
    with pytest.raises(Forbidden):
        shortage_index(liling, 2026, 1, {"region": "430211"})
    with pytest.raises(Forbidden):
        shortage_rows(liling, 2026, 1, {"region": "430211"}, "openings")
    viewer = shortage_index(make_user(Role.VIEWER), 2026, 1)
    assert viewer.filter.region is None and _figures(viewer.totals) == Q1_TOTAL
    with pytest.raises(Forbidden):
        shortage_index(make_user(Role.EMPLOYER), 2026, 1)


def test_each_number_drills_down_to_rows_adding_up_to_it(shortage_data):
    actor = system("test")
    index = shortage_index(actor, 2026, 1)
    for row in [*index.rows, *index.groups, index.totals]:
        for kind, number in row.figures().items():
            listed = shortage_rows(actor, 2026, 1, None, kind, row.occupation, per_page=2)
            assert listed.total == number, (row.occupation, kind)
            if kind != "openings":
                assert listed.rows.total == number, (row.occupation, kind)
    # Openings are summed over the fair positions behind them.
    full = shortage_rows(actor, 2026, 1, None, "openings", Occupation("full", 6, "6-04-01-00"))
    assert (full.total, full.rows.total) == (16, 2)


def test_bad_periods_and_occupations_are_refused_naming_the_field():
    actor = system("test")
    with pytest.raises(Invalid) as error:
        shortage_index(actor, 2026, 5)
    assert error.value.errors.keys() == {"quarter"}
    with pytest.raises(Invalid) as error:
        shortage_index(actor, 1800, 1)
    assert error.value.errors.keys() == {"year"}
    for level, code, field in (
        ("full", "6-04", "code"),
        ("major", "9", "code"),
        ("x", "1", "level"),
    ):
        with pytest.raises(Invalid) as error:
            occupation_of(level, code)
        assert error.value.errors.keys() == {field}
    assert occupation_of(None, "") is None
    assert occupation_of("group", "6") == Occupation("group", 6)


def test_the_default_quarter_is_the_last_complete_one():
    assert last_complete_quarter(date(2026, 2, 10)) == (2025, 4)
    assert last_complete_quarter(date(2026, 4, 1)) == (2026, 1)
    assert last_complete_quarter(date(2026, 12, 31)) == (2026, 3)


# --- the doors: page, drill-down pages, workbook ------------------------------------------------


def _table(page: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}".*?</table>', page, re.S).group(0)


def _page_rows(table: str) -> dict[str, tuple]:
    rows = {}
    for key, body in re.findall(r'<tr[^>]*data-key="([^"]+)">(.*?)</tr>', table, re.S):
        numbers = [int(n) for _kind, n in re.findall(r'data-testid="n-(\w+)">(\d+)</a>', body)]
        ratio = re.search(r'data-testid="ratio">([^<]+)<', body).group(1)
        gap = int(re.search(r'data-testid="gap">(-?\d+)<', body).group(1))
        rows[key] = (*numbers, None if ratio == "—" else ratio, gap)
    return rows


def _drill_total(client, url: str) -> int:
    page = client.get(url).get_data(as_text=True)
    return int(re.search(r"合计 <strong>(-?\d+)</strong>", page).group(1))


def test_the_page_shows_the_numbers_and_each_links_to_its_rows(
    client, login_as, make_user, shortage_data
):
    login_as(make_user(Role.VIEWER))

    response = client.get("/reports/shortage", query_string=Q1)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = _page_rows(_table(page, "shortage-rows"))
    assert rows == {**Q1_ROWS, "total": (*Q1_TOTAL, "3.89", 26)}
    assert list(_page_rows(_table(page, "shortage-top"))) == Q1_TOP
    groups = _page_rows(_table(page, "shortage-groups"))
    assert {k: v[:4] for k, v in groups.items()} == {
        **{f"group-{g}": v for g, v in Q1_GROUPS.items()},
        "total": Q1_TOTAL,
    }
    assert "求人倍率 = 提供岗位 ÷ 初步就业意向" in page
    links = re.findall(r'<a href="([^"]+)" data-testid="n-\w+">(\d+)</a>', page)
    assert len(links) > 60
    for href, number in links:
        assert _drill_total(client, unescape(href)) == int(number), href


def test_the_drill_down_pages_show_no_personal_data_and_page_through(
    client, login_as, make_user, shortage_data
):
    login_as(make_user(Role.ADMIN))
    for kind in ("openings", "applications", "intents", "hires"):
        response = client.get(f"/reports/shortage/rows/{kind}", query_string=Q1)
        assert response.status_code == 200, kind
        page = response.get_data(as_text=True)
        assert "李海燕" not in page and "王小明" not in page and "1387331" not in page, kind
    narrowed = {**Q1, "level": "full", "code": "6-04-01-00"}
    page = client.get("/reports/shortage/rows/intents", query_string=narrowed)
    assert "合计 <strong>3</strong>" in page.get_data(as_text=True)
    bad = client.get("/reports/shortage/rows/intents", query_string={**Q1, "level": "full"})
    assert bad.status_code == 200 and "职业编码" in bad.get_data(as_text=True)
    assert client.get("/reports/shortage/rows/people", query_string=Q1).status_code == 404


def test_a_county_organizer_page_is_its_scope(client, login_as, make_user, shortage_data):
    login_as(make_user(Role.ORGANIZER, region_code="430281"))

    page = client.get("/reports/shortage", query_string={**Q1, "region": "430211"})

    html = page.get_data(as_text=True)
    rows = _page_rows(_table(html, "shortage-rows"))
    assert rows == {**LILING_ROWS, "total": (*LILING_TOTAL, "5.33", 13)}
    assert "已按您的管辖范围统计" in html


def test_bad_quarter_on_the_page_falls_back_with_a_message(client, login_as, make_user):
    login_as(make_user(Role.VIEWER))
    page = client.get("/reports/shortage", query_string={"year": "20x6", "quarter": "1"})
    assert page.status_code == 200 and "年份无效" in page.get_data(as_text=True)
    page = client.get("/reports/shortage", query_string={"year": "2026", "quarter": "7"})
    assert page.status_code == 200 and "季度：应为 1–4" in page.get_data(as_text=True)


def test_the_workbook_has_the_same_numbers(client, login_as, make_user, shortage_data):
    login_as(make_user(Role.VIEWER))

    response = client.get("/reports/shortage.xlsx", query_string=Q1)

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["紧缺工种前20", "按职业", "按职业大类", "说明"]
    every = list(book["按职业"].iter_rows(min_row=6, values_only=True))
    rows = {r[1]: r[4:10] for r in every[:-1]}
    assert rows == {
        key: (*v[:4], "—" if v[4] is None else float(v[4]), v[5]) for key, v in Q1_ROWS.items()
    }
    assert every[-1][3:8] == ("合计", *Q1_TOTAL)
    top = list(book["紧缺工种前20"].iter_rows(min_row=6, values_only=True))
    assert [r[1] for r in top] == Q1_TOP and [r[0] for r in top] == [1, 2, 3, 4, 5]
    assert top[0][10:16] == (16, 3, 5.33, 7, 2, 3.5)
    groups = list(book["按职业大类"].iter_rows(min_row=6, values_only=True))
    assert {r[0]: r[2:6] for r in groups[:-1]} == Q1_GROUPS
    assert book["按职业"]["B2"].value.startswith("2026年一季度")


@pytest.mark.parametrize("role", [Role.EMPLOYER])
def test_employers_and_the_public_may_not_see_it(client, login_as, make_user, role):
    for url in ("/reports/shortage", "/reports/shortage.xlsx", "/reports/shortage/rows/openings"):
        assert client.get(url).status_code in (302, 401, 403), url
    login_as(make_user(role))
    for url in ("/reports/shortage", "/reports/shortage.xlsx", "/reports/shortage/rows/openings"):
        assert client.get(url).status_code == 403, url


def test_the_reports_page_links_to_the_shortage_index(client, login_as, make_user):
    login_as(make_user(Role.VIEWER))
    page = client.get("/reports/").get_data(as_text=True)
    assert 'data-testid="shortage-link"' in page

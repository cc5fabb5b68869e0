"""The dashboard, drill-down lists and exports over HTTP: access, scope, numbers, files."""

import csv
import io
from datetime import date

import openpyxl
import pytest

from recruit.auth.models import Role
from recruit.fairs.models import FairStatus, ParticipationStatus
from recruit.hires.models import Outcome
from recruit.refdata.codes import FairType
from recruit.refdata.services import get_industry_chain

MARCH = {"preset": "custom", "start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def march(fair, attend, tally, hire):
    """Two counted fairs in March 2026, one in 醴陵 (ceramics) and one in 天元区, plus noise."""
    ceramics = get_industry_chain("ceramics")
    liling = fair(region_code="430281", type=FairType.INDUSTRY_CHAIN, industry_chain=ceramics)
    attend(liling, openings=[30, 12])
    attend(liling, status=ParticipationStatus.NO_SHOW, openings=[99])
    tally(liling, 400)
    tally(liling, -25, reason="重复计数更正")
    for _ in range(3):
        hire(liling)
    hire(liling, Outcome.STARTED, hired_on=date(2026, 3, 12), started_on=date(2026, 3, 15))
    tianyuan = fair(region_code="430211", title='=HYPERLINK("http://evil")天元区招聘会')
    attend(tianyuan, openings=[8])
    tally(tianyuan, 100)
    hire(tianyuan, Outcome.HIRED, hired_on=date(2026, 3, 20))
    attend(fair(region_code="430211", status=FairStatus.CANCELLED), openings=[500])
    return liling, tianyuan


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ADMIN, Role.ORGANIZER])
def test_staff_roles_open_the_dashboard(client, login_as, make_user, role, march):
    login_as(make_user(role))

    response = client.get("/reports/", query_string=MARCH)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "3月，全市举办各类招聘会2场，进入市场的用工企业达到2家次，累计提供岗位50个次" in page
    assert "<svg" in page
    assert 'data-testid="chart-trend-fairs"' in page


def test_employers_are_refused(client, login_as, make_user):
    login_as(make_user(Role.EMPLOYER))

    for url in ("/reports/", "/reports/rows/fairs", "/reports/export.xlsx", "/reports/export.csv"):
        assert client.get(url).status_code == 403, url


def test_anonymous_users_are_sent_to_sign_in(client):
    for url in ("/reports/", "/reports/rows/intents", "/reports/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_a_liling_organizer_sees_only_liling_numbers(client, login_as, make_user, march):
    login_as(make_user(Role.ORGANIZER, region_code="430281"))

    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)
    # Asking for the whole city is refused and falls back to the organizer's own scope.
    widened = client.get("/reports/", query_string={**MARCH, "region": "430200"})
    intents = client.get("/reports/rows/intents", query_string={**MARCH, "region": "430211"})

    assert "3月，醴陵市举办各类招聘会1场，进入市场的用工企业达到1家次，累计提供岗位42个次" in page
    assert "天元区" not in page
    text = widened.get_data(as_text=True)
    assert "地区不在您可查看的范围内" in text
    assert "3月，醴陵市举办各类招聘会1场" in text
    rows = intents.get_data(as_text=True)
    assert "天元区招聘会" not in rows
    assert "初步达成就业意向合计 <strong>4</strong>" in rows


def test_bad_custom_dates_are_named_and_kept(client, login_as, make_user):
    login_as(make_user(Role.VIEWER))

    response = client.get(
        "/reports/", query_string={"preset": "custom", "start": "2026-13-01", "end": "2026-03-31"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "开始日期格式应为 年-月-日" in page
    assert 'value="2026-13-01"' in page


def test_every_headline_number_links_to_the_rows_it_counts(client, login_as, make_user, march):
    login_as(make_user(Role.VIEWER))
    expected = {
        ("fairs", None): ("举办招聘会合计 <strong>2</strong>", 2),
        ("attendances", None): ("进场用工企业合计 <strong>2</strong>", 2),
        ("positions", None): ("提供岗位合计 <strong>50</strong>", 3),
        ("entries", None): ("入场求职合计 <strong>475</strong>", 3),
        ("intents", None): ("初步达成就业意向合计 <strong>5</strong>", 5),
        ("intents", "hired"): ("录用合计 <strong>2</strong>", 2),
        ("intents", "started"): ("到岗合计 <strong>1</strong>", 1),
    }
    dashboard = client.get("/reports/", query_string=MARCH).get_data(as_text=True)

    for (kind, step), (total, rows) in expected.items():
        assert f"/reports/rows/{kind}?" in dashboard
        args = {**MARCH, **({"step": step} if step else {})}
        page = client.get(f"/reports/rows/{kind}", query_string=args).get_data(as_text=True)
        assert total in page, (kind, step)
        assert f"共 {rows} 条记录" in page, (kind, step)


def test_drill_down_lists_are_paged(client, login_as, make_user, fair, hire):
    held = fair()
    for n in range(55):
        hire(held, seeker_name=f"王{n:02d}")
    login_as(make_user(Role.VIEWER))

    first = client.get("/reports/rows/intents", query_string=MARCH).get_data(as_text=True)
    second = client.get("/reports/rows/intents", query_string={**MARCH, "page": 2}).get_data(
        as_text=True
    )

    assert "第 1/2 页" in first and "第 2/2 页" in second
    assert first.count("<tr>") - 1 == 50
    assert second.count("<tr>") - 1 == 5
    # Seeker names are not needed in a report: only the surname shows.
    assert "王54" not in second and "王**" in second


def test_the_excel_export_has_the_bureaus_layout(client, login_as, make_user, march):
    login_as(make_user(Role.VIEWER))

    response = client.get("/reports/export.xlsx", query_string=MARCH)

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    try:
        assert book.sheetnames == [
            "汇总",
            "按县市区",
            "按招聘会类型",
            "按举办方式",
            "按产业链",
            "按月份",
            "就业跟踪",
            "职业供需",
            "招聘会清单",
        ]
        summary = book["汇总"]
        cells = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
        assert cells["举办招聘会"] == 2
        assert cells["进场用工企业"] == 2
        assert cells["提供岗位"] == 50
        assert cells["入场求职"] == 475
        assert cells["初步达成就业意向"] == 5
        assert cells["录用"] == 2
        assert cells["到岗"] == 1
        assert cells["通报"].startswith("3月，全市举办各类招聘会2场")
        county = list(book["按县市区"].iter_rows(values_only=True))
        assert county[0][0] == "分组"
        assert {r[0]: r[1:] for r in county[1:]} == {
            "天元区": (1, 1, 8, 100, 1, 1, 0),
            "醴陵市": (1, 1, 42, 375, 4, 1, 1),
            "合计": (2, 2, 50, 475, 5, 2, 1),
        }
        fairs = list(book["招聘会清单"].iter_rows(values_only=True))
        assert len(fairs) == 3
        titles = [row[1] for row in fairs[1:]]
        # A title that looks like a formula stays text, shown as typed.
        assert '\'=HYPERLINK("http://evil")天元区招聘会' in titles
        for row in book["招聘会清单"].iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    finally:
        book.close()


def test_the_csv_export_is_formula_safe_and_adds_up(client, login_as, make_user, march):
    login_as(make_user(Role.VIEWER))

    fairs = client.get("/reports/export.csv", query_string=MARCH)
    county = client.get("/reports/export.csv", query_string={**MARCH, "table": "county"})

    rows = list(csv.reader(io.StringIO(fairs.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["序号", "招聘会"]
    assert len(rows) == 3
    assert all(not row[1].startswith("=") for row in rows[1:])
    totals = list(csv.reader(io.StringIO(county.data.decode("utf-8-sig"))))[-1]
    assert totals == ["合计", "2", "2", "50", "475", "5", "2", "1"]
    assert client.get("/reports/export.csv", query_string={"table": "nope"}).status_code == 404


def test_quick_links_choose_the_bureaus_usual_periods(client, login_as, make_user, march):
    login_as(make_user(Role.VIEWER))

    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)

    assert "2026年上半年" in page and "2025年全年" in page
    first_half = client.get(
        "/reports/", query_string={"preset": "custom", "start": "2026-01-01", "end": "2026-06-30"}
    ).get_data(as_text=True)
    assert "上半年，全市举办各类招聘会2场" in first_half


def test_occupation_numbers_link_to_their_openings_and_intents(
    client, login_as, make_user, fair, attend, hire
):
    held = fair()
    welders = attend(held, openings=[40], title="焊工", occupation_major_group=6)
    attend(held, openings=[10], title="文员", occupation_major_group=3)
    for _ in range(3):
        hire(held, position=welders.fair_positions[0].position)
    login_as(make_user(Role.VIEWER))

    dashboard = client.get("/reports/", query_string=MARCH).get_data(as_text=True)
    openings = client.get(
        "/reports/rows/positions", query_string={**MARCH, "occupation": 6}
    ).get_data(as_text=True)
    intents = client.get("/reports/rows/intents", query_string={**MARCH, "title": "焊工"}).get_data(
        as_text=True
    )

    assert "occupation=6" in dashboard
    assert "提供岗位合计 <strong>40</strong>" in openings
    assert "文员" not in openings.split('data-testid="drill-rows"')[1]
    assert "初步达成就业意向合计 <strong>3</strong>" in intents
    assert "（岗位：焊工）" in intents


def test_chart_bars_link_to_the_rows_they_count(client, login_as, make_user, march):
    login_as(make_user(Role.VIEWER))

    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)
    county_chart = page.split('data-testid="chart-county"')[1].split("</svg>")[0]
    funnel_chart = page.split('data-testid="chart-funnel"')[1].split("</svg>")[0]

    assert "/reports/rows/positions?" in county_chart
    assert "region=430281" in county_chart
    assert "step=started" in funnel_chart
    assert "<script" not in county_chart + funnel_chart

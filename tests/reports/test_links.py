"""Every number on the report page links to the rows it counts (issue 18 points 2 and 3).

The walk collects every number cell of every table, every headline and figure card and every
chart bar, follows its link and checks that the drill-down's total is the number.
"""

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.fairs.models import FairStatus
from recruit.hires.models import HireSource, HireStep, Outcome, StepKind
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import get_industry_chain
from recruit.reports.metrics import NO_CHAIN, ReportFilter, compute_metrics
from recruit.reports.services import build_report, drill_down
from recruit.seekers.models import Application, ApplicationSource, Entry, EntrySource, Seeker

MARCH = {"preset": "custom", "start": "2026-03-01", "end": "2026-03-31"}
API_MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
PERIOD = ReportFilter(date(2026, 3, 1), date(2026, 3, 31))
STARTED = {"hired_on": date(2026, 3, 12), "started_on": date(2026, 3, 15)}


def _seeker(name: str, n: int) -> Seeker:
    seeker = Seeker(name=name, seeker_phone=f"1387332{n:04d}")
    db.session.add(seeker)
    db.session.flush()
    return seeker


def _apply(fair, offered, seeker, source=ApplicationSource.BOOTH) -> None:
    db.session.add(
        Application(
            fair_id=fair.id,
            position_id=offered.position_id,
            fair_position_id=offered.id,
            employer_id=offered.position.employer_id,
            seeker_id=seeker.id,
            source=source,
        )
    )


def _step(hire, kind: StepKind) -> None:
    db.session.add(HireStep(hire=hire, step=kind, on=date(2026, 9, 1)))


@pytest.fixture
def city_march(fair, attend, tally, hire):
    """March 2026: fairs at the city level, in 醴陵 (ceramics), 天元区 and 渌口区, one kept in
    the retired 株洲县 code; a planned fair and an April fair that must not count."""
    ceramics = get_industry_chain("ceramics")
    liling = fair(
        region_code="430281",
        type=FairType.INDUSTRY_CHAIN,
        industry_chain=ceramics,
        mode=FairMode.HYBRID,
    )
    tianyuan = fair(region_code="430211")
    city = fair(region_code="430200", mode=FairMode.ONLINE)
    lukou = fair(region_code="430212")
    old_county = fair(region_code="430221", title="株洲县老记录招聘会")
    planned = fair(region_code="430200", status=FairStatus.PLANNED)
    april = fair(date(2026, 4, 10), region_code="430200")

    offered = attend(
        liling, openings=[5, 3], occupation_major_group=2, title="陶瓷技术员"
    ).fair_positions
    attend(tianyuan, openings=[2])
    attend(city, openings=[4, 1])
    attend(lukou, openings=[7])
    attend(old_county, openings=[6])
    attend(planned, openings=[50])
    attend(april, openings=[50])
    tally(liling, 100)
    tally(liling, -10, reason="重复计数更正")
    tally(tianyuan, 40)
    tally(city, 30)
    tally(lukou, 12)
    tally(old_county, 20)
    tally(april, 999)

    s1, s2 = _seeker("王小明", 1), _seeker("李四", 2)
    db.session.add(Entry(fair=liling, seeker=s1, source=EntrySource.SCAN))
    db.session.add(Entry(fair=city, seeker=s2, source=EntrySource.ONLINE))
    _apply(liling, offered[0], s1)
    _apply(liling, offered[1], s2, ApplicationSource.ONLINE)

    hire(liling)
    at_booth = hire(liling, Outcome.STARTED, source=HireSource.BOOTH, **STARTED)
    _step(at_booth, StepKind.RETAINED_90)
    _step(at_booth, StepKind.RETAINED_180)
    hire(liling, Outcome.HIRED, hired_on=date(2026, 3, 12), source=HireSource.IMPORT)
    hire(tianyuan, Outcome.HIRED, hired_on=date(2026, 3, 20))
    city_hire = hire(city, Outcome.STARTED, source=HireSource.ONLINE, **STARTED)
    _step(city_hire, StepKind.RETAINED_90)
    hire(lukou)
    hire(old_county, Outcome.STARTED, **STARTED)
    hire(old_county, source=HireSource.API)
    hire(april, Outcome.STARTED, **STARTED)
    db.session.flush()
    return {"city": city, "liling": liling, "lukou": lukou, "old_county": old_county}


def _drill_total(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    return int(re.search(r"合计 <strong>(-?\d+)</strong>", page).group(1))


def _number_cells(tree):
    """Yield (where, element, number) for every cell and card on the page showing a count."""
    for table in tree.xpath("//table"):
        name = table.get("data-testid") or "table"
        for cell in table.xpath(".//td | .//th"):
            text = cell.text_content().strip()
            if re.fullmatch(r"-?\d+", text):
                yield f"{name}: {text}", cell, int(text)
    for card in tree.xpath("//a[contains(@class, 'metric-card')]"):
        raw = card.xpath(".//div[contains(@class, 'small text-muted')]")[-1].text_content()
        yield card.get("data-testid"), card, int(raw.strip())


def test_every_number_on_the_page_links_to_rows_that_add_up_to_it(
    client, login_as, make_user, city_march
):
    login_as(make_user(Role.VIEWER))

    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)
    tree = lxml.html.fromstring(page)

    checked = 0
    for where, element, number in _number_cells(tree):
        links = [element] if element.tag == "a" else element.xpath(".//a[@href]")
        assert links, f"{where} has no link"
        href = links[0].get("href")
        assert href.startswith("/reports/rows/"), where
        assert _drill_total(client, href) == number, (where, href)
        checked += 1
    # 7 headline + 8 figures, 3 funnel steps, 5 breakdown tables with their 合计 rows, the
    # follow-up tables and the occupations: far more than the 35-42 numbers of the issue.
    assert checked > 150
    bars = 0
    for bar in tree.xpath("//*[local-name()='svg']//*[local-name()='a']"):
        caption = bar.get("aria-label").rsplit(" ", 1)[1]
        number = int(re.match(r"\d+", caption).group(0))
        assert _drill_total(client, bar.get("href")) == number, bar.get("aria-label")
        bars += 1
    assert bars > 10


def test_the_total_rows_link_to_the_reports_own_filter(client, login_as, make_user, city_march):
    login_as(make_user(Role.VIEWER))

    page = client.get("/reports/", query_string={**MARCH, "mode": "offline"})
    tree = lxml.html.fromstring(page.get_data(as_text=True))

    for by in ("county", "fair_type", "mode", "industry_chain", "month"):
        foot = tree.xpath(f"//table[@data-testid='breakdown-{by}']/tfoot//a")
        assert len(foot) == 7, by
        query = parse_qs(urlsplit(foot[0].get("href")).query)
        assert query["mode"] == ["offline"] and "region" not in query, by
        assert foot[0].text_content() == "3", by  # the offline fairs of March


def _row_links(tree, testid: str, label: str) -> list[str]:
    row = tree.xpath(f"//table[@data-testid='{testid}']//tr[th[normalize-space()='{label}']]")
    assert row, (testid, label)
    return [a.get("href") for a in row[0].xpath(".//a")]


def test_the_city_level_row_drills_into_the_fairs_held_at_the_city_itself(
    client, login_as, make_user, city_march
):
    login_as(make_user(Role.VIEWER))
    tree = lxml.html.fromstring(client.get("/reports/", query_string=MARCH).get_data(as_text=True))

    links = _row_links(tree, "breakdown-county", "市本级")

    assert len(links) == 7
    query = parse_qs(urlsplit(links[0]).query)
    assert query["region"] == ["430200"] and query["region_exact"] == ["1"]
    listed = client.get(links[0]).get_data(as_text=True)
    assert "举办招聘会合计 <strong>1</strong>" in listed
    assert city_march["city"].title in listed and city_march["liling"].title not in listed
    # The same region without region_exact is the whole city.
    whole = client.get("/reports/rows/fairs", query_string={**MARCH, "region": "430200"})
    assert "举办招聘会合计 <strong>5</strong>" in whole.get_data(as_text=True)
    # The funnel's city row and the county chart's bar link the same way.
    funnel = _row_links(tree, "follow-up-county", "市本级")
    assert all("region_exact=1" in href for href in funnel)
    chart = tree.xpath("//*[@data-testid='chart-county']//*[local-name()='a']")
    assert "region_exact=1" in chart[0].get("href")


def test_exactly_this_region_in_the_services_and_the_api(
    client, login_as, make_user, bearer, city_march
):
    admin = make_user(Role.ADMIN)

    exact = build_report(admin, PERIOD.replace(region="430200", region_exact=True))
    listed = drill_down(admin, PERIOD.replace(region="430200", region_exact=True), "fairs")

    assert exact.metrics.fairs == 1 and exact.metrics.positions_offered == 5
    assert listed.total == 1
    assert compute_metrics(PERIOD.start, PERIOD.end, region="430200").fairs == 5
    headers = bearer(make_user(Role.VIEWER))
    body = client.get(
        "/api/v1/reports/summary",
        query_string={**API_MARCH, "region": "430200", "region_exact": "true"},
        headers=headers,
    ).get_json()
    assert body["fairs"] == 1 and body["region_exact"] is True
    assert body["seeker_entries"] == 31
    whole = client.get(
        "/api/v1/reports/summary", query_string={**API_MARCH, "region": "430200"}, headers=headers
    ).get_json()
    assert whole["fairs"] == 5 and whole["region_exact"] is False


def test_fairs_without_an_industry_chain_have_a_filter_of_their_own(
    client, login_as, make_user, bearer, city_march
):
    login_as(make_user(Role.VIEWER))
    tree = lxml.html.fromstring(client.get("/reports/", query_string=MARCH).get_data(as_text=True))

    links = _row_links(tree, "breakdown-industry_chain", "未指定产业链")
    none = compute_metrics(PERIOD.start, PERIOD.end, industry_chain=NO_CHAIN)

    assert none.fairs == 4
    assert parse_qs(urlsplit(links[0]).query)["industry_chain"] == ["none"]
    assert _drill_total(client, links[0]) == 4
    assert all(f"industry_chain={NO_CHAIN}" in href for href in links)
    listed = client.get(links[0]).get_data(as_text=True)
    assert "产业链：未指定" in listed and city_march["liling"].title not in listed
    headers = bearer(make_user(Role.VIEWER))
    body = client.get(
        "/api/v1/reports/summary",
        query_string={**API_MARCH, "industry_chain": "none"},
        headers=headers,
    ).get_json()
    assert body["fairs"] == 4
    assert "未指定产业链的招聘会4场" in body["sentence"]


def test_region_exact_without_a_region_is_the_whole_city(client, login_as, make_user, city_march):
    login_as(make_user(Role.VIEWER))

    page = client.get("/reports/rows/fairs", query_string={**MARCH, "region_exact": "1"})

    assert "举办招聘会合计 <strong>5</strong>" in page.get_data(as_text=True)


def test_a_voided_step_leaves_the_walk_exact(client, login_as, make_user, city_march):
    step = db.session.scalar(db.select(HireStep).where(HireStep.step == StepKind.RETAINED_180))
    step.voided_at, step.void_reason = utcnow(), "误录"
    db.session.flush()
    login_as(make_user(Role.VIEWER))
    tree = lxml.html.fromstring(client.get("/reports/", query_string=MARCH).get_data(as_text=True))

    cells = tree.xpath("//table[@data-testid='follow-up-total']//td[@data-step='retained_180']")

    assert cells[0].text_content().strip() == "0"
    assert _drill_total(client, cells[0].xpath(".//a")[0].get("href")) == 0

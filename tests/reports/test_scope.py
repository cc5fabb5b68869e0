"""One rule for which region an actor may report on, asked by the page, the API and the command.

Where every door gives the same answer (an organizer's own region) the rule is a row of the
parity table (tests/parity/rows_reports.py); here are the answers the doors word differently,
and the rule itself without any door.
"""

import re
from datetime import date

import pytest

from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.errors import Forbidden, Invalid
from recruit.fairs.models import ParticipationStatus
from recruit.hires.models import Outcome
from recruit.metrics import METRIC_NAMES
from recruit.refdata.codes import FairType
from recruit.refdata.services import get_industry_chain
from recruit.reports.metrics import ReportFilter
from recruit.reports.scope import report_chain, report_scope
from recruit.reports.services import build_report, drill_down, summarize

MARCH = {"preset": "custom", "start": "2026-03-01", "end": "2026-03-31"}
API = "/api/v1/reports/summary"
API_MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
#: 醴陵's numbers in the `march` data, by their English names.
LILING = {
    "fairs": 1,
    "employer_attendances": 1,
    "positions_offered": 42,
    "seeker_entries": 375,
    "tentative_hires": 4,
    "hired": 1,
    "started": 1,
}


@pytest.fixture
def march(fair, attend, tally, hire):
    """One counted fair in 醴陵 (ceramics) and one in 天元区, in March 2026."""
    ceramics = get_industry_chain("ceramics")
    liling = fair(region_code="430281", type=FairType.INDUSTRY_CHAIN, industry_chain=ceramics)
    attend(liling, openings=[30, 12])
    attend(liling, status=ParticipationStatus.NO_SHOW, openings=[99])
    tally(liling, 400)
    tally(liling, -25, reason="重复计数更正")
    for _ in range(3):
        hire(liling)
    hire(liling, Outcome.STARTED, hired_on=date(2026, 3, 12), started_on=date(2026, 3, 15))
    tianyuan = fair(region_code="430211")
    attend(tianyuan, openings=[8])
    tally(tianyuan, 100)
    hire(tianyuan, Outcome.HIRED, hired_on=date(2026, 3, 20))


def page_metrics(html: str) -> dict[str, int]:
    """Read the headline numbers (the exact ones, under the bureau's rounding) off the dashboard."""
    found = {}
    for name in METRIC_NAMES:
        testid = "metric-" + name.replace("_", "-")
        match = re.search(
            rf'data-testid="{testid}".*?<div class="small text-muted">(\d+)</div>', html, re.S
        )
        found[name] = int(match.group(1))
    return found


# A region beyond a 430281 organizer's scope, and the API's status for it. The page corrects the
# filter to 醴陵 and says so in words of its own, so these cases are not the parity table's (the
# organizer's own region, asked or not, is: tests/parity/rows_reports.py).
BEYOND_SCOPE = [("430200", 403), ("430211", 403), ("999999", 422)]


@pytest.mark.parametrize(("region", "api_status"), BEYOND_SCOPE)
def test_a_region_beyond_a_liling_organizer_is_corrected_on_the_page_and_refused_by_the_api(
    client, login_as, make_user, bearer, march, region, api_status
):
    organizer = make_user(Role.ORGANIZER, region_code="430281")
    login_as(organizer)

    page = client.get("/reports/", query_string={**MARCH, "region": region})
    api = client.get(API, query_string={**API_MARCH, "region": region}, headers=bearer(organizer))

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert api.status_code == api_status
    # The page shows only 醴陵's numbers, and says it did so; the API refuses.
    assert page_metrics(html) == LILING
    assert "3月，醴陵市举办各类招聘会1场" in html
    assert "地区不在您可查看的范围内" in html
    if api_status == 403:
        assert "430281" in api.get_json()["message"]
    if api_status == 422:
        assert api.get_json()["errors"] == {"region": [f"没有这个地区代码：{region}"]}


def test_an_unknown_industry_chain_is_refused_by_every_door(
    client, runner, login_as, make_user, bearer
):
    viewer = make_user(Role.VIEWER)
    login_as(viewer)

    page = client.get("/reports/", query_string={**MARCH, "industry_chain": "tea"})
    api = client.get(
        API, query_string={**API_MARCH, "industry_chain": "tea"}, headers=bearer(viewer)
    )
    command = runner.invoke(
        args=["report", "summary", "--start", "2026-03-01", "--end", "2026-03-31"]
        + ["--industry-chain", "tea"]
    )

    assert "产业链无效，已忽略。" in page.get_data(as_text=True)
    assert api.status_code == 422
    assert api.get_json()["errors"] == {"industry_chain": ["没有这个产业链代码：tea"]}
    assert command.exit_code == 1
    assert "--industry-chain 没有这个产业链代码：tea" in command.output


@pytest.mark.parametrize(
    ("role", "home", "asked", "covered"),
    [
        (Role.ADMIN, None, None, None),
        (Role.VIEWER, None, "430281", "430281"),
        (Role.ORGANIZER, "430200", None, None),
        (Role.ORGANIZER, "430200", "430211", "430211"),
        (Role.ORGANIZER, "430281", None, "430281"),
        (Role.ORGANIZER, "430281", "430281", "430281"),
    ],
)
def test_the_scope_rule(make_user, role, home, asked, covered):
    actor = make_user(role, **({"region_code": home} if home else {}))

    assert report_scope(actor, asked) == covered


def test_the_system_reports_on_the_whole_city(db):
    assert report_scope(system("report summary")) is None
    assert report_scope(system("report summary"), "430211") == "430211"


def test_the_scope_rule_refuses(make_user):
    liling = make_user(Role.ORGANIZER, region_code="430281")
    viewer = make_user(Role.VIEWER)

    with pytest.raises(Forbidden, match="430281"):
        report_scope(liling, "430200")
    with pytest.raises(Invalid) as unknown:
        report_scope(viewer, "999999")
    assert unknown.value.field == "region"
    with pytest.raises(Forbidden):
        report_scope(make_user(Role.EMPLOYER))
    with pytest.raises(Invalid) as chain:
        report_chain("tea")
    assert chain.value.field == "industry_chain"
    assert report_chain("ceramics") == "ceramics"


def test_the_report_operations_check_the_actor_without_any_door(make_user, march):
    employer = make_user(Role.EMPLOYER)
    liling = make_user(Role.ORGANIZER, region_code="430281")
    whole_city = ReportFilter(date(2026, 3, 1), date(2026, 3, 31))

    for operation in (
        lambda actor, report: build_report(actor, report),
        lambda actor, report: summarize(actor, report),
        lambda actor, report: drill_down(actor, report, "intents"),
    ):
        with pytest.raises(Forbidden):
            operation(employer, whole_city)
        with pytest.raises(Forbidden):
            operation(liling, whole_city.replace(region="430211"))

    # Asking for nothing in particular gives an organizer its own region, never the city.
    assert build_report(liling, whole_city).metrics.as_dict() == LILING
    assert summarize(liling, whole_city).filter.region == "430281"
    assert drill_down(liling, whole_city, "intents").total == LILING["tentative_hires"]

"""Report rules: which region an actor's report covers, on /reports, the API and `flask report`.

The refusals of the report filter (a region out of scope, an unknown region or industry chain)
stay in tests/reports/test_scope.py: the dashboard corrects the filter and says so in words of
its own, where the API and the command refuse, so those answers are not the same by design.
"""

import re
from datetime import date

from recruit.extensions import db as DB
from recruit.fairs.models import (
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
    TallySource,
)
from recruit.hires.models import Outcome, TentativeHire
from recruit.metrics import METRIC_NAMES
from recruit.refdata.codes import FairType
from recruit.refdata.services import get_industry_chain
from tests.parity.rule import Kit, Rule

MARCH_DAY = date(2026, 3, 10)
PAGE_MARCH = {"preset": "custom", "start": "2026-03-01", "end": "2026-03-31"}
API_MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
COMMAND_MARCH = ["report", "summary", "--start", "2026-03-01", "--end", "2026-03-31"]
OUT_OF_SCOPE = "地区不在您可查看的范围内"
#: 醴陵's numbers in the March data, by their English names.
LILING = {
    "fairs": 1,
    "employer_attendances": 1,
    "positions_offered": 42,
    "seeker_entries": 375,
    "tentative_hires": 4,
    "hired": 1,
    "started": 1,
}
LILING_SENTENCE = (
    "3月，醴陵市举办各类招聘会1场，进入市场的用工企业达到1家次，累计提供岗位42个次，"
    "入场求职375人次，初步达成就业意向4人次。"
)


def march(k: Kit) -> dict:
    """Arrange one counted fair in 醴陵 (ceramics) and one in 天元区, in March 2026."""

    def fair(region: str, **kwargs):
        return k.make_fair(MARCH_DAY, region_code=region, status=FairStatus.HELD, **kwargs)

    def attend(fair, openings, status=ParticipationStatus.ATTENDED):
        employer = k.make_employer()
        positions = [k.make_position(employer=employer) for _ in openings]
        part = Participation(fair=fair, employer=employer, status=status)
        DB.session.add(part)
        for position, n in zip(positions, openings, strict=True):
            part.fair_positions.append(FairPosition(position=position, openings=n))

    def tally(fair, count, reason=None):
        DB.session.add(SeekerTally(fair=fair, count=count, source=TallySource.GATE, reason=reason))

    def hire(fair, outcome=Outcome.INTENT, **kwargs):
        DB.session.add(
            TentativeHire(
                fair=fair,
                position=k.make_position(),
                seeker_name="李海燕",
                seeker_phone="13873310002",
                outcome=outcome,
                **kwargs,
            )
        )

    ceramics = get_industry_chain("ceramics")
    liling = fair("430281", type=FairType.INDUSTRY_CHAIN, industry_chain=ceramics)
    attend(liling, [30, 12])
    attend(liling, [99], ParticipationStatus.NO_SHOW)
    tally(liling, 400)
    tally(liling, -25, reason="重复计数更正")
    for _ in range(3):
        hire(liling)
    hire(liling, Outcome.STARTED, hired_on=date(2026, 3, 12), started_on=date(2026, 3, 15))
    tianyuan = fair("430211")
    attend(tianyuan, [8])
    tally(tianyuan, 100)
    hire(tianyuan, Outcome.HIRED, hired_on=date(2026, 3, 20))
    DB.session.flush()
    return {}


_REGION = re.compile(r'<select[^>]*name="region".*?<option value="(\d+)" selected', re.S)
_SENTENCE = re.compile(r'data-testid="bureau-sentence">(.*?)<', re.S)


def _page_metric(html: str, name: str) -> int:
    """Read one headline number (the exact one, under the bureau's rounding) off the dashboard."""
    testid = "metric-" + name.replace("_", "-")
    pattern = rf'data-testid="{testid}".*?<div class="small text-muted">(\d+)</div>'
    return int(re.search(pattern, html, re.S).group(1))


def report_shown(answer) -> tuple:
    """Return the region, the numbers and the bureau's sentence the answer shows."""
    if answer.door == "page":
        text = answer.text
        numbers = {name: _page_metric(text, name) for name in METRIC_NAMES}
        return _REGION.search(text).group(1), numbers, _SENTENCE.search(text).group(1).strip()
    data = answer.data
    region = data["region"] if answer.door == "api" else data["filters"]["region"]
    return region, {name: data[name] for name in METRIC_NAMES}, data["sentence"]


ROWS = [
    Rule(
        "report scope: a Liling organizer's report of Liling",
        actor="liling",
        arrange=march,
        page=lambda r: ("get", "/reports/", {**PAGE_MARCH, "region": "430281"}),
        api=lambda r: ("get", "/api/v1/reports/summary", {**API_MARCH, "region": "430281"}),
        command=lambda r: [*COMMAND_MARCH, "--region", "430281", "--format", "json"],
        expect="ok",
        shows=report_shown,
        shown=("430281", LILING, LILING_SENTENCE),
        hidden=(OUT_OF_SCOPE,),
    ),
    Rule(
        "report scope: a Liling organizer asking for no region gets Liling",
        actor="liling",
        arrange=march,
        page=lambda r: ("get", "/reports/", PAGE_MARCH),
        api=lambda r: ("get", "/api/v1/reports/summary", API_MARCH),
        expect="ok",
        shows=report_shown,
        shown=("430281", LILING, LILING_SENTENCE),
        hidden=(OUT_OF_SCOPE,),
    ),
]

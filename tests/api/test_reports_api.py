"""GET /api/v1/reports/summary: the exact metrics, the sentence, roles and scopes."""

from datetime import date

import pytest

from recruit.auth.models import Role
from recruit.fairs.models import (
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
    TallySource,
)
from recruit.hires.models import Outcome, TentativeHire


@pytest.fixture
def liling_fair(db, make_fair, make_employer, make_position):
    fair = make_fair(day=date(2026, 3, 10), region_code="430281", status=FairStatus.CLOSED)
    employer = make_employer(region_code="430281")
    position = make_position(employer=employer)
    part = Participation(fair=fair, employer=employer, status=ParticipationStatus.ATTENDED)
    part.fair_positions.append(FairPosition(position=position, openings=12))
    db.session.add_all(
        [
            part,
            SeekerTally(fair=fair, count=300, source=TallySource.GATE),
            SeekerTally(fair=fair, count=-20, source=TallySource.GATE, reason="更正"),
            TentativeHire(
                fair=fair, position=position, seeker_name="甲", seeker_phone="13800000001"
            ),
            TentativeHire(
                fair=fair,
                position=position,
                seeker_name="乙",
                seeker_phone="13800000002",
                outcome=Outcome.HIRED,
                hired_on=date(2026, 3, 20),
            ),
        ]
    )
    db.session.flush()
    return fair


def test_summary_returns_the_metrics_by_their_english_names(client, make_user, bearer, liling_fair):
    headers = bearer(make_user(Role.VIEWER))
    body = client.get(
        "/api/v1/reports/summary?start=2026-01-01&end=2026-06-30", headers=headers
    ).get_json()
    counts = {k: v for k, v in body.items() if isinstance(v, int) and not isinstance(v, bool)}
    assert counts == {
        "fairs": 1,
        "employer_attendances": 1,
        "positions_offered": 12,
        "seeker_entries": 280,
        "tentative_hires": 2,
        "hired": 1,
        "started": 0,
        # DESIGN §7 (issue 16), additive: none of this fair's numbers came from seekers.
        "distinct_seekers": 0,
        "applications": 0,
        "retained_90": 0,
        "retained_180": 0,
    }
    assert body["intents_by_source"] == {"typed": 2, "imported": 0, "booth": 0, "online": 0}
    assert body["sentence"].startswith("上半年，全市举办各类招聘会1场")


def test_an_organizer_is_held_to_its_region(client, make_user, bearer, liling_fair):
    liling = bearer(make_user(Role.ORGANIZER, region_code="430281"))
    own = client.get("/api/v1/reports/summary?start=2026-01-01&end=2026-06-30", headers=liling)
    assert own.status_code == 200 and own.get_json()["region"] == "430281"
    city = client.get(
        "/api/v1/reports/summary?start=2026-01-01&end=2026-06-30&region=430200", headers=liling
    )
    assert city.status_code == 403 and "430281" in city.get_json()["message"]


def test_employers_and_anonymous_callers_get_no_report(client, make_user, bearer):
    url = "/api/v1/reports/summary?start=2026-01-01&end=2026-06-30"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(make_user(Role.EMPLOYER))).status_code == 403


def test_a_backwards_period_is_refused_naming_the_field(client, make_user, bearer):
    headers = bearer(make_user(Role.ADMIN))
    response = client.get(
        "/api/v1/reports/summary?start=2026-06-30&end=2026-01-01", headers=headers
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"end": ["结束日期不能早于开始日期。"]}

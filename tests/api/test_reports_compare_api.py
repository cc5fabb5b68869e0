"""compare=yoy|pop on GET /api/v1/reports/summary and /funnel (issue 18.5): additive fields,
exact numbers, base 0, rows found only in the compared period, refusals, the document."""

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
from recruit.hires.models import HireSource, Outcome, TentativeHire


@pytest.fixture
def held(db, make_fair, make_employer, make_position):
    """Return a factory: a closed fair on a day with openings, entries and intents."""

    def factory(day, region, openings, entries, intents=(), source=HireSource.FORM):
        fair = make_fair(day=day, region_code=region, status=FairStatus.CLOSED)
        employer = make_employer(region_code=region)
        position = make_position(employer=employer)
        part = Participation(fair=fair, employer=employer, status=ParticipationStatus.ATTENDED)
        part.fair_positions.append(FairPosition(position=position, openings=openings))
        db.session.add_all([part, SeekerTally(fair=fair, count=entries, source=TallySource.GATE)])
        for n, outcome in enumerate(intents):
            db.session.add(
                TentativeHire(
                    fair=fair,
                    position=position,
                    seeker_name="甲",
                    seeker_phone=f"1380000{n:04d}",
                    outcome=outcome,
                    hired_on=day if outcome is not Outcome.INTENT else None,
                    source=source,
                )
            )
        db.session.flush()
        return fair

    return factory


@pytest.fixture
def data(held):
    # March 2026: 醴陵市 and 天元区; March 2025: 醴陵市 only; February 2026: 攸县 only.
    held(date(2026, 3, 10), "430281", 30, 150, [Outcome.INTENT, Outcome.HIRED, Outcome.HIRED])
    held(date(2026, 3, 20), "430211", 8, 50)
    held(date(2025, 3, 10), "430281", 10, 100, [Outcome.HIRED, Outcome.INTENT])
    held(date(2026, 2, 15), "430223", 5, 40, [Outcome.INTENT], source=HireSource.IMPORT)


def _get(client, headers, path, **args):
    return client.get(
        f"/api/v1/reports/{path}",
        query_string={"start": "2026-03-01", "end": "2026-03-31", **args},
        headers=headers,
    )


def test_summary_compares_year_on_year(client, make_user, bearer, data):
    body = _get(client, bearer(make_user(Role.VIEWER)), "summary", compare="yoy").get_json()

    compare = body["compare"]
    assert compare["kind"] == "yoy"
    assert compare["period"] == {"start": "2025-03-01", "end": "2025-03-31"}
    figures = compare["figures"]
    assert [figures[k] for k in ("fairs", "positions_offered", "seeker_entries")] == [1, 10, 100]
    assert (figures["tentative_hires"], figures["hired"]) == (2, 1)
    assert figures["intents_by_source"] == {"typed": 2, "imported": 0, "booth": 0, "online": 0}
    assert compare["change"]["fairs"] == 1 and compare["change_pct"]["fairs"] == 100.0
    assert compare["change"]["positions_offered"] == 28
    assert compare["change_pct"]["positions_offered"] == 280.0
    assert compare["change_pct"]["tentative_hires"] == 50.0
    assert compare["change_pct"]["hired"] == 100.0
    assert compare["change"]["intents_by_source"]["typed"] == 1
    # Base 0: no percentage.
    assert compare["change_pct"]["intents_by_source"]["imported"] is None
    assert compare["change_pct"]["started"] is None
    # The fields without comparison are as they were.
    assert body["fairs"] == 2 and body["positions_offered"] == 38


def test_summary_compares_period_on_period(client, make_user, bearer, data):
    body = _get(client, bearer(make_user(Role.VIEWER)), "summary", compare="pop").get_json()

    compare = body["compare"]
    assert compare["period"] == {"start": "2026-02-01", "end": "2026-02-28"}
    assert compare["figures"]["positions_offered"] == 5
    assert compare["change_pct"]["positions_offered"] == 660.0
    assert compare["change_pct"]["tentative_hires"] == 200.0
    assert compare["change"]["intents_by_source"]["imported"] == -1
    assert compare["change_pct"]["intents_by_source"]["imported"] == -100.0


def test_summary_without_compare_has_no_compare_field(client, make_user, bearer, data):
    body = _get(client, bearer(make_user(Role.VIEWER)), "summary").get_json()

    assert body["compare"] is None


def test_an_organizer_compares_inside_its_scope(client, make_user, bearer, data):
    headers = bearer(make_user(Role.ORGANIZER, region_code="430281"))

    body = _get(client, headers, "summary", compare="pop").get_json()

    assert body["region"] == "430281"
    # 攸县's February fair is not 醴陵市's: the compared period counts nothing.
    assert body["compare"]["figures"]["fairs"] == 0
    assert body["compare"]["change_pct"]["fairs"] is None


def test_funnel_rows_carry_their_compared_counts(client, make_user, bearer, data):
    body = _get(client, bearer(make_user(Role.VIEWER)), "funnel", compare="pop").get_json()

    assert body["compare"] == {
        "kind": "pop",
        "period": {"start": "2026-02-01", "end": "2026-02-28"},
    }
    total = body["total"]
    assert total["tentative_hires"] == 3
    assert total["compare"]["figures"]["tentative_hires"] == 1
    assert total["compare"]["change"]["tentative_hires"] == 2
    assert total["compare"]["change_pct"]["tentative_hires"] == 200.0
    assert total["compare"]["change_pct"]["hired"] is None
    counties = {row["key"]: row for row in body["by_county"]}
    # 攸县 held a fair only in the compared period: it comes last, counting 0 now.
    assert body["by_county"][-1]["key"] == "430223"
    assert counties["430223"]["tentative_hires"] == 0
    assert counties["430223"]["compare"]["figures"]["tentative_hires"] == 1
    assert counties["430223"]["compare"]["change_pct"]["tentative_hires"] == -100.0
    assert counties["430281"]["compare"]["figures"]["tentative_hires"] == 0


def test_funnel_without_compare_is_unchanged(client, make_user, bearer, data):
    body = _get(client, bearer(make_user(Role.VIEWER)), "funnel").get_json()

    assert body["compare"] is None and body["total"]["compare"] is None
    assert [row["key"] for row in body["by_county"]] == ["430211", "430281"]


def test_bad_comparisons_are_refused_naming_the_field(client, make_user, bearer):
    headers = bearer(make_user(Role.VIEWER))

    unknown = _get(client, headers, "summary", compare="mom")
    too_early = client.get(
        "/api/v1/reports/summary",
        query_string={"start": "1900-01-01", "end": "1900-01-31", "compare": "yoy"},
        headers=headers,
    )

    assert unknown.status_code == 422
    assert "compare" in unknown.get_json()["errors"]
    assert too_early.status_code == 422
    assert list(too_early.get_json()["errors"]) == ["compare"]


def test_the_document_lists_compare_on_both_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()

    for path in ("/api/v1/reports/summary", "/api/v1/reports/funnel"):
        parameters = document["paths"][path]["get"]["parameters"]
        compare = next(p for p in parameters if p["name"] == "compare")
        assert compare["schema"]["enum"] == ["yoy", "pop"]
    schemas = document["components"]["schemas"]
    assert "compare" in schemas["Summary"]["properties"]
    assert "compare" in schemas["FunnelRow"]["properties"]

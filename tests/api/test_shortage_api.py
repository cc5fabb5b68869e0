"""GET /api/v1/reports/shortage: the shortage index's numbers, order, links, roles and scopes."""

import re
from urllib.parse import urlsplit

import pytest

from recruit.auth.models import Role
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

URL = "/api/v1/reports/shortage"
FIGURES = ("openings", "applications", "intents", "hires")


@pytest.fixture
def shortage_data(make_fair, make_employer, make_position):
    return build_shortage_data(make_fair, make_employer, make_position)


def _numbers(row: dict) -> tuple:
    ratio = None if row["ratio"] is None else f"{row['ratio']:.2f}"
    return (*(row[name] for name in FIGURES), ratio, row["gap"])


def test_the_api_gives_the_same_numbers_and_order(client, make_user, bearer, shortage_data):
    response = client.get(URL, query_string=Q1, headers=bearer(make_user(Role.VIEWER)))

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["year"], body["quarter"], body["start"], body["end"]) == (
        2026,
        1,
        "2026-01-01",
        "2026-03-31",
    )
    assert [row["code"] for row in body["rows"]] == list(Q1_ROWS)
    assert {row["code"]: _numbers(row) for row in body["rows"]} == Q1_ROWS
    assert [row["rank"] for row in body["rows"]] == list(range(1, len(Q1_ROWS) + 1))
    assert [row["code"] for row in body["top"]] == Q1_TOP
    levels = {row["code"]: row["level"] for row in body["rows"]}
    assert levels == {
        "6-04-01-00": "full",
        "4": "major",
        "4-01-02-03": "full",
        "6": "major",
        "2-02-07-04": "full",
        "3-01-01-00": "full",
    }
    groups = {row["major_group"]: tuple(row[n] for n in FIGURES) for row in body["by_major_group"]}
    assert groups == Q1_GROUPS
    assert all(row["level"] == "group" for row in body["by_major_group"])
    assert tuple(body["total"][n] for n in FIGURES) == Q1_TOTAL
    assert body["total"]["code"] is None and body["total"]["ratio"] == 3.89
    first = body["top"][0]
    assert first["name"] == "生产制造及有关人员" and first["ratio"] == 5.33
    for row in body["top"]:
        if row["code"] in QUARTERS:
            cells = {c["quarter"]: (c["openings"], c["intents"]) for c in row["quarters"]}
            assert cells == QUARTERS[row["code"]]


def test_every_number_links_to_rows_adding_up_to_it(
    client, login_as, make_user, bearer, shortage_data
):
    viewer = make_user(Role.VIEWER)
    body = client.get(URL, query_string=Q1, headers=bearer(viewer)).get_json()
    login_as(viewer)
    for row in [*body["rows"], *body["by_major_group"], body["total"]]:
        for name in FIGURES:
            url = urlsplit(row["urls"][name])
            page = client.get(f"{url.path}?{url.query}").get_data(as_text=True)
            total = int(re.search(r"合计 <strong>(-?\d+)</strong>", page).group(1))
            assert total == row[name], (row["code"], name)


def test_a_county_organizer_gets_its_scope_and_not_another(
    client, make_user, bearer, shortage_data
):
    headers = bearer(make_user(Role.ORGANIZER, region_code="430281"))

    body = client.get(URL, query_string=Q1, headers=headers).get_json()

    assert body["region"] == "430281"
    assert {row["code"]: _numbers(row) for row in body["rows"]} == LILING_ROWS
    assert tuple(body["total"][n] for n in FIGURES) == LILING_TOTAL
    other = client.get(URL, query_string={**Q1, "region": "430211"}, headers=headers)
    assert other.status_code == 403


def test_the_filters_apply(client, make_user, bearer, shortage_data):
    headers = bearer(make_user(Role.ADMIN))
    body = client.get(
        URL, query_string={**Q1, "fair_type": "industry_chain"}, headers=headers
    ).get_json()
    assert {row["code"]: _numbers(row) for row in body["rows"]} == LILING_ROWS
    assert "region=430281" not in body["rows"][0]["urls"]["openings"]
    assert "fair_type=industry_chain" in body["rows"][0]["urls"]["openings"]


def test_the_default_is_the_last_complete_quarter(client, make_user, bearer):
    body = client.get(URL, headers=bearer(make_user(Role.VIEWER))).get_json()
    assert body["quarter"] in (1, 2, 3, 4) and body["rows"] == [] and body["top"] == []


@pytest.mark.parametrize(
    "query", [{"year": 2026, "quarter": 5}, {"year": 1800, "quarter": 1}, {"quarter": "x"}]
)
def test_a_bad_quarter_is_refused(client, make_user, bearer, query):
    response = client.get(URL, query_string=query, headers=bearer(make_user(Role.VIEWER)))
    assert response.status_code == 422


def test_employers_and_the_public_are_refused(client, make_user, bearer):
    assert client.get(URL, query_string=Q1).status_code == 401
    employer = client.get(URL, query_string=Q1, headers=bearer(make_user(Role.EMPLOYER)))
    assert employer.status_code == 403

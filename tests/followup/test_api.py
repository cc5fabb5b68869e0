"""The follow-up API: the call-back list, an intent's steps, corrections; and the employer's."""

from datetime import timedelta

import pytest

from recruit.auth.models import Role
from recruit.formatting import local_today
from recruit.hires.models import StepKind
from recruit.hires.steps import history

TODAY = local_today()


@pytest.fixture
def headers(bearer, staff):
    return bearer(staff)


def test_the_call_back_list_is_paged_and_masked(client, db, make_started, headers):
    hires = [make_started(40), make_started(100)]

    body = client.get("/api/v1/manage/callbacks?per_page=1", headers=headers).get_json()

    assert (body["total"], body["page"], body["per_page"]) == (2, 1, 1)
    (item,) = body["items"]
    assert item["hire_id"] in {h.id for h in hires}
    assert item["seeker_phone"] == "139****5678"
    assert set(item) >= {"milestone", "tries", "last_try", "started_on", "days_since_start"}
    ninety = client.get("/api/v1/manage/callbacks?milestone=90", headers=headers).get_json()
    assert [(i["hire_id"], i["milestone"]) for i in ninety["items"]] == [(hires[1].id, 90)]


def test_the_call_back_list_checks_its_filters(client, db, headers):
    assert client.get("/api/v1/manage/callbacks?milestone=45", headers=headers).status_code == 422
    assert client.get("/api/v1/manage/callbacks?colour=red", headers=headers).status_code == 422


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.VIEWER])
def test_other_roles_get_403(client, db, make_user, bearer, make_started, role):
    hire = make_started(40)
    other = bearer(make_user(role))

    assert client.get("/api/v1/manage/callbacks", headers=other).status_code == 403
    assert client.get(f"/api/v1/manage/hires/{hire.id}/steps", headers=other).status_code == 403
    response = client.post(
        f"/api/v1/manage/hires/{hire.id}/steps",
        json={"step": "retained_30", "on": TODAY.isoformat()},
        headers=other,
    )
    assert response.status_code == 403


def test_record_a_step_answers_201_and_lists_it(client, db, make_started, headers, staff):
    hire = make_started(40)

    response = client.post(
        f"/api/v1/manage/hires/{hire.id}/steps",
        json={"step": "unreachable", "on": TODAY.isoformat(), "milestone": 30, "note": "关机"},
        headers=headers,
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["step"] == {"value": "unreachable", "label": "联系不上"}
    assert (body["milestone"], body["note"], body["recorded_by_id"]) == (30, "关机", staff.id)
    listed = client.get(f"/api/v1/manage/hires/{hire.id}/steps", headers=headers).get_json()
    assert [s["step"]["value"] for s in listed] == ["started", "unreachable"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"step": "retained_90", "on": TODAY.isoformat()}, "on"),
        ({"step": "unreachable", "on": TODAY.isoformat()}, "milestone"),
        ({"step": "promoted", "on": TODAY.isoformat()}, "step"),
        ({"step": "left", "on": (TODAY + timedelta(days=1)).isoformat()}, "on"),
        ({"step": "left"}, "on"),
    ],
)
def test_a_bad_step_is_422_naming_the_field(client, db, make_started, headers, body, field):
    hire = make_started(40)

    response = client.post(f"/api/v1/manage/hires/{hire.id}/steps", json=body, headers=headers)

    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]
    assert len(history(hire)) == 1


def test_a_repeated_step_is_409(client, db, make_started, headers):
    hire = make_started(40)

    response = client.post(
        f"/api/v1/manage/hires/{hire.id}/steps",
        json={"step": "started", "on": TODAY.isoformat()},
        headers=headers,
    )

    assert response.status_code == 409
    assert "step" in response.get_json()["errors"]


def test_out_of_scope_or_unknown_is_404(client, db, make_started, make_user, bearer):
    hire = make_started(40, region="430211")
    liling = bearer(make_user(Role.ORGANIZER, region_code="430281"))
    step = history(hire)[0]

    assert client.get(f"/api/v1/manage/hires/{hire.id}/steps", headers=liling).status_code == 404
    response = client.post(
        f"/api/v1/manage/hire-steps/{step.id}/void", json={"reason": "误录"}, headers=liling
    )
    assert response.status_code == 404
    assert client.get("/api/v1/manage/hires/999999/steps", headers=liling).status_code == 404
    liling_list = client.get("/api/v1/manage/callbacks", headers=liling).get_json()
    assert liling_list["total"] == 0


def test_void_a_step(client, db, make_started, headers):
    hire = make_started(40)
    step = history(hire)[0]
    url = f"/api/v1/manage/hire-steps/{step.id}/void"

    assert client.post(url, json={}, headers=headers).status_code == 422
    assert client.post(url, json={"reason": " "}, headers=headers).status_code == 422
    response = client.post(url, json={"reason": "误录"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["void_reason"] == "更正：误录"
    assert response.get_json()["voided_at"] is not None
    assert hire.started_on is None
    assert client.post(url, json={"reason": "误录"}, headers=headers).status_code == 409


def test_the_employers_outcome_keeps_working_and_shows_the_steps(
    client, db, make_intent, make_position, make_user, bearer
):
    owner = make_user(Role.EMPLOYER)
    hire = make_intent(fair_days_ago=20, position=make_position(employer=owner.employer))
    headers = bearer(owner)
    url = f"/api/v1/employer/hires/{hire.id}/outcome"
    hired_on = TODAY - timedelta(days=10)

    client.post(url, json={"outcome": "hired", "on": hired_on.isoformat()}, headers=headers)
    response = client.post(
        url, json={"outcome": "declined", "on": TODAY.isoformat()}, headers=headers
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["outcome"]["value"] == "declined"
    assert body["hired_on"] == hired_on.isoformat()  # it reached 录用 (issue 18 point 1)
    assert [s["step"]["value"] for s in body["steps"]] == ["hired", "declined"]
    listed = client.get("/api/v1/employer/hires", headers=headers).get_json()
    assert [s["step"]["value"] for s in listed["items"][0]["steps"]] == ["hired", "declined"]
    again = client.post(url, json={"outcome": "declined", "on": TODAY.isoformat()}, headers=headers)
    assert again.status_code == 409


def test_the_operations_carry_their_published_ids(client):
    document = client.get("/api/v1/openapi.json").get_json()
    ids = {
        (method.upper(), path.removeprefix("/api/v1")): op["operationId"]
        for path, item in document["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }

    assert ids[("GET", "/manage/callbacks")] == "list_callbacks"
    assert ids[("GET", "/manage/hires/{hire_id}/steps")] == "list_hire_steps"
    assert ids[("POST", "/manage/hires/{hire_id}/steps")] == "record_hire_step"
    assert ids[("POST", "/manage/hire-steps/{step_id}/void")] == "void_hire_step"
    hire = document["components"]["schemas"]["Hire"]
    assert "steps" in hire["properties"]


def test_steps_use_the_step_kinds(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["StepInput"]
    assert schema["properties"]["step"]["enum"] == [k.value for k in StepKind]

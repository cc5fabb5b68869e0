"""Public reads and employer writes over the API, with the same rules as the pages."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import Role
from recruit.fairs.models import FairStatus
from recruit.formatting import local_today
from recruit.hires.models import Outcome
from recruit.positions.models import PositionStatus
from recruit.validators import uscc_check_char
from tests.employer.helpers import make_hire


def _position_body(**overrides) -> dict:
    body = {
        "title": "陶瓷成型工",
        "description": "负责陶瓷坯体成型，提供食宿。",
        "occupation_major_group": 6,
        "openings": 3,
        "salary_min": 4000,
        "salary_max": 6000,
        "work_region_code": "430211",
        "valid_until": (local_today() + timedelta(days=90)).isoformat(),
    }
    body.update(overrides)
    return body


@pytest.fixture
def employer_headers(make_user, make_employer, bearer):
    """Return a factory: a new approved employer's account → its Authorization header."""

    def factory():
        user = make_user(Role.EMPLOYER, employer=make_employer(region_code="430211"))
        return user, bearer(user)

    return factory


def test_public_fair_list_pages_with_a_total_and_stable_order(client, make_fair):
    today = local_today()
    fairs = [make_fair(day=today + timedelta(days=d), status=FairStatus.OPEN) for d in (9, 3, 6)]
    make_fair(day=today + timedelta(days=4), status=FairStatus.CANCELLED)
    first = client.get("/api/v1/fairs?per_page=2").get_json()
    second = client.get("/api/v1/fairs?per_page=2&page=2").get_json()
    assert first["total"] == 3
    ids = [f["id"] for f in first["items"] + second["items"]]
    assert ids == [fairs[1].id, fairs[2].id, fairs[0].id]


def test_public_position_search_hides_what_is_not_open(client, make_position):
    shown = make_position(title="数控车工")
    make_position(title="数控铣工", status=PositionStatus.PENDING)
    body = client.get("/api/v1/positions", query_string={"q": "数控"}).get_json()
    assert [p["id"] for p in body["items"]] == [shown.id]
    assert body["items"][0]["salary"] == {
        "min": 4000,
        "max": 6000,
        "negotiable": False,
        "unit": "MONTH",
        "currency": "CNY",
    }
    hidden = make_position(status=PositionStatus.CLOSED)
    assert client.get(f"/api/v1/positions/{hidden.id}").status_code == 404


def test_unknown_query_parameters_are_refused_not_ignored(client):
    response = client.get("/api/v1/positions?colour=red")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"colour": ["不认识的字段。"]}


def test_an_employer_registers_then_waits_for_review(client, db):
    body = "91430211MA4T9" + "9999"
    uscc = body + uscc_check_char(body)
    data = {
        "name": "接口注册测试有限公司",
        "uscc": uscc,
        "region_code": "430211",
        "industry_section": "C",
        "address": "天元区株洲大道 8 号",
        "contact_name": "王经理",
        "contact_phone": "13812345678",
        "username": "api-hr",
        "password": "api-pass-123",
    }
    response = client.post("/api/v1/employers", json=data)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == {"value": "pending", "label": "待审核"}
    again = client.post("/api/v1/employers", json=data | {"username": "api-hr2"})
    assert again.status_code == 422
    assert "已注册" in again.get_json()["errors"]["uscc"][0]


def test_an_employer_posts_edits_and_submits_a_position(client, employer_headers):
    _user, headers = employer_headers()
    created = client.post("/api/v1/employer/positions", json=_position_body(), headers=headers)
    assert created.status_code == 201, created.get_json()
    position = created.get_json()
    assert position["status"]["value"] == "draft"

    edit = _position_body(openings=5, version=position["version"])
    updated = client.put(f"/api/v1/employer/positions/{position['id']}", json=edit, headers=headers)
    assert updated.status_code == 200 and updated.get_json()["openings"] == 5
    stale = client.put(f"/api/v1/employer/positions/{position['id']}", json=edit, headers=headers)
    assert stale.status_code == 409
    assert "已被他人修改" in stale.get_json()["message"]

    submitted = client.post(f"/api/v1/employer/positions/{position['id']}/submit", headers=headers)
    assert submitted.status_code == 200
    assert submitted.get_json()["position"]["status"]["value"] == "pending"


def test_position_rules_answer_422_naming_the_field(client, employer_headers):
    _user, headers = employer_headers()
    low = client.post(
        "/api/v1/employer/positions", json=_position_body(salary_min=800), headers=headers
    )
    assert low.status_code == 422
    assert "最低工资标准" in low.get_json()["errors"]["salary_min"][0]
    blocked = client.post(
        "/api/v1/employer/positions",
        json=_position_body(description="限男性，包吃住"),
        headers=headers,
    ).get_json()
    refused = client.post(f"/api/v1/employer/positions/{blocked['id']}/submit", headers=headers)
    assert refused.status_code in (409, 422)
    assert "限男性" in refused.get_json()["message"] + str(refused.get_json()["errors"])
    explained = client.post(
        f"/api/v1/employer/positions/{blocked['id']}/submit",
        json={"explanation": "井下作业，按《矿山安全法》女职工禁忌从事"},
        headers=headers,
    )
    assert explained.status_code == 200
    assert explained.get_json()["position"]["status"]["value"] == "pending"
    assert any("限男性" in warning for warning in explained.get_json()["warnings"])


def test_an_employer_reaches_only_its_own_records(client, employer_headers, make_fair):
    alice, alice_headers = employer_headers()
    _bob, bob_headers = employer_headers()
    position = client.post(
        "/api/v1/employer/positions", json=_position_body(), headers=alice_headers
    ).get_json()
    pid = position["id"]
    for method, url, body in [
        ("get", f"/api/v1/employer/positions/{pid}", None),
        ("put", f"/api/v1/employer/positions/{pid}", _position_body(version=1)),
        ("post", f"/api/v1/employer/positions/{pid}/submit", None),
        ("post", f"/api/v1/employer/positions/{pid}/close", {}),
        ("post", f"/api/v1/employer/positions/{pid}/reopen", None),
    ]:
        response = getattr(client, method)(url, json=body, headers=bob_headers)
        assert response.status_code == 404, (method, url)
    assert client.get("/api/v1/employer/positions", headers=bob_headers).get_json()["total"] == 0


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ORGANIZER, Role.VIEWER])
def test_other_roles_cannot_use_the_employer_operations(client, make_user, bearer, role):
    headers = bearer(make_user(role))
    assert client.get("/api/v1/employer/positions", headers=headers).status_code == 403


def test_fair_signup_and_outcome_over_the_api(
    client, db, employer_headers, make_fair, make_position
):
    user, headers = employer_headers()
    position = make_position(employer=user.employer)
    fair = make_fair(day=local_today() + timedelta(days=10), status=FairStatus.OPEN)
    signup = client.post(
        f"/api/v1/employer/fairs/{fair.id}/signup",
        json={"offers": [{"position_id": position.id, "openings": 2}]},
        headers=headers,
    )
    assert signup.status_code == 201, signup.get_json()
    assert signup.get_json()["status"]["value"] == "requested"
    assert signup.get_json()["offers"] == [{"position_id": position.id, "openings": 2}]

    hire = make_hire(make_fair, position, seeker_id_number="11010519491231002X")
    listed = client.get("/api/v1/employer/hires", headers=headers).get_json()
    assert listed["total"] == 1
    assert "seeker_id_number" not in listed["items"][0]
    recorded = client.post(
        f"/api/v1/employer/hires/{hire.id}/outcome",
        json={"outcome": "hired", "on": local_today().isoformat()},
        headers=headers,
    )
    assert recorded.status_code == 200, recorded.get_json()
    db.session.refresh(hire)
    assert hire.outcome is Outcome.HIRED
    future = client.post(
        f"/api/v1/employer/hires/{hire.id}/outcome",
        json={"outcome": "started", "on": (local_today() + timedelta(days=3)).isoformat()},
        headers=headers,
    )
    assert future.status_code == 422 and "on" in future.get_json()["errors"]


def test_the_intent_list_discloses_phones_through_the_audited_gate(
    client, db, employer_headers, make_fair, make_position
):
    user, headers = employer_headers()
    position = make_position(employer=user.employer)
    hire = make_hire(make_fair, position, seeker_phone="13912345678")
    make_hire(make_fair, make_position(title="别家岗位"), seeker_name="李四")

    listed = client.get("/api/v1/employer/hires", headers=headers).get_json()

    (item,) = listed["items"]
    assert (item["id"], item["seeker_name"], item["seeker_phone"]) == (
        hire.id,
        "张三",
        "13912345678",
    )
    assert "seeker_id_number" not in item
    (entry,) = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "hire.view_pii"))
    assert entry.user_id == user.id
    assert entry.summary["ids"] == [hire.id]
    assert entry.summary["purpose"] == "outcome_follow_up"


def test_a_fair_that_is_cancelled_takes_no_sign_up_on_either_door(
    client, db, employer_headers, make_fair, make_position, login_as
):
    user, headers = employer_headers()
    position = make_position(employer=user.employer)
    fair = make_fair(status=FairStatus.CANCELLED)
    offer = {"offers": [{"position_id": position.id, "openings": 2}]}

    api = client.post(f"/api/v1/employer/fairs/{fair.id}/signup", json=offer, headers=headers)
    login_as(user)
    page = client.get(f"/employer/fairs/{fair.id}/signup")

    assert api.status_code == page.status_code == 404

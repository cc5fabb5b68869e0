"""The mini program's API (issue 16 point 6): every rule of the contract, over HTTP.

Seekers enter a running fair and apply with their bearer token; employers and staff decide the
applications that reached them. The rules live in recruit.seekers.services; these tests check
that each door answers them as the contract says (status, body, Chinese messages, fields).
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import EmployerRole, Role
from recruit.db_types import utcnow
from recruit.fairs.models import FairStatus
from recruit.hires.models import HireSource, Outcome, TentativeHire
from recruit.notify.models import Notification
from recruit.refdata.codes import FairMode
from recruit.seekers import services
from recruit.seekers.models import Application, Entry, Seeker
from tests.seekers import conftest as seekers
from tests.seekers.conftest import entry_values

#: The fixture of fairs under way with two booths, shared with the seekers' service tests.
running_fair = seekers.running_fair

PHONE = "13907331234"
OPERATIONS = {
    ("post", "/api/v1/fairs/{fair_id}/entries"): "enter_fair",
    ("get", "/api/v1/seeker/applications"): "list_own_applications",
    ("post", "/api/v1/seeker/applications"): "create_application",
    ("get", "/api/v1/seeker/me"): "get_seeker_profile",
    ("patch", "/api/v1/seeker/me"): "correct_seeker_profile",
    ("delete", "/api/v1/seeker/me"): "delete_seeker_profile",
    ("post", "/api/v1/seeker/verification"): "send_seeker_code",
    ("post", "/api/v1/seeker/verification/confirm"): "confirm_seeker_code",
    ("get", "/api/v1/employer/fairs/{fair_id}/applications"): "list_received_applications",
    ("post", "/api/v1/employer/applications/{application_id}/decision"): "decide_application",
    ("get", "/api/v1/manage/fairs/{fair_id}/applications"): "list_fair_applications",
    ("post", "/api/v1/manage/applications/{application_id}/decision"): "decide_fair_application",
}


def _seeker(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _count(model) -> int:
    return services.db.session.scalar(sa.select(sa.func.count(model.id)))


@pytest.fixture
def enter(client):
    """Return a function: fair (and changes to the values) → the entry's response."""

    def post(fair, headers=None, address="10.0.0.1", **changes):
        return client.post(
            f"/api/v1/fairs/{fair.id}/entries",
            json=entry_values(**changes),
            headers=headers or {},
            environ_base={"REMOTE_ADDR": address},
        )

    return post


@pytest.fixture
def seeker_at(enter):
    """Return a function: fair → a new seeker's token secret (entered at that fair)."""

    def factory(fair, phone=PHONE) -> str:
        response = enter(fair, phone=phone)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["seeker_token"]

    return factory


def _apply(client, secret, fair, position):
    return client.post(
        "/api/v1/seeker/applications",
        json={"fair_id": fair.id, "position_id": position.id},
        headers=_seeker(secret),
    )


# --- entries --------------------------------------------------------------------------------


def test_a_first_entry_is_201_with_a_token_and_the_same_seeker_again_is_200(
    client, enter, running_fair
):
    setup = running_fair()
    first = enter(setup.fair)
    assert first.status_code == 201
    body = first.get_json()
    assert body["first_entry"] is True and body["seeker_token"].startswith("sk_")
    assert body["seeker"] == {"name": "张三", "masked_phone": "139****1234"}
    assert body["fair_id"] == setup.fair.id and body["verification_required"] is False
    assert body["entered_at"] and body["token_expires_at"]

    again = enter(setup.fair)
    assert again.status_code == 200
    repeat = again.get_json()
    assert repeat["first_entry"] is False
    # A phone without the seeker's token gets a new one, which may not read the seeker's data.
    assert repeat["seeker_token"] not in (None, body["seeker_token"])
    assert repeat["verification_required"] is True
    assert (
        client.get("/api/v1/seeker/me", headers=_seeker(repeat["seeker_token"])).status_code == 403
    )

    # The phone that holds the seeker's token keeps it: the secret is not stored, so null.
    kept = enter(setup.fair, headers=_seeker(body["seeker_token"]))
    assert kept.status_code == 200
    assert kept.get_json()["seeker_token"] is None
    assert kept.get_json()["first_entry"] is False
    assert client.get("/api/v1/seeker/me", headers=_seeker(body["seeker_token"])).status_code == 200
    assert _count(Entry) == 1 and _count(Seeker) == 1


@pytest.mark.parametrize("consent", [False, None, "yes"])
def test_an_entry_without_consent_is_refused_naming_the_field(enter, running_fair, consent):
    setup = running_fair()
    response = enter(setup.fair, consent=consent)
    assert response.status_code == 422
    assert "consent" in response.get_json()["errors"]
    assert _count(Entry) == 0 and _count(Seeker) == 0


def test_an_entry_missing_consent_or_with_bad_fields_names_each_in_chinese(client, running_fair):
    setup = running_fair()
    url = f"/api/v1/fairs/{setup.fair.id}/entries"
    missing = client.post(url, json={"name": "张三", "phone": PHONE})
    assert missing.status_code == 422
    assert missing.get_json()["errors"] == {"consent": ["必填。"]}
    bad = client.post(url, json={**entry_values(), "phone": "1234", "name": " ", "consent": False})
    assert bad.status_code == 422
    errors = bad.get_json()["errors"]
    assert set(errors) == {"phone", "name", "consent"}
    assert errors["phone"][0].startswith("手机号：") and errors["consent"][0].startswith("同意：")
    assert _count(Seeker) == 0


@pytest.mark.parametrize("status", [FairStatus.PLANNED, FairStatus.CLOSED])
def test_entries_are_refused_when_the_fair_does_not_run(enter, running_fair, status):
    setup = running_fair()
    setup.fair.status = status
    response = enter(setup.fair)
    assert response.status_code == 409
    assert "招聘会" in response.get_json()["message"]
    assert _count(Entry) == 0


def test_entries_open_two_hours_before_the_start_and_close_at_the_end(db, enter, make_fair):
    fair = make_fair(status=FairStatus.OPEN)
    fair.starts_at = utcnow() + timedelta(hours=2, minutes=10)
    fair.ends_at = fair.starts_at + timedelta(hours=3)
    db.session.commit()  # a refused request rolls back its own work, not the fair
    early = enter(fair)
    assert early.status_code == 409 and "入场登记从" in early.get_json()["message"]
    fair.starts_at = utcnow() + timedelta(hours=1, minutes=50)
    assert enter(fair).status_code == 201
    fair.status = FairStatus.HELD
    fair.starts_at = utcnow() - timedelta(hours=4)
    fair.ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert enter(fair, phone="13907339999").status_code == 409


def test_an_unknown_or_cancelled_fair_is_404(client, enter, running_fair):
    setup = running_fair()
    setup.fair.status = FairStatus.CANCELLED
    assert enter(setup.fair).status_code == 404
    response = client.post("/api/v1/fairs/999999/entries", json=entry_values())
    assert response.status_code == 404
    assert response.get_json()["message"] == "招聘会不存在。"


def test_entries_are_rate_limited_per_phone_and_per_address(enter, running_fair, app, monkeypatch):
    setup = running_fair()
    monkeypatch.setitem(app.config, "SEEKER_ENTRIES_PER_PHONE", 2)
    monkeypatch.setitem(app.config, "SEEKER_ENTRIES_PER_ADDRESS", 3)
    assert enter(setup.fair).status_code == 201
    assert enter(setup.fair).status_code == 200
    refused = enter(setup.fair)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["code"] == "too_many_requests"
    assert "分钟后再试" in refused.get_json()["message"]
    # Another phone from the same address: the address's third, then its limit.
    assert enter(setup.fair, phone="13907339999").status_code == 201
    by_address = enter(setup.fair, phone="13907338888")
    assert by_address.status_code == 429 and by_address.headers["Retry-After"]
    # Another address is not held back by the first one's limit.
    assert enter(setup.fair, phone="13907338888", address="10.0.0.2").status_code == 201


# --- applications ---------------------------------------------------------------------------


def test_a_seeker_applies_once_to_a_position_offered_at_the_fair(
    client, running_fair, seeker_at, make_position
):
    setup = running_fair()
    secret = seeker_at(setup.fair)
    position = setup.positions[0]
    response = _apply(client, secret, setup.fair, position)
    assert response.status_code == 201
    body = response.get_json()
    assert body["fair"]["id"] == setup.fair.id and body["fair"]["title"] == setup.fair.title
    assert body["position"] == {
        "id": position.id,
        "title": position.title,
        "employer_name": position.employer.name,
    }
    assert body["state"] == {"value": "submitted", "label": "已投递"}
    assert body["source"]["value"] == "booth" and body["verified"] is False
    assert body["outcome"] is None and body["created_at"]

    repeat = _apply(client, secret, setup.fair, position)
    assert repeat.status_code == 409 and "position_id" in repeat.get_json()["errors"]

    elsewhere = _apply(client, secret, setup.fair, make_position())
    assert elsewhere.status_code == 422
    assert elsewhere.get_json()["errors"]["position_id"] == [
        "岗位：该岗位不在本场招聘会的参会岗位中。"
    ]
    assert _count(Application) == 1


def test_an_offline_fair_wants_the_entry_before_an_application(client, running_fair, seeker_at):
    first, second = running_fair(), running_fair()
    secret = seeker_at(first.fair)
    response = _apply(client, secret, second.fair, second.positions[0])
    assert response.status_code == 409


def test_an_online_application_counts_as_the_online_entry(client, running_fair, seeker_at):
    booths = running_fair()
    online = running_fair(mode=FairMode.ONLINE)
    secret = seeker_at(booths.fair)
    response = _apply(client, secret, online.fair, online.positions[0])
    assert response.status_code == 201
    assert response.get_json()["source"] == {"value": "online", "label": "在线投递"}
    entries = services.db.session.scalars(sa.select(Entry).order_by(Entry.id)).all()
    assert [(e.fair_id, e.source.value) for e in entries] == [
        (booths.fair.id, "scan"),
        (online.fair.id, "online"),
    ]


def test_seeker_operations_need_a_live_seeker_token(
    client, running_fair, seeker_at, make_user, bearer
):
    setup = running_fair()
    secret = seeker_at(setup.fair)
    body = {"fair_id": setup.fair.id, "position_id": setup.positions[0].id}
    url = "/api/v1/seeker/applications"
    missing = client.post(url, json=body)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"]
    assert "求职者令牌" in missing.get_json()["message"]
    assert client.post(url, json=body, headers=_seeker("sk_forged")).status_code == 401
    # A user's API token is no seeker token.
    user = bearer(make_user(Role.EMPLOYER))
    assert client.get("/api/v1/seeker/me", headers=user).status_code == 403

    services.token_for(secret).expires_at = utcnow() - timedelta(seconds=1)
    services.db.session.flush()
    expired = client.post(url, json=body, headers=_seeker(secret))
    assert expired.status_code == 401
    assert client.get("/api/v1/seeker/me", headers=_seeker(secret)).status_code == 401
    assert _count(Application) == 0


def test_applications_are_rate_limited_per_seeker(
    client, running_fair, seeker_at, app, monkeypatch
):
    setup = running_fair()
    monkeypatch.setitem(app.config, "SEEKER_APPLICATIONS_PER_SEEKER", 1)
    secret = seeker_at(setup.fair)
    assert _apply(client, secret, setup.fair, setup.positions[0]).status_code == 201
    refused = _apply(client, secret, setup.fair, setup.positions[1])
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_the_seeker_sees_the_state_and_the_intents_outcome(
    client, running_fair, seeker_at, make_user, bearer
):
    setup = running_fair()
    secret = seeker_at(setup.fair)
    first = _apply(client, secret, setup.fair, setup.positions[0]).get_json()
    second = _apply(client, secret, setup.fair, setup.positions[1]).get_json()
    hr = bearer(make_user(Role.EMPLOYER, employer=setup.positions[0].employer))
    decide = "/api/v1/employer/applications/{}/decision"
    for application, decision in ((first, "intent"), (second, "declined")):
        url = decide.format(application["id"])
        assert client.post(url, json={"decision": decision}, headers=hr).status_code == 200

    listed = client.get("/api/v1/seeker/applications", headers=_seeker(secret))
    assert listed.status_code == 200
    items = {item["id"]: item for item in listed.get_json()["items"]}
    assert listed.get_json()["total"] == 2
    assert items[first["id"]]["state"] == {"value": "intent", "label": "达成意向"}
    assert items[first["id"]]["outcome"] == {"value": "intent", "label": "意向"}
    assert items[second["id"]]["state"] == {"value": "declined", "label": "未通过"}
    assert items[second["id"]]["outcome"] is None


def test_an_unproven_token_may_not_read_or_delete(client, enter, running_fair, seeker_at):
    setup = running_fair()
    seeker_at(setup.fair)
    stranger = enter(setup.fair).get_json()["seeker_token"]  # typed the same mobile elsewhere
    for method, url in (
        ("GET", "/api/v1/seeker/applications"),
        ("GET", "/api/v1/seeker/me"),
        ("PATCH", "/api/v1/seeker/me"),
        ("DELETE", "/api/v1/seeker/me"),
    ):
        response = client.open(url, method=method, json={"name": "王五"}, headers=_seeker(stranger))
        assert response.status_code == 403, (method, url)
        assert "验证" in response.get_json()["message"]
    assert services.db.session.scalar(sa.select(Seeker.name)) == "张三"


# --- verification ---------------------------------------------------------------------------


def test_with_verification_on_an_application_waits_for_the_sms_code(
    client, running_fair, seeker_at, app, monkeypatch
):
    monkeypatch.setitem(app.config, "SEEKER_PHONE_VERIFICATION", "on")
    setup = running_fair()
    entered = client.post(f"/api/v1/fairs/{setup.fair.id}/entries", json=entry_values())
    assert entered.get_json()["verification_required"] is True
    secret = entered.get_json()["seeker_token"]
    refused = _apply(client, secret, setup.fair, setup.positions[0])
    assert refused.status_code == 403 and "验证码" in refused.get_json()["message"]

    sent = client.post("/api/v1/seeker/verification", headers=_seeker(secret))
    assert sent.status_code == 202
    assert sent.get_json()["masked_phone"] == "139****1234" and sent.get_json()["expires_at"]
    outbox = services.db.session.scalars(
        sa.select(Notification).where(Notification.template == "seeker_verify_code")
    ).one()
    assert outbox.address == PHONE

    confirm = "/api/v1/seeker/verification/confirm"
    wrong = client.post(confirm, json={"code": "000000x"}, headers=_seeker(secret))
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"]["code"] == ["验证码：不正确，请核对短信中的6位数字。"]
    # The try was written down although the request was refused.
    assert services.token_for(secret) is not None
    tries = services.db.session.execute(sa.text("select attempts from seeker_codes")).scalar()
    assert tries == 1

    right = client.post(confirm, json={"code": outbox.params["code"]}, headers=_seeker(secret))
    assert right.status_code == 200
    assert right.get_json() == {"verified": True, "verification_required": False}
    applied = _apply(client, secret, setup.fair, setup.positions[0])
    assert applied.status_code == 201 and applied.get_json()["verified"] is True


def test_a_code_proves_a_token_that_typed_a_known_mobile(client, enter, running_fair, seeker_at):
    setup = running_fair()
    seeker_at(setup.fair)
    secret = enter(setup.fair).get_json()["seeker_token"]
    assert client.get("/api/v1/seeker/me", headers=_seeker(secret)).status_code == 403
    assert client.post("/api/v1/seeker/verification", headers=_seeker(secret)).status_code == 202
    code = services.db.session.scalars(sa.select(Notification)).one().params["code"]
    confirm = "/api/v1/seeker/verification/confirm"
    assert client.post(confirm, json={"code": code}, headers=_seeker(secret)).status_code == 200
    assert client.get("/api/v1/seeker/me", headers=_seeker(secret)).status_code == 200


def test_codes_are_rate_limited(client, running_fair, seeker_at, app, monkeypatch):
    monkeypatch.setitem(app.config, "SEEKER_CODES_PER_SEEKER", 1)
    secret = seeker_at(running_fair().fair)
    assert client.post("/api/v1/seeker/verification", headers=_seeker(secret)).status_code == 202
    refused = client.post("/api/v1/seeker/verification", headers=_seeker(secret))
    assert refused.status_code == 429 and refused.headers["Retry-After"]


# --- the seeker's own data ------------------------------------------------------------------


def test_a_seeker_sees_and_corrects_their_data(client, running_fair, seeker_at):
    setup = running_fair()
    secret = seeker_at(setup.fair)
    me = client.get("/api/v1/seeker/me", headers=_seeker(secret))
    assert me.status_code == 200
    body = me.get_json()
    assert body["name"] == "张三" and body["masked_phone"] == "139****1234"
    assert body["education"] == {"value": "junior_college", "label": "大专"}
    assert body["gender"] is None and body["priority_groups"] == []
    assert body["consent"]["version"] == services.NOTICE_VERSION and body["consent"]["at"]
    assert [p["value"] for p in body["consent"]["purposes"]] == ["entry", "apply", "follow_up"]
    assert [e["fair"]["id"] for e in body["entries"]] == [setup.fair.id]
    assert body["entries"][0]["source"]["value"] == "scan"
    assert PHONE not in me.get_data(as_text=True)

    corrected = client.patch(
        "/api/v1/seeker/me",
        json={"name": "张叁", "priority_groups": ["graduate"]},
        headers=_seeker(secret),
    )
    assert corrected.status_code == 200
    body = corrected.get_json()
    assert body["name"] == "张叁"
    assert body["priority_groups"] == [{"value": "graduate", "label": "高校毕业生"}]
    assert body["education"]["value"] == "junior_college"  # left out: kept

    bad = client.patch(
        "/api/v1/seeker/me", json={"name": "", "id_number": "123"}, headers=_seeker(secret)
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"name", "id_number"}
    assert services.db.session.scalar(sa.select(Seeker.name)) == "张叁"


def test_deleting_revokes_the_token_and_keeps_the_counts(
    client, running_fair, seeker_at, make_user, bearer
):
    setup = running_fair()
    secret = seeker_at(setup.fair)
    applied = _apply(client, secret, setup.fair, setup.positions[0]).get_json()
    hr = bearer(make_user(Role.EMPLOYER, employer=setup.positions[0].employer))
    client.post(
        f"/api/v1/employer/applications/{applied['id']}/decision",
        json={"decision": "intent"},
        headers=hr,
    )
    response = client.delete("/api/v1/seeker/me", headers=_seeker(secret))
    assert response.status_code == 204 and response.get_data() == b""
    for method, url in (("GET", "/api/v1/seeker/me"), ("GET", "/api/v1/seeker/applications")):
        assert client.open(url, method=method, headers=_seeker(secret)).status_code == 401
    assert client.delete("/api/v1/seeker/me", headers=_seeker(secret)).status_code == 401
    seeker = services.db.session.scalars(sa.select(Seeker)).one()
    assert seeker.name is None and seeker.deleted_at is not None
    assert [_count(Entry), _count(Application), _count(TentativeHire)] == [1, 1, 1]
    listed = client.get(f"/api/v1/employer/fairs/{setup.fair.id}/applications", headers=hr)
    assert listed.get_json()["items"][0]["applicant"] == {"name": "（已清除）", "phone": None}


# --- employers ------------------------------------------------------------------------------


def test_an_employer_lists_its_own_applicants_with_the_mobile(
    client, running_fair, seeker_at, make_user, bearer
):
    setup = running_fair()
    secret = seeker_at(setup.fair)
    mine = _apply(client, secret, setup.fair, setup.positions[0]).get_json()
    _apply(client, secret, setup.fair, setup.positions[2])  # another employer's booth
    hr = bearer(make_user(Role.EMPLOYER, employer=setup.positions[0].employer))
    url = f"/api/v1/employer/fairs/{setup.fair.id}/applications"
    listed = client.get(url, headers=hr)
    assert listed.status_code == 200
    page = listed.get_json()
    assert page["total"] == 1 and page["page"] == 1 and page["per_page"] == 20
    item = page["items"][0]
    assert item["id"] == mine["id"]
    assert item["applicant"] == {"name": "张三", "phone": PHONE}
    assert item["education"] == {"value": "junior_college", "label": "大专"}
    assert item["position"]["id"] == setup.positions[0].id
    assert item["state"]["value"] == "submitted" and item["verified"] is False
    assert item["hire"] is None and item["created_at"]
    # Showing the mobiles is a disclosure: audited.
    audit = services.db.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "application.view_pii")
    ).one()
    assert audit.summary["ids"] == [mine["id"]]

    assert client.get(url, query_string={"state": "intent"}, headers=hr).get_json()["total"] == 0
    bad = client.get(url, query_string={"state": "maybe"}, headers=hr)
    assert bad.status_code == 422 and "state" in bad.get_json()["errors"]
    assert client.get(url, query_string={"colour": "red"}, headers=hr).status_code == 422


def test_an_intent_gives_the_tentative_hire_and_another_employer_gets_404(
    client, running_fair, seeker_at, make_user, bearer
):
    setup = running_fair()
    secret = seeker_at(setup.fair)
    applied = _apply(client, secret, setup.fair, setup.positions[0]).get_json()
    url = f"/api/v1/employer/applications/{applied['id']}/decision"
    other = bearer(make_user(Role.EMPLOYER, employer=setup.positions[2].employer))
    assert client.post(url, json={"decision": "intent"}, headers=other).status_code == 404
    listed = client.get(f"/api/v1/employer/fairs/{setup.fair.id}/applications", headers=other)
    assert listed.get_json()["items"] == []

    owner = setup.positions[0].employer
    readonly = bearer(make_user(Role.EMPLOYER, employer=owner, employer_role=EmployerRole.READONLY))
    assert client.post(url, json={"decision": "intent"}, headers=readonly).status_code == 403

    hr_user = make_user(Role.EMPLOYER, employer=owner)
    hr = bearer(hr_user)
    bad = client.post(url, json={"decision": "maybe"}, headers=hr)
    assert bad.status_code == 422 and "decision" in bad.get_json()["errors"]
    decided = client.post(url, json={"decision": "intent"}, headers=hr)
    assert decided.status_code == 200
    body = decided.get_json()
    assert body["state"] == {"value": "intent", "label": "达成意向"}
    assert body["applicant"]["phone"] == PHONE
    hire = services.db.session.get(TentativeHire, body["hire"]["id"])
    assert body["hire"]["outcome"] == {"value": "intent", "label": "意向"}
    assert hire.outcome is Outcome.INTENT and hire.source is HireSource.BOOTH
    assert hire.recorded_by_id == hr_user.id and hire.seeker_id is not None
    again = client.post(url, json={"decision": "declined"}, headers=hr)
    assert again.status_code == 409 and "decision" in again.get_json()["errors"]


def test_a_declined_application_shows_as_declined_and_may_still_become_an_intent(
    client, running_fair, seeker_at, make_user, bearer
):
    setup = running_fair()
    applied = _apply(client, seeker_at(setup.fair), setup.fair, setup.positions[0]).get_json()
    url = f"/api/v1/employer/applications/{applied['id']}/decision"
    hr = bearer(make_user(Role.EMPLOYER, employer=setup.positions[0].employer))
    declined = client.post(url, json={"decision": "declined"}, headers=hr)
    assert declined.status_code == 200 and declined.get_json()["hire"] is None
    assert client.post(url, json={"decision": "declined"}, headers=hr).status_code == 409
    assert client.post(url, json={"decision": "intent"}, headers=hr).get_json()["hire"]["id"]


# --- staff ----------------------------------------------------------------------------------


def test_organizers_in_scope_list_and_decide_others_get_404(
    client, running_fair, seeker_at, make_user, bearer
):
    setup = running_fair()
    secret = seeker_at(setup.fair)
    applied = _apply(client, secret, setup.fair, setup.positions[0]).get_json()
    _apply(client, secret, setup.fair, setup.positions[2])
    listing = f"/api/v1/manage/fairs/{setup.fair.id}/applications"
    deciding = f"/api/v1/manage/applications/{applied['id']}/decision"

    county = bearer(make_user(Role.ORGANIZER, region_code="430281"))
    assert client.get(listing, headers=county).status_code == 404
    assert client.post(deciding, json={"decision": "intent"}, headers=county).status_code == 404

    city = bearer(make_user(Role.ORGANIZER))
    listed = client.get(listing, headers=city)
    assert listed.status_code == 200 and listed.get_json()["total"] == 2
    assert {i["applicant"]["phone"] for i in listed.get_json()["items"]} == {PHONE}
    decided = client.post(deciding, json={"decision": "intent"}, headers=city)
    assert decided.status_code == 200 and decided.get_json()["hire"]["id"]
    admin = bearer(make_user(Role.ADMIN))
    page = client.get(listing, query_string={"state": "intent"}, headers=admin).get_json()
    assert [i["id"] for i in page["items"]] == [applied["id"]]
    # An employer's token does not reach the staff doors.
    hr = bearer(make_user(Role.EMPLOYER, employer=setup.positions[0].employer))
    assert client.get(listing, headers=hr).status_code == 403


# --- the document ---------------------------------------------------------------------------


def test_the_document_lists_every_operation_with_its_operation_id(client):
    document = client.get("/api/v1/openapi.json").get_json()
    found = {
        (method, path): operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if (method, path) in OPERATIONS
    }
    assert found == OPERATIONS
    for method, path in OPERATIONS:
        operation = document["paths"][path][method]
        assert operation["summary"] and operation["description"], (method, path)
    scheme = document["components"]["securitySchemes"]["seekerToken"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    assert document["paths"]["/api/v1/seeker/me"]["get"]["security"] == [{"seekerToken": []}]
    entries = document["paths"]["/api/v1/fairs/{fair_id}/entries"]["post"]
    assert {"200", "201", "404", "409", "422", "429"} <= set(entries["responses"])
    assert "Retry-After" in entries["responses"]["429"]["headers"]

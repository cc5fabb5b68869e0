"""Channels and syncs over the API: staff reach it as they reach the pages, and the channels
service decides (only admins change channels; admins and the city-level organizer queue runs;
county organizers read). Admins suspend and reinstate employers."""

import pytest
import sqlalchemy as sa

from jobs.sync import watch_channel
from recruit.audit.models import AuditLog
from recruit.auth.models import Role
from recruit.channels.models import Channel
from recruit.employers.models import EmployerStatus


def test_admins_list_channels_change_one_and_queue_a_sync(
    app, client, db, make_user, bearer, make_position
):
    make_position()
    headers = bearer(make_user(Role.ADMIN))
    channels = client.get("/api/v1/channels", headers=headers).get_json()
    assert {c["code"] for c in channels} == {"xjy", "zzrc", "jycs", "llzgz"}
    xjy = next(c for c in channels if c["code"] == "xjy")
    assert xjy["token_variable"] == "RECRUIT_CHANNEL_XJY_TOKEN" and xjy["concurrency"] == 8

    bad = client.patch("/api/v1/channels/llzgz", json={"schedule": "someday"}, headers=headers)
    assert bad.status_code == 422 and "schedule" in bad.get_json()["errors"]
    changed = client.patch(
        "/api/v1/channels/jycs", json={"scope_regions": ["430211"]}, headers=headers
    )
    assert changed.status_code == 200 and changed.get_json()["scope_regions"] == ["430211"]

    queued = client.post("/api/v1/channels/jycs/sync", json={}, headers=headers)
    assert queued.status_code == 202, queued.get_json()
    body = queued.get_json()
    assert body["status"]["value"] == "queued" and body["processed"] == 0
    assert watch_channel(app, "jycs") == "queued"

    run = client.get(f"/api/v1/sync/runs/{body['id']}", headers=headers).get_json()
    assert run["status"]["value"] == "completed" and run["created"] >= 1
    assert run["acknowledged"] == run["created"] and run["pending"] == 0
    listed = client.get("/api/v1/sync/runs?channel=jycs", headers=headers).get_json()
    assert listed["items"][0]["id"] == body["id"]
    postings = client.get("/api/v1/channels/jycs/postings?state=synced", headers=headers)
    assert postings.get_json()["total"] == run["created"]


def test_a_disabled_channel_cannot_be_synced(client, make_user, bearer):
    headers = bearer(make_user(Role.ADMIN))
    response = client.post("/api/v1/channels/xjy/sync", json={}, headers=headers)
    assert response.status_code == 409 and "未启用" in response.get_json()["message"]


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.VIEWER])
def test_only_staff_reach_the_channel_operations(client, make_user, bearer, role):
    headers = bearer(make_user(role))
    assert client.get("/api/v1/channels", headers=headers).status_code == 403
    assert client.post("/api/v1/channels/jycs/sync", json={}, headers=headers).status_code == 403


def test_the_city_organizer_queues_syncs_but_may_not_change_channels(
    client, db, make_user, bearer, make_position
):
    make_position()
    headers = bearer(make_user(Role.ORGANIZER))  # 430200, the whole city
    assert client.get("/api/v1/channels", headers=headers).status_code == 200
    changed = client.patch("/api/v1/channels/jycs", json={"enabled": False}, headers=headers)
    assert changed.status_code == 403
    assert "只有系统管理员可以修改渠道设置" in changed.get_json()["message"]
    run = client.post("/api/v1/channels/jycs/sync", json={}, headers=headers)
    assert run.status_code == 202 and run.get_json()["status"]["value"] == "queued"
    assert db.session.scalar(sa.select(Channel.enabled).where(Channel.code == "jycs")) is True


def test_a_county_organizer_reads_channels_but_may_not_change_or_sync_them(
    client, db, make_user, bearer
):
    headers = bearer(make_user(Role.ORGANIZER, region_code="430281"))
    assert client.get("/api/v1/channels", headers=headers).status_code == 200
    assert client.get("/api/v1/channels/jycs/postings", headers=headers).status_code == 200
    assert client.get("/api/v1/sync/runs", headers=headers).status_code == 200
    patched = client.patch("/api/v1/channels/jycs", json={"schedule": "tue 03:00"}, headers=headers)
    assert patched.status_code == 403
    assert client.post("/api/v1/channels/jycs/sync", json={}, headers=headers).status_code == 403
    schedule = db.session.scalar(sa.select(Channel.schedule).where(Channel.code == "jycs"))
    assert schedule == "mon 02:00"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"token_env": "SECRET_KEY"}, "token_env"),
        ({"token_env": "RECRUIT_PII_KEYS"}, "token_env"),
        ({"token_env": "RECRUIT_CHANNEL_ZZRC_TOKEN"}, "token_env"),
        ({"base_url": "http://10.0.0.8:8080/api"}, "base_url"),
        ({"base_url": "https://user:pass@portal.example.cn/api"}, "base_url"),
        ({"base_url": "ftp://portal.example.cn/"}, "base_url"),
        ({"concurrency": 0}, "concurrency"),
        ({"concurrency": 33}, "concurrency"),
    ],
)
def test_channel_settings_that_could_lead_a_secret_out_are_refused(
    client, db, make_user, bearer, changes, field
):
    headers = bearer(make_user(Role.ADMIN))
    response = client.patch("/api/v1/channels/xjy", json=changes, headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {field}
    channel = db.session.scalar(sa.select(Channel).where(Channel.code == "xjy"))
    assert (channel.token_env, channel.base_url) == ("RECRUIT_CHANNEL_XJY_TOKEN", None)


def test_https_anywhere_and_http_only_to_listed_hosts(app, client, make_user, bearer, monkeypatch):
    headers = bearer(make_user(Role.ADMIN))
    ok = client.patch(
        "/api/v1/channels/xjy", json={"base_url": "https://xjy.example.cn/api"}, headers=headers
    )
    assert ok.status_code == 200
    monkeypatch.setitem(app.config, "CHANNEL_ALLOWED_HOSTS", ["portal.lan"])
    listed = client.patch(
        "/api/v1/channels/xjy", json={"base_url": "http://portal.lan:8080/v1"}, headers=headers
    )
    assert listed.status_code == 200
    loopback = client.patch(
        "/api/v1/channels/xjy", json={"base_url": "http://127.0.0.1:8765"}, headers=headers
    )
    assert loopback.status_code == 422
    assert "127.0.0.1 不在 CHANNEL_ALLOWED_HOSTS 中" in loopback.get_json()["errors"]["base_url"][0]


def test_admins_suspend_and_reinstate_an_employer_over_the_api(
    client, db, make_user, bearer, make_position
):
    position = make_position()
    employer = position.employer
    headers = bearer(make_user(Role.ADMIN))
    url = f"/api/v1/admin/employers/{employer.id}"

    missing = client.post(f"{url}/suspend", json={}, headers=headers)
    assert missing.status_code == 422 and set(missing.get_json()["errors"]) == {"note"}
    done = client.post(f"{url}/suspend", json={"note": "欠薪投诉核查中"}, headers=headers)
    assert done.status_code == 200
    assert done.get_json()["status"]["value"] == "suspended"
    assert done.get_json()["review_note"] == "欠薪投诉核查中"
    again = client.post(f"{url}/suspend", json={"note": "再次"}, headers=headers)
    assert again.status_code == 409

    back = client.post(f"{url}/reinstate", json={}, headers=headers)
    assert back.status_code == 200 and back.get_json()["status"]["value"] == "approved"
    assert client.post(f"{url}/reinstate", json={}, headers=headers).status_code == 409
    actions = db.session.scalars(
        sa.select(AuditLog.action).where(AuditLog.object_type == "employers").order_by(AuditLog.id)
    ).all()
    assert actions == ["employer.suspend", "employer.reinstate"]
    assert (
        client.post("/api/v1/admin/employers/999999/reinstate", headers=headers).status_code == 404
    )


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.EMPLOYER, Role.VIEWER])
def test_only_admins_suspend_employers(client, db, make_user, bearer, make_employer, role):
    employer = make_employer()
    headers = bearer(make_user(role))
    response = client.post(
        f"/api/v1/admin/employers/{employer.id}/suspend", json={"note": "核查"}, headers=headers
    )
    assert response.status_code == 403
    db.session.refresh(employer)
    assert employer.status is EmployerStatus.APPROVED

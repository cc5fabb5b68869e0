"""Channels and syncs over the API: staff reach it as they reach the pages, and the channels
service decides (admins and the city-level organizer change and sync, county organizers read)."""

import pytest
import sqlalchemy as sa

from recruit.auth.models import Role
from recruit.channels.models import Channel


def test_admins_list_channels_change_one_and_run_a_sync(
    client, db, make_user, bearer, make_position
):
    make_position()
    headers = bearer(make_user(Role.ADMIN))
    channels = client.get("/api/v1/channels", headers=headers).get_json()
    assert {c["code"] for c in channels} == {"xjy", "zzrc", "jycs", "llzgz"}

    bad = client.patch("/api/v1/channels/llzgz", json={"schedule": "someday"}, headers=headers)
    assert bad.status_code == 422 and "schedule" in bad.get_json()["errors"]
    changed = client.patch(
        "/api/v1/channels/jycs", json={"scope_regions": ["430211"]}, headers=headers
    )
    assert changed.status_code == 200 and changed.get_json()["scope_regions"] == ["430211"]

    run = client.post("/api/v1/channels/jycs/sync", json={}, headers=headers)
    assert run.status_code == 201, run.get_json()
    body = run.get_json()
    assert body["status"]["value"] == "completed" and body["created"] >= 1
    listed = client.get("/api/v1/sync/runs?channel=jycs", headers=headers).get_json()
    assert listed["items"][0]["id"] == body["id"]
    assert client.get(f"/api/v1/sync/runs/{body['id']}", headers=headers).status_code == 200
    postings = client.get("/api/v1/channels/jycs/postings?state=synced", headers=headers)
    assert postings.get_json()["total"] == body["created"]


def test_a_disabled_channel_cannot_be_synced(client, make_user, bearer):
    headers = bearer(make_user(Role.ADMIN))
    response = client.post("/api/v1/channels/xjy/sync", json={}, headers=headers)
    assert response.status_code == 409 and "未启用" in response.get_json()["message"]


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.VIEWER])
def test_only_staff_reach_the_channel_operations(client, make_user, bearer, role):
    headers = bearer(make_user(role))
    assert client.get("/api/v1/channels", headers=headers).status_code == 403
    assert client.post("/api/v1/channels/jycs/sync", json={}, headers=headers).status_code == 403


def test_the_city_organizer_changes_and_syncs_channels_as_on_the_page(
    client, make_user, bearer, make_position
):
    make_position()
    headers = bearer(make_user(Role.ORGANIZER))  # 430200, the whole city
    assert client.get("/api/v1/channels", headers=headers).status_code == 200
    changed = client.patch("/api/v1/channels/jycs", json={"enabled": True}, headers=headers)
    assert changed.status_code == 200
    run = client.post("/api/v1/channels/jycs/sync", json={}, headers=headers)
    assert run.status_code == 201 and run.get_json()["created"] == 1


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

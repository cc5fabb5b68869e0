"""Admins manage channels and syncs over the API; nobody else may."""

import pytest

from recruit.auth.models import Role


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


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.EMPLOYER, Role.VIEWER])
def test_only_admins_reach_the_channel_operations(client, make_user, bearer, role):
    headers = bearer(make_user(role))
    assert client.get("/api/v1/channels", headers=headers).status_code == 403
    assert client.post("/api/v1/channels/jycs/sync", json={}, headers=headers).status_code == 403

"""Organizer operations over the API keep the region scope, versions and all-or-nothing bulk."""

from datetime import timedelta

import pytest

from recruit.auth.models import Role
from recruit.fairs.models import FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import local_today
from recruit.hires.models import TentativeHire


@pytest.fixture
def held_fair(db, make_fair, make_position):
    fair = make_fair(live=True, region_code="430211", status=FairStatus.HELD)
    position = make_position()
    part = Participation(fair=fair, employer=position.employer, status=ParticipationStatus.APPROVED)
    part.fair_positions.append(FairPosition(position=position, openings=5))
    db.session.add(part)
    db.session.flush()
    return fair, position, part


def test_a_county_organizer_cannot_reach_a_city_fair(client, make_user, bearer, held_fair):
    fair, _position, part = held_fair
    liling = bearer(make_user(Role.ORGANIZER, region_code="430281"))
    assert client.get(f"/api/v1/manage/fairs/{fair.id}", headers=liling).status_code == 404
    response = client.post(f"/api/v1/manage/participations/{part.id}/check-in", headers=liling)
    assert response.status_code == 404
    listed = client.get("/api/v1/manage/fairs", headers=liling).get_json()
    assert fair.id not in [f["id"] for f in listed["items"]]
    city = bearer(make_user(Role.ORGANIZER, region_code="430200"))
    assert client.get(f"/api/v1/manage/fairs/{fair.id}", headers=city).status_code == 200


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.VIEWER])
def test_other_roles_cannot_manage_fairs(client, make_user, bearer, role):
    assert client.get("/api/v1/manage/fairs", headers=bearer(make_user(role))).status_code == 403


def test_a_stale_fair_edit_is_a_409_and_changes_nothing(client, db, make_user, bearer, make_fair):
    fair = make_fair(day=local_today() + timedelta(days=5))
    headers = bearer(make_user(Role.ORGANIZER))
    current = client.get(f"/api/v1/manage/fairs/{fair.id}", headers=headers).get_json()
    body = {
        "title": "改过的标题",
        "type": current["type"]["value"],
        "mode": current["mode"]["value"],
        "region_code": current["region"]["code"],
        "starts_at": current["starts_at"],
        "ends_at": current["ends_at"],
        "organizer_unit": current["organizer_unit"],
        "version": current["version"],
    }
    assert (
        client.put(f"/api/v1/manage/fairs/{fair.id}", json=body, headers=headers).status_code == 200
    )
    stale = client.put(
        f"/api/v1/manage/fairs/{fair.id}", json=body | {"title": "又一次"}, headers=headers
    )
    assert stale.status_code == 409
    db.session.refresh(fair)
    assert fair.title == "改过的标题"


def test_bulk_intents_are_all_or_nothing_naming_the_item(client, db, make_user, bearer, held_fair):
    fair, position, _part = held_fair
    headers = bearer(make_user(Role.ORGANIZER))
    items = [
        {"seeker_name": "甲", "seeker_phone": "13900000001", "position_id": position.id},
        {"seeker_name": "乙", "seeker_phone": "12345", "position_id": position.id},
        {"seeker_name": "甲", "seeker_phone": "13900000001", "position_id": position.id},
    ]
    response = client.post(
        f"/api/v1/manage/fairs/{fair.id}/hires/bulk", json={"items": items}, headers=headers
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["items.1"]
    assert "手机号" in response.get_json()["errors"]["items.1"][0]
    items[1]["seeker_phone"] = "13900000002"
    response = client.post(
        f"/api/v1/manage/fairs/{fair.id}/hires/bulk", json={"items": items}, headers=headers
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["items.2"]
    assert db.session.query(TentativeHire).filter_by(fair_id=fair.id).count() == 0
    response = client.post(
        f"/api/v1/manage/fairs/{fair.id}/hires/bulk", json={"items": items[:2]}, headers=headers
    )
    assert response.status_code == 201 and response.get_json() == {"created": 2}


def test_a_correction_without_a_reason_is_refused_naming_the_field(
    client, make_user, bearer, held_fair
):
    fair, _position, _part = held_fair
    headers = bearer(make_user(Role.ORGANIZER))
    response = client.post(
        f"/api/v1/manage/fairs/{fair.id}/tallies", json={"count": -5}, headers=headers
    )
    assert response.status_code == 422
    assert "更正原因" in response.get_json()["errors"]["reason"][0]


def test_a_booth_already_taken_is_a_conflict(
    client, db, make_user, bearer, held_fair, make_employer
):
    fair, _position, part = held_fair
    other = Participation(fair=fair, employer=make_employer(), status=ParticipationStatus.APPROVED)
    db.session.add(other)
    db.session.flush()
    headers = bearer(make_user(Role.ORGANIZER))
    url = "/api/v1/manage/participations/{}/booth"
    assert client.put(url.format(part.id), json={"booth": "B1"}, headers=headers).status_code == 200
    clash = client.put(url.format(other.id), json={"booth": "B1"}, headers=headers)
    assert clash.status_code == 409
    assert "已分配给" in clash.get_json()["errors"]["booth"][0]

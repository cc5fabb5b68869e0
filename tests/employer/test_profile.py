"""The employer's own profile: contact and address apply at once; name, USCC and region wait for
an organizer of the employer's region, the old values public meanwhile; every change audited
with the person who made it, and sent to the channels on the next sync."""

import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.actors import system
from recruit.auth.models import EmployerRole, Role
from recruit.employers.models import ChangeStatus, EmployerChange, EmployerStatus
from recruit.employers.profile import review_change, update_profile
from recruit.errors import Invalid
from recruit.extensions import db as DB
from recruit.formatting import local_today
from recruit.notify.digests import send_review_digests
from recruit.notify.models import Notification
from recruit.positions.models import PositionStatus
from recruit.positions.services import set_position_status
from recruit.sync.services import run_channel_sync
from recruit.validators import uscc_check_char
from tests.sync.conftest import channel, sandbox  # noqa: F401  (the sync's receiver fixtures)

NEW_USCC_BODY = "91430211MA4T99999"
NEW_USCC = NEW_USCC_BODY + uscc_check_char(NEW_USCC_BODY)


def _form(employer, **overrides) -> dict:
    data = {
        "name": employer.name,
        "uscc": employer.uscc,
        "region_code": employer.region_code,
        "address": employer.address or "天元区株洲大道 1 号",
        "contact_name": employer.contact_name or "李女士",
        "contact_phone": employer.contact_phone or "13800000000",
        "size": "",
        "industry_chain_id": "",
    }
    data.update(overrides)
    return data


def _audits(action: str) -> list[AuditLog]:
    return list(DB.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


def test_an_address_edit_applies_at_once_and_is_audited_naming_the_person(client, db, signed_in):
    employer = signed_in.employer

    response = client.post("/employer/profile", data=_form(employer, address="芦淞区新地址 8 号"))

    assert response.status_code == 302
    db.session.expire_all()
    assert employer.address == "芦淞区新地址 8 号"
    (entry,) = _audits("employer.profile_update")
    assert entry.user_id == signed_in.id
    assert entry.summary["fields"] == ["address", "contact_name", "contact_phone"]
    assert "13800000000" not in str(entry.summary)  # a person's phone stays out of the log
    page = client.get("/employer/profile").get_data(as_text=True)
    assert "芦淞区新地址 8 号" in page


def test_bad_input_names_the_field_and_changes_nothing(client, db, signed_in):
    employer = signed_in.employer
    before = employer.contact_phone

    page = client.post(
        "/employer/profile", data=_form(employer, contact_phone="12345", address="")
    ).get_data(as_text=True)

    assert "手机号码：" in page
    assert "单位地址：必填。" in page
    db.session.expire_all()
    assert employer.contact_phone == before
    assert _audits("employer.profile_update") == []


def test_a_name_change_waits_for_review_and_the_old_name_stays_public(
    client, db, signed_in, make_position
):
    employer = signed_in.employer
    old_name = employer.name
    make_position(employer=employer, title="公开岗位")

    client.post("/employer/profile", data=_form(employer, name="株洲新名称有限公司"))

    db.session.expire_all()
    assert employer.name == old_name
    change = db.session.scalar(sa.select(EmployerChange))
    assert (change.status, change.name, change.old_name) == (
        ChangeStatus.PENDING,
        "株洲新名称有限公司",
        old_name,
    )
    assert change.requested_by_id == signed_in.id
    public = client.get(f"/employers/{employer.id}").get_data(as_text=True)
    assert old_name in public and "株洲新名称有限公司" not in public
    own = client.get("/employer/profile").get_data(as_text=True)
    assert "变更审核中" in own and "株洲新名称有限公司" in own


def test_an_organizer_of_the_region_approves_and_the_new_name_becomes_public(
    app, client, db, signed_in, make_user
):
    employer = signed_in.employer
    employer.address, employer.contact_name, employer.contact_phone = "地址", "李", "13800000000"
    with_email = signed_in
    with_email.email = "hr@example.com"
    client.post("/employer/profile", data=_form(employer, name="株洲新名称有限公司", uscc=NEW_USCC))
    change = db.session.scalar(sa.select(EmployerChange))
    liling = make_user(Role.ORGANIZER, region_code="430281")
    city = make_user(Role.ORGANIZER, region_code="430200")

    # 醴陵's organizer does not see a 天元区 employer's change at all.
    other = app.test_client()
    other.post("/login", data={"username": liling.username, "password": "test-pass-123"})
    assert "株洲新名称有限公司" not in other.get("/manage/review").get_data(as_text=True)
    assert (
        other.post(
            f"/manage/review/employer-changes/{change.id}", data={"decision": "approve"}
        ).status_code
        == 404
    )

    reviewer = app.test_client()
    reviewer.post("/login", data={"username": city.username, "password": "test-pass-123"})
    queue = reviewer.get("/manage/review").get_data(as_text=True)
    assert "株洲新名称有限公司" in queue
    response = reviewer.post(
        f"/manage/review/employer-changes/{change.id}", data={"decision": "approve"}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert (employer.name, employer.uscc) == ("株洲新名称有限公司", NEW_USCC)
    assert change.status is ChangeStatus.APPROVED and change.reviewed_by_id == city.id
    assert (
        client.get(f"/employers/{employer.id}").get_data(as_text=True).count("株洲新名称有限公司")
    )
    (entry,) = _audits("employer.change_approved")
    assert entry.user_id == city.id
    sent = db.session.scalars(
        sa.select(Notification).where(Notification.template == "employer_change_approved")
    ).all()
    assert [n.address for n in sent] == ["hr@example.com"]


def test_a_rejection_needs_a_reason_the_employer_then_reads(app, client, db, signed_in, make_user):
    employer = signed_in.employer
    old_name = employer.name
    client.post("/employer/profile", data=_form(employer, name="株洲新名称有限公司"))
    change = db.session.scalar(sa.select(EmployerChange))
    city = make_user(Role.ORGANIZER, region_code="430200")
    reviewer = app.test_client()
    reviewer.post("/login", data={"username": city.username, "password": "test-pass-123"})

    reviewer.post(f"/manage/review/employer-changes/{change.id}", data={"decision": "reject"})
    db.session.expire_all()
    assert change.status is ChangeStatus.PENDING

    reviewer.post(
        f"/manage/review/employer-changes/{change.id}",
        data={"decision": "reject", "note": "营业执照名称与申请不符"},
    )

    db.session.expire_all()
    assert change.status is ChangeStatus.REJECTED
    assert employer.name == old_name
    page = client.get("/employer/profile").get_data(as_text=True)
    assert "营业执照名称与申请不符" in page


def test_a_uscc_change_is_checked_as_registration_checks_it(db, make_user, make_employer):
    user = make_user(Role.EMPLOYER)
    employer = user.employer
    taken = make_employer().uscc
    data = _form(employer, address="地址", contact_name="李", contact_phone="13800000000")

    for uscc, words in (("91350100M000100Y4X", "统一社会信用代码："), (taken, "已注册")):
        try:
            update_profile(employer, {**data, "uscc": uscc}, by=user)
        except Invalid as error:
            assert words in error.errors["uscc"]
        else:
            raise AssertionError(f"{uscc} was accepted")
    assert db.session.scalar(sa.select(sa.func.count(EmployerChange.id))) == 0


def test_a_pending_employer_corrects_its_name_at_once(db, make_user, make_employer):
    employer = make_employer(status=EmployerStatus.PENDING)
    user = make_user(Role.EMPLOYER, employer=employer)

    edit = update_profile(
        employer,
        _form(
            employer,
            name="更正后的名称",
            address="地址",
            contact_name="李",
            contact_phone="13800000000",
        ),
        by=user,
    )

    assert edit.change is None and "name" in edit.applied
    assert employer.name == "更正后的名称"


def test_a_profile_edit_appears_in_the_next_syncs_document(
    db,
    channel,  # noqa: F811
    sandbox,  # noqa: F811
    make_user,
    make_position,
):
    user = make_user(Role.EMPLOYER)
    employer = user.employer
    position = make_position(employer=employer, status=PositionStatus.PENDING)
    set_position_status(position, PositionStatus.OPEN, by=system("tests"))
    run_channel_sync(channel, by=system("tests"))
    assert sandbox.state.postings[position.ref]["document"]["employer"]["address"] is None
    sandbox.state.requests.clear()

    update_profile(
        employer,
        _form(
            employer,
            address="芦淞区新地址 8 号",
            contact_name="李",
            contact_phone="13800000000",
            size="small",
        ),
        by=user,
    )
    run = run_channel_sync(channel, by=system("tests"))

    assert run.updated == 1
    document = sandbox.state.postings[position.ref]["document"]
    assert document["employer"]["address"] == "芦淞区新地址 8 号"
    assert document["employer"]["size"] == "small"
    assert document["revision"] == 2


def test_an_approved_name_change_goes_out_on_the_next_sync(
    db,
    channel,  # noqa: F811
    sandbox,  # noqa: F811
    make_user,
    make_position,
):
    user = make_user(Role.EMPLOYER)
    employer = user.employer
    employer.address, employer.contact_name, employer.contact_phone = "地址", "李", "13800000000"
    position = make_position(employer=employer, status=PositionStatus.PENDING)
    set_position_status(position, PositionStatus.OPEN, by=system("tests"))
    run_channel_sync(channel, by=system("tests"))
    data = _form(employer)
    edit = update_profile(employer, {**data, "name": "改名有限公司"}, by=user)

    sandbox.state.requests.clear()
    run = run_channel_sync(channel, by=system("tests"))
    assert run.updated == 0  # not yet approved: nothing to send

    review_change(edit.change, True, by=make_user(Role.ORGANIZER, region_code="430200"))
    run = run_channel_sync(channel, by=system("tests"))

    assert run.updated == 1
    assert sandbox.state.postings[position.ref]["document"]["employer"]["name"] == "改名有限公司"


def test_read_only_colleague_sees_the_profile_without_a_form(client, db, make_user, login_as):
    admin = make_user(Role.EMPLOYER)
    reader = make_user(Role.EMPLOYER, employer=admin.employer, employer_role=EmployerRole.READONLY)
    login_as(reader)

    page = client.get("/employer/profile").get_data(as_text=True)

    assert admin.employer.name in page
    assert 'data-testid="profile-form"' not in page
    assert client.post("/employer/profile", data=_form(admin.employer)).status_code == 403


def test_the_api_asks_for_a_change_and_an_organizer_reviews_it_by_api(
    client, db, make_user, bearer
):
    user = make_user(Role.EMPLOYER)
    employer = user.employer
    body = {**_form(employer, address="地址", contact_name="李", contact_phone="13800000000")}
    del body["industry_chain_id"]
    body.update(name="接口改名有限公司", size="medium", industry_chain="ceramics")

    response = client.put("/api/v1/employer/profile", json=body, headers=bearer(user))

    assert response.status_code == 200
    profile = response.get_json()
    assert profile["name"] == employer.name
    assert profile["pending_change"]["name"] == "接口改名有限公司"
    assert (profile["size"], profile["industry_chain"]) == ("medium", "ceramics")
    staff = bearer(make_user(Role.ORGANIZER, region_code="430211"))
    queue = client.get("/api/v1/manage/review/employer-changes", headers=staff).get_json()
    (item,) = queue["items"]
    assert item["fields_changed"] == ["name"] and item["old_name"] == employer.name
    refused = client.post(
        f"/api/v1/manage/employer-changes/{item['id']}/review",
        json={"approve": False},
        headers=staff,
    )
    assert refused.status_code == 422 and "note" in refused.get_json()["errors"]
    done = client.post(
        f"/api/v1/manage/employer-changes/{item['id']}/review",
        json={"approve": True},
        headers=staff,
    )
    assert done.status_code == 200 and done.get_json()["status"]["value"] == "approved"
    DB.session.expire_all()
    assert employer.name == "接口改名有限公司"


def test_a_pending_change_waits_in_the_organizers_daily_digest(db, make_user):
    user = make_user(Role.EMPLOYER)
    employer = user.employer
    employer.address, employer.contact_name, employer.contact_phone = "地址", "李", "13800000000"
    organizer = make_user(Role.ORGANIZER, region_code="430200", email="city@example.com")
    update_profile(employer, {**_form(employer), "name": "改名有限公司"}, by=user)

    assert send_review_digests(local_today(), by=system("tests")) >= 1
    [row] = DB.session.scalars(
        sa.select(Notification).where(
            Notification.template == "staff_review_digest", Notification.user_id == organizer.id
        )
    ).all()
    assert row.params["employer_changes"] == "1"

"""Staff send a reset to accounts they manage: admins to anyone, organizers within scope."""

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.codes import AccountCode
from recruit.auth.reset import NO_VERIFIED_CONTACT, send_reset_by_staff
from recruit.errors import Conflict, Forbidden, NotFound
from recruit.extensions import db
from tests.auth_reset.conftest import EMAIL, MOBILE, NEW_PASSWORD, last_code, last_link, outbox


@pytest.fixture
def hr(verified, make_employer):
    """An employer account in 天元区 (430211) with a verified mobile and e-mail."""
    return verified("employer", employer=make_employer(region_code="430211"))


def test_an_admin_sends_a_reset_from_the_user_list(client, make_user, login_as, hr, app):
    admin = make_user("admin")
    login_as(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert f"/users/{hr.id}/send-reset" in page
    response = client.post(f"/users/{hr.id}/send-reset", data={"next": "/admin/users"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    code = last_code(MOBILE, "staff_sent_reset")
    assert last_link(EMAIL, "staff_sent_reset")
    entry = db.session.scalar(
        sa.select(AuditLog).where(AuditLog.action == "user.password_reset_sent")
    )
    assert entry.user_id == admin.id and entry.summary["by_staff"] is True
    assert code not in repr(entry.summary)
    row = db.session.scalar(sa.select(AccountCode).where(AccountCode.channel == "sms"))
    assert row.sent_by_id == admin.id

    # The person uses the code on the ordinary reset page.
    anonymous = app.test_client()
    response = anonymous.post(
        "/password/reset",
        data={
            "identifier": hr.username,
            "code": code,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_an_organizer_sends_a_reset_to_an_employer_in_scope(client, make_user, login_as, hr):
    login_as(make_user("organizer", region_code="430200"))
    page = client.get("/staff/accounts").get_data(as_text=True)
    assert hr.username in page
    assert client.post(f"/users/{hr.id}/send-reset").status_code == 302
    assert len(outbox("staff_sent_reset")) == 2


def test_an_organizer_of_another_county_is_refused(client, make_user, login_as, hr):
    login_as(make_user("organizer", region_code="430281"))
    page = client.get("/staff/accounts").get_data(as_text=True)
    assert hr.username not in page
    assert client.post(f"/users/{hr.id}/send-reset").status_code == 404
    assert outbox() == []


def test_an_organizer_cannot_reset_staff_accounts(make_user, verified):
    organizer = make_user("organizer", region_code="430200")
    admin = verified("admin")
    with pytest.raises(NotFound):
        send_reset_by_staff(organizer, admin.id)
    assert outbox() == []


def test_employers_and_viewers_may_not_send_resets(client, make_user, login_as, hr):
    with pytest.raises(Forbidden):
        send_reset_by_staff(make_user("viewer"), hr.id)
    login_as(make_user("employer", employer=hr.employer))
    assert client.post(f"/users/{hr.id}/send-reset").status_code == 403
    assert outbox() == []


def test_an_account_without_verified_contact_cannot_be_sent_a_reset(client, make_user, login_as):
    target = make_user("employer", mobile=MOBILE)
    login_as(make_user("admin"))
    response = client.post(f"/users/{target.id}/send-reset", follow_redirects=True)
    assert NO_VERIFIED_CONTACT in response.get_data(as_text=True)
    assert outbox() == []


def test_staff_sends_count_against_the_account_limit(make_user, hr):
    admin = make_user("admin")
    for _ in range(3):
        send_reset_by_staff(admin, hr.id)
    with pytest.raises(Conflict):
        send_reset_by_staff(admin, hr.id)
    assert len(outbox("staff_sent_reset", MOBILE)) == 3

"""Several HR accounts per employer: the administrator invites colleagues through the outbox,
sets their rights and removes them; read-only colleagues see everything and change nothing."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import ApiToken, EmployerRole, Role, User, UserSession
from recruit.db_types import utcnow
from recruit.employers.models import Invitation
from recruit.employers.team import (
    EXPIRED_LINK,
    INVALID_LINK,
    LAST_ADMIN,
    USED_LINK,
    remove_member,
    set_member_role,
)
from recruit.errors import Conflict
from recruit.extensions import db as DB
from recruit.notify.models import Notification, NotifyChannel
from recruit.positions.models import Position
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "瓷都招聘-colleague-2026"


def _invite(client, address="13912340000", role="full"):
    return client.post("/employer/team/invite", data={"address": address, "role": role})


def _link_sent_to(address: str) -> str:
    """Return the path of the invitation link the outbox holds for this address."""
    row = DB.session.scalars(
        sa.select(Notification)
        .where(Notification.template == "employer_invitation", Notification.address == address)
        .order_by(Notification.id.desc())
    ).first()
    assert row is not None, f"no invitation in the outbox for {address}"
    return urlsplit(row.params["url"]).path


def _accept(client, path: str, **overrides):
    data = {
        "display_name": "赵敏",
        "username": "zhaomin",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    data.update(overrides)
    return client.post(path, data=data)


def _sign_in(app, user, password=TEST_PASSWORD):
    other = app.test_client()
    response = other.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302
    return other


def test_an_invited_colleague_accepts_the_link_from_the_outbox_and_posts_a_position(
    app, client, db, signed_in, position_form
):
    response = _invite(client, "13912340000", "full")
    assert response.status_code == 302
    (sms,) = DB.session.scalars(
        sa.select(Notification).where(Notification.template == "employer_invitation")
    ).all()
    assert sms.channel is NotifyChannel.SMS and sms.address == "13912340000"
    assert sms.params["employer"] == signed_in.employer.name
    path = _link_sent_to("13912340000")
    assert path.startswith("/employer/invitations/")

    colleague_browser = app.test_client()
    page = colleague_browser.get(path).get_data(as_text=True)
    assert signed_in.employer.name in page and "全部权限" in page
    response = _accept(colleague_browser, path)

    assert response.status_code == 302 and response.location.endswith("/employer/")
    colleague = DB.session.scalar(sa.select(User).where(User.username == "zhaomin"))
    assert colleague.employer_id == signed_in.employer_id
    assert colleague.employer_role is EmployerRole.FULL
    assert colleague.mobile == "13912340000" and colleague.mobile_verified_at is not None
    invitation = DB.session.scalar(sa.select(Invitation))
    assert invitation.user_id == colleague.id and invitation.accepted_at is not None

    response = colleague_browser.post(
        "/employer/positions/new", data=position_form(title="同事发布的岗位")
    )
    assert response.status_code == 302
    position = DB.session.scalar(sa.select(Position).where(Position.title == "同事发布的岗位"))
    created = DB.session.scalar(
        sa.select(AuditLog).where(
            AuditLog.action == "position.create", AuditLog.object_id == str(position.id)
        )
    )
    assert created.user_id == colleague.id
    invited = DB.session.scalar(sa.select(AuditLog).where(AuditLog.action == "employer.invite"))
    assert invited.user_id == signed_in.id
    team = client.get("/employer/team").get_data(as_text=True)
    assert "赵敏" in team and "新建岗位" in team


def test_an_e_mail_invitation_goes_by_e_mail(client, db, signed_in):
    _invite(client, "HR@Example.com", "readonly")

    (mail,) = DB.session.scalars(sa.select(Notification)).all()
    assert (mail.channel, mail.address) == (NotifyChannel.EMAIL, "hr@example.com")
    assert DB.session.scalar(sa.select(Invitation)).role is EmployerRole.READONLY


def test_a_used_link_is_refused_and_creates_nothing_more(app, client, db, signed_in):
    _invite(client)
    path = _link_sent_to("13912340000")
    _accept(app.test_client(), path)

    again = _accept(app.test_client(), path, username="someone_else")

    assert again.status_code == 409
    assert USED_LINK in again.get_data(as_text=True)
    assert DB.session.scalar(sa.select(User.id).where(User.username == "someone_else")) is None


def test_an_expired_link_is_refused(app, client, db, signed_in):
    _invite(client)
    path = _link_sent_to("13912340000")
    invitation = DB.session.scalar(sa.select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    DB.session.commit()

    response = _accept(app.test_client(), path)

    assert response.status_code == 409
    assert EXPIRED_LINK in response.get_data(as_text=True)
    assert DB.session.scalar(sa.select(User.id).where(User.username == "zhaomin")) is None


@pytest.mark.parametrize("token", ["wrong-token", "x" * 43])
def test_a_wrong_token_is_not_found(client, db, token):
    response = client.get(f"/employer/invitations/{token}")

    assert response.status_code == 404
    assert INVALID_LINK in response.get_data(as_text=True)


def test_a_revoked_or_replaced_link_stops_working(app, client, db, signed_in):
    _invite(client)
    first = _link_sent_to("13912340000")
    _invite(client)  # sent again: only the newest link works
    second = _link_sent_to("13912340000")

    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    newest = DB.session.scalars(sa.select(Invitation).order_by(Invitation.id.desc())).first()
    client.post(f"/employer/team/invitations/{newest.id}/revoke")
    assert app.test_client().get(second).status_code == 404


def test_bad_account_details_name_the_field_and_keep_the_link_open(app, client, db, signed_in):
    _invite(client)
    path = _link_sent_to("13912340000")
    browser = app.test_client()

    page = _accept(
        browser, path, username="x", password="short", password_confirm="other", display_name=""
    ).get_data(as_text=True)

    assert "登录用户名：" in page and "密码：" in page and "姓名：必填。" in page
    assert DB.session.scalar(sa.select(Invitation)).accepted_at is None
    assert _accept(browser, path).status_code == 302


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("", "手机号或邮箱：必填。"),
        ("12345", "手机号或邮箱："),
        ("hr@", "邮箱地址格式不正确"),
        # The account's own e-mail rule (auth.contact): an address it would refuse later.
        ("hr@example..com", "邮箱地址格式不正确"),
    ],
)
def test_a_bad_address_is_refused_naming_the_field(client, db, signed_in, address, words):
    page = _invite(client, address).get_data(as_text=True)

    assert words in page
    assert DB.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0
    assert DB.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_removing_a_colleague_ends_their_sessions_and_tokens(
    app, client, db, signed_in, make_user, bearer
):
    colleague = make_user(
        Role.EMPLOYER, employer=signed_in.employer, employer_role=EmployerRole.FULL
    )
    browser = _sign_in(app, colleague)
    headers = bearer(colleague)
    DB.session.commit()
    assert browser.get("/employer/").status_code == 200

    response = client.post(f"/employer/team/members/{colleague.id}/remove", data={"confirm": "1"})

    assert response.status_code == 302
    DB.session.expire_all()
    assert colleague.active is False
    live = sa.select(UserSession).where(
        UserSession.user_id == colleague.id, UserSession.ended_at.is_(None)
    )
    assert DB.session.scalars(live).all() == []
    assert (
        DB.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == colleague.id)).revoked_at
        is not None
    )
    assert urlsplit(browser.get("/employer/").location).path == "/login"
    assert app.test_client().get("/api/v1/employer/positions", headers=headers).status_code == 401
    removed = DB.session.scalar(
        sa.select(AuditLog).where(AuditLog.action == "employer.member_remove")
    )
    assert removed.user_id == signed_in.id and removed.object_id == str(colleague.id)
    assert _sign_in_fails(app, colleague)


def _sign_in_fails(app, user) -> bool:
    response = app.test_client().post(
        "/login", data={"username": user.username, "password": TEST_PASSWORD}
    )
    return response.status_code == 200


def test_the_last_administrator_stays_one_until_another_takes_over(db, make_user):
    admin = make_user(Role.EMPLOYER)
    colleague = make_user(Role.EMPLOYER, employer=admin.employer, employer_role=EmployerRole.FULL)

    for attempt in (
        lambda: set_member_role(admin, "full", by=admin),
        lambda: remove_member(admin, by=admin),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.message == LAST_ADMIN
    assert admin.employer_role is EmployerRole.ADMIN and admin.active

    set_member_role(colleague, "admin", by=admin)
    set_member_role(admin, "readonly", by=colleague)

    assert (admin.employer_role, colleague.employer_role) == (
        EmployerRole.READONLY,
        EmployerRole.ADMIN,
    )


def test_another_employers_account_is_not_found(client, db, signed_in, make_user):
    stranger = make_user(Role.EMPLOYER)

    response = client.post(f"/employer/team/members/{stranger.id}/role", data={"role": "readonly"})

    assert response.status_code == 404
    assert stranger.employer_role is EmployerRole.ADMIN


def test_read_only_colleague_sees_everything_without_write_buttons(
    client, db, make_user, make_position, login_as, bearer
):
    admin = make_user(Role.EMPLOYER)
    make_position(employer=admin.employer, title="本单位的岗位")
    reader = make_user(Role.EMPLOYER, employer=admin.employer, employer_role=EmployerRole.READONLY)
    login_as(reader)

    positions = client.get("/employer/positions").get_data(as_text=True)
    assert "本单位的岗位" in positions
    assert "/employer/positions/new" not in positions
    assert "只读权限" in positions
    team = client.get("/employer/team").get_data(as_text=True)
    assert admin.username in team and 'data-testid="invite-form"' not in team
    assert client.get("/employer/positions/new").status_code == 200  # reading a blank form
    api = client.get("/api/v1/employer/positions", headers=bearer(reader))
    assert api.status_code == 200 and api.get_json()["total"] == 1


def test_the_api_invites_and_lists_the_team_and_never_returns_the_link(
    client, db, make_user, bearer
):
    admin = make_user(Role.EMPLOYER)
    headers = bearer(admin)

    response = client.post(
        "/api/v1/employer/team/invitations",
        json={"address": "13912340000", "role": "readonly"},
        headers=headers,
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["role"]["value"] == "readonly" and "token" not in str(body)
    assert _link_sent_to("13912340000").startswith("/employer/invitations/")
    team = client.get("/api/v1/employer/team", headers=headers).get_json()
    assert [m["role"]["value"] for m in team["items"]] == ["admin"]

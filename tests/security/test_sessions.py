"""Sessions that really end: sign-out, a password change and "sign out everywhere" end every
copy of the session and remember-me cookies (and, for the last two, the API tokens); every
cookie is SameSite in production.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from config import ProductionConfig
from recruit.audit.models import AuditLog
from recruit.auth.devices import DEVICE_COOKIE
from recruit.auth.models import ApiToken, Role, UserSession
from recruit.auth.sessions import SESSIONS_KEPT, live_counts, purge_ended_sessions
from recruit.db_types import utcnow
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "granite kettle 57 orbit"


def sign_in(client, user, remember=False):
    data = {"username": user.username, "password": TEST_PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def copy_cookie(source, target, name):
    """Give `target` the same cookie `source` holds, as someone who copied it would."""
    cookie = source.get_cookie(name)
    assert cookie is not None, name
    target.set_cookie(name, cookie.value)


def opens_reports(client) -> bool:
    response = client.get("/reports/")
    return response.status_code == 200


@pytest.fixture
def viewer(db, make_user):
    user = make_user(Role.VIEWER)
    db.session.commit()
    return user


def test_a_session_cookie_copied_before_sign_out_no_longer_opens_reports(app, viewer):
    browser, thief = app.test_client(), app.test_client()
    sign_in(browser, viewer)
    copy_cookie(browser, thief, "session")
    assert opens_reports(thief)

    browser.post("/logout")

    assert not opens_reports(thief)
    assert thief.get("/reports/").headers["Location"].startswith("/login")
    assert not opens_reports(browser)


def test_a_remember_me_cookie_copied_before_sign_out_no_longer_opens_reports(app, viewer):
    browser, thief = app.test_client(), app.test_client()
    sign_in(browser, viewer, remember=True)
    copy_cookie(browser, thief, "remember_token")  # the remember-me cookie alone
    assert opens_reports(thief)

    browser.post("/logout")

    assert not opens_reports(thief)


def test_signing_out_ends_only_this_browsers_session(app, viewer):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, viewer)
    sign_in(phone, viewer)

    laptop.post("/logout")

    assert not opens_reports(laptop)
    assert opens_reports(phone)


def test_a_password_change_ends_every_other_session_and_revokes_api_tokens(app, db, viewer, bearer):
    laptop, phone, spare = app.test_client(), app.test_client(), app.test_client()
    sign_in(laptop, viewer)
    sign_in(phone, viewer, remember=True)
    copy_cookie(phone, spare, "remember_token")
    headers = bearer(viewer)
    api_token = laptop.post(
        "/api/v1/auth/tokens", json={"username": viewer.username, "password": TEST_PASSWORD}
    ).get_json()["token"]
    db.session.commit()
    assert laptop.get("/api/v1/auth/me", headers=headers).status_code == 200

    response = laptop.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert opens_reports(laptop)  # the browser that changed it starts a new session
    assert not opens_reports(phone)
    assert not opens_reports(spare)
    for token in (headers["Authorization"], f"Bearer {api_token}"):
        answer = laptop.get("/api/v1/auth/me", headers={"Authorization": token})
        assert answer.status_code == 401
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(ApiToken.id)).where(
                ApiToken.user_id == viewer.id, ApiToken.revoked_at.is_(None)
            )
        )
        == 0
    )
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.password_change"))
    assert entry.summary == {"sessions": 2, "tokens": 2}  # the spare copies the phone


def test_a_remembered_browser_stays_remembered_after_changing_the_password(app, viewer):
    browser, later = app.test_client(), app.test_client()
    sign_in(browser, viewer, remember=True)
    browser.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    # The browser closes: only its new remember-me cookie is left, and it still works.
    copy_cookie(browser, later, "remember_token")
    assert opens_reports(later)


def test_sign_out_everywhere_on_the_account_page(app, db, viewer, bearer):
    laptop, phone, thief = app.test_client(), app.test_client(), app.test_client()
    sign_in(laptop, viewer)
    sign_in(phone, viewer, remember=True)
    copy_cookie(phone, thief, "remember_token")
    headers = bearer(viewer)
    db.session.commit()
    page = laptop.get("/account").get_data(as_text=True)
    assert "在所有设备上退出" in page and "本账号目前在 2 处登录" in page and "本设备" in page

    response = laptop.post("/account/sessions/end", data={"confirm": "yes"})

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "已在所有设备上退出" in laptop.get("/login").get_data(as_text=True)
    for client in (laptop, phone, thief):
        assert not opens_reports(client)
    assert laptop.get("/api/v1/auth/me", headers=headers).status_code == 401
    # Sign-in works again as before.
    sign_in(laptop, viewer)
    assert opens_reports(laptop)


def test_an_empty_post_does_not_sign_anyone_out(app, viewer):
    browser = app.test_client()
    sign_in(browser, viewer)
    response = browser.post("/account/sessions/end", data={})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert opens_reports(browser)


def test_an_admin_signs_a_user_out_everywhere(app, db, make_user, viewer, bearer):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    desk, phone = app.test_client(), app.test_client()
    sign_in(desk, admin)
    sign_in(phone, viewer, remember=True)
    headers = bearer(viewer)
    db.session.commit()

    listing = desk.get(f"/admin/users?q={viewer.username}").get_data(as_text=True)
    assert viewer.username in listing and "1 处" in listing and "1 个" in listing

    response = desk.post(f"/admin/users/{viewer.id}/sessions/end", data={"confirm": "yes"})

    assert response.status_code == 302
    shown = desk.get("/admin/users").get_data(as_text=True)
    assert f"{viewer.username} 已在所有设备上退出：结束登录 1 处，撤销 API 令牌 1 个。" in shown
    assert not opens_reports(phone)
    assert desk.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert opens_reports(desk)  # the admin's own session is untouched
    entry = db.session.scalar(
        sa.select(AuditLog).where(AuditLog.action == "user.sign_out_everywhere")
    )
    assert entry.user_id == admin.id and entry.object_id == str(viewer.id)


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.EMPLOYER, Role.VIEWER])
def test_only_admins_list_users_and_sign_them_out(app, db, make_user, role, viewer):
    other = make_user(role)
    db.session.commit()
    phone, client = app.test_client(), app.test_client()
    sign_in(phone, viewer)
    sign_in(client, other)
    assert client.get("/admin/users").status_code == 403
    response = client.post(f"/admin/users/{viewer.id}/sessions/end", data={"confirm": "yes"})
    assert response.status_code == 403
    assert opens_reports(phone)


def test_the_user_list_treats_wildcards_as_text(app, db, make_user):
    admin = make_user(Role.ADMIN)
    make_user(Role.VIEWER, username="leader_1")
    make_user(Role.VIEWER, username="leaderx1")
    db.session.commit()
    desk = app.test_client()
    sign_in(desk, admin)
    page = desk.get("/admin/users", query_string={"q": "leader_"}).get_data(as_text=True)
    assert "leader_1" in page and "leaderx1" not in page
    assert desk.get("/admin/users?q=%25").status_code == 200


def test_an_expired_session_opens_nothing(app, db, viewer):
    browser = app.test_client()
    sign_in(browser, viewer)
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == viewer.id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert not opens_reports(browser)


def test_a_session_id_from_before_server_side_sessions_opens_nothing(app, viewer):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = f"{viewer.id}:1764547200000000"  # "<id>:<password stamp>"
    assert not opens_reports(browser)


def test_ended_and_expired_sessions_are_purged_after_a_week(db, viewer):
    now = utcnow()
    old = now - SESSIONS_KEPT - timedelta(hours=1)
    rows = {
        "ended long ago": UserSession(
            user=viewer, key_hash="a" * 64, created_at=old, expires_at=now, ended_at=old
        ),
        "expired long ago": UserSession(
            user=viewer, key_hash="b" * 64, created_at=old, expires_at=old
        ),
        "ended today": UserSession(
            user=viewer, key_hash="c" * 64, created_at=now, expires_at=now, ended_at=now
        ),
        "live": UserSession(
            user=viewer, key_hash="d" * 64, created_at=old, expires_at=now + timedelta(days=1)
        ),
    }
    db.session.add_all(rows.values())
    db.session.flush()
    assert purge_ended_sessions() == 2
    kept = set(db.session.scalars(sa.select(UserSession.key_hash)))
    assert kept == {"c" * 64, "d" * 64}


def test_every_cookie_is_samesite_with_the_production_settings(app, viewer, monkeypatch):
    production = {
        name: getattr(ProductionConfig, name) for name in dir(ProductionConfig) if "COOKIE" in name
    }
    assert production["SESSION_COOKIE_SAMESITE"] and production["REMEMBER_COOKIE_SAMESITE"]
    for name, value in production.items():
        monkeypatch.setitem(app.config, name, value)
    browser = app.test_client()

    response = browser.post(
        "/login", data={"username": viewer.username, "password": TEST_PASSWORD, "remember": "y"}
    )

    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    # The CSRF token lives in the session cookie (Flask-WTF): these are every cookie set.
    assert set(cookies) == {"session", "remember_token", DEVICE_COOKIE}
    for name, header in cookies.items():
        assert "SameSite=" in header, name
        assert "Secure" in header and "HttpOnly" in header, name


def test_live_counts_count_only_live_sessions_and_tokens(db, make_user, viewer, bearer):
    other = make_user(Role.VIEWER)
    now = utcnow()
    db.session.add_all(
        [
            UserSession(
                user=viewer, key_hash="e" * 64, created_at=now, expires_at=now + timedelta(days=1)
            ),
            UserSession(
                user=viewer,
                key_hash="f" * 64,
                created_at=now,
                expires_at=now - timedelta(seconds=1),
            ),
            UserSession(
                user=viewer,
                key_hash="g" * 64,
                created_at=now,
                expires_at=now + timedelta(days=1),
                ended_at=now,
            ),
        ]
    )
    bearer(viewer)
    bearer(viewer)
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == sa.select(sa.func.min(ApiToken.id)).scalar_subquery())
        .values(revoked_at=now)
    )
    db.session.flush()
    counts = live_counts([viewer.id, other.id])
    assert counts == {"sessions": {viewer.id: 1}, "tokens": {viewer.id: 1}}
    assert live_counts([]) == {"sessions": {}, "tokens": {}}

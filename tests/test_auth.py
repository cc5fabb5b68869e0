"""Sign-in, sign-out, password storage, CSRF, role checks and the Chinese error pages."""

import re

import pytest
from flask_login import login_user
from werkzeug.exceptions import Forbidden

from recruit.auth.access import roles_required
from recruit.auth.models import Role, User
from recruit.extensions import db
from tests.conftest import TEST_PASSWORD

LOGIN_ERROR = "用户名或密码错误"


def signed_in_user_id(client) -> str | None:
    """Return the user id Flask-Login keeps in the client's session, if any.

    The session id is "<user id>:<server-side session key>"; only the user id part is returned.
    """
    with client.session_transaction() as session:
        value = session.get("_user_id")
    return value.partition(":")[0] if value else None


def current_user_badge(client) -> str | None:
    """Return the text of the navigation bar's signed-in badge on the home page, if shown."""
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'data-testid="current-user">([^<]*)<', page)
    return match.group(1) if match else None


def test_sign_in_page_renders_in_chinese(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "<title>登录 · " in page
    for label in ("用户名", "密码", "记住我"):
        assert label in page
    assert 'name="username"' in page and 'name="password"' in page


def test_good_credentials_sign_in_and_show_the_users_name(client, make_user):
    user = make_user(Role.ORGANIZER, display_name="市人社局张科长")
    db.session.commit()

    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})

    assert response.status_code == 302
    # Straight to the organizer's own workspace, not the public home page.
    assert response.headers["Location"] == "/manage/"
    assert signed_in_user_id(client) == str(user.id)
    badge = current_user_badge(client)
    assert badge is not None and "市人社局张科长" in badge and "组织者" in badge


def test_sign_in_without_display_name_shows_the_username(client, make_user, login_as):
    user = make_user(Role.VIEWER)
    db.session.commit()
    login_as(user)
    badge = current_user_badge(client)
    assert badge is not None and badge.startswith(user.username)


def test_sign_in_notes_the_time_of_the_last_login(client, make_user, login_as):
    user = make_user(Role.ADMIN)
    db.session.commit()
    assert user.last_login_at is None
    login_as(user)
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_is_refused_in_chinese(client, make_user):
    user = make_user(Role.ADMIN)
    db.session.commit()

    response = client.post("/login", data={"username": user.username, "password": "wrong-pass-1"})

    assert response.status_code == 200
    assert LOGIN_ERROR in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    assert current_user_badge(client) is None


def test_unknown_user_is_refused_with_the_same_message(client):
    response = client.post("/login", data={"username": "nobody", "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert LOGIN_ERROR in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None


def test_inactive_user_cannot_sign_in_even_with_the_right_password(client, make_user):
    user = make_user(Role.ADMIN, active=False)
    db.session.commit()

    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert LOGIN_ERROR in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    assert current_user_badge(client) is None


def test_empty_fields_get_chinese_field_messages(client):
    response = client.post("/login", data={"username": "", "password": ""})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "请填写用户名。" in page
    assert "请填写密码。" in page
    assert LOGIN_ERROR not in page
    assert signed_in_user_id(client) is None


def test_next_parameter_with_a_local_path_is_honoured(client, make_user):
    user = make_user(Role.ADMIN)
    db.session.commit()

    response = client.post(
        "/login?next=/some/path?page=2",
        data={"username": user.username, "password": TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/some/path?page=2"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_parameter_pointing_off_site_is_ignored(client, make_user, target):
    user = make_user(Role.ADMIN)
    db.session.commit()

    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": user.username, "password": TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    assert signed_in_user_id(client) == str(user.id)


def test_signed_in_user_visiting_the_sign_in_page_goes_to_the_workspace(
    client, make_user, login_as
):
    user = make_user(Role.ADMIN)
    db.session.commit()
    login_as(user)
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"


@pytest.mark.parametrize(
    ("role", "workspace"),
    [
        (Role.ADMIN, "/manage/"),
        (Role.ORGANIZER, "/manage/"),
        (Role.EMPLOYER, "/employer/"),
        (Role.VIEWER, "/reports/"),
    ],
)
def test_each_role_lands_in_its_own_workspace(client, make_user, role, workspace):
    user = make_user(role)
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.headers["Location"] == workspace


def test_the_sign_in_page_links_to_registration_and_says_what_to_do_on_a_lost_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/employers/register"' in page and "企业注册" in page
    assert "忘记密码" in page


def test_logout_refuses_get(client, make_user, login_as):
    user = make_user(Role.ADMIN)
    db.session.commit()
    login_as(user)

    response = client.get("/logout")

    assert response.status_code == 405
    assert "不能用这种方式访问此地址" in response.get_data(as_text=True)
    assert signed_in_user_id(client) == str(user.id)


def test_logout_by_post_signs_out(client, make_user, login_as):
    user = make_user(Role.ADMIN)
    db.session.commit()
    login_as(user)
    assert signed_in_user_id(client) == str(user.id)

    response = client.post("/logout")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_user_id(client) is None
    page = client.get("/").get_data(as_text=True)
    assert "您已退出登录。" in page
    assert 'data-testid="current-user"' not in page


def test_passwords_are_stored_as_scrypt_hashes(make_user):
    user = make_user(Role.ADMIN)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored.password_hash.startswith("scrypt:")
    assert TEST_PASSWORD not in stored.password_hash
    assert stored.check_password(TEST_PASSWORD)
    assert not stored.check_password(TEST_PASSWORD + "x")


def test_post_without_csrf_token_signs_nobody_in_and_keeps_the_username(
    app, client, make_user, monkeypatch
):
    user = make_user(Role.ADMIN)
    db.session.commit()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})

    assert response.status_code == 302 and response.location.endswith("/login")
    assert signed_in_user_id(client) is None
    page = client.get(response.location).get_data(as_text=True)
    assert "刚才的提交没有执行" in page
    assert f'value="{user.username}"' in page and TEST_PASSWORD not in page


def test_a_button_post_without_csrf_token_is_refused_with_the_chinese_400_page(
    app, client, make_user, login_as, monkeypatch
):
    user = make_user(Role.ADMIN)
    db.session.commit()
    login_as(user)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post("/logout")

    assert response.status_code == 400
    assert "请求有误" in response.get_data(as_text=True)


def test_post_with_the_forms_csrf_token_is_accepted(app, client, make_user, monkeypatch):
    user = make_user(Role.ADMIN)
    db.session.commit()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None, page
    response = client.post(
        "/login",
        data={
            "username": user.username,
            "password": TEST_PASSWORD,
            "csrf_token": token.group(1),
        },
    )

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.id)


def test_logout_without_csrf_token_is_refused(app, client, make_user, login_as, monkeypatch):
    user = make_user(Role.ADMIN)
    db.session.commit()
    login_as(user)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post("/logout")

    assert response.status_code == 400
    assert signed_in_user_id(client) == str(user.id)


def _protected_view():
    return "secret report"


def test_roles_required_lets_the_right_role_through(app, make_user):
    viewer = make_user(Role.VIEWER)
    view = roles_required(Role.ADMIN, Role.VIEWER)(_protected_view)
    with app.test_request_context("/reports"):
        login_user(viewer)
        assert view() == "secret report"


def test_roles_required_refuses_the_wrong_role_with_403(app, make_user):
    employer_user = make_user(Role.EMPLOYER)
    view = roles_required(Role.ADMIN, Role.ORGANIZER)(_protected_view)
    with app.test_request_context("/reports"), pytest.raises(Forbidden) as raised:
        login_user(employer_user)
        view()
    assert raised.value.code == 403


def test_roles_required_sends_anonymous_users_to_sign_in(app):
    view = roles_required(Role.ADMIN)(_protected_view)
    with app.test_request_context("/reports"):
        response = view()
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "reports" in response.headers["Location"]


def test_roles_required_keeps_the_view_name(app):
    view = roles_required(Role.ADMIN)(_protected_view)
    assert view.__name__ == "_protected_view"


def test_unknown_url_shows_the_chinese_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "页面不存在" in page
    assert "Not Found" not in page


def test_deactivating_a_user_ends_their_existing_session(client, make_user, login_as):
    user = make_user(Role.ORGANIZER)
    db.session.commit()
    login_as(user)
    assert current_user_badge(client) is not None

    user.active = False
    db.session.commit()

    # Flask-Login's UserMixin ties is_authenticated to is_active.
    assert current_user_badge(client) is None
    assert client.get("/login").status_code == 200

"""Tokens: issued for a password, stored hashed, expiring, revocable; errors as Chinese JSON."""

from datetime import timedelta

from recruit.auth.models import ApiToken, Role
from recruit.db_types import utcnow
from tests.conftest import TEST_PASSWORD


def test_a_password_buys_a_token_that_identifies_the_user(client, db, make_user):
    user = make_user(Role.ORGANIZER, region_code="430281")
    db.session.commit()
    response = client.post(
        "/api/v1/auth/tokens",
        json={"username": user.username, "password": TEST_PASSWORD, "name": "脚本"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("rk_") and body["name"] == "脚本"
    stored = db.session.get(ApiToken, body["id"])
    assert stored.token_hash != body["token"] and body["token"] not in stored.token_hash

    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json() | {"id": None} == {
        "id": None,
        "username": user.username,
        "display_name": None,
        "role": "organizer",
        "region_code": "430281",
        "employer_id": None,
    }


def test_wrong_password_gets_401_in_chinese(client, db, make_user):
    user = make_user()
    db.session.commit()
    response = client.post(
        "/api/v1/auth/tokens", json={"username": user.username, "password": "nope-1234"}
    )
    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthorized"
    assert "用户名或密码错误" in response.get_json()["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_body_names_the_fields_in_chinese(client):
    response = client.post("/api/v1/auth/tokens", json={"username": 5, "days": 999})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_error"
    assert body["errors"] == {
        "username": ["须为文本。"],
        "password": ["必填。"],
        "days": ["须在 1 到 365 之间。"],
    }


def test_missing_expired_and_revoked_tokens_are_refused(client, db, make_user, bearer):
    user = make_user()
    assert client.get("/api/v1/auth/me").status_code == 401
    assert (
        client.get("/api/v1/auth/me", headers={"Authorization": "Bearer rk_x"}).status_code == 401
    )

    headers = bearer(user)
    token = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401

    headers = bearer(user)
    mine = client.get("/api/v1/auth/tokens", headers=headers).get_json()
    newest = mine[0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{newest}", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_a_user_cannot_see_or_revoke_another_users_tokens(client, make_user, bearer):
    alice, bob = make_user(), make_user()
    alice_headers, bob_headers = bearer(alice), bearer(bob)
    alice_tokens = client.get("/api/v1/auth/tokens", headers=alice_headers).get_json()
    bob_tokens = client.get("/api/v1/auth/tokens", headers=bob_headers).get_json()
    assert {t["id"] for t in alice_tokens}.isdisjoint({t["id"] for t in bob_tokens})
    response = client.delete(f"/api/v1/auth/tokens/{alice_tokens[0]['id']}", headers=bob_headers)
    assert response.status_code == 404
    assert client.get("/api/v1/auth/me", headers=alice_headers).status_code == 200


def test_session_cookies_do_not_authenticate_the_api(client, db, make_user, login_as):
    user = make_user()
    db.session.commit()
    login_as(user)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_the_openapi_document_describes_the_api(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/auth/tokens" in document["paths"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_account_page_creates_lists_and_revokes_tokens(client, db, make_user, login_as):
    user = make_user()
    db.session.commit()
    login_as(user)
    page = client.post("/account", data={"name": "小程序"}).get_data(as_text=True)
    assert "只显示这一次" in page and "rk_" in page
    token = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    assert token.prefix in client.get("/account").get_data(as_text=True)
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_html_pages_keep_chinese_error_pages_while_the_api_answers_json(client):
    assert "页面不存在" in client.get("/nowhere").get_data(as_text=True)
    assert client.get("/api/v1/nowhere").get_json()["code"] == "not_found"


def test_nul_characters_are_refused_before_they_reach_the_database(client):
    response = client.post("/api/v1/auth/tokens", json={"username": "\x00", "password": "x"})
    # The request guard (recruit/security.py) answers before any sign-in is tried.
    assert response.status_code in (400, 422)
    assert "字符" in response.get_json()["message"]
    assert client.get("/positions/?q=%00").status_code == 400


def test_repeated_wrong_passwords_get_429_with_retry_after(client, db, make_user):
    user = make_user()
    db.session.commit()
    for _ in range(5):
        client.post("/api/v1/auth/tokens", json={"username": user.username, "password": "bad-1234"})
    response = client.post(
        "/api/v1/auth/tokens", json={"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "登录失败次数过多" in response.get_json()["message"]

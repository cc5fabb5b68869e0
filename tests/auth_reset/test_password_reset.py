"""忘记密码 end to end: a code by SMS or a link by e-mail, read back from the outbox rows."""

import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.codes import AccountCode, ContactRequest, purge_old_codes
from recruit.auth.models import ApiToken, User
from recruit.auth.reset import TOO_MANY_TRIES, WRONG_CODE
from recruit.extensions import db
from tests.auth_reset.conftest import (
    EMAIL,
    MOBILE,
    NEW_PASSWORD,
    age,
    last_code,
    last_link,
    outbox,
)
from tests.conftest import TEST_PASSWORD


def forgot(client, identifier):
    return client.post("/password/forgot", data={"identifier": identifier})


def reset(client, identifier, code, password=NEW_PASSWORD, confirm=None):
    return client.post(
        "/password/reset",
        data={
            "identifier": identifier,
            "code": code,
            "password": password,
            "password_confirm": confirm if confirm is not None else password,
        },
    )


def signs_in(app, user, password) -> bool:
    other = app.test_client()
    response = other.post("/login", data={"username": user.username, "password": password})
    return response.status_code == 302


def test_the_login_page_links_to_forgot_password_and_registration(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page
    assert 'href="/employers/register"' in page


def test_a_code_by_sms_resets_the_password_and_ends_every_other_session(
    app, client, verified, bearer
):
    user = verified()
    headers = bearer(user)
    db.session.commit()
    other = app.test_client()
    assert (
        other.post(
            "/login", data={"username": user.username, "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    assert other.get("/account").status_code == 200

    response = forgot(client, user.username)
    assert response.status_code == 302 and response.headers["Location"] == "/password/reset"
    page = client.get("/password/reset").get_data(as_text=True)
    assert "如果该账号存在" in page and f'value="{user.username}"' in page

    code = last_code(MOBILE)
    response = reset(client, user.username, code)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "密码已重置" in client.get("/login").get_data(as_text=True)

    assert signs_in(app, user, NEW_PASSWORD)
    assert not signs_in(app, user, TEST_PASSWORD)
    # The other browser is out, and the API token no longer opens anything.
    assert other.get("/account").status_code == 302
    assert db.session.scalar(sa.select(ApiToken.revoked_at).where(ApiToken.user_id == user.id))
    assert client.get("/api/v1/employer/positions", headers=headers).status_code == 401
    # Audited both ways, never with the code.
    actions = [
        (a.action, a.summary)
        for a in db.session.scalars(sa.select(AuditLog).where(AuditLog.object_id == str(user.id)))
    ]
    names = [action for action, _summary in actions]
    assert "user.password_reset_sent" in names and "user.password_reset_completed" in names
    assert code not in repr(actions)


def test_the_code_works_once(client, verified):
    user = verified()
    db.session.commit()
    forgot(client, user.username)
    code = last_code()
    assert reset(client, user.username, code).status_code == 302
    response = reset(client, user.username, code, password="another long passphrase here")
    assert response.status_code == 200
    assert WRONG_CODE in response.get_data(as_text=True)


def test_a_link_by_email_resets_the_password_once(app, client, verified):
    user = verified(mobile=None)
    db.session.commit()
    forgot(client, EMAIL.upper())
    assert outbox("password_reset_code") == []
    link = last_link(EMAIL)
    page = client.get(link)
    assert page.status_code == 200 and user.username in page.get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert signs_in(app, user, NEW_PASSWORD)

    again = client.get(link)
    assert again.status_code == 410
    assert "重置链接已使用过" in again.get_data(as_text=True)
    response = client.post(
        link,
        data={
            "password": "yet another passphrase ok",
            "password_confirm": "yet another passphrase ok",
        },
    )
    assert response.status_code == 410
    assert signs_in(app, user, NEW_PASSWORD)


def test_by_mobile_only_the_code_goes_and_by_username_both(client, verified):
    user = verified()
    db.session.commit()
    forgot(client, "139-0731-1234")
    assert len(outbox("password_reset_code", MOBILE)) == 1
    assert outbox("password_reset_link") == []
    forgot(client, user.username)
    assert len(outbox("password_reset_code", MOBILE)) == 2
    assert len(outbox("password_reset_link", EMAIL)) == 1


def test_an_unverified_mobile_or_email_gets_nothing(client, make_user):
    user = make_user("employer", mobile=MOBILE, email=EMAIL)
    db.session.commit()
    for identifier in (user.username, MOBILE, EMAIL):
        response = forgot(client, identifier)
        assert response.status_code == 302
    assert outbox() == []


def _answer(client, identifier: str) -> tuple:
    response = forgot(client, identifier)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return response.status_code, response.headers["Location"], page.replace(identifier, "X")


def test_an_unknown_account_is_answered_like_a_known_one(client, verified):
    user = verified()
    db.session.commit()
    known = _answer(client, user.username)
    unknown = _answer(client, "nobody_here")
    assert known == unknown
    assert _answer(client, "13907319999") == _answer(client, MOBILE)
    assert _answer(client, "nobody@example.com") == _answer(client, EMAIL)


def test_a_wrong_code_is_refused_and_changes_nothing(app, client, verified):
    user = verified()
    db.session.commit()
    forgot(client, user.username)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    response = reset(client, user.username, wrong)
    assert response.status_code == 200
    assert WRONG_CODE in response.get_data(as_text=True)
    assert signs_in(app, user, TEST_PASSWORD)


def test_an_expired_code_is_refused(app, client, verified):
    user = verified()
    db.session.commit()
    forgot(client, user.username)
    code = last_code()
    age(AccountCode, 5 * 60 + 1, user_id=user.id)
    response = reset(client, user.username, code)
    assert WRONG_CODE in response.get_data(as_text=True)
    assert signs_in(app, user, TEST_PASSWORD)


def test_the_sixth_try_is_refused_even_with_the_right_code(app, client, verified):
    user = verified()
    db.session.commit()
    forgot(client, user.username)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert WRONG_CODE in reset(client, user.username, wrong).get_data(as_text=True)
    response = reset(client, user.username, code)
    assert TOO_MANY_TRIES in response.get_data(as_text=True)
    assert signs_in(app, user, TEST_PASSWORD)
    # A new code starts afresh.
    forgot(client, user.username)
    assert reset(client, user.username, last_code()).status_code == 302


def test_an_unknown_account_runs_out_of_tries_the_same_way(client):
    for _ in range(5):
        assert WRONG_CODE in reset(client, "nobody_here", "123456").get_data(as_text=True)
    assert TOO_MANY_TRIES in reset(client, "nobody_here", "123456").get_data(as_text=True)
    forgot(client, "nobody_here")
    assert WRONG_CODE in reset(client, "nobody_here", "123456").get_data(as_text=True)


def test_an_expired_link_is_refused(client, verified):
    user = verified(mobile=None)
    db.session.commit()
    forgot(client, user.username)
    link = last_link()
    age(AccountCode, 30 * 60 + 1, user_id=user.id)
    response = client.get(link)
    assert response.status_code == 410
    assert "重置链接已过期" in response.get_data(as_text=True)


def test_a_tampered_link_is_invalid(client, verified):
    user = verified(mobile=None)
    db.session.commit()
    forgot(client, user.username)
    link = last_link()
    response = client.get(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"))
    assert response.status_code == 410
    assert "重置链接无效" in response.get_data(as_text=True)


def test_a_new_request_replaces_the_earlier_code(client, verified):
    user = verified(email=None)
    db.session.commit()
    forgot(client, user.username)
    first = last_code()
    forgot(client, user.username)
    second = last_code()
    if first != second:
        assert WRONG_CODE in reset(client, user.username, first).get_data(as_text=True)
    assert reset(client, user.username, second).status_code == 302


def test_an_account_gets_at_most_three_messages_an_hour_without_saying_so(client, verified):
    user = verified(email=None)
    db.session.commit()
    answers = {_answer(client, user.username) for _ in range(5)}
    assert len(answers) == 1
    assert len(outbox("password_reset_code", MOBILE)) == 3


def test_one_address_asking_too_often_is_paused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_MAX_PER_ADDRESS", 3)
    for n in range(3):
        assert forgot(client, f"someone{n}").status_code == 302
    response = forgot(client, "someone_else")
    assert response.status_code == 429
    assert "操作过于频繁" in response.get_data(as_text=True)
    # Wrong codes count too, and the pause ends with the window.
    assert reset(client, "someone0", "123456").status_code == 429
    age(ContactRequest, 61 * 60)
    assert forgot(client, "someone_else").status_code == 302


def test_a_weak_password_is_refused_and_the_code_still_works(app, client, verified):
    user = verified()
    db.session.commit()
    forgot(client, user.username)
    code = last_code()
    response = reset(client, user.username, code, password="P@ssw0rd")
    assert response.status_code == 200
    assert "密码：太容易被猜到" in response.get_data(as_text=True)
    assert signs_in(app, user, TEST_PASSWORD)
    assert reset(client, user.username, code).status_code == 302


def test_bad_input_gets_a_chinese_message_naming_the_field(app, client, verified):
    user = verified()
    db.session.commit()
    page = forgot(client, "   ").get_data(as_text=True)
    assert "账号：请填写用户名、手机号或邮箱。" in page
    forgot(client, user.username)
    code = last_code()
    page = reset(client, user.username, "12ab").get_data(as_text=True)
    assert "验证码：应为 6 位数字。" in page
    page = reset(client, user.username, code, confirm="something else").get_data(as_text=True)
    assert "再次输入新密码：两次输入的新密码不一致。" in page
    assert signs_in(app, user, TEST_PASSWORD)
    row = db.session.scalar(sa.select(AccountCode).where(AccountCode.user_id == user.id))
    assert row.used_at is None and row.attempts == 0


def test_codes_and_links_are_stored_only_as_hashes(client, verified):
    user = verified()
    db.session.commit()
    forgot(client, user.username)
    code, link = last_code(), last_link()
    rows = list(db.session.scalars(sa.select(AccountCode).where(AccountCode.user_id == user.id)))
    assert len(rows) == 2
    nonce_part = link.rsplit("/", 1)[1]
    for row in rows:
        stored = repr([getattr(row, c.key) for c in AccountCode.__table__.columns])
        assert code not in stored and nonce_part not in stored


def test_a_deactivated_account_gets_nothing(client, verified):
    user = verified()
    user.active = False
    db.session.commit()
    forgot(client, user.username)
    assert outbox() == []
    assert db.session.get(User, user.id).active is False


def test_old_requests_and_long_dead_codes_are_purged(client, verified):
    user = verified()
    db.session.commit()
    forgot(client, user.username)
    forgot(client, "nobody_here")
    assert purge_old_codes() == 0
    age(ContactRequest, 25 * 3600)
    age(AccountCode, 31 * 24 * 3600, user_id=user.id)
    assert purge_old_codes() == 4
    assert db.session.scalar(sa.select(sa.func.count(AccountCode.id))) == 0


def test_a_reset_lifts_the_sign_in_pause(app, client, verified):
    user = verified(email=None)
    db.session.commit()
    stranger = app.test_client()
    for _ in range(app.config["LOGIN_MAX_PER_ACCOUNT"]):
        stranger.post("/login", data={"username": user.username, "password": "wrong guess"})
    paused = stranger.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert paused.status_code == 429
    forgot(client, user.username)
    assert reset(client, user.username, last_code()).status_code == 302
    assert signs_in(app, user, NEW_PASSWORD)

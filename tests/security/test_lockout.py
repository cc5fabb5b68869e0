"""Sign-in throttling that strangers cannot turn against the owner (OWASP device cookies).

Strangers failing from elsewhere pause an account for clients it does not know; a browser or
API client that signed in to the account before keeps signing in, judged by its own failures.
"""

from datetime import timedelta

import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from recruit.auth.devices import DEVICE_COOKIE, remember_device
from recruit.auth.models import Role
from recruit.auth.throttle import LoginAttempt, purge_old_attempts
from recruit.db_types import utcnow
from tests.conftest import TEST_PASSWORD

STRANGER = "10.66.0.9"
ELSEWHERE = "10.77.0.3"
PAUSED = "登录失败次数过多，为保护账号安全已暂停登录"


def sign_in(client, username, password=TEST_PASSWORD, address="127.0.0.1"):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def get_token(client, username, password=TEST_PASSWORD, address="127.0.0.1", device=None):
    body = {"username": username, "password": password}
    if device is not None:
        body["device_token"] = device
    return client.post("/api/v1/auth/tokens", json=body, environ_base={"REMOTE_ADDR": address})


def fail_from_elsewhere(client, username, times=12):
    """A stranger guesses from another address; the answers are 200s, then 429s."""
    statuses = [sign_in(client, username, "guess-1234", STRANGER).status_code for _ in range(times)]
    assert statuses[-1] == 429
    return statuses


def test_the_owners_browser_still_signs_in_after_12_failures_from_elsewhere(app, db, make_user):
    user = make_user(Role.ADMIN, username="admin_owner")
    db.session.commit()
    owner = app.test_client()
    assert sign_in(owner, user.username).status_code == 302
    assert owner.get_cookie(DEVICE_COOKIE) is not None
    owner.post("/logout")

    fail_from_elsewhere(app.test_client(), user.username)

    fresh = app.test_client()
    refused = sign_in(fresh, user.username, address=ELSEWHERE)
    assert refused.status_code == 429
    assert PAUSED in refused.get_data(as_text=True)

    response = sign_in(owner, user.username)
    assert response.status_code == 302
    assert "退出" in owner.get("/").get_data(as_text=True)


def test_the_owners_api_client_still_gets_a_token_after_12_failures_from_elsewhere(
    app, db, make_user
):
    user = make_user(Role.ORGANIZER, username="organizer_owner")
    db.session.commit()
    client = app.test_client()
    first = get_token(client, user.username)
    assert first.status_code == 201
    device = first.get_json()["device_token"]
    assert device

    for _ in range(12):
        get_token(client, user.username, "guess-1234", STRANGER)

    refused = get_token(client, user.username, address=ELSEWHERE)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["code"] == "too_many_requests"
    assert PAUSED in refused.get_json()["message"]

    response = get_token(client, user.username, address=ELSEWHERE, device=device)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["device_token"] != device  # a fresh nonce each success


def test_a_device_known_to_one_account_is_a_stranger_to_another(app, db, make_user):
    alice = make_user(Role.ORGANIZER)
    bob = make_user(Role.ORGANIZER)
    db.session.commit()
    browser = app.test_client()
    assert sign_in(browser, alice.username).status_code == 302
    browser.post("/logout")

    fail_from_elsewhere(app.test_client(), bob.username)

    assert sign_in(browser, bob.username).status_code == 429
    assert sign_in(browser, alice.username).status_code == 302


def test_a_shared_computer_stays_known_to_each_account_signed_in_on_it(app, db, make_user):
    alice = make_user(Role.ORGANIZER)
    bob = make_user(Role.ORGANIZER)
    db.session.commit()
    desk = app.test_client()
    for user in (alice, bob):
        assert sign_in(desk, user.username).status_code == 302
        desk.post("/logout")

    for user in (alice, bob):
        fail_from_elsewhere(app.test_client(), user.username)
    for user in (alice, bob):
        assert sign_in(desk, user.username).status_code == 302
        desk.post("/logout")


def test_a_known_device_is_paused_by_its_own_failures(app, db, make_user):
    user = make_user()
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, user.username)
    browser.post("/logout")

    statuses = [sign_in(browser, user.username, "guess-1234").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    assert sign_in(browser, user.username).status_code == 429
    # Its failures were its own: a fresh client is not paused by them.
    assert sign_in(app.test_client(), user.username, address=ELSEWHERE).status_code == 302


def test_a_forged_or_foreign_device_token_counts_as_a_fresh_client(app, db, make_user):
    user = make_user()
    db.session.commit()
    fail_from_elsewhere(app.test_client(), user.username)

    forged = app.test_client()
    forged.set_cookie(DEVICE_COOKIE, "not-a-signed-token")
    assert sign_in(forged, user.username).status_code == 429

    with app.test_request_context():
        genuine = remember_device(user.username)
    foreign = URLSafeTimedSerializer("another-installation", salt="recruit.auth.device").dumps(
        [[user.username, "nonce"]]
    )
    for token in ("x", "garbage" * 200, foreign):
        assert get_token(app.test_client(), user.username, device=token).status_code in (422, 429)
    # A genuine token of this installation still works.
    assert get_token(app.test_client(), user.username, device=genuine).status_code == 201


def test_the_address_limit_still_holds_for_known_devices(app, db, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_PER_ADDRESS", 4)
    user = make_user()
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, user.username, address=STRANGER)
    browser.post("/logout")
    for n in range(4):
        sign_in(app.test_client(), f"guess{n}", "guess-1234", STRANGER)
    assert sign_in(browser, user.username, address=STRANGER).status_code == 429


def test_reauth_from_the_owners_browser_is_not_paused_by_strangers(app, db, make_user):
    user = make_user(Role.ORGANIZER)
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, user.username)

    fail_from_elsewhere(app.test_client(), user.username)

    response = browser.post("/reauth?next=/manage/", data={"password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/manage/"


def test_old_failures_are_purged_with_their_device(db):
    old, recent = utcnow() - timedelta(days=2), utcnow() - timedelta(hours=1)
    db.session.add_all(
        [
            LoginAttempt(username="a", address="10.0.0.1", device="n1", at=old),
            LoginAttempt(username="a", address="10.0.0.1", device=None, at=old),
            LoginAttempt(username="a", address="10.0.0.1", device="n1", at=recent),
        ]
    )
    db.session.flush()
    assert purge_old_attempts() == 2
    assert db.session.scalars(sa.select(LoginAttempt.at)).all() == [recent]

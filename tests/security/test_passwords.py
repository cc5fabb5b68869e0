"""Passwords: strength by zxcvbn (no composition rule), a Chinese hint naming why, one rule on
every door, and a current-password check on /account/password throttled like /reauth.
"""

import pytest
from zxcvbn import matching

from recruit.auth.models import Role, User
from recruit.auth.passwords import MAX_L33T_READINGS
from recruit.auth.services import check_password_policy
from recruit.errors import Invalid
from tests.conftest import TEST_PASSWORD

#: Thirty passwords people really choose, the issue's four first; each must be refused.
COMMON = [
    "P@ssw0rd",
    "Aa123456",
    "1qaz2wsx",
    "admin123",
    "12345678",
    "123456789",
    "password",
    "qwerty123",
    "abc123456",
    "a123456789",
    "Abc@1234",
    "Admin@123",
    "Passw0rd!",
    "woaini1314",
    "5201314520",
    "qq123456",
    "zhang123456",
    "Zz123456",
    "1q2w3e4r",
    "1qaz@WSX",
    "Qwer1234",
    "aa123456",
    "iloveyou1",
    "Welcome1",
    "88888888",
    "Password123",
    "abcd1234",
    "asdf1234",
    "zhuzhou123",
    "11111111a",
]

STRONG = [
    "correct horse battery staple",
    "granite kettle 57 orbit",
    "test-pass-123",
    "醴陵瓷都的清晨很安静",
]


def refusal(password: str, **kwargs) -> str:
    with pytest.raises(Invalid) as raised:
        check_password_policy(password, **kwargs)
    assert raised.value.field == "password"
    return raised.value.message


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused(app, password):
    with app.app_context():
        assert refusal(password).startswith("密码：太容易被猜到（")


@pytest.mark.parametrize("password", STRONG)
def test_long_uncommon_passwords_pass_without_digits_or_symbols(app, password):
    with app.app_context():
        check_password_policy(password)


@pytest.mark.parametrize(
    ("password", "why", "user_inputs"),
    [
        ("P@ssw0rd", "这是常见密码或常见密码的简单变形", ()),
        ("qwertyuiop[]", "是键盘上相邻按键的组合", ()),
        ("zzzzzzzzzzzz", "有重复的字符或片段", ()),
        ("abcdefghijkl", "是连续的字母或数字", ()),
        ("wangjianguo2", "含有用户名、单位名称或本系统、本市的名称", ("wangjianguo",)),
        ("zhuzhou2026", "含有用户名、单位名称或本系统、本市的名称", ()),
    ],
)
def test_the_hint_names_why_in_chinese(app, password, why, user_inputs):
    with app.app_context():
        message = refusal(password, user_inputs=user_inputs)
    assert f"（{why}）" in message
    assert "几个不相干的词连在一起" in message


def test_length_limits_keep_their_words(app):
    with app.app_context():
        assert refusal("a1!") == "密码：至少 8 位。"
        assert refusal("x" * 129) == "密码：不能超过 128 位。"
        check_password_policy("quiet river " * 10)  # 120 characters, scored in full


def test_the_password_page_refuses_a_common_password_with_the_hint(client, db, make_user, login_as):
    user = make_user()
    db.session.commit()
    login_as(user)
    response = client.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "new": "P@ssw0rd", "confirm": "P@ssw0rd"},
    )
    assert response.status_code == 200
    assert "密码：太容易被猜到（这是常见密码" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(TEST_PASSWORD)


def test_the_password_page_accepts_a_passphrase(client, db, make_user, login_as):
    user = make_user()
    db.session.commit()
    login_as(user)
    phrase = "correct horse battery staple"
    response = client.post(
        "/account/password", data={"current": TEST_PASSWORD, "new": phrase, "confirm": phrase}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(phrase)


def test_25_guesses_at_the_current_password_are_not_all_evaluated(
    app, client, db, make_user, login_as, monkeypatch
):
    user = make_user(Role.ORGANIZER)
    db.session.commit()
    login_as(user)
    checked = []
    real_check = User.check_password

    def counting_check(self, password):
        checked.append(password)
        return real_check(self, password)

    monkeypatch.setattr(User, "check_password", counting_check)
    statuses = []
    for n in range(25):
        guess = TEST_PASSWORD if n == 24 else f"guess-{n:04d}"
        response = client.post(
            "/account/password",
            data={
                "current": guess,
                "new": "granite kettle 57 orbit",
                "confirm": "granite kettle 57 orbit",
            },
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert "登录失败次数过多" in response.get_data(as_text=True)

    limit = app.config["LOGIN_MAX_PER_ACCOUNT"]
    assert len(checked) == limit  # the other guesses were refused before any hash was computed
    assert statuses == [200] * limit + [429] * (25 - limit)
    # Even the right password, guessed last, was not tried: nothing changed.
    db.session.expire_all()
    assert real_check(db.session.get(User, user.id), TEST_PASSWORD)


def test_registration_page_and_api_refuse_a_common_password_alike(client, db):
    # The full row runs in tests/parity (rows_auth.py); here the hint's words on the page.
    page = client.post(
        "/employers/register",
        data={
            "name": "株洲口令测试有限公司",
            "uscc": "",
            "username": "weak_hr",
            "password": "Aa123456",
            "password_confirm": "Aa123456",
        },
    ).get_data(as_text=True)
    assert "密码：太容易被猜到（这是常见密码" in page


def test_a_crafted_symbol_heavy_password_does_not_multiply_the_work(app, monkeypatch):
    # zxcvbn would try every l33t reading of it (576 here), each a full dictionary scan, and
    # again inside its repeat matcher: seconds of CPU for anyone who can register.
    crafted = ("4@8({[</369&#!1/|0$5+7%2/" * 3)[:64]
    scans = []
    real_scan = matching.dictionary_match

    def counting_scan(*args, **kwargs):
        scans.append(1)
        return real_scan(*args, **kwargs)

    monkeypatch.setattr(matching, "dictionary_match", counting_scan)
    with app.app_context():
        check_password_policy(crafted)
    assert len(scans) <= MAX_L33T_READINGS + 2


def test_an_ordinary_l33t_password_is_still_read_through_its_symbols(app):
    with app.app_context():
        assert "常见密码" in refusal("P@$$w0rd!1")
        assert "常见密码" in refusal("p4ssw0rd123")

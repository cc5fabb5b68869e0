"""The account's own mobile and e-mail: set on /account, verified by a code or a link."""

import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.access import SIGNED_IN_AT
from recruit.auth.codes import AccountCode
from recruit.auth.models import User
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.validators import uscc_check_char
from tests.auth_reset.conftest import EMAIL, MOBILE, age, last_code, last_link, outbox


def test_the_account_page_shows_the_contact_block(client, make_user, login_as):
    login_as(make_user("viewer", mobile=MOBILE))
    page = client.get("/account").get_data(as_text=True)
    assert 'data-testid="contact-table"' in page
    assert MOBILE in page and "未验证" in page and "发送验证码" in page


def test_mobile_and_email_are_saved_unverified(client, make_user, login_as):
    user = make_user("organizer")
    login_as(user)
    response = client.post(
        "/account/contact", data={"mobile": "+86 139 0731 1234", "email": "HR@Example.com"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.mobile, user.email) == (MOBILE, EMAIL)
    assert user.mobile_verified_at is None and user.email_verified_at is None
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.contact_update"))
    assert entry.summary == {"fields": ["mobile", "email"]}
    assert MOBILE not in repr(entry.summary)


def test_bad_contact_input_names_the_field_and_changes_nothing(client, make_user, login_as):
    user = make_user("organizer", mobile=MOBILE)
    login_as(user)
    page = client.post(
        "/account/contact", data={"mobile": "12345", "email": "not an address"}
    ).get_data(as_text=True)
    assert "手机号：" in page and "邮箱：格式不正确" in page
    db.session.refresh(user)
    assert user.mobile == MOBILE and user.email is None


def test_changing_contact_needs_a_recent_password(client, make_user, login_as):
    user = make_user("organizer")
    login_as(user)
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = "2020-01-01T00:00:00+00:00"
    response = client.post("/account/contact", data={"mobile": MOBILE, "email": ""})
    assert response.status_code == 302 and "/reauth" in response.headers["Location"]
    db.session.refresh(user)
    assert user.mobile is None


def test_a_mobile_is_verified_by_the_code_sent_to_it(client, make_user, login_as):
    user = make_user("employer", mobile=MOBILE)
    login_as(user)
    response = client.post("/account/contact/mobile/send")
    assert response.headers["Location"] == "/account/contact/mobile/verify"
    code = last_code(MOBILE, "contact_verify_code")
    wrong = "000000" if code != "000000" else "111111"
    page = client.post("/account/contact/mobile/verify", data={"code": wrong}).get_data(
        as_text=True
    )
    assert "验证码：不正确或已过期" in page
    db.session.refresh(user)
    assert user.mobile_verified_at is None
    response = client.post("/account/contact/mobile/verify", data={"code": code})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.mobile_verified_at is not None


def test_an_expired_verification_code_is_refused(client, make_user, login_as):
    user = make_user("employer", mobile=MOBILE)
    login_as(user)
    client.post("/account/contact/mobile/send")
    code = last_code(MOBILE, "contact_verify_code")
    age(AccountCode, 11 * 60, user_id=user.id)
    page = client.post("/account/contact/mobile/verify", data={"code": code}).get_data(as_text=True)
    assert "验证码：不正确或已过期" in page
    db.session.refresh(user)
    assert user.mobile_verified_at is None


def test_changing_the_mobile_forgets_its_verification(client, verified, login_as):
    user = verified("employer")
    login_as(user)
    client.post("/account/contact", data={"mobile": "13907319999", "email": EMAIL})
    db.session.refresh(user)
    assert user.mobile == "13907319999" and user.mobile_verified_at is None
    assert user.email_verified_at is not None


def test_an_email_is_verified_by_its_link_once(client, make_user, login_as):
    user = make_user("employer", email=EMAIL)
    login_as(user)
    assert client.post("/account/contact/email/send").status_code == 302
    link = last_link(EMAIL, "email_verify_link")
    anonymous = client.application.test_client()
    response = anonymous.get(link)
    assert response.status_code == 200 and "已验证" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email_verified_at is not None
    again = anonymous.get(link)
    assert again.status_code == 410 and "已使用过" in again.get_data(as_text=True)


def test_a_link_for_an_email_since_changed_does_not_verify(client, make_user, login_as):
    user = make_user("employer", email=EMAIL)
    login_as(user)
    client.post("/account/contact/email/send")
    link = last_link(EMAIL, "email_verify_link")
    client.post("/account/contact", data={"mobile": "", "email": "other@example.com"})
    assert client.get(link).status_code == 410
    db.session.refresh(user)
    assert user.email_verified_at is None


def test_verification_sends_are_limited(client, make_user, login_as):
    user = make_user("employer", mobile=MOBILE)
    login_as(user)
    for _ in range(3):
        client.post("/account/contact/mobile/send")
    response = client.post("/account/contact/mobile/send", follow_redirects=True)
    assert "发送过于频繁" in response.get_data(as_text=True)
    assert len(outbox("contact_verify_code", MOBILE)) == 3


def _registration(**extra) -> dict:
    body = "91430211MA4TRP001"
    data = {
        "name": "株洲找回密码测试有限公司",
        "uscc": body + uscc_check_char(body),
        "region_code": "430211",
        "industry_section": "C",
        "address": "天元区黄河南路 1 号",
        "contact_name": "周女士",
        "contact_phone": "13907331234",
        "username": "reset_hr",
        "password": "correct horse battery staple",
        "password_confirm": "correct horse battery staple",
    }
    data.update(extra)
    return data


def test_registration_keeps_the_contact_mobile_and_email_unverified(client):
    response = client.post(
        "/employers/register", data=_registration(account_email="HR@Example.com")
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "reset_hr"))
    assert (user.mobile, user.email) == ("13907331234", EMAIL)
    assert user.mobile_verified_at is None and user.email_verified_at is None


def test_registration_takes_another_account_mobile(client):
    client.post("/employers/register", data=_registration(account_mobile="13907319999"))
    user = db.session.scalar(sa.select(User).where(User.username == "reset_hr"))
    assert user.mobile == "13907319999"


def test_registration_with_a_bad_email_names_the_field_and_creates_nothing(client):
    page = client.post(
        "/employers/register", data=_registration(account_email="hr@", account_mobile="123")
    ).get_data(as_text=True)
    assert "邮箱：格式不正确" in page and "登录手机号：" in page
    assert db.session.scalar(sa.select(User).where(User.username == "reset_hr")) is None
    assert (
        db.session.scalar(sa.select(Employer).where(Employer.name == "株洲找回密码测试有限公司"))
        is None
    )

"""Delivery over real sockets: the SMS gateway and the SMTP server on 127.0.0.1."""

import json
import logging
from datetime import timedelta
from email import message_from_bytes, policy

import sqlalchemy as sa

from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.notify.delivery import deliver_pending, mask_address
from recruit.notify.models import Notification, NotificationState, NotifyChannel
from recruit.notify.services import send
from tests.notify.conftest import SMS_TOKEN

MOBILE = "13912345678"
EMAIL = "hr@example.com"


def _rows() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Notification).order_by(Notification.id)))


def _approved_message(make_user):
    user = make_user(Role.EMPLOYER, mobile=MOBILE, email=EMAIL)
    rows = send(
        "employer_registration_approved", {"employer": "株洲测试有限公司", "url": "u"}, user=user
    )
    db.session.commit()
    return user, rows


def test_sms_and_email_go_out_over_the_gateway_and_smtp(providers, make_user):
    gateway, mailbox = providers
    _user, rows = _approved_message(make_user)
    assert sorted(r.channel for r in rows) == [NotifyChannel.EMAIL, NotifyChannel.SMS]

    report = deliver_pending()

    assert report.sent == 2
    [request] = gateway.requests
    assert request["auth"] == f"Bearer {SMS_TOKEN}"
    body = request["body"]
    assert body["PhoneNumbers"] == MOBILE
    assert body["SignName"] == "株洲招聘会"
    assert body["TemplateCode"] == "SMS_RECRUIT_001"
    # TemplateParam is a JSON string with the SMS text's variables only (not the e-mail's url).
    assert json.loads(body["TemplateParam"]) == {"employer": "株洲测试有限公司"}

    [envelope] = mailbox.messages
    assert mailbox.encrypted == [True]
    assert envelope.rcpt_tos == [EMAIL]
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert mail["Subject"] == "企业注册已通过审核"
    assert "株洲测试有限公司" in mail.get_content()

    email, sms = sorted(_rows(), key=lambda r: r.channel.value)
    assert sms.state is NotificationState.SENT and sms.provider_message_id == "biz-1"
    assert sms.provider == "sms.http" and sms.attempts == 1 and sms.sent_at is not None
    assert email.state is NotificationState.SENT and email.provider == "email.smtp"
    assert email.provider_message_id == mail["Message-ID"]
    # Delivered for real, the parameters (which may be codes or one-time links) are not kept.
    assert sms.params == {} and email.params == {}

    # Acknowledged rows are never sent again.
    assert deliver_pending().sent == 0
    assert len(gateway.requests) == 1 and len(mailbox.messages) == 1


def test_a_refusal_is_retried_with_backoff_then_given_up(app, providers, make_user, monkeypatch):
    gateway, _mailbox = providers
    monkeypatch.setitem(app.config, "NOTIFY_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "NOTIFY_BACKOFF", [60, 300])
    gateway.script = ["refuse", "http500", "garbage"]
    user = make_user(Role.EMPLOYER, mobile=MOBILE)
    send("outcome_reminder", {"employer": "甲", "count": "2", "url": "u"}, user=user)
    db.session.commit()

    start = utcnow()
    assert deliver_pending(now=start).retrying == 1
    [row] = _rows()
    assert row.state is NotificationState.PENDING and row.attempts == 1
    assert abs(row.next_attempt_at - (start + timedelta(seconds=60))) < timedelta(seconds=1)
    assert "isv.BUSINESS_LIMIT_CONTROL" in row.last_error and "流控" in row.last_error
    assert row.claim is None

    # Not due yet: nothing is sent before the backoff has passed.
    assert deliver_pending(now=start + timedelta(seconds=30)).ids == []
    assert len(gateway.requests) == 1

    assert deliver_pending(now=start + timedelta(seconds=61)).retrying == 1
    [row] = _rows()
    assert row.attempts == 2 and "HTTP 500" in row.last_error
    assert abs(row.next_attempt_at - (start + timedelta(seconds=361))) < timedelta(seconds=1)

    assert deliver_pending(now=start + timedelta(seconds=400)).failed == 1
    [row] = _rows()
    assert row.state is NotificationState.FAILED and row.attempts == 3
    assert "无法识别" in row.last_error
    assert deliver_pending(now=start + timedelta(days=1)).ids == []
    assert len(gateway.requests) == 3


def test_a_gateway_timeout_or_no_gateway_keeps_the_row(app, providers, make_user, monkeypatch):
    gateway, _mailbox = providers
    gateway.script = ["slow"]
    user = make_user(Role.EMPLOYER, mobile=MOBILE)
    send("outcome_reminder", {"employer": "甲", "count": "2", "url": "u"}, user=user)
    db.session.commit()
    start = utcnow()
    assert deliver_pending(now=start).retrying == 1
    [row] = _rows()
    assert row.last_error == "短信网关超时未应答" and row.state is NotificationState.PENDING

    monkeypatch.setitem(app.config, "NOTIFY_SMS_URL", "http://127.0.0.1:9/nothing-listens")
    assert deliver_pending(now=start + timedelta(minutes=2)).retrying == 1
    [row] = _rows()
    assert row.attempts == 2 and row.last_error.startswith("无法连接短信网关")

    monkeypatch.setitem(app.config, "NOTIFY_SMS_URL", gateway.url)
    assert deliver_pending(now=start + timedelta(hours=1)).sent == 1
    [row] = _rows()
    assert row.state is NotificationState.SENT and row.attempts == 3 and row.last_error is None


def test_another_gateway_is_a_change_of_settings(app, providers, make_user, monkeypatch):
    gateway, _mailbox = providers
    monkeypatch.setitem(
        app.config,
        "NOTIFY_SMS_FIELDS",
        {
            **app.config["NOTIFY_SMS_FIELDS"],
            "phone": "mobile",
            "sign_name": "sign",
            "template": "template_id",
            "params": "vars",
            "params_as_string": False,
        },
    )
    user = make_user(Role.EMPLOYER, mobile=MOBILE)
    send("outcome_reminder", {"employer": "甲", "count": "2", "url": "u"}, user=user)
    db.session.commit()
    assert deliver_pending().sent == 1
    assert gateway.requests[0]["body"] == {
        "mobile": MOBILE,
        "sign": "株洲招聘会",
        "template_id": "SMS_RECRUIT_009",
        "vars": {"count": "2"},
    }


def test_a_refused_smtp_login_is_retried(app, providers, make_user, monkeypatch):
    _gateway, mailbox = providers
    monkeypatch.setitem(app.config, "NOTIFY_SMTP_PASSWORD", "wrong")
    user = make_user(Role.EMPLOYER, email=EMAIL)
    send("outcome_reminder", {"employer": "甲", "count": "2", "url": "u"}, user=user)
    db.session.commit()
    start = utcnow()
    assert deliver_pending(now=start).retrying == 1
    [row] = _rows()
    assert row.last_error == "邮件服务器拒绝（535）" and mailbox.messages == []

    monkeypatch.setitem(app.config, "NOTIFY_SMTP_PASSWORD", "mail-pass-123")
    assert deliver_pending(now=start + timedelta(minutes=2)).sent == 1
    assert len(mailbox.messages) == 1


def test_a_dead_workers_claim_expires(app, providers, make_user):
    gateway, _mailbox = providers
    user = make_user(Role.EMPLOYER, mobile=MOBILE)
    [row] = send("outcome_reminder", {"employer": "甲", "count": "2", "url": "u"}, user=user)
    now = utcnow()
    row.claim, row.claimed_until = "dead-worker", now + timedelta(minutes=5)
    db.session.commit()
    assert deliver_pending(now=now).ids == []
    assert deliver_pending(now=now + timedelta(minutes=6)).sent == 1
    assert len(gateway.requests) == 1


def test_logs_name_no_address_code_or_parameter(providers, make_user, caplog, monkeypatch):
    # Alembic's logging set-up disables loggers that existed before it ran: enable this one.
    monkeypatch.setattr(logging.getLogger("recruit.notify.delivery"), "disabled", False)
    gateway, _mailbox = providers
    gateway.script = ["refuse"]
    user = make_user(Role.EMPLOYER, mobile=MOBILE, email=EMAIL)
    send("outcome_reminder", {"employer": "秘密企业名", "count": "7", "url": "u"}, user=user)
    send(
        "outcome_reminder",
        {"employer": "秘密企业名", "count": "7", "url": "u"},
        mobile="13700001111",
    )
    db.session.commit()
    with caplog.at_level(logging.DEBUG):
        deliver_pending()
    assert caplog.records, "the worker logs what it did"
    text = caplog.text
    for secret in (MOBILE, "13700001111", EMAIL, "秘密企业名", "流控"):
        assert secret not in text


def test_a_bad_setting_keeps_the_row_and_says_what_failed(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_SMS_PROVIDER", "sms.nonsense")
    user = make_user(Role.EMPLOYER, mobile=MOBILE)
    send("outcome_reminder", {"employer": "甲", "count": "2", "url": "u"}, user=user)
    db.session.commit()
    assert deliver_pending().retrying == 1
    [row] = _rows()
    assert row.state is NotificationState.PENDING and row.last_error == "RuntimeError"
    assert row.claim is None


def test_the_outbox_masks_addresses_as_the_rest_of_the_product_masks_phones():
    assert mask_address(MOBILE) == "139****5678"
    assert mask_address("+8613912345678") == "139****5678"
    assert mask_address("1234") == "****"
    assert mask_address(EMAIL) == "h***@example.com"

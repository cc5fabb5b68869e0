"""The outbox page and commands, the scheduler's job, and production refusing the outbox."""

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from config import ProductionConfig
from jobs import build_scheduler
from recruit.auth.models import Role
from recruit.extensions import db
from recruit.notify.models import NotificationState
from recruit.notify.services import send

PRODUCTION = {
    "SECRET_KEY": "s",
    "DATABASE_URL": "postgresql+psycopg://x@127.0.0.1/x",
    "RECRUIT_PII_KEYS": "k",
    "RECRUIT_PII_HASH_KEY": "h",
    "PUBLIC_BASE_URL": "https://zhaopin.example.cn",
}


def _messages():
    older = send(
        "employer_registration_rejected",
        {"employer": "株洲甲公司", "reason": "执照模糊", "url": "http://x/employer/"},
        mobile="13912345678",
    )
    newer = send(
        "outcome_reminder",
        {"employer": "株洲乙公司", "count": "4", "url": "http://x/o"},
        email="hr@example.com",
    )
    db.session.commit()
    return older[0], newer[0]


def test_admin_outbox_lists_newest_first_with_the_text(client, login_as, make_user):
    older, newer = _messages()
    login_as(make_user(Role.ADMIN))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert page.index(f"<td>{newer.id}</td>") < page.index(f"<td>{older.id}</td>")
    assert "原因：执照模糊" in page and "13912345678" in page
    assert "请填写意向录用结果" in page and "hr@example.com" in page
    assert "待发送" in page


def test_a_message_a_real_provider_sent_shows_no_text(app, client, login_as, make_user):
    older, _newer = _messages()
    older.state, older.provider = NotificationState.SENT, "sms.http"
    db.session.commit()
    login_as(make_user(Role.ADMIN))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "139****5678" in page and "执照模糊" not in page


def test_flask_notify_outbox_and_send(app, runner):
    older, newer = _messages()
    shown = runner.invoke(args=["notify", "outbox"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.index(f"#{newer.id} ") < shown.output.index(f"#{older.id} ")
    assert "原因：执照模糊" in shown.output and "主题：请填写意向录用结果" in shown.output
    assert "待发送" in shown.output

    sent = runner.invoke(args=["notify", "send"])
    assert sent.exit_code == 0, sent.output
    assert "已发送 2 条" in sent.output
    db.session.expire_all()
    assert older.state is NotificationState.SENT and older.provider == "outbox"
    assert "已发送 0 条" in runner.invoke(args=["notify", "send"]).output


def test_the_scheduler_delivers_every_minute(app):
    jobs = {job.id: job for job in build_scheduler(app, BackgroundScheduler).get_jobs()}
    assert str(jobs["deliver-notifications"].trigger) == "interval[0:01:00]"
    assert {"fair-reminders", "review-digests", "remind-outcomes"} <= set(jobs)


def test_production_refuses_the_outbox_unless_told(monkeypatch):
    for key, value in PRODUCTION.items():
        monkeypatch.setenv(key, value)
    for key in ("NOTIFY_SMS_PROVIDER", "NOTIFY_EMAIL_PROVIDER", "RECRUIT_NOTIFY_OUTBOX_OK"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(RuntimeError, match="RECRUIT_NOTIFY_OUTBOX_OK=1"):
        ProductionConfig()
    monkeypatch.setenv("RECRUIT_NOTIFY_OUTBOX_OK", "1")
    ProductionConfig()

    monkeypatch.delenv("RECRUIT_NOTIFY_OUTBOX_OK")
    monkeypatch.setenv("NOTIFY_SMS_PROVIDER", "sms.http")
    monkeypatch.setenv("NOTIFY_EMAIL_PROVIDER", "email.smtp")
    with pytest.raises(RuntimeError, match="RECRUIT_SMS_TOKEN") as refused:
        ProductionConfig()
    assert "NOTIFY_SMTP_HOST" in str(refused.value)
    for key, value in {
        "NOTIFY_SMS_URL": "https://sms.example.cn/send",
        "RECRUIT_SMS_TOKEN": "t",
        "NOTIFY_SMTP_HOST": "smtp.example.cn",
        "NOTIFY_EMAIL_FROM": "noreply@example.cn",
    }.items():
        monkeypatch.setenv(key, value)
    ProductionConfig()


def test_an_admin_puts_a_failed_message_back_and_filters_by_state(app, client, login_as, make_user):
    employer_user = make_user(Role.EMPLOYER, mobile="13900000009")
    [failed] = send("outcome_reminder", {"count": "1", "url": "u"}, user=employer_user)
    [sent] = send("outcome_reminder", {"count": "2", "url": "u"}, user=employer_user)
    failed.state, failed.attempts, failed.last_error = NotificationState.FAILED, 6, "HTTP 500"
    sent.state, sent.attempts = NotificationState.SENT, 1
    db.session.commit()
    login_as(make_user(Role.ADMIN))

    listing = client.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert f"/admin/outbox/{failed.id}/retry" in listing
    assert f"<td>{sent.id}</td>" not in listing  # only the failed ones

    response = client.post(f"/admin/outbox/{failed.id}/retry?state=failed")
    assert response.status_code == 302
    db.session.refresh(failed)
    assert failed.state is NotificationState.PENDING and failed.attempts == 0
    # A sent message is never put back: nothing acknowledged goes out twice.
    client.post(f"/admin/outbox/{sent.id}/retry")
    db.session.refresh(sent)
    assert sent.state is NotificationState.SENT
    assert "只有发送失败的消息可以重发" in client.get("/admin/outbox").get_data(as_text=True)

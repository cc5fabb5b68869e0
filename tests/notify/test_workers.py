"""Two delivery workers at once (the scheduler and `flask notify send`) never send twice."""

import os
import threading
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from recruit import create_app
from recruit.extensions import db as _db
from recruit.notify.delivery import deliver_pending
from recruit.notify.models import Notification, NotificationState
from recruit.notify.services import send
from tests.notify.conftest import SMS_TOKEN

pytestmark = pytest.mark.ownsdb


@pytest.fixture
def shared_url(tmp_path):
    """A migrated database of its own that two apps open: a SQLite file or a PG schema."""
    base = os.environ.get("TEST_DATABASE_URL")
    schema = None
    if base:
        schema = f"notify_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(base)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine.dispose()
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'notify.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        _db.session.remove()
        _db.engine.dispose()
    try:
        yield url
    finally:
        if schema:
            engine = sa.create_engine(base)
            with engine.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            engine.dispose()


def _worker(url: str, gateway):
    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        NOTIFY_SMS_PROVIDER="sms.http",
        NOTIFY_SMS_URL=gateway.url,
        NOTIFY_SMS_TOKEN=SMS_TOKEN,
        NOTIFY_BATCH=100,
    )


def test_two_workers_deliver_each_message_exactly_once(shared_url, gateway):
    gateway.delay = 0.05  # each send takes a moment, so the two workers overlap
    first, second = _worker(shared_url, gateway), _worker(shared_url, gateway)
    with first.app_context():
        for n in range(30):
            send(
                "outcome_reminder",
                {"employer": "甲", "count": "1", "url": "u"},
                mobile=f"1380000{n:04d}",
            )
        _db.session.commit()

    reports = {}

    def run(name, app):
        with app.app_context():
            try:
                reports[name] = deliver_pending()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    phones = [r["body"]["PhoneNumbers"] for r in gateway.requests]
    assert len(phones) == 30 and len(set(phones)) == 30
    assert reports["a"].sent + reports["b"].sent == 30
    assert reports["a"].sent and reports["b"].sent, "both workers took part"
    assert set(reports["a"].ids).isdisjoint(reports["b"].ids)
    with first.app_context():
        rows = _db.session.scalars(sa.select(Notification)).all()
        assert {(r.state, r.attempts, r.claim) for r in rows} == {(NotificationState.SENT, 1, None)}
        _db.session.remove()
    for app in (first, second):
        with app.app_context():
            _db.engine.dispose()

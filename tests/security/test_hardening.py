"""Sign-in throttling, sessions ending on password change, headers, audit viewer, backups."""

import sqlite3
from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit import create_app
from recruit.audit.services import record_audit
from recruit.auth.models import Role, User
from recruit.auth.throttle import LoginAttempt
from recruit.backup import BackupError, backup_database, restore_database
from recruit.db_types import utcnow
from recruit.extensions import db as _db
from tests.conftest import TEST_PASSWORD


def _fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        client.post(
            "/login",
            data={"username": username, "password": "wrong-pass-1"},
            environ_base={"REMOTE_ADDR": address},
        )


def test_an_account_is_paused_after_repeated_failures_with_the_wait_in_chinese(
    client, db, make_user
):
    user = make_user()
    db.session.commit()
    _fail(client, user.username, 5)
    response = client.post(
        "/login",
        data={"username": user.username, "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "登录失败次数过多" in page and "15 分钟后再试" in page
    # Even the right password waits; from another address too (the account is what is paused).
    response = client.post(
        "/login",
        data={"username": user.username, "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert response.status_code == 429


def test_the_pause_ends_when_the_failures_age_out(client, db, make_user):
    user = make_user()
    db.session.commit()
    _fail(client, user.username, 5)
    db.session.execute(sa.update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_an_address_guessing_many_accounts_is_paused(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_PER_ADDRESS", 4)
    for n in range(4):
        _fail(client, f"guess{n}", 1, address="10.0.0.7")
    response = client.post(
        "/login",
        data={"username": "someone", "password": "x1234567"},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert response.status_code == 429


@pytest.mark.ownsdb
def test_throttling_holds_across_two_app_instances_sharing_the_database(tmp_path):
    # Two apps with engines of their own on one database file, like two gunicorn workers.
    worker_a = _file_app(tmp_path)
    worker_b = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=worker_a.config["SQLALCHEMY_DATABASE_URI"]
    )
    with worker_a.app_context():
        user = User(username="shared", role=Role.ADMIN)
        user.set_password(TEST_PASSWORD)
        _db.session.add(user)
        _db.session.commit()
    _fail(worker_a.test_client(), "shared", 3)
    _fail(worker_b.test_client(), "shared", 2)
    response = worker_a.test_client().post(
        "/login", data={"username": "shared", "password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    for app in (worker_a, worker_b):
        with app.app_context():
            _db.engine.dispose()


def test_a_successful_sign_in_clears_the_accounts_failures(client, db, make_user):
    user = make_user()
    db.session.commit()
    _fail(client, user.username, 4)
    assert (
        client.post(
            "/login", data={"username": user.username, "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 0


def test_changing_the_password_ends_other_sessions(app, db, make_user):
    user = make_user()
    db.session.commit()
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
        assert "退出" in device.get("/").get_data(as_text=True)

    response = laptop.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "new": "new-pass-456", "confirm": "new-pass-456"},
    )
    assert response.status_code == 302
    assert "退出" in laptop.get("/").get_data(as_text=True)  # the changing device stays in
    assert "退出" not in phone.get("/").get_data(as_text=True)  # the other one is out
    assert db.session.get(User, user.id).check_password("new-pass-456")


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong-pass-9", "new-pass-456", "new-pass-456", "不正确"),
        (TEST_PASSWORD, "short1", "short1", "至少 8 位"),
        (TEST_PASSWORD, "new-pass-456", "other-pass-456", "两次输入的新密码不一致"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    client, db, make_user, login_as, current, new, confirm, message
):
    user = make_user()
    db.session.commit()
    login_as(user)
    response = client.post(
        "/account/password", data={"current": current, "new": new, "confirm": confirm}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(TEST_PASSWORD)


def test_every_page_carries_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script(client, db, make_user, login_as):
    login_as(make_user(Role.ADMIN))
    for url in ("/", "/login", "/admin/audit", "/account/password"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and "onclick=" not in page.lower(), url


def test_unknown_hosts_are_refused_when_trusted_hosts_are_set(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["zhaopin.example.cn"])
    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "zhaopin.example.cn"}).status_code == 200


def test_admins_filter_the_audit_log(client, db, make_user, login_as):
    admin = make_user(Role.ADMIN)
    other = make_user(Role.ORGANIZER)
    record_audit("fair.close", object_type="fairs", object_id=7, by=other, summary={"x": 1})
    record_audit("position.open", object_type="positions", object_id=9, by=admin)
    db.session.commit()
    login_as(admin)
    page = client.get(f"/admin/audit?user={other.username}").get_data(as_text=True)
    assert "fair.close" in page and "position.open" not in page
    page = client.get("/admin/audit?object_type=positions&object_id=9").get_data(as_text=True)
    assert "position.open" in page and "fair.close" not in page
    assert "岗位 #9" in page and '<option value="positions" selected>岗位</option>' in page
    page = client.get("/admin/audit?start=bad").get_data(as_text=True)
    assert "格式不正确" in page


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.EMPLOYER, Role.VIEWER])
def test_only_admins_see_the_audit_log(client, make_user, login_as, role):
    login_as(make_user(role))
    assert client.get("/admin/audit").status_code == 403


def _file_app(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.db'}")
    app.instance_path = str(tmp_path / "instance")
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
    return app


@pytest.mark.ownsdb
def test_backups_rotate_and_restore_brings_the_data_back(tmp_path):
    app = _file_app(tmp_path)
    with app.app_context():
        user = User(username="before", role=Role.ADMIN)
        user.set_password("pass-word-1")
        _db.session.add(user)
        _db.session.commit()
        first = backup_database(keep=2)
        backup_database(keep=2)
        third = backup_database(keep=2)
        kept = sorted(p.name for p in first.parent.glob("recruit-*.db"))
        assert len(kept) == 2 and first.name not in kept

        _db.session.execute(sa.delete(User))
        _db.session.commit()
        restore_database(third)
        assert _db.session.scalar(sa.select(User.username)) == "before"

        junk = tmp_path / "junk.db"
        junk.write_bytes(b"not a database at all")
        with pytest.raises(BackupError, match="不是"):
            restore_database(junk)
        empty = tmp_path / "empty.db"
        sqlite3.connect(empty).close()
        with pytest.raises(BackupError, match="不是本系统的数据库备份"):
            restore_database(empty)
        _db.engine.dispose()


def test_backup_command_refuses_postgres_with_the_pg_dump_hint(app, runner):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("this run is on SQLite; the PostgreSQL run checks the refusal")
    result = runner.invoke(args=["db", "backup"])
    assert result.exit_code == 1
    assert "pg_dump" in result.output

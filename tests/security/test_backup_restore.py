"""SQLite backups are private files; `flask db restore` checks exactly the file it copies."""

import shutil
import stat

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from recruit import create_app
from recruit.auth.models import Role, User
from recruit.backup import backup_database
from recruit.extensions import db as _db

pytestmark = pytest.mark.ownsdb


@pytest.fixture
def live(tmp_path):
    """An app on a migrated SQLite file holding one user, "before"."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.db'}")
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        upgrade()
        user = User(username="before", role=Role.ADMIN)
        user.set_password("pass-word-1")
        _db.session.add(user)
        _db.session.commit()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _usernames(app) -> list[str]:
    with app.app_context():
        names = list(_db.session.scalars(sa.select(User.username).order_by(User.username)))
        _db.session.remove()
        return names


def _restore(app, path):
    return app.test_cli_runner().invoke(args=["db", "restore", str(path), "--yes"])


def test_backups_are_readable_by_the_owner_only(live):
    with live.app_context():
        path = backup_database(keep=3)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_restore_copies_the_file_it_checked_not_a_namesake(live, tmp_path):
    with live.app_context():
        good = backup_database(keep=3)
    # "evil.db" is a real backup; "evil.db?x" is junk. SQLite would read "evil.db?x" in a
    # file: URI as "evil.db" with a query string: the check must not look at the wrong file.
    shutil.copy(good, tmp_path / "evil.db")
    (tmp_path / "evil.db?x").write_bytes(b"not a database, just words " * 100)
    result = _restore(live, tmp_path / "evil.db?x")
    assert result.exit_code == 1
    assert "不是 SQLite 数据库文件" in result.output
    assert "Traceback" not in result.output
    assert _usernames(live) == ["before"]


def test_restore_from_a_name_with_a_question_mark_reads_that_file(live, tmp_path):
    with live.app_context():
        good = backup_database(keep=3)
        _db.session.add(User(username="after", role=Role.VIEWER, password_hash="x"))
        _db.session.commit()
    shutil.copy(good, tmp_path / "backup.db?x")
    (tmp_path / "backup.db").write_bytes(b"junk")
    result = _restore(live, tmp_path / "backup.db?x")
    assert result.exit_code == 0, result.output
    assert _usernames(live) == ["before"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"SQLite format 3\x00" + b"\xff" * 200, "SQLite"),
        (b"hello, this is a text file\n" * 50, "不是 SQLite 数据库文件"),
    ],
)
def test_restoring_a_file_that_is_not_a_database_says_so_without_a_traceback(
    live, tmp_path, content, message
):
    junk = tmp_path / "junk.db"
    junk.write_bytes(content)
    result = _restore(live, junk)
    assert result.exit_code == 1
    assert result.output.startswith("错误：") and message in result.output
    assert "Traceback" not in result.output
    assert _usernames(live) == ["before"]


def test_restoring_a_folder_or_a_missing_file_says_so(live, tmp_path):
    assert "不存在" in _restore(live, tmp_path).output
    assert "不存在" in _restore(live, tmp_path / "missing.db").output

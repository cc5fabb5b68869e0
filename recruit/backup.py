"""SQLite backups: online copies into instance/backups, rotated, and a tested restore.

PostgreSQL is backed up with pg_dump / pg_restore (see the README), not by this module.
"""

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from flask import current_app

from recruit.extensions import db
from recruit.formatting import LOCAL_TZ


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message is Chinese."""


def _sqlite_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "当前数据库不是 SQLite 文件，请用 pg_dump / pg_restore 备份 PostgreSQL（见 README）。"
        )
    return Path(url.database)


def backup_folder() -> Path:
    """Return instance/backups, readable by the app's own user only."""
    folder = Path(current_app.instance_path) / "backups"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def _private_file(path: Path) -> None:
    """Create an empty file only its owner may read: a backup holds every seeker's data.

    SQLite gives the journal it writes beside a database the database file's permissions.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def backup_database(keep: int | None = None) -> Path:
    """Copy the live SQLite database with the online backup API; keep the newest `keep`."""
    source_path = _sqlite_path()
    keep = keep or current_app.config["BACKUP_KEEP"]
    stamp = datetime.now(LOCAL_TZ).strftime("%Y%m%d-%H%M%S-%f")
    target = backup_folder() / f"recruit-{stamp}.db"
    _private_file(target)
    source = sqlite3.connect(source_path)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()
    for old in sorted(backup_folder().glob("recruit-*.db"))[:-keep]:
        old.unlink()
    return target


def restore_database(backup: Path) -> None:
    """Replace the live SQLite database's contents with a backup's, online.

    The file checked is the file copied: one read-only connection opened on the exact path
    (as a file: URI whose "?" and "#" are escaped, so "evil.db?x" is not read as "evil.db")
    is validated and then used as the source of the copy.
    """
    target_path = _sqlite_path()
    if not backup.is_file():
        raise BackupError(f"备份文件“{backup}”不存在。")
    try:
        source = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        raise BackupError(f"无法打开备份文件“{backup}”，未恢复。") from None
    try:
        _check_backup(source, backup)
        db.session.remove()
        db.engine.dispose()
        destination = sqlite3.connect(target_path)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
    except sqlite3.DatabaseError:
        raise BackupError(f"“{backup}”不是 SQLite 数据库文件，未恢复。") from None
    finally:
        source.close()


def _check_backup(source: sqlite3.Connection, backup: Path) -> None:
    """Refuse a damaged file, or a database that is not this product's."""
    if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        raise BackupError(f"备份文件“{backup}”已损坏，未恢复。")
    tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
    if "alembic_version" not in tables:
        raise BackupError(f"“{backup}”不是本系统的数据库备份，未恢复。")

"""SQLite backups: online copies into instance/backups, rotated, and a tested restore.

PostgreSQL is backed up with pg_dump / pg_restore (see the README), not by this module.
"""

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
    folder = Path(current_app.instance_path) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def backup_database(keep: int | None = None) -> Path:
    """Copy the live SQLite database with the online backup API; keep the newest `keep`."""
    source_path = _sqlite_path()
    keep = keep or current_app.config["BACKUP_KEEP"]
    stamp = datetime.now(LOCAL_TZ).strftime("%Y%m%d-%H%M%S-%f")
    target = backup_folder() / f"recruit-{stamp}.db"
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
    """Replace the live SQLite database's contents with a backup's, online."""
    target_path = _sqlite_path()
    if not backup.is_file():
        raise BackupError(f"备份文件“{backup}”不存在。")
    check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"备份文件“{backup}”已损坏，未恢复。")
        tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            raise BackupError(f"“{backup}”不是本系统的数据库备份，未恢复。")
    except sqlite3.DatabaseError as error:
        raise BackupError(f"“{backup}”不是有效的 SQLite 数据库：{error}") from None
    finally:
        check.close()
    db.session.remove()
    db.engine.dispose()
    source = sqlite3.connect(backup)
    destination = sqlite3.connect(target_path)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()

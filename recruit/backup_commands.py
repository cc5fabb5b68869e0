"""flask db backup / flask db restore, added to Flask-Migrate's db group."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from recruit.backup import BackupError, backup_database, restore_database
from recruit.cli import CommandError


@click.command("backup", help="备份 SQLite 数据库到 instance/backups（在线备份，自动轮换）。")
@click.option("--keep", type=click.IntRange(1, 1000), help="保留最近几份，默认 BACKUP_KEEP。")
@with_appcontext
def backup_command(keep: int | None) -> None:
    try:
        path = backup_database(keep)
    except BackupError as error:
        raise CommandError(str(error)) from None
    click.echo(f"已备份到 {path}")


@click.command("restore", help="用备份文件替换当前 SQLite 数据库的内容。")
@click.argument("backup", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="不再确认。")
@with_appcontext
def restore_command(backup: Path, yes: bool) -> None:
    if not yes:
        click.confirm(f"将用 {backup} 覆盖当前数据库的全部数据，确定吗？", abort=True)
    try:
        restore_database(backup)
    except BackupError as error:
        raise CommandError(str(error)) from None
    click.echo(f"已从 {backup} 恢复。")


def register(db_group: click.Group) -> None:
    db_group.add_command(backup_command)
    db_group.add_command(restore_command)

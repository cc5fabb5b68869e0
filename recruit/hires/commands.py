"""flask keys … and flask pii …"""

import click
from cryptography.fernet import Fernet
from flask import current_app
from flask.cli import with_appcontext

from recruit.auth.actors import system
from recruit.formatting import local_today
from recruit.hires.privacy import purge_personal_data, rotate_pii_keys
from recruit.uow import unit_of_work


@click.group("keys", help="求职者个人信息的加密密钥。")
def keys_cli() -> None:
    """The `keys` command group."""


@keys_cli.command("generate", help="生成一个新的加密密钥（放在 RECRUIT_PII_KEYS 的最前面）。")
def generate_command() -> None:
    click.echo(Fernet.generate_key().decode())


@keys_cli.command("rotate", help="用当前密钥（RECRUIT_PII_KEYS 第一个）重新加密全部个人信息。")
@with_appcontext
def rotate_command() -> None:
    count = rotate_pii_keys()
    click.echo(
        f"已用当前密钥重新加密 {count} 条就业意向和求职者的个人信息。旧密钥此后可从配置中移除。"
    )


@click.group("pii", help="求职者个人信息的保留期限。")
def pii_cli() -> None:
    """The `pii` command group."""


@pii_cli.command("purge", help="清除超过保留期限的招聘会中求职者的姓名、手机号和身份证号。")
@click.option("--months", type=click.IntRange(1, 600), help="保留月数，默认 PII_RETENTION_MONTHS。")
@with_appcontext
def purge_command(months: int | None) -> None:
    months = months or current_app.config["PII_RETENTION_MONTHS"]
    with unit_of_work():
        count = purge_personal_data(local_today(), months, by=system("command.pii_purge"))
    click.echo(
        f"已清除 {count} 条就业意向和求职者的个人信息（{months} 个月前的招聘会），统计数字不变。"
    )

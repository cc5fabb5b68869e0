"""flask seekers …: staff act on a seeker's request made by phone or at the counter (PIPL)."""

import click
from flask.cli import with_appcontext

from recruit.auth.actors import system
from recruit.errors import ServiceError
from recruit.seekers.services import erase_seeker, holdings, seeker_by_phone
from recruit.uow import unit_of_work


@click.group("seekers", help="求职者个人信息：查询、应本人要求删除。")
def seekers_cli() -> None:
    """The `seekers` command group."""


def _find(phone: str):
    try:
        return seeker_by_phone(phone)
    except ServiceError as error:
        raise click.ClickException(error.message) from None


@seekers_cli.command("show", help="按手机号查看保存了该求职者的哪些记录（只显示数量）。")
@click.option("--phone", required=True, help="求职者的手机号。")
@with_appcontext
def show_command(phone: str) -> None:
    seeker = _find(phone)
    held = holdings(seeker)
    click.echo(
        f"求职者第{seeker.id}号（{seeker.masked_phone}）：入场{held.entries}次，"
        f"投递{held.applications}次，就业意向{held.intents}条。"
    )


@seekers_cli.command("erase", help="应本人要求删除求职者的个人信息（统计数字保留）。")
@click.option("--phone", required=True, help="求职者的手机号。")
@click.option("--yes", is_flag=True, help="不再询问，直接删除。")
@with_appcontext
def erase_command(phone: str, yes: bool) -> None:
    seeker = _find(phone)
    if not yes:
        click.confirm(f"删除求职者第{seeker.id}号（{seeker.masked_phone}）的个人信息？", abort=True)
    with unit_of_work():
        erase_seeker(seeker, by=system("command.seeker_erase"))
    click.echo(f"已删除求职者第{seeker.id}号的姓名、手机号和身份证号；入场、投递和意向的统计保留。")

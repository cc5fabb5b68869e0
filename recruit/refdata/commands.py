"""flask refdata …"""

import click
from flask.cli import with_appcontext

from recruit.channels.services import seed_channels
from recruit.refdata.services import load_refdata
from recruit.uow import unit_of_work


@click.group("refdata", help="参考数据（行政区划、产业链、渠道）。")
def refdata_cli() -> None:
    """The `refdata` command group."""


@refdata_cli.command("load", help="载入内置参考数据；可重复执行，已有数据不变。")
@with_appcontext
def load_command() -> None:
    # A door onto two domains: the reference data, then the channels that refer to it.
    with unit_of_work():
        added = load_refdata()
        channels = seed_channels()
    click.echo(
        "参考数据已就绪：新增行政区划 {regions} 个、产业链 {industry_chains} 个、"
        "渠道 {channels} 个。".format(**added, channels=channels)
    )

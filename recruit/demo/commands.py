"""flask demo …"""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from recruit.cli import CommandError
from recruit.demo.generate import (
    AlreadyGenerated,
    generate_half_year,
    rows_to_write,
    scaled_years,
)
from recruit.demo.services import is_seeded, seed_demo
from recruit.extensions import db
from recruit.formatting import local_today
from recruit.uow import unit_of_work


@click.group("demo", help="演示数据。")
def demo_cli() -> None:
    """The `demo` command group."""


@demo_cli.command("seed", help="载入演示数据和各角色演示账号；可重复执行，不会重复写入。")
@click.option("--if-empty", is_flag=True, help="数据库中已有演示账号时什么也不做。")
@with_appcontext
def seed_command(if_empty: bool) -> None:
    if if_empty and is_seeded():
        click.echo("演示数据已存在，未做改动。")
        return
    with unit_of_work():
        result = seed_demo()
    if not result.created:
        click.echo("演示数据已存在，未做改动。")
        return
    labels = {
        "employers": "企业",
        "positions": "岗位",
        "users": "账号",
        "fairs": "招聘会",
        "participations": "参会记录",
        "seeker_tallies": "入场计数",
        "tentative_hires": "就业意向",
    }
    parts = [f"{labels.get(k, k)} {v}" for k, v in result.created.items()]
    click.echo("已载入演示数据：" + "，".join(parts) + "。")
    if result.accounts:
        click.echo("演示账号（仅本次显示）：")
        for username, password, role in result.accounts:
            click.echo(f"  {role:<8} 用户名 {username:<10} 密码 {password}")


@demo_cli.command("generate", help="生成半年规模的演示数据（1—6月），用于报表与性能测试。")
@click.option(
    "--profile",
    type=click.Choice(["half-year"]),
    default="half-year",
    show_default=True,
    help="数据规模。",
)
@click.option("--year", type=int, default=None, help="年份，默认为今年。")
@click.option(
    "--scale",
    type=click.IntRange(1, 20),
    default=1,
    show_default=True,
    help="规模倍数：生成截至该年的连续 N 年的上半年数据（N 倍数据量）。",
)
@with_appcontext
def generate_command(profile: str, year: int | None, scale: int) -> None:
    year = year or local_today().year
    if not 2000 <= year <= 2100:
        raise CommandError("--year 年份应在 2000 至 2100 之间。")
    if year - scale + 1 < 2000:
        raise CommandError("--scale 倍数过大：最早的年份不能早于 2000 年。")
    for one_year in scaled_years(year, scale):
        _generate_year(one_year, profile)
    if db.engine.dialect.name == "postgresql":
        # Fresh statistics after a bulk load, so the planner sees the new row counts.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def _generate_year(year: int, profile: str) -> None:
    """Write one year's first half and commit it; say so if it exists already."""
    try:
        with (
            click.progressbar(
                length=rows_to_write(profile), label=f"生成{year}年上半年数据"
            ) as bar,
            unit_of_work(),
        ):
            result = generate_half_year(year, progress=bar.update, profile=profile)
    except AlreadyGenerated:
        click.echo(f"{year}年上半年的生成数据已存在，未做改动。")
        return
    labels = {
        "employers": "企业",
        "positions": "岗位",
        "fairs": "招聘会",
        "participations": "参会记录",
        "fair_positions": "参会岗位",
        "seeker_tallies": "入场计数",
        "tentative_hires": "就业意向",
    }
    parts = [f"{labels.get(k, k)} {v}" for k, v in result.counts.items()]
    click.echo("已生成：" + "，".join(parts) + "。")
    if result.other_fairs:
        click.echo(
            f"注意：该时段内原有 {result.other_fairs} 场已举办的招聘会，报表数字将包含它们。"
        )

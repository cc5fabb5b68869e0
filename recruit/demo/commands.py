"""flask demo …"""

import click
from flask.cli import with_appcontext

from recruit.demo.services import is_seeded, seed_demo
from recruit.extensions import db


@click.group("demo", help="演示数据。")
def demo_cli() -> None:
    pass


@demo_cli.command("seed", help="载入演示数据和各角色演示账号；可重复执行，不会重复写入。")
@click.option("--if-empty", is_flag=True, help="数据库中已有演示账号时什么也不做。")
@with_appcontext
def seed_command(if_empty: bool) -> None:
    if if_empty and is_seeded():
        click.echo("演示数据已存在，未做改动。")
        return
    result = seed_demo()
    db.session.commit()
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

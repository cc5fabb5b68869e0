"""flask jobs run"""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from jobs import run_scheduler


@click.group("jobs", help="定时任务。")
def jobs_cli() -> None:
    """The `jobs` command group."""


@jobs_cli.command(
    "run", help="启动定时任务进程（每周渠道同步、每日岗位过期和清理、每周结果提醒）。"
)
@with_appcontext
def run_command() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    click.echo("定时任务进程已启动（时区 Asia/Shanghai），Ctrl-C 停止。")
    run_scheduler(current_app._get_current_object())

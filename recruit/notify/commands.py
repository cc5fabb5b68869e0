"""flask notify send | outbox"""

import click
from flask.cli import with_appcontext

from recruit.formatting import local_datetime
from recruit.notify.delivery import deliver_pending, newest_entries


@click.group("notify", help="消息通知（短信、邮件）。")
def notify_cli() -> None:
    """The `notify` command group."""


@notify_cli.command("send", help="立即发送到期的待发消息（定时任务每分钟也会执行）。")
@with_appcontext
def send_command() -> None:
    report = deliver_pending()
    click.echo(
        f"已发送 {report.sent} 条，稍后重试 {report.retrying} 条，"
        f"放弃 {report.failed} 条，其他进程正在处理 {report.skipped} 条。"
    )


@notify_cli.command("outbox", help="列出最近的消息（含正文），最新的在前。")
@click.option("--limit", default=20, show_default=True, help="最多列出多少条。")
@with_appcontext
def outbox_command(limit: int) -> None:
    entries = newest_entries(limit)
    if not entries:
        click.echo("发件箱为空。")
        return
    for entry in entries:
        row, text = entry.row, entry.text
        created = local_datetime(row.created_at)
        click.echo(
            f"#{row.id} {created} {row.channel.label} → {entry.address} [{row.template}] "
            f"{row.state.label}（{row.provider or '未发送'}，尝试 {row.attempts} 次）"
        )
        if row.last_error:
            click.echo(f"  错误：{row.last_error}")
        if text is None:
            click.echo("  （已由短信网关或邮件服务器发送，正文不在此显示）")
        else:
            if text.subject:
                click.echo(f"  主题：{text.subject}")
            for line in text.body.splitlines():
                click.echo(f"  {line}")
        click.echo("")

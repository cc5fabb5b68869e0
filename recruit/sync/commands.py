"""flask sync run|status|reconcile|resend|verify and flask portal-sandbox"""

import click
from flask.cli import with_appcontext

from recruit.auth.actors import system
from recruit.channels.ledger import latest_runs, next_attempts, posting_counts
from recruit.channels.services import (
    get_channel,
    list_channels,
    reconcile_all,
    resend_channel,
    sync_now,
    verify_channel,
)
from recruit.cli import CommandError
from recruit.errors import NotFound, ServiceError
from recruit.formatting import local_datetime
from recruit.sync.runs import progress_text
from recruit.sync.sandbox import Faults, SandboxServer, SandboxState
from recruit.uow import unit_of_work

#: Who the `sync` commands act as, in the audit log and on the runs they start.
ACTOR = system("command")

COUNT_LABELS = (
    ("created", "新增"),
    ("updated", "更新"),
    ("withdrawn", "撤下"),
    ("unchanged", "未变"),
    ("failed", "失败"),
    ("skipped", "跳过"),
)


@click.group("sync", help="渠道同步。")
def sync_cli() -> None:
    """The `sync` command group."""


def _summary_table(runs) -> None:
    header = f"{'渠道':<8}{'结果':<8}" + "".join(f"{label:<6}" for _k, label in COUNT_LABELS)
    click.echo(header)
    for channel, run in runs:
        if run is None:
            click.echo(f"{channel.code:<8}未运行")
            continue
        line = f"{channel.code:<8}{run.status.label:<8}" + "".join(
            f"{getattr(run, key):<8}" for key, _label in COUNT_LABELS
        )
        click.echo(line)
        click.echo(f"    {progress_text(run)}")
        for error in (run.errors or [])[-5:]:
            ref = f"{error['ref']}：" if error.get("ref") else ""
            click.echo(f"    {ref}{error['message']}")


def _channel(code: str):
    try:
        return get_channel(ACTOR, code)
    except NotFound:
        raise CommandError(f"没有代码为 {code} 的渠道") from None


def _with_progress(label: str, work):
    """Run work(progress) under a progress bar that follows the run's items."""
    bar = click.progressbar(length=1, label=label, show_pos=True)
    with bar:

        def progress(done, total):
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        return work(progress)


@sync_cli.command("run", help="立即同步已启用的渠道（或指定渠道），与定时任务共用同一把锁。")
@click.option("--channel", "code", help="只同步这个渠道（代码，如 xjy）。")
@click.option("--dry-run", is_flag=True, help="只统计将要发送的内容，不发送、不改状态。")
@click.option("--force", is_flag=True, help="连同失败的岗位一起重新核对（内容未变的仍不发送）。")
@with_appcontext
def run_command(code, dry_run, force) -> None:
    if code:
        channels = [_channel(code)]
    else:
        channels = [channel for channel in list_channels(ACTOR) if channel.is_scheduled]
        if not channels:
            raise CommandError("没有已启用的渠道")
    results = []
    refusals = []
    for channel in channels:
        click.echo(f"同步 {channel.code}（{channel.name}）…")
        try:
            run = _with_progress(
                "进度",
                lambda progress, channel=channel: sync_now(
                    channel, by=ACTOR, dry_run=dry_run, force=force, progress=progress
                ),
            )
        except ServiceError as refusal:
            refusals.append(refusal.message)
            run = None
        results.append((channel, run))
    click.echo("")
    _summary_table(results)
    unfinished = [
        c.code for c, run in results if run is not None and run.status.value != "completed"
    ]
    failed = [c.code for c, run in results if run is not None and run.failed]
    if unfinished:
        click.echo("未完成同步的渠道：" + "、".join(unfinished), err=True)
    if failed:
        click.echo("有失败条目的渠道：" + "、".join(failed), err=True)
    if refusals:
        raise CommandError("；".join(dict.fromkeys(refusals)))
    if unfinished or failed:
        raise SystemExit(1)


@sync_cli.command("resend", help="把渠道应有的全部岗位重新完整发送（对方丢失数据时使用）。")
@click.option("--channel", "code", required=True, help="渠道代码，如 xjy。")
@with_appcontext
def resend_command(code) -> None:
    channel = _channel(code)
    try:
        with unit_of_work():
            count = resend_channel(channel, by=ACTOR)
    except ServiceError as refusal:
        raise CommandError(refusal.message) from None
    click.echo(f"{channel.code}：{count} 个岗位已改为待同步，现在发送…")
    try:
        run = _with_progress(
            "进度", lambda progress: sync_now(channel, by=ACTOR, progress=progress)
        )
    except ServiceError as refusal:
        raise CommandError(f"{refusal.message}（岗位已标记，下一次同步时发送）") from None
    click.echo("")
    _summary_table([(channel, run)])
    if run.status.value != "completed" or run.failed:
        raise SystemExit(1)


@sync_cli.command("verify", help="逐条读取对方保存的岗位（协议 v1 的 GET），不一致的改为待同步。")
@click.option("--channel", "code", required=True, help="渠道代码，如 xjy。")
@with_appcontext
def verify_command(code) -> None:
    channel = _channel(code)
    click.echo(f"核对 {channel.code}（{channel.name}）…")
    try:
        run = _with_progress(
            "进度", lambda progress: verify_channel(channel, by=ACTOR, progress=progress)
        )
    except ServiceError as refusal:
        raise CommandError(refusal.message) from None
    click.echo("")
    click.echo(
        f"{channel.code}：{run.status.label}，核对 {run.processed} 条，一致 {run.unchanged}，"
        f"不一致 {run.updated}（已改为待同步），无法核对 {run.failed}，未核对 {run.skipped}"
    )
    for error in (run.errors or [])[-5:]:
        ref = f"{error['ref']}：" if error.get("ref") else ""
        click.echo(f"    {ref}{error['message']}")
    if run.updated:
        click.echo(
            f"运行 flask --app wsgi sync run --channel {channel.code} 立即发送，或等待定时同步。"
        )
    if run.status.value != "completed" or run.failed:
        raise SystemExit(1)


@sync_cli.command("status", help="各渠道最近一次运行和岗位状态统计。")
@with_appcontext
def status_command() -> None:
    runs = latest_runs(ACTOR)
    counts = posting_counts(ACTOR)
    retries = next_attempts(ACTOR)
    for channel in list_channels(ACTOR):
        state = "启用" if channel.enabled else "停用"
        click.echo(f"{channel.code}（{channel.name}，{state}，{channel.schedule}）")
        c = counts.get(channel.id, {})
        click.echo(
            f"  岗位：待同步 {c.get('pending', 0)}，已同步 {c.get('synced', 0)}，"
            f"失败 {c.get('failed', 0)}，已撤下 {c.get('withdrawn', 0)}"
        )
        last = (runs.get(channel.id) or [None])[0]
        if last is None:
            click.echo("  最近运行：无")
        else:
            counts_text = "，".join(f"{label} {getattr(last, key)}" for key, label in COUNT_LABELS)
            click.echo(
                f"  最近运行：{local_datetime(last.started_at)} {last.trigger.label} "
                f"{last.status.label}（{counts_text}；{progress_text(last)}）"
            )
        retry = retries.get(channel.id)
        if retry is not None:
            click.echo(f"  下次自动重试：{local_datetime(retry.next_attempt_at)}（{retry.week}）")


@sync_cli.command("reconcile", help="全量核对各渠道应发布的岗位（首次运行前使用）。")
@with_appcontext
def reconcile_command() -> None:
    with unit_of_work():
        changed = reconcile_all(by=ACTOR)
    for code, n in changed.items():
        click.echo(f"{code}：{n} 条待同步状态已更新")


@click.command("portal-sandbox", help="启动协议 v1 的参考接收端（内存存储，仅监听 127.0.0.1）。")
@click.option("--port", default=8765, show_default=True, type=int, help="端口。")
@click.option(
    "--token", help="要求的 Bearer 令牌（所有请求都检查，含 /postings 和 /stats）；不设则不检查。"
)
@click.option(
    "--latency-ms", default=0.0, type=float, help="每个请求额外延迟的毫秒数（模拟远端门户）。"
)
@click.option("--fail-rate", default=0.0, type=float, help="随机返回 500 的比例（0–1）。")
@click.option("--throttle-rate", default=0.0, type=float, help="随机返回 429 的比例（0–1）。")
@click.option("--retry-after", default=1.0, type=float, help="429 的 Retry-After 秒数。")
@click.option("--drop-rate", default=0.0, type=float, help="处理前随机断开连接的比例（0–1）。")
@click.option(
    "--lost-reply-rate", default=0.0, type=float, help="已处理、但断开连接不回复的比例（0–1）。"
)
@click.option("--stall-rate", default=0.0, type=float, help="随机停顿的比例（0–1）。")
@click.option("--stall", default=1.5, type=float, show_default=True, help="停顿的秒数。")
@click.option(
    "--delay", default=0.0, type=float, help="每个请求延迟的秒数（与 --latency-ms 相加）。"
)
@click.option("--seed", type=int, help="随机数种子（复现故障序列）。")
@click.option("--verbose", is_flag=True, help="打印每个请求。")
def sandbox_command(port, token, latency_ms, fail_rate, throttle_rate, retry_after, drop_rate,
                    lost_reply_rate, stall_rate, stall, delay, seed, verbose) -> None:  # fmt: skip
    faults = Faults(
        fail_rate=fail_rate,
        throttle_rate=throttle_rate,
        retry_after=retry_after,
        drop_rate=drop_rate,
        latency=latency_ms / 1000 + delay,
        seed=seed,
        lost_reply_rate=lost_reply_rate,
        stall_rate=stall_rate,
        stall=stall,
    )
    server = SandboxServer(("127.0.0.1", port), SandboxState(token, faults), quiet=not verbose)
    click.echo(f"参考接收端已启动：{server.base_url}（GET /postings 查看内容，Ctrl-C 停止）")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("已停止。")
    finally:
        server.server_close()

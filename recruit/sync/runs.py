"""The run ledger: the channel's lock, queued and weekly runs, takeovers and follow-ups.

One SyncRun row per run; a weekly run's row is unique per (channel, ISO week) and is reused by
that week's takeovers and follow-ups, so the week happens once however many schedulers there
are and completes without anyone pressing a button.
"""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from recruit.auth.actors import Actor
from recruit.channels.models import (
    UNFINISHED,
    Channel,
    ChannelPosting,
    PostingState,
    SyncRun,
    SyncStatus,
    SyncTrigger,
)
from recruit.db_types import utcnow
from recruit.errors import Conflict
from recruit.extensions import db
from recruit.formatting import local_datetime

logger = logging.getLogger(__name__)

#: At most this many per-item messages are kept on a run.
MAX_RUN_ERRORS = 200
#: A run's counters, reset when a weekly row is tried again.
COUNTERS = (
    "created",
    "updated",
    "withdrawn",
    "unchanged",
    "failed",
    "skipped",
    "total",
    "processed",
    "sent",
    "pending",
)

ALREADY_QUEUED = "已有一次同步在排队，请稍候。"


def add_error(run: SyncRun, message: str, ref: str | None = None) -> None:
    """Append a message to the run's journal (per-item ones only up to MAX_RUN_ERRORS)."""
    if len(run.errors or []) >= MAX_RUN_ERRORS and ref is not None:
        return
    entry = {"at": utcnow().isoformat(timespec="seconds"), "message": message}
    if ref is not None:
        entry["ref"] = ref
    # A new list, so that the JSON column is seen as changed.
    run.errors = [*(run.errors or []), entry]


def is_stale(run: SyncRun, now: datetime | None = None) -> bool:
    """Whether a running row's heartbeat is too old: its process is gone, it may be taken."""
    now = now or utcnow()
    beat = run.heartbeat_at or run.started_at
    return beat < now - timedelta(seconds=current_app.config["SYNC_STALE_AFTER"])


def _lock(channel_id: int) -> None:
    """Start a transaction holding the channel's row: concurrent starters wait for it."""
    # End the caller's transaction so that the lock is the first statement of a new one.
    db.session.commit()
    db.session.execute(
        sa.update(Channel).where(Channel.id == channel_id).values(updated_at=Channel.updated_at)
    )


def _reset(run: SyncRun, trigger: SyncTrigger, now: datetime) -> None:
    for name in COUNTERS:
        setattr(run, name, 0)
    run.status = SyncStatus.RUNNING
    run.trigger = trigger
    # Each attempt says when it started; the journal keeps the earlier ones.
    run.started_at = now
    run.heartbeat_at = now
    run.finished_at = None
    run.next_attempt_at = None


def start_run(
    channel: Channel,
    trigger: SyncTrigger,
    *,
    week: str | None = None,
    by: Actor,
    dry_run: bool = False,
    force: bool = False,
    queued: SyncRun | None = None,
) -> SyncRun:
    """Take the channel's lock and return a running SyncRun row, committed.

    The lock is the channel row itself: a write to it serializes concurrent starters on both
    databases. Inside it, a running row with a fresh heartbeat refuses the start (Conflict); a
    stale one is taken over (a weekly row is run again in place, any other is marked failed).
    A weekly run is unique per (channel, ISO week): a completed week is not run again unless
    forced (Conflict). `queued` starts a run that waited in the queue.
    """
    channel_id = channel.id
    _lock(channel_id)
    now = utcnow()
    running = db.session.scalars(
        sa.select(SyncRun).where(
            SyncRun.channel_id == channel_id, SyncRun.status == SyncStatus.RUNNING
        )
    ).all()
    for other in running:
        if not is_stale(other, now):
            db.session.rollback()
            raise Conflict(f"渠道正在同步中（第 {other.id} 次运行），请稍后再试")
        if week is not None and other.week == week:
            continue  # taken over below
        _give_up(other, now, "心跳超时，视为中断，已由新的运行接管")
    if queued is not None:
        run = db.session.get(SyncRun, queued.id)
        if run is None or run.status is not SyncStatus.QUEUED:
            db.session.rollback()
            raise Conflict("这次同步已经开始或已取消。")
        _reset(run, SyncTrigger.MANUAL, now)
    elif week is not None:
        run = db.session.scalar(
            sa.select(SyncRun).where(SyncRun.channel_id == channel_id, SyncRun.week == week)
        )
        # A newer week supersedes the follow-ups of older ones.
        db.session.execute(
            sa.update(SyncRun)
            .where(
                SyncRun.channel_id == channel_id,
                SyncRun.week.is_not(None),
                SyncRun.week < week,
                SyncRun.next_attempt_at.is_not(None),
            )
            .values(next_attempt_at=None)
        )
        if run is not None:
            if run.status is SyncStatus.COMPLETED and not force:
                db.session.rollback()
                raise Conflict(f"本周（{week}）的同步已完成")
            took_over = run.status is SyncStatus.RUNNING
            if took_over:
                # What the dead attempt had done by its last heartbeat, before the reset.
                add_error(
                    run,
                    f"接管中断的运行（已处理 {run.processed}/{run.total}，已发送 {run.sent}，"
                    f"已确认 {run.acknowledged}）",
                )
            else:
                add_error(run, f"第 {run.follow_ups + 2} 次运行本周同步（{trigger.label}）")
            run.follow_ups += 1
            _reset(run, trigger, now)
            run.dry_run = dry_run
            run.force = force
    else:
        run = None
    if run is None:
        run = SyncRun(
            channel_id=channel_id,
            trigger=trigger,
            week=week,
            status=SyncStatus.RUNNING,
            dry_run=dry_run,
            force=force,
            started_at=now,
            heartbeat_at=now,
            started_by_id=getattr(by, "id", None),
            errors=[],
        )
        db.session.add(run)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(f"本周（{week}）的同步已由其他进程开始") from None
    return run


def _give_up(run: SyncRun, now: datetime, message: str) -> None:
    """Mark a dead run failed; a weekly one gets its follow-up at once."""
    run.status = SyncStatus.FAILED
    run.finished_at = now
    if run.week is not None:
        run.next_attempt_at = now
    add_error(run, message)


def queue_run(channel: Channel, *, by: Actor, dry_run: bool, force: bool) -> SyncRun:
    """Add a manual run to the queue the scheduler process takes runs from (not committed).

    Raises Conflict when one is already waiting.
    """
    waiting = db.session.scalar(
        sa.select(SyncRun.id).where(
            SyncRun.channel_id == channel.id, SyncRun.status == SyncStatus.QUEUED
        )
    )
    if waiting is not None:
        raise Conflict(ALREADY_QUEUED)
    run = SyncRun(
        channel_id=channel.id,
        trigger=SyncTrigger.MANUAL,
        status=SyncStatus.QUEUED,
        dry_run=dry_run,
        force=force,
        started_at=utcnow(),
        started_by_id=getattr(by, "id", None),
        errors=[],
    )
    db.session.add(run)
    db.session.flush()
    return run


def queued_run(channel: Channel) -> SyncRun | None:
    """Return the channel's oldest run waiting in the queue."""
    return db.session.scalar(
        sa.select(SyncRun)
        .where(SyncRun.channel_id == channel.id, SyncRun.status == SyncStatus.QUEUED)
        .order_by(SyncRun.id)
        .limit(1)
    )


def cancel_queued(channel: Channel, message: str) -> int:
    """Fail the channel's queued runs with this message (not committed); return how many."""
    runs = db.session.scalars(
        sa.select(SyncRun).where(
            SyncRun.channel_id == channel.id, SyncRun.status == SyncStatus.QUEUED
        )
    ).all()
    for run in runs:
        run.status = SyncStatus.FAILED
        run.finished_at = utcnow()
        add_error(run, message)
    return len(runs)


def stale_runs(channel: Channel, now: datetime | None = None) -> list[SyncRun]:
    """Return the channel's running rows whose process is gone."""
    running = db.session.scalars(
        sa.select(SyncRun).where(
            SyncRun.channel_id == channel.id, SyncRun.status == SyncStatus.RUNNING
        )
    ).all()
    return [run for run in running if is_stale(run, now)]


def release_dead_runs(channel: Channel, now: datetime | None = None) -> int:
    """Mark the channel's dead runs failed (not committed); return how many.

    A weekly one gets its follow-up at once, in the same ledger row.
    """
    now = now or utcnow()
    dead = stale_runs(channel, now)
    for run in dead:
        _give_up(run, now, "心跳超时，视为中断")
    return len(dead)


def week_run(channel: Channel, week: str) -> SyncRun | None:
    """Return the channel's ledger row of this ISO week, if any."""
    return db.session.scalar(
        sa.select(SyncRun).where(SyncRun.channel_id == channel.id, SyncRun.week == week)
    )


def follow_up_delay(run: SyncRun, retry_after: float | None) -> float:
    """Return the seconds before an unfinished weekly run tries again.

    The portal's Retry-After when it asked for one; else 5 min, 15 min, 1 h, then every 4 h
    (SYNC_FOLLOW_UPS), by how many times the week was already tried again.
    """
    if retry_after is not None:
        return retry_after
    steps = current_app.config["SYNC_FOLLOW_UPS"]
    return float(steps[min(run.follow_ups, len(steps) - 1)])


def pending_count(channel_id: int) -> int:
    """Return how many of the channel's rows wait to be sent."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ChannelPosting)
        .where(
            ChannelPosting.channel_id == channel_id, ChannelPosting.state == PostingState.PENDING
        )
    )


def progress_text(run: SyncRun) -> str:
    """Return what an unfinished run did: sent, acknowledged, pending."""
    return f"已发送 {run.sent}，已确认 {run.acknowledged}，待同步 {run.pending}"


def finish_run(run: SyncRun, retry_after: float | None = None) -> SyncRun:
    """Settle the run's status and, for an unfinished weekly run, its follow-up (committed).

    The status is already STOPPED or FAILED when the run ended so; otherwise it is COMPLETED
    when nothing of the channel is left pending, INCOMPLETE when something is (an item that
    failed for now, or changed while the run went).
    """
    now = utcnow()
    if not run.dry_run:
        run.pending = pending_count(run.channel_id)
    if run.status is SyncStatus.RUNNING:
        run.status = SyncStatus.INCOMPLETE if run.pending else SyncStatus.COMPLETED
    run.finished_at = now
    run.heartbeat_at = now
    if run.status in UNFINISHED:
        note = f"{run.status.label}：{progress_text(run)}"
        if run.week is not None and not run.dry_run:
            run.next_attempt_at = now + timedelta(seconds=follow_up_delay(run, retry_after))
            note += f"；{local_datetime(run.next_attempt_at)} 自动重试"
            # Items left pending say when they go out again.
            db.session.execute(
                sa.update(ChannelPosting)
                .where(
                    ChannelPosting.channel_id == run.channel_id,
                    ChannelPosting.state == PostingState.PENDING,
                )
                .values(next_attempt_at=run.next_attempt_at)
            )
        add_error(run, note)
    else:
        run.next_attempt_at = None
    db.session.commit()
    return run

"""The reconcile run: deliver each channel's pending rows, one item per transaction."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from recruit.channels.models import (
    Channel,
    ChannelPosting,
    Desired,
    PostingState,
    SyncRun,
    SyncStatus,
    SyncTrigger,
)
from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.formatting import to_local
from recruit.positions.models import Position
from recruit.sync.connectors import (
    ChannelStopped,
    ItemResult,
    Planned,
    TransientError,
    get_connector,
)
from recruit.sync.desired import refresh_desired
from recruit.sync.documents import (
    apply_field_map,
    build_document,
    document_hash,
    encode_document,
    fairs_of,
)

logger = logging.getLogger(__name__)

#: This many failed items in a row open the circuit: the channel's run stops.
CIRCUIT_THRESHOLD = 5
#: At most this many per-item messages are kept on a run.
MAX_RUN_ERRORS = 200

Progress = Callable[[int, int], None]


class RunRefused(Exception):
    """The run cannot start: another run holds the channel, or this week's run is done."""


def iso_week(moment: datetime) -> str:
    """Return the ISO week of an instant in Asia/Shanghai, e.g. "2026-W47"."""
    year, week, _day = to_local(moment).isocalendar()
    return f"{year}-W{week:02d}"


def _add_error(run: SyncRun, message: str, ref: str | None = None) -> None:
    if len(run.errors or []) >= MAX_RUN_ERRORS and ref is not None:
        return
    entry = {"at": utcnow().isoformat(timespec="seconds"), "message": message}
    if ref is not None:
        entry["ref"] = ref
    # A new list, so that the JSON column is seen as changed.
    run.errors = [*(run.errors or []), entry]


def start_run(
    channel: Channel,
    trigger: SyncTrigger,
    *,
    week: str | None = None,
    by=None,
    dry_run: bool = False,
    force: bool = False,
) -> SyncRun:
    """Take the channel's lock and return a running SyncRun row, committed.

    The lock is the channel row itself: a write to it serializes concurrent starters on both
    databases. Inside it, a running row with a fresh heartbeat refuses the start; a stale one
    is taken over. A weekly (scheduled or catch-up) run is unique per (channel, ISO week):
    a completed week is not run again unless forced.
    """
    channel_id = channel.id
    # End the caller's transaction so that the lock is the first statement of a new one.
    db.session.commit()
    db.session.execute(
        sa.update(Channel).where(Channel.id == channel_id).values(updated_at=Channel.updated_at)
    )
    now = utcnow()
    stale_before = now - timedelta(seconds=current_app.config["SYNC_STALE_AFTER"])
    running = db.session.scalars(
        sa.select(SyncRun).where(
            SyncRun.channel_id == channel_id, SyncRun.status == SyncStatus.RUNNING
        )
    ).all()
    for other in running:
        beat = other.heartbeat_at or other.started_at
        if beat >= stale_before:
            db.session.rollback()
            raise RunRefused(f"渠道正在同步中（第 {other.id} 次运行），请稍后再试")
        if week is not None and other.week == week:
            continue  # taken over below
        other.status = SyncStatus.FAILED
        other.finished_at = now
        _add_error(other, "心跳超时，视为中断，已由新的运行接管")
    run = None
    if week is not None:
        run = db.session.scalar(
            sa.select(SyncRun).where(SyncRun.channel_id == channel_id, SyncRun.week == week)
        )
        if run is not None:
            if run.status is SyncStatus.COMPLETED and not force:
                db.session.rollback()
                raise RunRefused(f"本周（{week}）的同步已完成")
            _add_error(
                run,
                "接管中断的运行" if run.status is SyncStatus.RUNNING else "重新运行本周同步",
            )
            run.status = SyncStatus.RUNNING
            run.trigger = trigger
            run.heartbeat_at = now
            run.finished_at = None
            run.dry_run = dry_run
    if run is None:
        run = SyncRun(
            channel_id=channel_id,
            trigger=trigger,
            week=week,
            status=SyncStatus.RUNNING,
            dry_run=dry_run,
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
        raise RunRefused(f"本周（{week}）的同步已由其他进程开始") from None
    return run


@dataclass
class _Plan:
    row_id: int
    position_id: int
    ref: str
    desired: Desired


def _item_ids(channel: Channel, force: bool) -> tuple[list[int], int]:
    """Return the rows to reconcile, in id order, and how many failed ones are left alone."""
    states = [PostingState.PENDING]
    if force:
        states += [PostingState.SYNCED, PostingState.FAILED]
    ids = list(
        db.session.scalars(
            sa.select(ChannelPosting.id)
            .where(ChannelPosting.channel_id == channel.id, ChannelPosting.state.in_(states))
            .order_by(ChannelPosting.id)
        )
    )
    left_failed = 0
    if not force:
        left_failed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ChannelPosting)
            .where(
                ChannelPosting.channel_id == channel.id,
                ChannelPosting.state == PostingState.FAILED,
            )
        )
    return ids, left_failed


def _load_row(row_id: int) -> ChannelPosting:
    return db.session.scalar(
        sa.select(ChannelPosting)
        .where(ChannelPosting.id == row_id)
        .options(so.joinedload(ChannelPosting.position).joinedload(Position.employer))
    )


def _document(channel: Channel, position: Position, fairs=None) -> tuple[dict, bytes, str]:
    document = apply_field_map(
        build_document(position, fairs), (channel.settings or {}).get("field_map")
    )
    body = encode_document(document)
    return document, body, document_hash(body)


def _holds(row: ChannelPosting, digest: str) -> bool:
    """Return whether the channel already holds exactly this document."""
    return row.payload_hash == digest and row.state in (PostingState.PENDING, PostingState.SYNCED)


def _record_synced(row: ChannelPosting, position: Position, digest: str, result=None) -> None:
    now = utcnow()
    row.state = PostingState.SYNCED
    row.delivered_revision = position.revision
    row.payload_hash = digest
    if result is not None:
        row.remote_id = result.remote_id or row.remote_id
        row.remote_url = result.remote_url or row.remote_url
        row.last_attempt_at = now
    row.synced_at = now
    row.attempts = 0
    row.last_error = None
    row.failed_revision = None
    row.next_attempt_at = None


def _record_withdrawn(row: ChannelPosting, sent: bool) -> None:
    now = utcnow()
    row.state = PostingState.WITHDRAWN
    row.payload_hash = None
    row.remote_id = None
    row.remote_url = None
    row.synced_at = now
    if sent:
        row.last_attempt_at = now
    row.attempts = 0
    row.last_error = None
    row.failed_revision = None
    row.next_attempt_at = None


def execute_run(run: SyncRun, *, force: bool = False, progress: Progress | None = None) -> SyncRun:
    """Reconcile the channel's rows for a started run, then finish the run row.

    Each item is delivered and recorded in its own transaction, with the run's counts and
    heartbeat, so a crash loses nothing already acknowledged and repeats nothing.
    """
    channel = db.session.get(Channel, run.channel_id)
    ids: list[int] = []
    try:
        refresh_desired(channel)
        db.session.commit()
        ids, left_failed = _item_ids(channel, force)
        run.skipped += left_failed
        db.session.commit()
        connector_cls = get_connector(channel.kind)
        if connector_cls.batch:
            _run_batch(run, channel, connector_cls, ids, progress)
        else:
            _run_items(run, channel, connector_cls, ids, progress)
    except ChannelStopped as stop:
        db.session.rollback()
        run.status = SyncStatus.STOPPED
        run.skipped += len(ids)
        _add_error(run, str(stop))
    except Exception as error:  # the run row must say it failed, whatever happened
        logger.exception("Sync run %s failed", run.id)
        db.session.rollback()
        run.status = SyncStatus.FAILED
        _add_error(run, f"内部错误：{error.__class__.__name__}")
    if run.status is SyncStatus.RUNNING:
        run.status = SyncStatus.COMPLETED
    run.finished_at = utcnow()
    run.heartbeat_at = run.finished_at
    db.session.commit()
    logger.info(
        "Sync run %s of channel %s: %s, created %d updated %d withdrawn %d unchanged %d "
        "failed %d skipped %d",
        run.id,
        channel.code,
        run.status.value,
        run.created,
        run.updated,
        run.withdrawn,
        run.unchanged,
        run.failed,
        run.skipped,
    )
    return run


def _run_items(run, channel, connector_cls, ids, progress) -> None:
    total = len(ids)
    consecutive = 0
    dry = run.dry_run
    with connector_cls(channel, current_app.config) if not dry else _NoConnector() as connector:
        for done, row_id in enumerate(ids, start=1):
            row = _load_row(row_id)
            position = row.position
            try:
                ok = _reconcile_item(run, channel, connector, row, position, dry)
            except TransientError as error:
                db.session.rollback()
                row = db.session.get(ChannelPosting, row_id)
                row.attempts += 1
                row.last_attempt_at = utcnow()
                row.last_error = str(error)
                run.failed += 1
                _add_error(run, str(error), position.ref)
                ok = False
            except ChannelStopped as stop:
                db.session.rollback()
                run.skipped += total - done + 1
                run.status = SyncStatus.STOPPED
                _add_error(run, str(stop), position.ref)
                break
            consecutive = 0 if ok else consecutive + 1
            run.heartbeat_at = utcnow()
            if not dry:
                db.session.commit()
            if progress:
                progress(done, total)
            if consecutive >= CIRCUIT_THRESHOLD:
                run.skipped += total - done
                run.status = SyncStatus.STOPPED
                _add_error(run, f"连续 {CIRCUIT_THRESHOLD} 条失败，熔断：本次停止，其余保持待同步")
                break


class _NoConnector:
    """Stands in for a connector in a dry run: nothing is ever sent."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def _reconcile_item(run, channel, connector, row, position, dry) -> bool:
    """Deliver one row; return False when the item failed (for the circuit breaker)."""
    if row.desired is Desired.PUBLISHED:
        _doc, body, digest = _document(channel, position)
        if _holds(row, digest):
            run.unchanged += 1
            if not dry:
                _record_synced(row, position, digest)
            return True
        is_new = row.payload_hash is None
        if dry:
            run.created += is_new
            run.updated += not is_new
            return True
        result: ItemResult = connector.put(position.ref, position.revision, body)
        if result.outcome == "synced":
            _record_synced(row, position, digest, result)
            if is_new:
                run.created += 1
            else:
                run.updated += 1
            return True
    else:
        if dry:
            run.withdrawn += 1
            return True
        result = connector.delete(position.ref)
        if result.outcome == "withdrawn":
            _record_withdrawn(row, sent=True)
            run.withdrawn += 1
            return True
    # The portal refused this revision: failed until the position changes or a retry.
    row.state = PostingState.FAILED
    row.failed_revision = position.revision
    row.attempts += 1
    row.last_attempt_at = utcnow()
    row.last_error = result.message
    run.failed += 1
    _add_error(run, result.message or "对方拒绝", position.ref)
    # A refusal is a healthy answer from the portal: it does not count toward the circuit.
    return True


def _run_batch(run, channel, connector_cls, ids, progress) -> None:
    """Plan every item, deliver the batch at once, then record the items as delivered."""
    total = len(ids)
    rows = [_load_row(row_id) for row_id in ids]
    fairs = fairs_of([row.position_id for row in rows if row.desired is Desired.PUBLISHED])
    upserts: list[Planned] = []
    withdrawals: list[Planned] = []
    outcomes = []
    for row in rows:
        position = row.position
        if row.desired is Desired.PUBLISHED:
            document, _body, digest = _document(channel, position, fairs[position.id])
            if _holds(row, digest):
                outcomes.append((row, "unchanged", digest))
                continue
            upserts.append(Planned(position.ref, document))
            outcomes.append((row, "created" if row.payload_hash is None else "updated", digest))
        else:
            withdrawals.append(Planned(position.ref, extra={"reason": position.status.label}))
            outcomes.append((row, "withdrawn", None))
    if run.dry_run:
        for _row, outcome, _digest in outcomes:
            setattr(run, outcome, getattr(run, outcome) + 1)
        return
    if upserts or withdrawals:
        with connector_cls(channel, current_app.config) as connector:
            run.output_file = connector.deliver(upserts, withdrawals, run.id)
    for done, (row, outcome, digest) in enumerate(outcomes, start=1):
        if outcome == "withdrawn":
            _record_withdrawn(row, sent=False)
        else:
            _record_synced(row, row.position, digest)
        setattr(run, outcome, getattr(run, outcome) + 1)
        if progress:
            progress(done, total)
    run.heartbeat_at = utcnow()
    db.session.commit()


def run_channel_sync(
    channel: Channel,
    trigger: SyncTrigger = SyncTrigger.MANUAL,
    *,
    week: str | None = None,
    by=None,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> SyncRun:
    """Take the lock, reconcile the channel and return the finished run (commits)."""
    run = start_run(channel, trigger, week=week, by=by, dry_run=dry_run, force=force)
    return execute_run(run, force=force, progress=progress)


def latest_runs(limit: int = 1) -> dict[int, list[SyncRun]]:
    """Return the latest runs of every channel, newest first."""
    found: dict[int, list[SyncRun]] = {}
    for channel_id in db.session.scalars(sa.select(Channel.id)):
        found[channel_id] = list(
            db.session.scalars(
                sa.select(SyncRun)
                .where(SyncRun.channel_id == channel_id)
                .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
                .limit(limit)
            )
        )
    return found


def posting_counts(channel_id: int | None = None) -> dict[int, dict[str, int]]:
    """Return how many rows each channel has in each state."""
    query = sa.select(ChannelPosting.channel_id, ChannelPosting.state, sa.func.count()).group_by(
        ChannelPosting.channel_id, ChannelPosting.state
    )
    if channel_id is not None:
        query = query.where(ChannelPosting.channel_id == channel_id)
    counts: dict[int, dict[str, int]] = {}
    for cid, state, n in db.session.execute(query):
        counts.setdefault(cid, {})[PostingState(state).value] = n
    return counts


def retry_posting(row: ChannelPosting, *, by=None) -> None:
    """Put a failed row back to pending, so that the next run sends it again."""
    row.state = PostingState.PENDING
    row.failed_revision = None
    row.attempts = 0
    row.next_attempt_at = None
    from recruit.audit.services import record_audit

    record_audit("channel_posting.retry", row, by=by, summary={"channel_id": row.channel_id})


def channel_states_for(position: Position) -> list[dict]:
    """Return the position's state on every channel, for its page."""
    rows = {
        row.channel_id: row
        for row in db.session.scalars(
            sa.select(ChannelPosting).where(ChannelPosting.position_id == position.id)
        )
    }
    states = []
    for channel in db.session.scalars(sa.select(Channel).order_by(Channel.id)):
        states.append({"channel": channel, "row": rows.get(channel.id)})
    return states

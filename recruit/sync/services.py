"""The reconcile run: deliver each channel's rows, one item per transaction.

A run looks at every row that may differ from what the portal holds: the pending ones, and the
synced ones whose document may have changed without anyone saying so (a fair cancelled, the
public address moved): their hashes are compared and only a difference is sent. A no-change
run therefore sends nothing, and the record of what the portal holds is only ever written by
an answer to a request planned from the row as it still is.
"""

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app

from recruit.audit.services import record_audit
from recruit.auth.actors import Actor
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
from recruit.sync.connectors import ChannelStopped, Planned, get_connector
from recruit.sync.delivery import (
    SETTLED,
    SYNCED,
    WITHDRAWN,
    DeliveryLoop,
    Request,
    document_of,
    load_rows,
)
from recruit.sync.desired import refresh_desired
from recruit.sync.documents import apply_field_map, build_document, fairs_of
from recruit.sync.runs import add_error, finish_run, start_run

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def item_ids(channel: Channel, force: bool) -> tuple[list[int], int]:
    """Return the rows a run looks at, in id order, and how many failed ones it leaves alone.

    Pending rows, and published synced rows (their hash is compared, nothing sent when equal);
    with force, failed rows too.
    """
    looked_at = sa.or_(
        ChannelPosting.state == PostingState.PENDING,
        sa.and_(
            ChannelPosting.state == PostingState.SYNCED,
            ChannelPosting.desired == Desired.PUBLISHED,
        ),
    )
    if force:
        looked_at = sa.or_(looked_at, ChannelPosting.state == PostingState.FAILED)
    ids = list(
        db.session.scalars(
            sa.select(ChannelPosting.id)
            .where(ChannelPosting.channel_id == channel.id, looked_at)
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


def execute_run(run: SyncRun, *, progress: Progress | None = None) -> SyncRun:
    """Reconcile the channel's rows for a started run, then finish the run row.

    Each item is recorded in its own transaction (the run's counts and heartbeat follow every
    second), so a crash loses nothing already acknowledged and repeats nothing: at worst the
    items in flight are sent again under the same Idempotency-Key.
    """
    channel = db.session.get(Channel, run.channel_id)
    retry_after = None
    try:
        refresh_desired(channel)
        db.session.commit()
        ids, left_failed = item_ids(channel, run.force)
        run.total = len(ids)
        run.skipped = left_failed
        db.session.commit()
        connector_cls = get_connector(channel.kind)
        if connector_cls.batch:
            _run_batch(run, channel, connector_cls, ids, progress)
        else:
            stop = _run_items(run, channel, connector_cls, ids, progress)
            if stop is not None:
                run.status = SyncStatus.STOPPED
                retry_after = stop.retry_after
    except ChannelStopped as stop:
        db.session.rollback()
        run.status = SyncStatus.STOPPED
        run.skipped += run.total - run.processed
        retry_after = stop.retry_after
        add_error(run, str(stop))
    except Exception as error:  # the run row must say it failed, whatever happened
        logger.exception("Sync run %s failed", run.id)
        db.session.rollback()
        run.status = SyncStatus.FAILED
        add_error(run, f"内部错误：{error.__class__.__name__}: {error}"[:300])
    run = finish_run(run, retry_after)
    logger.info(
        "Sync run %s of channel %s: %s, created %d updated %d withdrawn %d unchanged %d "
        "failed %d skipped %d, sent %d, pending %d",
        run.id,
        channel.code,
        run.status.value,
        run.created,
        run.updated,
        run.withdrawn,
        run.unchanged,
        run.failed,
        run.skipped,
        run.sent,
        run.pending,
    )
    return run


def _run_items(run, channel, connector_cls, ids, progress) -> ChannelStopped | None:
    """Deliver the rows one request each, several in flight; return why it stopped, if so."""
    connector = None if run.dry_run else connector_cls(channel, current_app.config)
    try:
        loop = DeliveryLoop(run, channel, connector, len(ids), progress)
        loop.run_rows(ids)
    finally:
        if connector is not None:
            connector.close()
    run.skipped += loop.total - loop.processed
    if loop.changed_meanwhile:
        add_error(
            run,
            f"{loop.changed_meanwhile} 条岗位在发送期间发生变化，未按旧内容记为已同步，"
            "将在后续运行中按新内容发送",
        )
    db.session.commit()
    return loop.stop


def _run_batch(run, channel, connector_cls, ids, progress) -> None:
    """Plan every item, deliver the batch at once, then record the items as delivered.

    Recorded in one transaction, each only over the row as it was planned.
    """
    total = len(ids)
    rows = [row for start in range(0, total, 200) for row in load_rows(ids[start : start + 200])]
    fairs = fairs_of([row.position_id for row in rows if row.desired is Desired.PUBLISHED])
    upserts: list[Planned] = []
    withdrawals: list[Planned] = []
    outcomes: list[tuple[str, Request]] = []
    for row in rows:
        position = row.position
        request = Request(
            row_id=row.id,
            ref=position.ref,
            method="",
            desired=row.desired.value,
            version=row.desired_version,
            revision=position.revision,
        )
        if row.desired is Desired.PUBLISHED:
            _body, digest = document_of(channel, position, fairs[position.id])
            request.digest = digest
            if row.payload_hash == digest and row.state is not PostingState.FAILED:
                # A synced row needs no write; a pending one is settled as synced.
                if row.state is PostingState.PENDING:
                    outcomes.append(("unchanged", request))
                else:
                    run.unchanged += 1
                continue
            document = apply_field_map(
                build_document(position, fairs[position.id]),
                (channel.settings or {}).get("field_map"),
            )
            upserts.append(Planned(position.ref, document))
            outcomes.append(("created" if row.payload_hash is None else "updated", request))
        else:
            withdrawals.append(Planned(position.ref, extra={"reason": position.status.label}))
            outcomes.append(("withdrawn", request))
    if run.dry_run:
        for outcome, _request in outcomes:
            setattr(run, outcome, getattr(run, outcome) + 1)
        run.processed = total
        return
    if upserts or withdrawals:
        with connector_cls(channel, current_app.config) as connector:
            run.output_file = connector.deliver(upserts, withdrawals, run.id)
        run.sent = len(upserts) + len(withdrawals)
    changed = 0
    settled_before = total - len(outcomes)
    now = utcnow()
    for done, (outcome, request) in enumerate(outcomes, start=settled_before + 1):
        values = request.planned(
            revision=request.revision,
            now=now,
            digest=request.digest,
            remote_id=None,
            remote_url=None,
        )
        statement = {"withdrawn": WITHDRAWN, "unchanged": SETTLED}.get(outcome, SYNCED)
        matched = db.session.execute(statement, values).rowcount
        if matched:
            setattr(run, outcome, getattr(run, outcome) + 1)
        else:
            changed += 1
        run.processed = done
        if progress:
            progress(done, total)
    run.processed = total
    if changed:
        add_error(run, f"{changed} 条岗位在写出期间发生变化，将在后续运行中写出")
    db.session.commit()


def run_channel_sync(
    channel: Channel,
    trigger: SyncTrigger = SyncTrigger.MANUAL,
    *,
    week: str | None = None,
    by: Actor,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> SyncRun:
    """Take the lock, reconcile the channel and return the finished run (commits as it goes).

    Raises Conflict when the run cannot start: another run holds the channel, or this week's
    run is done. Who may start a run is the caller's rule (channels.services).
    """
    run = start_run(channel, trigger, week=week, by=by, dry_run=dry_run, force=force)
    run = execute_run(run, progress=progress)
    if trigger is SyncTrigger.MANUAL:
        _audit_manual(run, channel, by)
    return run


def run_queued(run: SyncRun, *, by: Actor, progress: Progress | None = None) -> SyncRun:
    """Start and finish a run that waited in the queue (the scheduler process does this)."""
    channel = db.session.get(Channel, run.channel_id)
    run = start_run(channel, SyncTrigger.MANUAL, by=by, queued=run)
    return execute_run(run, progress=progress)


def _audit_manual(run: SyncRun, channel: Channel, by: Actor) -> None:
    summary: dict[str, Any] = {"run": run.id, "status": run.status.value, "dry_run": run.dry_run}
    record_audit("channel.sync", channel, by=by, summary=summary)
    db.session.commit()

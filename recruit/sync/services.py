"""The reconcile run: deliver each channel's pending rows, one item per transaction."""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
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
from recruit.errors import Conflict
from recruit.extensions import db
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
    by: Actor,
    dry_run: bool = False,
    force: bool = False,
) -> SyncRun:
    """Take the channel's lock and return a running SyncRun row, committed.

    The lock is the channel row itself: a write to it serializes concurrent starters on both
    databases. Inside it, a running row with a fresh heartbeat refuses the start (Conflict); a
    stale one is taken over. A weekly (scheduled or catch-up) run is unique per (channel, ISO
    week): a completed week is not run again unless forced (Conflict).
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
            raise Conflict(f"渠道正在同步中（第 {other.id} 次运行），请稍后再试")
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
                raise Conflict(f"本周（{week}）的同步已完成")
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
        raise Conflict(f"本周（{week}）的同步已由其他进程开始") from None
    return run


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

    Each item is delivered and recorded in its own transaction (the run's counts and heartbeat
    follow every second), so a crash loses nothing already acknowledged and repeats nothing:
    at worst the item in flight is sent again with the same Idempotency-Key.
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
        _add_error(run, f"内部错误：{error.__class__.__name__}: {error}"[:300])
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


#: Rows are read this many at a time; each is still delivered in its own transaction.
CHUNK = 200
#: The run's counts and heartbeat are written this often (seconds), with an item's commit.
HEARTBEAT_EVERY = 1.0


def _commit_item() -> None:
    """Commit one item's transaction.

    On PostgreSQL the commit does not wait for the WAL flush: a crash of the database server
    could lose the last acknowledgements, and the next run would send those items again with
    the same Idempotency-Key, which the portal answers without applying twice.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL synchronous_commit = off"))
    db.session.commit()


def _load_rows(row_ids: list[int]) -> list[ChannelPosting]:
    return list(
        db.session.scalars(
            sa.select(ChannelPosting)
            .where(ChannelPosting.id.in_(row_ids))
            .options(so.joinedload(ChannelPosting.position).joinedload(Position.employer))
            .order_by(ChannelPosting.id)
        )
    )


def _acknowledge_statement() -> sa.Update:
    """Return the UPDATE recording a synced item, built once with bound parameters."""
    table = ChannelPosting.__table__
    now = sa.bindparam("now", type_=table.c.synced_at.type)
    return (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(
            state=PostingState.SYNCED.value,
            delivered_revision=sa.bindparam("revision", type_=sa.Integer),
            payload_hash=sa.bindparam("digest", type_=sa.String),
            remote_id=sa.func.coalesce(
                sa.bindparam("remote_id", type_=sa.String), table.c.remote_id
            ),
            remote_url=sa.func.coalesce(
                sa.bindparam("remote_url", type_=sa.String), table.c.remote_url
            ),
            last_attempt_at=now,
            synced_at=now,
            updated_at=now,
            attempts=0,
            last_error=None,
            failed_revision=None,
            next_attempt_at=None,
        )
    )


_ACKNOWLEDGE = _acknowledge_statement()


@dataclass
class _Request:
    """One request a row needs: a PUT of its document or a DELETE of its ref."""

    row: ChannelPosting
    ref: str
    revision: int
    method: str
    body: bytes | None = None
    digest: str | None = None
    is_new: bool = False


def _send(connector, request: _Request):
    """Make one request (in the HTTP thread); return (result, error) instead of raising."""
    try:
        if request.method == "PUT":
            return connector.put(request.ref, request.revision, request.body), None
        return connector.delete(request.ref), None
    except (TransientError, ChannelStopped) as error:
        return None, error


class _ItemLoop:
    """Reconcile item rows: the next request travels while the last answer is committed.

    The HTTP thread makes one request at a time through the run's single session; the next
    request is only sent once the previous answer is known, so a 401 or an open circuit stops
    the channel before anything more is sent. Each answered item is then recorded in its own
    transaction in this thread while the next request is in flight.
    """

    def __init__(self, run: SyncRun, channel: Channel, total: int, progress):
        self.run = run
        self.channel = channel
        self.total = total
        self.progress = progress
        self.dry = run.dry_run
        self.counts: dict[str, int] = dict.fromkeys(COUNT_FIELDS, 0)
        self.consecutive = 0
        self.processed = 0
        self.last_beat = time.monotonic()
        self.stopped = False
        self.acknowledged = False
        #: Set when a row was changed through the session (failures), which needs a commit.
        self.orm_changed = False
        self.fast = None

    # -- bookkeeping -----------------------------------------------------------------------

    def open_fast_path(self) -> None:
        """Record acknowledgements on a connection of their own, one autocommit UPDATE each.

        A single-statement transaction per item is the cheapest durable record there is: one
        round trip. On PostgreSQL that connection does not wait for the WAL flush; should the
        database server crash, the last acknowledgements are sent again with the same
        Idempotency-Key, which the portal answers without applying twice. When the session is
        bound to one connection (the test suite's rolled-back transaction) it is used instead.
        """
        self.fast = None
        if self.dry or not isinstance(db.session.get_bind(), sa.engine.Engine):
            return
        self.fast = db.engine.connect()
        if self.fast.dialect.name == "postgresql":
            self.fast = self.fast.execution_options(isolation_level="AUTOCOMMIT")
            self.fast.exec_driver_sql("SET synchronous_commit = off")

    def close_fast_path(self) -> None:
        if getattr(self, "fast", None) is not None:
            if self.fast.dialect.name == "postgresql":
                self.fast.exec_driver_sql("RESET synchronous_commit")
            self.fast.close()
            self.fast = None

    def acknowledge(self, row_id: int, values: dict) -> None:
        """Record a synced item with the one prepared UPDATE."""
        if self.fast is not None:
            if self.fast.dialect.name == "postgresql":
                self.fast.execute(_ACKNOWLEDGE, values)
            else:
                # SQLite begins its transactions itself (see recruit/__init__.py).
                with self.fast.begin():
                    self.fast.execute(_ACKNOWLEDGE, values)
            self.acknowledged = True
        else:
            db.session.execute(_ACKNOWLEDGE, values)

    def flush_counts(self) -> None:
        for key, value in self.counts.items():
            if value:
                setattr(self.run, key, getattr(self.run, key) + value)
        self.counts = dict.fromkeys(COUNT_FIELDS, 0)
        self.run.heartbeat_at = utcnow()
        self.last_beat = time.monotonic()

    def commit(self, wrote: bool) -> None:
        """Commit the item just recorded; counts and heartbeat ride along every second."""
        if self.dry:
            return
        beat = time.monotonic() - self.last_beat > HEARTBEAT_EVERY
        if beat:
            self.flush_counts()
        if self.acknowledged and not beat and not self.orm_changed:
            self.acknowledged = False  # already committed on the fast path
            return
        self.acknowledged = False
        self.orm_changed = False
        if wrote or beat:
            _commit_item()

    def advance(self) -> None:
        self.processed += 1
        if self.progress:
            self.progress(self.processed, self.total)

    def stop(self, message: str, ref: str | None = None) -> None:
        self.stopped = True
        self.counts["skipped"] += self.total - self.processed
        self.run.status = SyncStatus.STOPPED
        _add_error(self.run, message, ref)

    # -- one row ---------------------------------------------------------------------------

    def plan(self, row: ChannelPosting, fairs) -> _Request | None:
        """Decide what a row needs; settle rows that need no request; return the request."""
        position = row.position
        if row.desired is Desired.PUBLISHED:
            _doc, body, digest = _document(self.channel, position, fairs)
            if _holds(row, digest):
                self.counts["unchanged"] += 1
                wrote = not self.dry and not (
                    row.state is PostingState.SYNCED and row.delivered_revision == position.revision
                )
                if wrote:
                    _record_synced(row, position, digest)
                self.commit(wrote)
                self.advance()
                return None
            is_new = row.payload_hash is None
            if self.dry:
                self.counts["created" if is_new else "updated"] += 1
                self.advance()
                return None
            return _Request(row, position.ref, position.revision, "PUT", body, digest, is_new)
        if self.dry:
            self.counts["withdrawn"] += 1
            self.advance()
            return None
        return _Request(row, position.ref, position.revision, "DELETE")

    def settle(self, request: _Request, result: ItemResult | None, error) -> None:
        """Record the answer to a request (not committed yet); open the circuit if due."""
        row = request.row
        if isinstance(error, ChannelStopped):
            self.stop(str(error), request.ref)
            return
        ok = True
        self.orm_changed = result is None or result.outcome != "synced"
        if isinstance(error, TransientError):
            row.attempts += 1
            row.last_attempt_at = utcnow()
            row.last_error = str(error)
            self.counts["failed"] += 1
            _add_error(self.run, str(error), request.ref)
            ok = False
        elif result.outcome == "synced":
            # The common case, thousands a run: one plain UPDATE, without the unit of work.
            values = {
                "row_id": row.id,
                "revision": request.revision,
                "digest": request.digest,
                "now": utcnow(),
                "remote_id": result.remote_id,
                "remote_url": result.remote_url,
            }
            self.acknowledge(row.id, values)
            self.counts["created" if request.is_new else "updated"] += 1
        elif result.outcome == "withdrawn":
            _record_withdrawn(row, sent=True)
            self.counts["withdrawn"] += 1
        else:
            # Refused for this revision: failed until the position changes or a retry. A
            # refusal is a healthy answer, so it does not count toward the circuit.
            row.state = PostingState.FAILED
            row.failed_revision = request.revision
            row.attempts += 1
            row.last_attempt_at = utcnow()
            row.last_error = result.message
            self.counts["failed"] += 1
            _add_error(self.run, result.message or "对方拒绝", request.ref)
        self.advance()
        self.consecutive = 0 if ok else self.consecutive + 1
        if self.consecutive >= CIRCUIT_THRESHOLD:
            self.stop(f"连续 {CIRCUIT_THRESHOLD} 条失败，熔断：本次停止，其余保持待同步")


COUNT_FIELDS = ("created", "updated", "withdrawn", "unchanged", "failed", "skipped")


def _run_items(run, channel, connector_cls, ids, progress) -> None:
    session = db.session()
    # Rows read for a chunk stay usable across the per-item commits; this process holds the
    # channel's lock, and a concurrent edit only sets a row pending for the next run.
    saved_expire = session.expire_on_commit
    session.expire_on_commit = False
    loop = _ItemLoop(run, channel, len(ids), progress)
    connector = executor = inflight = None
    try:
        if not run.dry_run:
            connector = connector_cls(channel, current_app.config)
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-http")
        loop.open_fast_path()
        for start in range(0, len(ids), CHUNK):
            rows = _load_rows(ids[start : start + CHUNK])
            fairs = fairs_of([r.position_id for r in rows if r.desired is Desired.PUBLISHED])
            if loop.fast is not None:
                db.session.commit()  # end the read: SQLite's WAL refuses a stale snapshot's write
            for row in rows:
                request = loop.plan(row, fairs.get(row.position_id))
                if request is None:
                    continue
                if inflight is not None:
                    previous, future = inflight
                    loop.settle(previous, *future.result())
                    if loop.stopped:
                        inflight = None
                        return
                    inflight = (request, executor.submit(_send, connector, request))
                    loop.commit(True)  # while the next request travels
                else:
                    inflight = (request, executor.submit(_send, connector, request))
        if inflight is not None:
            previous, future = inflight
            inflight = None
            loop.settle(previous, *future.result())
            loop.commit(True)
    finally:
        if inflight is not None:
            inflight[1].cancel()
        if executor is not None:
            executor.shutdown(wait=True)
        if connector is not None:
            connector.close()
        loop.close_fast_path()
        loop.flush_counts()
        session.expire_on_commit = saved_expire


def _run_batch(run, channel, connector_cls, ids, progress) -> None:
    """Plan every item, deliver the batch at once, then record the items as delivered."""
    total = len(ids)
    rows = [
        row for start in range(0, total, CHUNK) for row in _load_rows(ids[start : start + CHUNK])
    ]
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
    by: Actor,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> SyncRun:
    """Take the lock, reconcile the channel and return the finished run (commits as it goes).

    Raises Conflict when the run cannot start: another run holds the channel, or this week's
    run is done. Who may start a run is the caller's rule (channels.services.sync_now).
    """
    run = start_run(channel, trigger, week=week, by=by, dry_run=dry_run, force=force)
    run = execute_run(run, force=force, progress=progress)
    if trigger is SyncTrigger.MANUAL:
        record_audit(
            "channel.sync",
            channel,
            by=by,
            summary={"run": run.id, "status": run.status.value, "dry_run": run.dry_run},
        )
        db.session.commit()
    return run

"""Deliver a channel's rows to a protocol v1 portal: several requests in flight, one writer.

The HTTP threads (as many as the channel's concurrency) only make requests; this thread plans
each row, hands its request to them, and records every answer in its own transaction with a
statement that only writes over the row as it was planned (its desired state and version):
a row that changed while its request travelled stays pending for the next run. A row never
has two requests at once (one row per position and channel, one request per row a run).
"""

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.channels.models import Channel, ChannelPosting, Desired, PostingState, SyncRun
from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.positions.models import Position
from recruit.sync.connectors import ChannelStopped, ItemResult, NotSent, TransientError
from recruit.sync.documents import (
    apply_field_map,
    build_document,
    document_hash,
    encode_document,
    fairs_of,
)
from recruit.sync.runs import add_error

logger = logging.getLogger(__name__)

#: Rows are read this many at a time; each is still recorded in its own transaction.
CHUNK = 200
#: The run's counts and heartbeat are written this often (seconds), running or waiting.
HEARTBEAT_EVERY = 1.0
#: The hex digits of the document's hash the Idempotency-Key carries.
KEY_HASH_DIGITS = 16

COUNT_FIELDS = ("created", "updated", "withdrawn", "unchanged", "failed")

Progress = Callable[[int, int], None]


def document_of(channel: Channel, position: Position, fairs=None) -> tuple[bytes, str]:
    """Return a position's posting document for the channel, encoded, and its hash."""
    document = apply_field_map(
        build_document(position, fairs), (channel.settings or {}).get("field_map")
    )
    body = encode_document(document)
    return body, document_hash(body)


def idempotency_key(ref: str, revision: int, digest: str) -> str:
    """Return the Idempotency-Key of a delivery: the ref, its revision, the content's hash."""
    return f"{ref}:{revision}:{digest[:KEY_HASH_DIGITS]}"


# --- statements: each writes only over the row as it was planned --------------------------

_T = ChannelPosting.__table__


def planned_update(statement: sa.Update) -> sa.Update:
    """Limit an UPDATE to the row as it was planned (p_row_id, p_desired, p_version)."""
    return statement.where(
        _T.c.id == sa.bindparam("p_row_id"),
        _T.c.desired == sa.bindparam("p_desired", type_=sa.String),
        _T.c.desired_version == sa.bindparam("p_version", type_=sa.Integer),
    )


def now_param():
    """Return the p_now parameter `Recorder.write` fills with the moment of the record."""
    return sa.bindparam("p_now", type_=_T.c.synced_at.type)


_DONE = {"attempts": 0, "last_error": None, "failed_revision": None, "next_attempt_at": None}

#: The portal acknowledged a PUT: it holds this document.
SYNCED = planned_update(
    sa.update(_T).values(
        state=PostingState.SYNCED.value,
        delivered_revision=sa.bindparam("p_revision", type_=sa.Integer),
        payload_hash=sa.bindparam("p_digest", type_=sa.String),
        remote_id=sa.func.coalesce(sa.bindparam("p_remote_id", type_=sa.String), _T.c.remote_id),
        remote_url=sa.func.coalesce(sa.bindparam("p_remote_url", type_=sa.String), _T.c.remote_url),
        last_attempt_at=now_param(),
        synced_at=now_param(),
        updated_at=now_param(),
        **_DONE,
    )
)
#: A pending row whose document the portal already holds: settled without a request.
SETTLED = planned_update(
    sa.update(_T).values(
        state=PostingState.SYNCED.value,
        delivered_revision=sa.bindparam("p_revision", type_=sa.Integer),
        synced_at=now_param(),
        updated_at=now_param(),
        **_DONE,
    )
)
#: The portal acknowledged a DELETE (or no longer held the posting).
WITHDRAWN = planned_update(
    sa.update(_T).values(
        state=PostingState.WITHDRAWN.value,
        payload_hash=None,
        remote_id=None,
        remote_url=None,
        last_attempt_at=now_param(),
        synced_at=now_param(),
        updated_at=now_param(),
        **_DONE,
    )
)
#: The portal refused this revision (400/409/422): failed until it changes or a retry.
REFUSED = planned_update(
    sa.update(_T).values(
        state=PostingState.FAILED.value,
        failed_revision=sa.bindparam("p_revision", type_=sa.Integer),
        attempts=_T.c.attempts + 1,
        last_attempt_at=now_param(),
        last_error=sa.bindparam("p_message", type_=sa.Text),
        updated_at=now_param(),
    )
)
#: The tries ran out for now (5xx, timeouts, throttling): pending for the next run.
TRANSIENT = planned_update(
    sa.update(_T).values(
        state=PostingState.PENDING.value,
        attempts=_T.c.attempts + 1,
        last_attempt_at=now_param(),
        last_error=sa.bindparam("p_message", type_=sa.Text),
        updated_at=now_param(),
    )
)
#: Before a DELETE leaves: the portal may stop holding the document whatever happens next,
#: so no later run may trust the old hash (a reopened position is sent again in full).
FORGET_HASH = planned_update(sa.update(_T).values(payload_hash=None, updated_at=now_param()))


class Recorder:
    """Record answers one item per transaction, on a connection of its own when there is one.

    A single-statement transaction per item is the cheapest durable record there is: one
    round trip. On PostgreSQL that connection does not wait for the WAL flush; should the
    database server crash, the last acknowledgements are sent again under the same
    Idempotency-Key, which the portal answers without applying twice. On SQLite each UPDATE
    runs in the driver's autocommit mode: one call (not BEGIN, UPDATE, COMMIT), because every
    call into the driver gives the interpreter lock away to the HTTP threads and waits to get
    it back. When the session is bound to one connection (the test suite's rolled-back
    transaction) it is used instead.
    """

    def __init__(self, dry: bool) -> None:
        self.conn = None
        self.driver = None
        self._compiled: dict[int, tuple] = {}
        if dry or not isinstance(db.session.get_bind(), sa.engine.Engine):
            return
        self.conn = db.engine.connect()
        if self.conn.dialect.name == "postgresql":
            self.conn = self.conn.execution_options(isolation_level="AUTOCOMMIT")
            self.conn.exec_driver_sql("SET synchronous_commit = off")
        elif self.conn.dialect.name == "sqlite":
            driver = self.conn.connection.driver_connection
            # The app's connections leave transactions to SQLAlchemy (isolation_level None):
            # a statement executed directly on the driver commits by itself.
            if driver.isolation_level is None:
                self.driver = driver

    @property
    def separate(self) -> bool:
        """Whether records go through their own connection (the session only reads)."""
        return self.conn is not None

    def _sqlite_call(self, statement: sa.Update) -> tuple:
        """Return the statement compiled once for SQLite: its SQL, parameter order, types."""
        found = self._compiled.get(id(statement))
        if found is None:
            dialect = self.conn.dialect
            compiled = statement.compile(dialect=dialect)
            processors = {
                name: bind.type.bind_processor(dialect) for name, bind in compiled.binds.items()
            }
            found = (compiled, compiled.string, list(compiled.positiontup), processors)
            self._compiled[id(statement)] = found
        return found

    def write(self, statement: sa.Update, values: dict) -> bool:
        """Run one conditional statement in its own transaction; return whether it matched."""
        values = {"p_now": utcnow(), **values}
        if self.conn is None:
            done = db.session.execute(statement, values).rowcount
            db.session.commit()
        elif self.driver is not None:
            compiled, sql, order, processors = self._sqlite_call(statement)
            params = compiled.construct_params(values)
            args = [
                processors[name](params[name]) if processors.get(name) else params[name]
                for name in order
            ]
            done = self.driver.execute(sql, args).rowcount
        elif self.conn.dialect.name == "postgresql":
            done = self.conn.execute(statement, values).rowcount
        else:
            with self.conn.begin():
                done = self.conn.execute(statement, values).rowcount
        return done == 1

    def close(self) -> None:
        if self.conn is not None:
            if self.conn.dialect.name == "postgresql":
                self.conn.exec_driver_sql("RESET synchronous_commit")
            self.conn.close()
            self.conn = self.driver = None


@dataclass
class Request:
    """One request a row needs, and the row as it was planned (for the conditional record)."""

    row_id: int
    ref: str
    method: str
    desired: str
    version: int
    revision: int
    key: str | None = None
    body: bytes | None = None
    digest: str | None = None
    is_new: bool = False
    #: Filled by the HTTP thread: one entry per request that left.
    sent: list = field(default_factory=list)

    def planned(self, **values) -> dict:
        """Return the statement parameters: the row as planned, and these values."""
        values = {"row_id": self.row_id, "desired": self.desired, "version": self.version, **values}
        return {f"p_{name}": value for name, value in values.items()}


def load_rows(row_ids: list[int]) -> list[ChannelPosting]:
    """Return these rows with their positions and employers, in id order."""
    return list(
        db.session.scalars(
            sa.select(ChannelPosting)
            .where(ChannelPosting.id.in_(row_ids))
            .options(so.joinedload(ChannelPosting.position).joinedload(Position.employer))
            .order_by(ChannelPosting.id)
        )
    )


class ItemLoop(ABC):
    """Run a channel's rows through the portal with up to `concurrency` requests in flight.

    Subclasses say what a row needs (`plan`: a Request, or None when settled without one),
    how a request is made (`call`, in an HTTP thread) and how an answer is recorded (`settle`).
    """

    def __init__(self, run: SyncRun, channel: Channel, connector, total: int, progress=None):
        self.run = run
        self.channel = channel
        self.connector = connector
        self.gate = connector.gate if connector is not None else None
        self.total = total
        self.progress = progress
        self.dry = run.dry_run
        self.counts: dict[str, int] = dict.fromkeys(COUNT_FIELDS, 0)
        self.processed = 0
        self.sent = 0
        self.changed_meanwhile = 0
        self.stop: ChannelStopped | None = None
        self.recorder = Recorder(self.dry)
        self.last_beat = time.monotonic()

    # -- what a kind of loop decides (DeliveryLoop) ----------------------------------------

    @abstractmethod
    def plan(self, row: ChannelPosting, fairs) -> Request | None:
        """Return the request a row needs, or None when it needs none (settled here)."""

    @abstractmethod
    def call(self, request: Request) -> ItemResult:
        """Make the request (in an HTTP thread); raise TransientError to try again later."""

    @abstractmethod
    def settle(self, request: Request, result: ItemResult) -> None:
        """Record an answer the portal gave."""

    def transient(self, request: Request, error: TransientError) -> None:
        """Record that the tries ran out for now: the row stays (or goes back to) pending."""
        self.record(TRANSIENT, request, message=str(error))

    # -- the loop ---------------------------------------------------------------------------

    def rows(self, ids: list[int], with_fairs: bool) -> Iterator[tuple[ChannelPosting, list]]:
        """Yield the rows to plan, read a chunk at a time."""
        for start in range(0, len(ids), CHUNK):
            chunk = load_rows(ids[start : start + CHUNK])
            fairs = (
                fairs_of([r.position_id for r in chunk if r.desired is Desired.PUBLISHED])
                if with_fairs
                else {}
            )
            if self.recorder.separate:
                # End the read: SQLite's WAL refuses a stale snapshot's later write.
                db.session.commit()
            for row in chunk:
                yield row, fairs.get(row.position_id)

    def run_rows(self, ids: list[int], with_fairs: bool = True) -> None:
        """Plan, send and settle every row; stop sending when the gate closes."""
        session = db.session()
        # Rows read for a chunk stay usable across the per-item commits.
        saved_expire = session.expire_on_commit
        session.expire_on_commit = False
        workers = max(1, min(self.channel.concurrency or 1, self.total or 1))
        executor = None if self.dry else ThreadPoolExecutor(workers, f"sync-{self.channel.code}")
        inflight: dict[Future, Request] = {}
        rows = self.rows(ids, with_fairs)
        try:
            exhausted = False
            while True:
                # Up to `workers` requests travel; as many more wait planned, so an HTTP thread
                # that is done starts the next one at once, without waiting for this thread.
                while not exhausted and len(inflight) < 2 * workers and not self.stopped:
                    item = next(rows, None)
                    if item is None:
                        exhausted = True
                        break
                    request = self.plan(*item)
                    if request is not None and executor is not None:
                        inflight[executor.submit(self._call, request)] = request
                    self._advance_if_settled(request)
                if not inflight:
                    break
                done, _ = wait(inflight, timeout=HEARTBEAT_EVERY, return_when=FIRST_COMPLETED)
                for future in done:
                    request = inflight.pop(future)
                    self._settle(request, *future.result())
                self.beat()
        except BaseException:
            # Whatever broke here, the HTTP threads must not go on retrying on their own.
            if self.gate is not None:
                self.gate.stop(ChannelStopped("本次运行因内部错误结束，停止发送"))
            raise
        finally:
            for future in inflight:
                future.cancel()
            if executor is not None:
                executor.shutdown(wait=True)
            self.recorder.close()
            self.flush()
            session.expire_on_commit = saved_expire

    @property
    def stopped(self) -> bool:
        """Whether nothing more may be sent: a stop was answered or decided."""
        return self.stop is not None or (self.gate is not None and self.gate.stopped is not None)

    def _advance_if_settled(self, request: Request | None) -> None:
        if request is None:
            self.advance()
            self.beat()

    def _call(self, request: Request):
        """Make one row's request in an HTTP thread; return (result, error), never raise.

        The item's end is counted on the gate here, in the HTTP thread, so the circuit opens
        as soon as the items fail, not when this thread gets to record them.
        """
        try:
            result = self.call(request)
        except TransientError as error:
            self.gate.item_done(failed=True)
            return None, error
        except (ChannelStopped, NotSent) as error:
            return None, error
        self.gate.item_done(failed=False)
        return result, None

    def _settle(self, request: Request, result: ItemResult | None, error) -> None:
        if request.sent:
            self.sent += 1
        if isinstance(error, NotSent):
            return  # the run stopped before it left: counted as skipped at the end
        if isinstance(error, ChannelStopped):
            if self.stop is None:
                self.stop = error
                add_error(self.run, str(error), request.ref)
            return
        if isinstance(error, TransientError):
            self.transient(request, error)
            self.counts["failed"] += 1
            add_error(self.run, str(error), request.ref)
        else:
            self.settle(request, result)
        self.advance()
        if self.stop is None and self.gate.stopped is not None:
            # The circuit opened in an HTTP thread: say so once.
            self.stop = self.gate.stopped
            add_error(self.run, str(self.stop))

    # -- bookkeeping ------------------------------------------------------------------------

    def record(self, statement: sa.Update, request: Request, **values) -> bool:
        """Record an answer over the row as planned; count it when the row changed meanwhile."""
        if self.dry:
            return True
        if self.recorder.write(statement, request.planned(**values)):
            return True
        self.changed_meanwhile += 1
        return False

    def advance(self) -> None:
        self.processed += 1
        if self.progress:
            self.progress(self.processed, self.total)

    def flush(self) -> None:
        """Write the counts and the heartbeat onto the run row (committed)."""
        for key, value in self.counts.items():
            if value:
                setattr(self.run, key, getattr(self.run, key) + value)
        self.counts = dict.fromkeys(COUNT_FIELDS, 0)
        self.run.processed = self.processed
        self.run.sent = self.sent
        self.run.heartbeat_at = utcnow()
        self.last_beat = time.monotonic()
        db.session.commit()

    def beat(self) -> None:
        """Flush the counts and heartbeat when a second has passed, waiting or not."""
        if time.monotonic() - self.last_beat >= HEARTBEAT_EVERY:
            self.flush()


class DeliveryLoop(ItemLoop):
    """Send each row what it needs: a PUT of its document, or a DELETE of its ref."""

    def plan(self, row: ChannelPosting, fairs) -> Request | None:
        position = row.position
        base = dict(
            row_id=row.id,
            ref=position.ref,
            desired=row.desired.value,
            version=row.desired_version,
            revision=position.revision,
        )
        if row.desired is Desired.PUBLISHED:
            body, digest = document_of(self.channel, position, fairs)
            if row.payload_hash == digest and row.state in (
                PostingState.PENDING,
                PostingState.SYNCED,
            ):
                self.counts["unchanged"] += 1
                if not self.dry and row.state is PostingState.PENDING:
                    self.record(SETTLED, Request(method="", **base), revision=position.revision)
                return None
            is_new = row.payload_hash is None
            if self.dry:
                self.counts["created" if is_new else "updated"] += 1
                return None
            key = idempotency_key(position.ref, row.key_revision(position.revision), digest)
            return Request(method="PUT", key=key, body=body, digest=digest, is_new=is_new, **base)
        if self.dry:
            self.counts["withdrawn"] += 1
            return None
        request = Request(method="DELETE", **base)
        if not self.record(FORGET_HASH, request):
            return None  # changed since it was read (reopened …): the next run decides
        return request

    def call(self, request: Request) -> ItemResult:
        if request.method == "PUT":
            return self.connector.put(request.ref, request.key, request.body, request.sent)
        return self.connector.delete(request.ref, request.sent)

    def settle(self, request: Request, result: ItemResult) -> None:
        if result.outcome == "synced":
            recorded = self.record(
                SYNCED,
                request,
                revision=request.revision,
                digest=request.digest,
                remote_id=result.remote_id,
                remote_url=result.remote_url,
            )
            if recorded:
                self.counts["created" if request.is_new else "updated"] += 1
        elif result.outcome == "withdrawn":
            if self.record(WITHDRAWN, request):
                self.counts["withdrawn"] += 1
        else:
            # Refused for this revision: a healthy answer, so it does not open the circuit.
            self.record(REFUSED, request, revision=request.revision, message=result.message)
            self.counts["failed"] += 1
            add_error(self.run, result.message or "对方拒绝", request.ref)

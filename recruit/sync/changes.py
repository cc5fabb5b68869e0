"""The changes feed of pull channels (DESIGN §4 Pull): a numbered log integrators follow.

Each pull channel keeps a log of what its postings became: published (the channel shows a
posting it did not), changed (the document differs from the one last logged) or withdrawn.
Entries are numbered per channel without gaps (change_feeds.last_seq), so "everything after
number N" is exact and survives restarts; a consumer's cursor is that number.

The log is brought up to date when read (sweep), under the channel's lock (an UPDATE of its
change_feeds row, the transaction's first statement): the postings the channel should show now
are the push sync's own rule (publishable_query), each as the push sync's own document
(build_document with the channel's field map), compared by hash with the last logged one. So
every input of the document counts, an employer renamed or a fair moved as much as the
position itself, and a withdrawal is logged whatever caused it (closed, expired, employer
suspended, scope changed). Writers are serialised by that lock and commit whole, so a reader
that sees number N has seen everything before it. A read that finds nothing new writes
nothing (feed_is_stale): a position's change is seen at once through its ChannelPosting rows,
the full comparison runs at most every CHANGES_FULL_CHECK_SECONDS per process.

Old entries that a later one supersedes (and old withdrawals) are compacted away after
CHANGES_RETENTION_DAYS; a cursor older than what was compacted has expired (410): the
consumer reads the snapshot again.
"""

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from recruit.channels.models import (
    ChangeAction,
    ChangeFeed,
    Channel,
    ChannelConsumer,
    ChannelPosting,
    Desired,
    PostingChange,
    PostingState,
)
from recruit.db_types import utcnow
from recruit.errors import ServiceError
from recruit.extensions import db
from recruit.positions.models import Position
from recruit.sync.desired import publishable_query, refresh_desired
from recruit.sync.documents import (
    apply_field_map,
    build_document,
    document_hash,
    encode_document,
    fairs_of,
)

#: Changes a page holds unless the consumer asks for fewer; the most it may ask for.
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
#: Superseded entries older than this many days are compacted away (config overrides).
DEFAULT_RETENTION_DAYS = 30
#: A read compares every document with the log at most this often (seconds, per process).
DEFAULT_FULL_CHECK_SECONDS = 60
#: Positions are read and compared this many at a time.
CHUNK = 200

_CURSOR = re.compile(r"^([0-9]{1,9})-([0-9]{1,12})$")


class CursorInvalid(ServiceError):
    """The cursor is not one this channel handed out."""

    status = 400


class CursorExpired(ServiceError):
    """The changes after this cursor were compacted away: read the snapshot again."""

    status = 410


def format_cursor(channel_id: int, seq: int) -> str:
    """Return the opaque cursor of a position in a channel's log, e.g. "5-1042"."""
    return f"{channel_id}-{seq}"


def parse_cursor(channel: Channel, feed: ChangeFeed, text: str | None) -> int:
    """Return the sequence number a cursor names; refuse one of another channel or the future.

    An empty cursor means the start of the log (valid while nothing was compacted away).
    """
    if text is None or not text.strip():
        seq = 0
    else:
        match = _CURSOR.match(text.strip())
        if not match:
            raise CursorInvalid(
                "游标格式无效：请使用快照或上一页返回的 next_cursor 原样传入。", field="since"
            )
        if int(match.group(1)) != channel.id:
            raise CursorInvalid("游标不属于本渠道：请使用本渠道令牌取得的游标。", field="since")
        seq = int(match.group(2))
        if seq > feed.last_seq:
            raise CursorInvalid(
                "游标超出本渠道变更记录的最新位置，不是本接口签发的游标。", field="since"
            )
    if seq < feed.pruned_through:
        raise CursorExpired(
            "游标已过期：其后的部分变更记录已按保留期清理。请重新读取 /api/v1/postings/snapshot，"
            "再从快照返回的游标继续。",
            field="since",
        )
    return seq


# --- the log --------------------------------------------------------------------------------


def lock_feed(channel_id: int) -> ChangeFeed:
    """Take the channel's log lock (the first statement of the transaction) and return its head.

    An UPDATE, not a SELECT … FOR UPDATE: SQLite has no row locks, and a write as the first
    statement takes its database lock before anything is read.
    """
    now = utcnow()
    touch = (
        sa.update(ChangeFeed)
        .where(ChangeFeed.channel_id == channel_id)
        .values(swept_at=now)
        .execution_options(synchronize_session=False)
    )
    if not db.session.execute(touch).rowcount:
        try:
            with db.session.begin_nested():
                db.session.add(
                    ChangeFeed(channel_id=channel_id, last_seq=0, pruned_through=0, swept_at=now)
                )
        except sa.exc.IntegrityError:
            # Another reader created it first; its lock is ours once it commits.
            db.session.execute(touch)
    return db.session.get(ChangeFeed, channel_id, populate_existing=True)


def _last_entries(channel: Channel, *columns, through: int | None = None) -> sa.Select:
    """Select the columns of each position's last entry in the channel's log (up to a number)."""
    last = sa.select(PostingChange.position_id, sa.func.max(PostingChange.seq).label("seq")).where(
        PostingChange.channel_id == channel.id
    )
    if through is not None:
        last = last.where(PostingChange.seq <= through)
    last = last.group_by(PostingChange.position_id).subquery()
    return (
        sa.select(*columns)
        .join(
            last,
            sa.and_(
                PostingChange.position_id == last.c.position_id,
                PostingChange.seq == last.c.seq,
            ),
        )
        .where(PostingChange.channel_id == channel.id)
    )


def _latest_entries(channel: Channel) -> dict[int, tuple[ChangeAction, str | None]]:
    """Return each position's last logged action and document hash in the channel's log."""
    rows = db.session.execute(
        _last_entries(
            channel, PostingChange.position_id, PostingChange.action, PostingChange.digest
        )
    )
    return {pid: (ChangeAction(action), digest) for pid, action, digest in rows}


@dataclass
class Planned:
    position: Position
    action: ChangeAction
    document: dict[str, Any] | None
    digest: str | None


def plan_changes(channel: Channel) -> list[Planned]:
    """Return what the log lacks: each posting whose state differs from its last entry.

    Read only. The postings the channel should show are the push sync's rule, each as the
    push sync's document; a posting held whose document hashes the same is left alone.
    """
    publish = set(db.session.scalars(publishable_query(channel)))
    latest = _latest_entries(channel)
    held = {pid for pid, (action, _) in latest.items() if action is not ChangeAction.WITHDRAWN}
    field_map = (channel.settings or {}).get("field_map")
    ids = sorted(publish | held)
    planned: list[Planned] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        positions = db.session.scalars(
            sa.select(Position)
            .where(Position.id.in_(chunk))
            .options(so.joinedload(Position.employer))
            .order_by(Position.id)
        ).all()
        fairs = fairs_of([p.id for p in positions if p.id in publish])
        for position in positions:
            if position.id in publish:
                document = apply_field_map(build_document(position, fairs[position.id]), field_map)
                digest = document_hash(encode_document(document))
                if position.id in held and latest[position.id][1] == digest:
                    continue
                action = ChangeAction.CHANGED if position.id in held else ChangeAction.PUBLISHED
                planned.append(Planned(position, action, document, digest))
            elif position.id in held:
                planned.append(Planned(position, ChangeAction.WITHDRAWN, None, None))
    return planned


def _unsettled(channel: Channel) -> sa.ColumnElement[bool]:
    return sa.and_(
        ChannelPosting.channel_id == channel.id,
        sa.or_(
            sa.and_(
                ChannelPosting.desired == Desired.PUBLISHED,
                ChannelPosting.state != PostingState.SYNCED,
            ),
            sa.and_(
                ChannelPosting.desired == Desired.WITHDRAWN,
                ChannelPosting.state != PostingState.WITHDRAWN,
            ),
        ),
    )


#: channel id → (monotonic time, the rows' last change) of this process's last full comparison
#: that found the log complete.
_complete_at: dict[int, tuple[float, datetime | None]] = {}


def feed_is_stale(channel: Channel) -> bool:
    """Return whether the log lacks a change, or the channel's rows wait to be settled (read only).

    Lets a read that finds nothing new skip the lock and every write. A change of a position
    moves its ChannelPosting rows in its own transaction, so it is seen at once; the full
    comparison (every document hashed: an employer renamed, a fair moved, a day passed) runs
    again once CHANGES_FULL_CHECK_SECONDS have passed since the last one found nothing.
    """
    if db.session.scalar(sa.select(sa.exists().where(_unsettled(channel)))):
        return True
    rows_changed = db.session.scalar(
        sa.select(sa.func.max(ChannelPosting.updated_at)).where(
            ChannelPosting.channel_id == channel.id
        )
    )
    interval = current_app.config.get("CHANGES_FULL_CHECK_SECONDS", DEFAULT_FULL_CHECK_SECONDS)
    last = _complete_at.get(channel.id)
    if last is not None and last[1] == rows_changed and time.monotonic() - last[0] < interval:
        return False
    if plan_changes(channel):
        return True
    _complete_at[channel.id] = (time.monotonic(), rows_changed)
    return False


def record_changes(channel: Channel, feed: ChangeFeed) -> int:
    """Append to the log what the channel's postings became since the last entry; return how many.

    The caller holds the lock (lock_feed) and commits. The channel's ChannelPosting rows are
    brought to the desired state too and settled (a pull channel has no delivery of its own:
    what is logged is delivered), so the channel page counts tell the truth.
    """
    refresh_desired(channel)
    now = utcnow()
    seq = feed.last_seq
    planned = plan_changes(channel)
    for item in planned:
        seq += 1
        db.session.add(
            PostingChange(
                channel_id=channel.id,
                seq=seq,
                position_id=item.position.id,
                ref=item.position.ref,
                action=item.action,
                revision=item.position.revision,
                document=item.document,
                digest=item.digest,
                at=now,
            )
        )
    feed.last_seq = seq
    _settle_rows(channel, now)
    _compact(channel, feed, now)
    db.session.flush()
    return len(planned)


def sweep(channel_id: int) -> int:
    """Take the channel's log lock and bring the log up to date; return the entries added.

    The lock is the transaction's first statement; the caller commits.
    """
    feed = lock_feed(channel_id)
    return record_changes(db.session.get(Channel, channel_id), feed)


def _settle_rows(channel: Channel, now: datetime) -> None:
    """Mark the channel's rows as delivered: the log now says what each row asks for.

    The rows are locked in id order first (PostgreSQL), the order every other writer of
    channel_postings takes them in (the ORM flushes by primary key), so none waits on another.
    """
    ids = list(
        db.session.scalars(
            sa.select(ChannelPosting.id)
            .where(_unsettled(channel))
            .order_by(ChannelPosting.id)
            .with_for_update()
        )
    )
    for desired, state in (
        (Desired.PUBLISHED, PostingState.SYNCED),
        (Desired.WITHDRAWN, PostingState.WITHDRAWN),
    ):
        for start in range(0, len(ids), 900):
            db.session.execute(
                sa.update(ChannelPosting)
                .where(
                    ChannelPosting.id.in_(ids[start : start + 900]),
                    ChannelPosting.desired == desired,
                )
                .values(
                    state=state, synced_at=now, attempts=0, last_error=None, next_attempt_at=None
                )
                .execution_options(synchronize_session="fetch")
            )


def _compact(channel: Channel, feed: ChangeFeed, now: datetime) -> None:
    """Delete entries older than the retention that a later entry supersedes, and old withdrawals.

    What is left still gives every posting's last state, so the snapshot never loses one;
    cursors older than the last deleted entry expire.
    """
    days = current_app.config.get("CHANGES_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    later = sa.orm.aliased(PostingChange)
    superseded = (
        sa.select(later.id)
        .where(
            later.channel_id == PostingChange.channel_id,
            later.position_id == PostingChange.position_id,
            later.seq > PostingChange.seq,
        )
        .exists()
    )
    doomed = sa.and_(
        PostingChange.channel_id == channel.id,
        PostingChange.at < now - timedelta(days=days),
        sa.or_(superseded, PostingChange.action == ChangeAction.WITHDRAWN),
    )
    last_doomed = db.session.scalar(sa.select(sa.func.max(PostingChange.seq)).where(doomed))
    if last_doomed is None:
        return
    ids = list(db.session.scalars(sa.select(PostingChange.id).where(doomed)))
    for start in range(0, len(ids), 900):
        db.session.execute(
            sa.delete(PostingChange)
            .where(PostingChange.id.in_(ids[start : start + 900]))
            .execution_options(synchronize_session=False)
        )
    feed.pruned_through = max(feed.pruned_through, last_doomed)


# --- reads ----------------------------------------------------------------------------------


@dataclass
class ChangesPage:
    channel: Channel
    since: int
    changes: list[PostingChange]
    next_seq: int
    more: bool


@dataclass
class Snapshot:
    channel: Channel
    seq: int
    postings: list[dict[str, Any]]


def _head(channel: Channel) -> ChangeFeed:
    """Return the channel's log head (an empty one before its first sweep)."""
    feed = db.session.get(ChangeFeed, channel.id)
    return feed or ChangeFeed(channel_id=channel.id, last_seq=0, pruned_through=0)


def read_changes(channel_id: int, since: str | None, limit: int = DEFAULT_LIMIT) -> ChangesPage:
    """Return the logged changes after the cursor, at most `limit`, in order (read only).

    Raises CursorInvalid (400) or CursorExpired (410). Entries are only ever committed whole
    and in order (their writers hold the channel's lock), so a page never skips one.
    """
    channel = db.session.get(Channel, channel_id)
    feed = _head(channel)
    after = parse_cursor(channel, feed, since)
    limit = max(1, min(limit, MAX_LIMIT))
    found = list(
        db.session.scalars(
            sa.select(PostingChange)
            .where(PostingChange.channel_id == channel.id, PostingChange.seq > after)
            .order_by(PostingChange.seq)
            .limit(limit + 1)
        )
    )
    changes = found[:limit]
    next_seq = changes[-1].seq if changes else after
    return ChangesPage(channel, after, changes, next_seq, more=len(found) > limit)


def current_postings(channel: Channel, seq: int) -> list[dict[str, Any]]:
    """Return the documents the log says the channel shows at this number, in position order."""
    return list(
        db.session.scalars(
            _last_entries(channel, PostingChange.document, through=seq)
            .where(PostingChange.action != ChangeAction.WITHDRAWN)
            .order_by(PostingChange.position_id)
        )
    )


def read_snapshot(channel_id: int) -> Snapshot:
    """Return every posting the log says the channel shows, with the cursor to follow on from.

    Read only: the postings are the log's last word on each, so a consumer that takes the
    snapshot and then follows the cursor mirrors the channel exactly.
    """
    channel = db.session.get(Channel, channel_id)
    seq = _head(channel).last_seq
    return Snapshot(channel, seq, current_postings(channel, seq))


def note_read(consumer_id: int, seq: int) -> None:
    """Record the cursor a consumer was handed, and when (a write first: takes no stale read)."""
    now = utcnow()
    db.session.execute(
        sa.update(ChannelConsumer)
        .where(ChannelConsumer.id == consumer_id)
        .values(
            last_cursor=seq,
            last_read_at=now,
            reads=ChannelConsumer.reads + 1,
        )
        .execution_options(synchronize_session=False)
    )

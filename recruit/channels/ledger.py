"""The sync ledger as staff read it: runs, postings and their counts, the workbooks written.

Every read takes the actor (staff only); the queries come back unpaginated so that each door
pages them its own way.
"""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.auth.actors import Actor
from recruit.auth.scope import STAFF, require_role
from recruit.channels.models import Channel, ChannelPosting, PostingState, SyncRun, SyncStatus
from recruit.errors import NotFound
from recruit.extensions import db
from recruit.sync.connectors.xlsx_export import exports_dir


def latest_runs(actor: Actor, limit: int = 1) -> dict[int, list[SyncRun]]:
    """Return the latest runs of every channel, newest first (one query for all channels)."""
    require_role(actor, *STAFF)
    rank = (
        sa.func.row_number()
        .over(
            partition_by=SyncRun.channel_id,
            order_by=(SyncRun.started_at.desc(), SyncRun.id.desc()),
        )
        .label("rank")
    )
    ranked = sa.select(SyncRun.id, rank).subquery()
    found: dict[int, list[SyncRun]] = {
        channel_id: [] for channel_id in db.session.scalars(sa.select(Channel.id))
    }
    for run in db.session.scalars(
        sa.select(SyncRun)
        .join(ranked, ranked.c.id == SyncRun.id)
        .where(ranked.c.rank <= limit)
        .order_by(SyncRun.channel_id, SyncRun.started_at.desc(), SyncRun.id.desc())
    ):
        found.setdefault(run.channel_id, []).append(run)
    return found


def active_runs(actor: Actor) -> dict[int, SyncRun]:
    """Return each channel's run that waits in the queue or runs now (the newest), by channel."""
    require_role(actor, *STAFF)
    found: dict[int, SyncRun] = {}
    for run in db.session.scalars(
        sa.select(SyncRun)
        .where(SyncRun.status.in_([SyncStatus.QUEUED, SyncStatus.RUNNING]))
        .order_by(SyncRun.id)
    ):
        found[run.channel_id] = run
    return found


def next_attempts(actor: Actor) -> dict[int, SyncRun]:
    """Return each channel's unfinished weekly run that will try again, by channel."""
    require_role(actor, *STAFF)
    found: dict[int, SyncRun] = {}
    for run in db.session.scalars(
        sa.select(SyncRun).where(SyncRun.next_attempt_at.is_not(None)).order_by(SyncRun.id)
    ):
        found[run.channel_id] = run
    return found


def posting_counts(actor: Actor, channel: Channel | None = None) -> dict[int, dict[str, int]]:
    """Return how many postings each channel (or this one) has in each state."""
    require_role(actor, *STAFF)
    query = sa.select(ChannelPosting.channel_id, ChannelPosting.state, sa.func.count()).group_by(
        ChannelPosting.channel_id, ChannelPosting.state
    )
    if channel is not None:
        query = query.where(ChannelPosting.channel_id == channel.id)
    counts: dict[int, dict[str, int]] = {}
    for channel_id, state, n in db.session.execute(query):
        counts.setdefault(channel_id, {})[PostingState(state).value] = n
    return counts


def postings_query(actor: Actor, channel: Channel, state: PostingState | None = None) -> sa.Select:
    """Return the channel's postings (optionally in one state) in id order."""
    require_role(actor, *STAFF)
    query = (
        sa.select(ChannelPosting)
        .where(ChannelPosting.channel_id == channel.id)
        .options(joinedload(ChannelPosting.position))
        .order_by(ChannelPosting.id)
    )
    if state is not None:
        query = query.where(ChannelPosting.state == state)
    return query


def troubled_postings_query(actor: Actor, channel: Channel) -> sa.Select:
    """Return the channel's postings that failed lately, the latest attempt first.

    Refused ones (failed, retried by hand or after a change) and ones whose last tries failed
    only for now (pending, retried by the next run).
    """
    require_role(actor, *STAFF)
    return (
        sa.select(ChannelPosting)
        .where(
            ChannelPosting.channel_id == channel.id,
            sa.or_(ChannelPosting.can_retry, ChannelPosting.retried_next_run),
        )
        .options(joinedload(ChannelPosting.position))
        .order_by(ChannelPosting.last_attempt_at.desc(), ChannelPosting.id.desc())
    )


def runs_query(actor: Actor, channel: Channel | None = None) -> sa.Select:
    """Return the runs (of one channel, or all), newest first."""
    require_role(actor, *STAFF)
    query = sa.select(SyncRun).order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
    if channel is not None:
        query = query.where(SyncRun.channel_id == channel.id)
    return query


def get_run(actor: Actor, run_id: int) -> SyncRun:
    """Return one run with its counts and errors (NotFound if none)."""
    require_role(actor, *STAFF)
    run = db.session.get(SyncRun, run_id)
    if run is None:
        raise NotFound("同步记录不存在。")
    return run


def export_path(actor: Actor, channel: Channel, name: str) -> Path:
    """Return the workbook a run of the channel wrote under this name (NotFound otherwise)."""
    require_role(actor, *STAFF)
    run = db.session.scalar(
        sa.select(SyncRun.id).where(SyncRun.channel_id == channel.id, SyncRun.output_file == name)
    )
    # Only the last part of the name: a path never leaves the channel's folder.
    path = exports_dir(channel.code) / Path(name).name
    if run is None or not path.is_file():
        raise NotFound("文件不存在。")
    return path

"""Desired state: which positions each channel should show, kept in ChannelPosting rows.

The rows are written in the transaction of the change that causes them: the positions and
employers domains send their signals before the caller commits, and the receivers here add or
update rows in the same session.
"""

import logging
from collections.abc import Iterable

import sqlalchemy as sa

from recruit.channels.models import Channel, ChannelPosting, Desired, PostingState
from recruit.employers.models import Employer
from recruit.employers.signals import employer_changed
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, Participation
from recruit.positions.models import Position, public_clause
from recruit.positions.signals import position_changed
from recruit.refdata.models import IndustryChain
from recruit.refdata.services import region_codes_within

logger = logging.getLogger(__name__)


def publishable_query(channel: Channel) -> sa.Select:
    """Return a SELECT of the ids of positions the channel should publish now.

    Public positions only (past its valid_until a position goes, even before the daily expiry
    job marks it), narrowed by the channel's scope; a fair-type scope counts the fairs the
    public sees and the participations holding a place there.
    """
    query = (
        sa.select(Position.id)
        .join(Employer, Position.employer_id == Employer.id)
        .where(public_clause())
    )
    if channel.scope_regions:
        codes: set[str] = set()
        for code in channel.scope_regions:
            codes.update(region_codes_within(code))
        query = query.where(Position.work_region_code.in_(sorted(codes)))
    if channel.scope_industry_chains:
        chain_ids = sa.select(IndustryChain.id).where(
            IndustryChain.code.in_(channel.scope_industry_chains)
        )
        query = query.where(Employer.industry_chain_id.in_(chain_ids))
    if channel.scope_fair_types:
        at_fair = (
            sa.select(FairPosition.position_id)
            .join(Participation, FairPosition.participation_id == Participation.id)
            .join(Fair, Participation.fair_id == Fair.id)
            .where(
                Fair.type.in_(channel.scope_fair_types),
                Fair.is_public,
                Participation.holds_place,
            )
        )
        query = query.where(Position.id.in_(at_fair))
    return query


def apply_desired(
    row: ChannelPosting | None,
    *,
    channel_id: int,
    position_id: int,
    revision: int,
    publish: bool,
    touched: bool = False,
) -> ChannelPosting | None:
    """Bring one row to the desired state; return it (None when no row is needed).

    `touched` says the position itself just changed: the row's version moves even when its
    state does not, so a run that planned from the old content does not record its answer
    over the change.
    """
    if row is None:
        if not publish:
            return None
        row = ChannelPosting(
            channel_id=channel_id,
            position_id=position_id,
            desired=Desired.PUBLISHED,
            state=PostingState.PENDING,
            attempts=0,
            desired_version=0,
            republications=0,
        )
        db.session.add(row)
        return row
    if publish:
        if row.desired is Desired.WITHDRAWN:
            row.desired = Desired.PUBLISHED
            # A new publication: its Idempotency-Key must name a revision never used before.
            row.republications = (row.republications or 0) + 1
            mark_pending(row)
        elif _needs_delivery(row, revision):
            mark_pending(row)
        elif touched:
            row.desired_version = (row.desired_version or 0) + 1
    elif row.desired is Desired.PUBLISHED:
        row.desired = Desired.WITHDRAWN
        mark_pending(row)
    elif touched:
        row.desired_version = (row.desired_version or 0) + 1
    return row


def _needs_delivery(row: ChannelPosting, revision: int) -> bool:
    """Return whether a published row must go out (again) for this revision.

    Not when it is already pending, when the channel holds this revision, or when the channel
    refused this very revision: that waits for a change of the position or a retry by hand.
    """
    if row.state is PostingState.PENDING:
        return False
    if row.state is PostingState.SYNCED and row.delivered_revision == revision:
        return False
    return not (row.state is PostingState.FAILED and row.failed_revision == revision)


def mark_pending(row: ChannelPosting) -> None:
    """Set a row to go out on the next run, its failure and back-off forgotten.

    Its version moves: an answer to a request planned before this change is not recorded.
    """
    row.state = PostingState.PENDING
    row.failed_revision = None
    row.attempts = 0
    row.next_attempt_at = None
    row.desired_version = (row.desired_version or 0) + 1


def refresh_desired(
    channel: Channel, position_ids: Iterable[int] | None = None, *, touched: bool = False
) -> int:
    """Bring the channel's rows for these positions (all when None) to the desired state.

    `touched`: these positions themselves changed (see apply_desired). Returns how many rows
    were added or changed.
    """
    query = publishable_query(channel)
    rows_query = sa.select(ChannelPosting).where(ChannelPosting.channel_id == channel.id)
    if position_ids is not None:
        position_ids = list(position_ids)
        if not position_ids:
            return 0
        query = query.where(Position.id.in_(position_ids))
        rows_query = rows_query.where(ChannelPosting.position_id.in_(position_ids))
    publish = set(db.session.scalars(query))
    rows = {row.position_id: row for row in db.session.scalars(rows_query)}
    candidates = publish | set(rows)
    if not candidates:
        return 0
    revisions: dict[int, int] = {}
    ids = sorted(candidates)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        revisions.update(
            db.session.execute(
                sa.select(Position.id, Position.revision).where(Position.id.in_(chunk))
            ).all()
        )
    changed = 0
    for position_id in ids:
        row = rows.get(position_id)
        before = None if row is None else (row.desired, row.state)
        after = apply_desired(
            row,
            channel_id=channel.id,
            position_id=position_id,
            revision=revisions[position_id],
            publish=position_id in publish,
            touched=touched,
        )
        if after is not None and (after.desired, after.state) != before:
            changed += 1
    db.session.flush()
    return changed


def refresh_all(
    position_ids: Iterable[int] | None = None, *, touched: bool = False
) -> dict[str, int]:
    """Refresh every channel's rows (for these positions); return changes per channel code."""
    ids = None if position_ids is None else list(position_ids)
    channels = db.session.scalars(sa.select(Channel).order_by(Channel.id)).all()
    return {channel.code: refresh_desired(channel, ids, touched=touched) for channel in channels}


def on_position_changed(position: Position, reason: str | None = None, **_extra) -> None:
    """Write the rows for a position that was published, revised, closed, expired …"""
    logger.debug("position %s changed (%s): refreshing channel rows", position.id, reason)
    refresh_all([position.id], touched=True)


def on_employer_changed(employer: Employer, reason: str | None = None, **_extra) -> None:
    """Withdraw or republish an employer's positions after its status changed."""
    ids = db.session.scalars(sa.select(Position.id).where(Position.employer_id == employer.id))
    refresh_all(list(ids))


def connect_listeners() -> None:
    """Listen to the positions and employers signals (idempotent)."""
    position_changed.connect(on_position_changed, weak=False)
    employer_changed.connect(on_employer_changed, weak=False)

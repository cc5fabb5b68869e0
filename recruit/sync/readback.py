"""What the portal really holds: read it back (verify), or send everything again (resend).

The run ledger is our record of what each portal holds; a portal may still lose data or keep a
posting we withdrew. `verify` asks the portal (the optional GET of protocol v1) and marks every
row whose portal copy differs pending, its hash forgotten, so the next run sends it; `resend`
does that for every posting without asking, for a portal known to have lost its data.
"""

import sqlalchemy as sa
from flask import current_app

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
from recruit.extensions import db
from recruit.sync.connectors import ChannelStopped, ItemResult, get_connector
from recruit.sync.delivery import ItemLoop, Request, now_param, planned_update
from recruit.sync.runs import add_error, finish_run, start_run

_T = ChannelPosting.__table__

#: Send in full again, under a new Idempotency-Key revision: the portal's copy is not ours.
_AGAIN = {
    "state": PostingState.PENDING.value,
    "payload_hash": None,
    "republications": _T.c.republications + 1,
    "desired_version": _T.c.desired_version + 1,
    "attempts": 0,
    "failed_revision": None,
    "next_attempt_at": None,
}

#: A row whose portal copy differs from our record, still as it was planned.
DIVERGED = planned_update(
    sa.update(_T).values(
        **_AGAIN, last_error=sa.bindparam("p_message", type_=sa.Text), updated_at=now_param()
    )
)


def mark_for_resend(channel: Channel) -> int:
    """Set every posting the channel should hold to pending, to be sent in full; return count."""
    result = db.session.execute(
        sa.update(_T)
        .where(
            _T.c.channel_id == channel.id,
            _T.c.desired == Desired.PUBLISHED.value,
            _T.c.state.in_([PostingState.SYNCED.value, PostingState.PENDING.value]),
        )
        .values(**_AGAIN, last_error=None)
    )
    return result.rowcount


class VerifyLoop(ItemLoop):
    """GET each synced or withdrawn row's ref; mark a copy that differs from our record."""

    def plan(self, row: ChannelPosting, _fairs) -> Request:
        return Request(
            row_id=row.id,
            ref=row.position.ref,
            method="GET",
            desired=row.desired.value,
            version=row.desired_version,
            revision=row.position.revision,
            digest=row.payload_hash,
        )

    def call(self, request: Request) -> ItemResult:
        return self.connector.get(request.ref, request.sent)

    def transient(self, request: Request, error) -> None:
        """A read that failed for now changes nothing: the row is only not verified."""

    def settle(self, request: Request, result: ItemResult) -> None:
        published = request.desired == Desired.PUBLISHED.value
        if result.outcome == "held" and published:
            differs = result.content_hash != request.digest
            message = "核对：对方保存的内容与已同步的不同"
        elif result.outcome == "absent" and published:
            differs, message = True, "核对：对方没有这个岗位"
        elif result.outcome == "held":
            differs, message = True, "核对：已撤下的岗位对方仍在展示"
        elif result.outcome == "absent":
            differs = False
        else:
            self.counts["failed"] += 1
            add_error(self.run, result.message or "无法核对", request.ref)
            return
        if not differs:
            self.counts["unchanged"] += 1
        elif self.record(DIVERGED, request, message=message):
            self.counts["updated"] += 1
            add_error(self.run, message, request.ref)


def verify_ids(channel: Channel) -> list[int]:
    """Return the rows whose portal copy we claim to know: synced, and withdrawn."""
    return list(
        db.session.scalars(
            sa.select(ChannelPosting.id)
            .where(
                ChannelPosting.channel_id == channel.id,
                ChannelPosting.state.in_([PostingState.SYNCED, PostingState.WITHDRAWN]),
            )
            .order_by(ChannelPosting.id)
        )
    )


def verify_channel_rows(channel: Channel, *, by: Actor, progress=None) -> SyncRun:
    """Take the channel's lock, read back every row and return the finished run."""
    run = start_run(channel, SyncTrigger.VERIFY, by=by)
    retry_after = None
    try:
        ids = verify_ids(channel)
        run.total = len(ids)
        db.session.commit()
        connector = get_connector(channel.kind)(channel, current_app.config)
        try:
            loop = VerifyLoop(run, channel, connector, len(ids), progress)
            loop.run_rows(ids, with_fairs=False)
        finally:
            connector.close()
        run.skipped += loop.total - loop.processed
        if loop.stop is not None:
            run.status = SyncStatus.STOPPED
            retry_after = loop.stop.retry_after
    except ChannelStopped as stop:
        db.session.rollback()
        run.status = SyncStatus.STOPPED
        add_error(run, str(stop))
    if run.status is SyncStatus.RUNNING:
        run.status = SyncStatus.COMPLETED
        add_error(
            run,
            f"核对 {run.processed} 条：一致 {run.unchanged}，不一致 {run.updated}（已改为待同步），"
            f"无法核对 {run.failed}",
        )
    return finish_run(run, retry_after)

"""A distant, flaky portal: bounded concurrency, honest progress, and no week lost.

Issue 13, builds 1–3: several requests in flight but never two for one ref; a 429 pauses the
channel, not the process; an item that keeps failing stays pending while the run goes on; an
unfinished weekly run follows itself up (Retry-After, else 5 min → 15 min → 1 h → 4 h) in the
same ledger row; the watcher takes over dead runs and catches up missed weeks.
"""

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from jobs.schedule import iso_week, last_slot
from jobs.sync import watch_channel
from recruit.channels.models import (
    ChannelPosting,
    PostingState,
    SyncRun,
    SyncStatus,
    SyncTrigger,
)
from recruit.db_types import utcnow
from recruit.formatting import to_local
from recruit.sync import delivery
from recruit.sync.delivery import ItemLoop
from recruit.sync.runs import start_run
from recruit.sync.sandbox import Faults
from recruit.sync.services import run_channel_sync
from tests.sync.conftest import ACTOR
from tests.sync.test_http_json import open_positions, row_of, said

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def week_row(db, channel) -> SyncRun:
    db.session.expire_all()
    return db.session.scalar(sa.select(SyncRun).where(SyncRun.channel_id == channel.id))


def slot_days_ago(channel, days: int = 3) -> tuple[datetime, str]:
    """Schedule the channel a few days back: the week's slot passed, the next is days away.

    Follow-ups happen in real time (minutes, hours), so the test never crosses into another
    week whatever day it runs. Returns the slot and its ISO week.
    """
    day = to_local(utcnow()) - timedelta(days=days)
    channel.schedule = f"{DAYS[day.weekday()]} 00:00"
    slot = last_slot(channel.schedule, utcnow())
    return slot, iso_week(slot)


def test_several_requests_travel_at_once_but_never_two_for_one_ref(
    db, channel, sandbox, make_position
):
    channel.concurrency = 4
    sandbox.state.faults = Faults(latency=0.03)
    positions = open_positions(make_position, 24)

    run = run_channel_sync(channel, by=ACTOR)

    assert run.status is SyncStatus.COMPLETED and run.created == 24 and run.sent == 24
    stats = sandbox.state.stats()
    assert 2 <= stats["max_in_flight"] <= 4
    assert stats["overlaps"] == 0
    assert set(sandbox.state.postings) == {p.ref for p in positions}


def test_a_429_pauses_every_new_request_to_the_channel(db, channel, sandbox, make_position):
    channel.concurrency = 4
    first = open_positions(make_position, 12)[0]
    sandbox.state.script(method="PUT", ref=first.ref, status=429, headers={"Retry-After": "1"})

    run = run_channel_sync(channel, by=ACTOR)

    assert run.status is SyncStatus.COMPLETED and run.created == 12
    writes = sandbox.state.writes()
    throttled = next(r["at"] for r in writes if r["status"] == 429)
    # Requests already in flight land at once; nothing new is sent until the second passes.
    during = [r for r in writes if throttled + 0.3 < r["at"] < throttled + 0.9]
    assert during == []


def test_an_item_the_portal_keeps_throttling_stays_pending_and_the_run_goes_on(
    db, channel, sandbox, make_position
):
    positions = open_positions(make_position, 6)
    stuck = positions[2]
    sandbox.state.script(
        method="PUT", ref=stuck.ref, status=429, headers={"Retry-After": "0"}, times=3
    )

    run = run_channel_sync(channel, by=ACTOR)

    assert run.status is SyncStatus.INCOMPLETE
    assert run.created == 5 and run.failed == 1 and run.pending == 1
    row = row_of(db, channel, stuck)
    assert row.state is PostingState.PENDING and "限流" in row.last_error
    assert said(run, "已发送 6，已确认 5，待同步 1")


def test_progress_is_written_while_the_run_goes(db, channel, sandbox, make_position, monkeypatch):
    channel.concurrency = 2
    open_positions(make_position, 10)
    monkeypatch.setattr(delivery, "HEARTBEAT_EVERY", 0.0)
    seen = []
    original = ItemLoop.flush

    def watch(loop):
        original(loop)
        seen.append((loop.run.processed, loop.run.sent, loop.run.created))

    monkeypatch.setattr(ItemLoop, "flush", watch)
    run = run_channel_sync(channel, by=ACTOR)

    assert run.total == 10 and run.processed == 10
    middle = [s for s in seen if 0 < s[0] < 10]
    assert middle, seen
    assert all(0 < created <= processed for processed, _sent, created in middle)


def test_an_unfinished_week_follows_itself_up_with_backoff(
    app, db, channel, sandbox, make_position
):
    _slot, week = slot_days_ago(channel)
    (position,) = open_positions(make_position, 1)
    position_id = position.id  # the watcher ends the session, as a job does
    sandbox.state.script(method="PUT", status=500, times=6)

    assert watch_channel(app, "xjy", utcnow()) == "catch_up"
    first = week_row(db, channel)
    assert (first.week, first.status, first.pending) == (week, SyncStatus.INCOMPLETE, 1)
    delay = first.next_attempt_at - first.finished_at
    assert timedelta(seconds=299) < delay <= timedelta(seconds=300)
    assert watch_channel(app, "xjy", first.next_attempt_at - timedelta(seconds=1)) is None

    assert watch_channel(app, "xjy", first.next_attempt_at) == "follow_up"
    second = week_row(db, channel)
    assert second.id == first.id and second.status is SyncStatus.INCOMPLETE
    assert second.follow_ups == 1 and second.trigger is SyncTrigger.FOLLOW_UP
    delay = second.next_attempt_at - second.finished_at
    assert timedelta(seconds=899) < delay <= timedelta(seconds=900)
    row = db.session.scalar(
        sa.select(ChannelPosting).where(
            ChannelPosting.position_id == position_id,
            ChannelPosting.channel_id == second.channel_id,
        )
    )
    assert row.next_attempt_at == second.next_attempt_at

    due = second.next_attempt_at
    assert watch_channel(app, "xjy", due) == "follow_up"
    done = week_row(db, channel)
    assert done.status is SyncStatus.COMPLETED and done.next_attempt_at is None
    assert done.created == 1 and done.follow_ups == 2
    assert watch_channel(app, "xjy", due + timedelta(hours=1)) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncRun)) == 1


def test_a_long_retry_after_stops_the_week_until_the_portal_said(
    app, db, channel, sandbox, make_position
):
    slot_days_ago(channel)
    open_positions(make_position, 3)
    sandbox.state.script(method="PUT", status=503, headers={"Retry-After": "600"})

    assert watch_channel(app, "xjy", utcnow()) == "catch_up"

    row = week_row(db, channel)
    assert row.status is SyncStatus.STOPPED and said(row, "超过 60 秒")
    delay = row.next_attempt_at - row.finished_at
    assert timedelta(seconds=599) < delay <= timedelta(seconds=600)


def test_a_dead_weekly_run_is_taken_over_by_the_watcher(app, db, channel, sandbox, make_position):
    _slot, week = slot_days_ago(channel)
    open_positions(make_position, 2)
    dead = start_run(channel, SyncTrigger.SCHEDULE, week=week, by=ACTOR)
    dead.heartbeat_at = utcnow() - timedelta(seconds=app.config["SYNC_STALE_AFTER"] + 1)
    db.session.commit()

    assert watch_channel(app, "xjy", utcnow()) == "takeover"

    row = week_row(db, channel)
    assert row.id == dead.id and row.status is SyncStatus.COMPLETED and row.created == 2
    assert said(row, "接管")


def test_a_fresh_run_is_left_alone_and_a_dead_manual_run_is_released(
    app, db, channel, sandbox, make_position
):
    slot_days_ago(channel)
    alive = start_run(channel, SyncTrigger.MANUAL, by=ACTOR)
    # The week is due, but a live run holds the channel: nothing starts.
    assert watch_channel(app, "xjy", utcnow()) is None
    db.session.expire_all()
    assert db.session.get(SyncRun, alive.id).status is SyncStatus.RUNNING

    later = utcnow() + timedelta(seconds=app.config["SYNC_STALE_AFTER"] + 1)
    watch_channel(app, "xjy", later)
    db.session.expire_all()
    released = db.session.get(SyncRun, alive.id)
    assert released.status is SyncStatus.FAILED and said(released, "心跳超时")


def test_the_watcher_leaves_the_slot_to_its_cron_trigger_for_two_minutes(app, db, channel):
    slot, _week = slot_days_ago(channel)
    assert watch_channel(app, "xjy", slot + timedelta(seconds=30)) is None
    assert week_row(db, channel) is None
    assert watch_channel(app, "xjy", slot + timedelta(seconds=121)) == "catch_up"


def test_sync_run_exits_non_zero_when_an_item_failed(db, channel, sandbox, make_position, runner):
    open_positions(make_position, 2)
    sandbox.state.script(method="PUT", status=422, body={"message": "缺少工作地点"})

    result = runner.invoke(args=["sync", "run", "--channel", "xjy"])

    assert result.exit_code == 1
    assert "有失败条目的渠道：xjy" in result.output
    assert "已发送 2，已确认 1" in result.output


def test_a_flaky_portal_publishes_the_week_in_at_most_three_runs_unattended(
    app, db, channel, sandbox, make_position
):
    """Done when, at a small scale: a fifth of the requests fail (500, 429, a reply lost after
    the change was applied, a stall); the watcher's follow-ups finish the week by themselves."""
    slot_days_ago(channel)
    sandbox.state.faults = Faults(
        fail_rate=0.05,
        throttle_rate=0.05,
        retry_after=0,
        lost_reply_rate=0.05,
        stall_rate=0.05,
        stall=0.05,
    )
    sandbox.state.random = random.Random(13)
    refs = {p.ref for p in open_positions(make_position, 150)}

    now = utcnow()
    runs = 0
    while runs < 3:
        assert watch_channel(app, "xjy", now) in ("catch_up", "follow_up")
        runs += 1
        row = week_row(db, channel)
        if row.status is SyncStatus.COMPLETED:
            break
        assert row.status is SyncStatus.INCOMPLETE and row.next_attempt_at is not None
        now = row.next_attempt_at

    assert row.status is SyncStatus.COMPLETED, row.errors[-3:]
    stats = sandbox.state.stats()
    assert set(sandbox.state.postings) == refs
    applied = [r["key"] for r in sandbox.state.writes("PUT", applied_only=True)]
    assert len(applied) == len(set(applied)) == 150  # nothing applied twice
    assert stats["conflicts"] == 0 and stats["overlaps"] == 0
    assert stats["writes"] > 150  # the faults really happened

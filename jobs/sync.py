"""The weekly sync of each channel as the scheduler runs it, and the watcher that finishes it.

The cron trigger starts the week's run; the watcher looks at every channel every few seconds
(SYNC_WATCH_SECONDS) and, in a thread of its own per channel, takes over a dead run, starts a
run queued by 立即同步, catches up a week whose slot passed without a run, and runs the
follow-up of an unfinished week when it is due. So a week completes without anyone pressing a
button, whatever stopped it.
"""

import logging
import threading
from datetime import datetime, timedelta

from flask import Flask

from jobs.schedule import iso_week, last_slot
from recruit.auth.actors import system
from recruit.channels.models import UNFINISHED, SyncTrigger
from recruit.channels.services import get_channel, list_channels
from recruit.db_types import utcnow
from recruit.errors import Conflict, NotFound
from recruit.extensions import db
from recruit.sync.runs import (
    cancel_queued,
    queued_run,
    release_dead_runs,
    stale_runs,
    week_run,
)
from recruit.sync.services import run_channel_sync, run_queued
from recruit.uow import unit_of_work

logger = logging.getLogger(__name__)

#: Who the weekly runs are started by, in the audit log and on the run rows.
ACTOR = system("jobs.weekly_sync")
#: The watcher leaves a slot this long to its cron trigger before catching it up (seconds).
CATCH_UP_GRACE = 120


def weekly_sync(
    app: Flask,
    code: str,
    *,
    schedule: str | None = None,
    trigger: SyncTrigger = SyncTrigger.SCHEDULE,
    now: datetime | None = None,
) -> int | None:
    """Run this week's sync of a channel once (ledger row per ISO week); return the run id."""
    with app.app_context():
        try:
            channel = _enabled(code)
            if channel is None:
                logger.info("Weekly sync of %s skipped: channel missing or disabled", code)
                return None
            week = iso_week(last_slot(schedule or channel.schedule, now or utcnow()))
            try:
                # The run commits as it goes: its ledger row and each item.
                run = run_channel_sync(channel, trigger, week=week, by=ACTOR)
            except Conflict as refusal:
                logger.info("Weekly sync of %s (%s) not started: %s", code, week, refusal.message)
                return None
            logger.info("Weekly sync of %s (%s): run %s %s", code, week, run.id, run.status)
            return run.id
        finally:
            db.session.remove()


def _enabled(code: str):
    try:
        channel = get_channel(ACTOR, code)
    except NotFound:
        return None
    return channel if channel.is_scheduled else None


def watch_channel(
    app: Flask, code: str, now: datetime | None = None, grace: float = CATCH_UP_GRACE
) -> str | None:
    """Do the one thing a channel needs now; return what ran, or None.

    In order: take over a dead weekly run (a dead manual one is marked failed), start the
    oldest queued run, catch up this week when its slot passed `grace` seconds ago without a
    run, run this week's follow-up when it is due.
    """
    with app.app_context():
        try:
            try:
                channel = get_channel(ACTOR, code)
            except NotFound:
                return None
            try:
                return _watch(channel, now or utcnow(), grace)
            except Conflict as refusal:
                # Another process holds the channel: it is alive, the next tick looks again.
                logger.debug("Sync watcher of %s: %s", code, refusal.message)
                return None
        finally:
            db.session.remove()


def _watch(channel, now: datetime, grace: float) -> str | None:
    if not channel.is_scheduled:
        with unit_of_work():
            cancel_queued(channel, "渠道已停用，排队的同步未运行")
        return None
    for dead in stale_runs(channel, now):
        if dead.week is not None:
            logger.warning("Taking over the dead weekly run %s of %s", dead.id, channel.code)
            run_channel_sync(channel, SyncTrigger.FOLLOW_UP, week=dead.week, by=ACTOR)
            return "takeover"
    with unit_of_work():
        # A dead manual run only holds the lock: free it, so the page stops saying 进行中.
        release_dead_runs(channel, now)
    waiting = queued_run(channel)
    if waiting is not None:
        run_queued(waiting, by=ACTOR)
        return "queued"
    slot = last_slot(channel.schedule, now)
    week = iso_week(slot)
    row = week_run(channel, week)
    if row is None and now - slot >= timedelta(seconds=grace):
        run_channel_sync(channel, SyncTrigger.CATCH_UP, week=week, by=ACTOR)
        return "catch_up"
    if (
        row is not None
        and row.status in UNFINISHED
        and row.next_attempt_at is not None
        and row.next_attempt_at <= now
    ):
        run_channel_sync(channel, SyncTrigger.FOLLOW_UP, week=week, by=ACTOR)
        return "follow_up"
    return None


class SyncWatcher:
    """Look after every channel every few seconds, one worker thread per busy channel.

    The scheduler's job only starts threads and returns at once, so a long run of one channel
    neither delays the others nor makes the scheduler skip its job.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.threads: dict[str, threading.Thread] = {}

    def tick(self) -> None:
        """Start a watcher thread for every channel that has none running."""
        with self.app.app_context():
            try:
                codes = [channel.code for channel in list_channels(ACTOR)]
            finally:
                db.session.remove()
        for code in codes:
            thread = self.threads.get(code)
            if thread is not None and thread.is_alive():
                continue
            # Daemon threads: a process that ends mid-run is taken over like a crashed one.
            thread = threading.Thread(
                target=watch_channel, args=(self.app, code), name=f"sync-watch-{code}", daemon=True
            )
            self.threads[code] = thread
            thread.start()

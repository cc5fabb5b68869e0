"""The weekly sync of one channel, as the scheduler runs it."""

import logging
from datetime import datetime

from flask import Flask

from jobs.schedule import iso_week, last_slot
from recruit.auth.actors import system
from recruit.channels.models import SyncTrigger
from recruit.channels.services import get_channel
from recruit.db_types import utcnow
from recruit.errors import Conflict, NotFound
from recruit.extensions import db
from recruit.sync.services import run_channel_sync

logger = logging.getLogger(__name__)

#: Who the weekly runs are started by, in the audit log and on the run rows.
ACTOR = system("jobs.weekly_sync")


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
            try:
                channel = get_channel(ACTOR, code)
            except NotFound:
                channel = None
            if channel is None or not channel.enabled:
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

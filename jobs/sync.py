"""The weekly sync of one channel, as the scheduler runs it."""

import logging
from datetime import datetime

from flask import Flask

logger = logging.getLogger(__name__)


def weekly_sync(
    app: Flask,
    code: str,
    *,
    schedule: str | None = None,
    trigger=None,
    now: datetime | None = None,
) -> int | None:
    """Run this week's sync of a channel once (ledger row per ISO week); return the run id."""
    from jobs import last_slot
    from recruit.channels.models import SyncTrigger
    from recruit.channels.services import get_channel
    from recruit.db_types import utcnow
    from recruit.extensions import db
    from recruit.sync.services import RunRefused, iso_week, run_channel_sync

    with app.app_context():
        try:
            channel = get_channel(code)
            if channel is None or not channel.enabled:
                logger.info("Weekly sync of %s skipped: channel missing or disabled", code)
                return None
            week = iso_week(last_slot(schedule or channel.schedule, now or utcnow()))
            try:
                run = run_channel_sync(channel, trigger or SyncTrigger.SCHEDULE, week=week)
            except RunRefused as refusal:
                logger.info("Weekly sync of %s (%s) not started: %s", code, week, refusal)
                return None
            logger.info("Weekly sync of %s (%s): run %s %s", code, week, run.id, run.status)
            return run.id
        finally:
            db.session.remove()

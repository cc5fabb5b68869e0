"""Scheduled jobs and the scheduler runner (flask --app wsgi jobs run, or python -m jobs).

The scheduler runs in its own process. Each enabled channel gets a weekly cron trigger with the
Asia/Shanghai zone given explicitly; the run ledger (SyncRun unique per channel and ISO week)
makes the weekly sync happen once however many scheduler processes there are.
"""

import contextlib
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


def weekly_trigger(schedule: str) -> CronTrigger:
    """Return the cron trigger of a channel schedule such as "mon 02:00", in Asia/Shanghai."""
    from recruit.channels.services import parse_schedule

    day, hour, minute = parse_schedule(schedule)
    return CronTrigger(day_of_week=day, hour=hour, minute=minute, timezone=SHANGHAI)


def last_slot(schedule: str, now: datetime) -> datetime:
    """Return the latest instant at or before now when the schedule fires."""
    trigger = weekly_trigger(schedule)
    moment = trigger.get_next_fire_time(None, now - timedelta(days=8))
    found = moment
    while moment is not None and moment <= now:
        found = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return found


def schedule_jobs(scheduler, app: Flask) -> None:
    """Add (or replace) the weekly sync of every enabled channel and the housekeeping jobs."""
    from jobs.housekeeping import (
        expire_positions_job,
        purge_personal_data_job,
        remind_outcomes_job,
    )
    from jobs.sync import weekly_sync
    from recruit.channels.services import list_channels

    with app.app_context():
        channels = [(c.code, c.schedule) for c in list_channels() if c.enabled]
    wanted = set()
    for code, schedule in channels:
        job_id = f"sync:{code}"
        wanted.add(job_id)
        existing = scheduler.get_job(job_id)
        if existing is not None and existing.kwargs.get("schedule") == schedule:
            continue
        scheduler.add_job(
            weekly_sync,
            weekly_trigger(schedule),
            args=[app, code],
            kwargs={"schedule": schedule},
            id=job_id,
            name=f"weekly sync {code}",
            replace_existing=True,
            **JOB_DEFAULTS,
        )
        logger.info("Scheduled weekly sync of %s at %s Asia/Shanghai", code, schedule)
    for job in scheduler.get_jobs():
        if job.id.startswith("sync:") and job.id not in wanted:
            job.remove()
    scheduler.add_job(
        expire_positions_job,
        CronTrigger(hour=0, minute=10, timezone=SHANGHAI),
        args=[app],
        id="expire-positions",
        replace_existing=True,
        **JOB_DEFAULTS,
    )
    scheduler.add_job(
        purge_personal_data_job,
        CronTrigger(hour=0, minute=40, timezone=SHANGHAI),
        args=[app],
        id="purge-personal-data",
        replace_existing=True,
        **JOB_DEFAULTS,
    )
    scheduler.add_job(
        remind_outcomes_job,
        CronTrigger(day_of_week="mon", hour=9, minute=0, timezone=SHANGHAI),
        args=[app],
        id="remind-outcomes",
        replace_existing=True,
        **JOB_DEFAULTS,
    )


def catch_up(app: Flask, now: datetime | None = None) -> list[str]:
    """Run now the weekly sync of each enabled channel whose last slot has no completed run."""
    from jobs.sync import weekly_sync
    from recruit.channels.models import SyncStatus, SyncTrigger
    from recruit.channels.services import list_channels
    from recruit.db_types import utcnow
    from recruit.extensions import db
    from recruit.sync.services import iso_week

    now = now or utcnow()
    due = []
    with app.app_context():
        from recruit.channels.models import SyncRun

        for channel in list_channels():
            if not channel.enabled:
                continue
            week = iso_week(last_slot(channel.schedule, now))
            done = db.session.scalar(
                db.select(SyncRun.id).where(
                    SyncRun.channel_id == channel.id,
                    SyncRun.week == week,
                    SyncRun.status == SyncStatus.COMPLETED,
                )
            )
            if done is None:
                due.append((channel.code, channel.schedule))
        db.session.remove()
    for code, schedule in due:
        logger.info("Catching up the weekly sync of %s", code)
        weekly_sync(app, code, schedule=schedule, trigger=SyncTrigger.CATCH_UP, now=now)
    return [code for code, _ in due]


def build_scheduler(app: Flask, scheduler_cls=BlockingScheduler):
    """Return a scheduler with every job added, running its jobs in Asia/Shanghai."""
    scheduler = scheduler_cls(timezone=SHANGHAI, job_defaults=JOB_DEFAULTS)
    schedule_jobs(scheduler, app)
    # Channel settings change at run time: pick up new schedules every few minutes.
    scheduler.add_job(
        schedule_jobs,
        IntervalTrigger(minutes=5, timezone=SHANGHAI),
        args=[scheduler, app],
        id="reload-channels",
        replace_existing=True,
        **JOB_DEFAULTS,
    )
    return scheduler


def run_scheduler(app: Flask) -> None:
    """Catch up missed weeks, then block running the scheduled jobs."""
    scheduler = build_scheduler(app)
    scheduler.add_job(catch_up, args=[app], id="catch-up", **JOB_DEFAULTS)
    logger.info("Scheduler started (jobs: %s)", ", ".join(j.id for j in scheduler.get_jobs()))
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


def start_embedded(app: Flask) -> BackgroundScheduler:
    """Run the scheduler in a background thread of the single development process."""
    scheduler = build_scheduler(app, BackgroundScheduler)
    scheduler.add_job(catch_up, args=[app], id="catch-up", **JOB_DEFAULTS)
    scheduler.start()
    logger.info("Embedded scheduler started (development only)")
    return scheduler

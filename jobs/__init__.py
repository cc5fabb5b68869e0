"""Scheduled jobs and the scheduler runner (flask --app wsgi jobs run, or python -m jobs).

The scheduler runs in its own process. Each enabled channel gets a weekly cron trigger with the
Asia/Shanghai zone given explicitly; the run ledger (SyncRun unique per channel and ISO week)
makes the weekly sync happen once however many scheduler processes there are. The sync watcher
(every SYNC_WATCH_SECONDS) runs what 立即同步 queued, takes over dead runs, catches up missed
weeks and runs the follow-ups of unfinished ones, so no week is lost.
"""

import contextlib
import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from jobs.housekeeping import (
    expire_positions_job,
    purge_login_attempts_job,
    purge_personal_data_job,
    remind_outcomes_job,
)
from jobs.notify import deliver_notifications_job, fair_reminders_job, review_digests_job
from jobs.schedule import SHANGHAI, weekly_trigger
from jobs.sync import SyncWatcher, watch_channel, weekly_sync
from recruit.auth.actors import system
from recruit.channels.services import list_channels
from recruit.db_types import utcnow
from recruit.extensions import db

logger = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
#: Who the scheduler acts as when it reads the channels.
SCHEDULER = system("jobs.scheduler")


#: The daily and weekly jobs (housekeeping and scheduled messages), Asia/Shanghai:
#: (job id, function of the app, when).
DAILY_AND_WEEKLY = [
    ("expire-positions", expire_positions_job, CronTrigger(hour=0, minute=10, timezone=SHANGHAI)),
    (
        "purge-personal-data",
        purge_personal_data_job,
        CronTrigger(hour=0, minute=40, timezone=SHANGHAI),
    ),
    (
        "purge-login-attempts",
        purge_login_attempts_job,
        CronTrigger(hour=0, minute=50, timezone=SHANGHAI),
    ),
    (
        "remind-outcomes",
        remind_outcomes_job,
        CronTrigger(day_of_week="mon", hour=9, minute=0, timezone=SHANGHAI),
    ),
    ("review-digests", review_digests_job, CronTrigger(hour=8, minute=30, timezone=SHANGHAI)),
    ("fair-reminders", fair_reminders_job, CronTrigger(hour=10, minute=0, timezone=SHANGHAI)),
]


def schedule_jobs(scheduler, app: Flask) -> None:
    """Add (or replace) the weekly sync of every enabled channel, the housekeeping jobs and the
    notification jobs (delivery every minute, fair reminders and review digests daily)."""
    with app.app_context():
        try:
            channels = [(c.code, c.schedule) for c in list_channels(SCHEDULER) if c.is_scheduled]
        finally:
            db.session.remove()
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
    for job_id, job, trigger in DAILY_AND_WEEKLY:
        scheduler.add_job(
            job, trigger, args=[app], id=job_id, replace_existing=True, **JOB_DEFAULTS
        )
    if scheduler.get_job("deliver-notifications") is None:  # the reload keeps its rhythm
        scheduler.add_job(
            deliver_notifications_job,
            IntervalTrigger(minutes=1, timezone=SHANGHAI),
            args=[app],
            id="deliver-notifications",
            **{**JOB_DEFAULTS, "misfire_grace_time": 60},
        )


def catch_up(app: Flask, now: datetime | None = None) -> list[str]:
    """At start: run now what each enabled channel's week still needs.

    A week whose slot passed without a run, a dead run to take over, a follow-up that fell due
    while no scheduler ran (the watcher does the same every few seconds afterwards). Returns
    the channels that ran something now.
    """
    now = now or utcnow()
    with app.app_context():
        try:
            codes = [c.code for c in list_channels(SCHEDULER) if c.is_scheduled]
        finally:
            db.session.remove()
    caught_up = []
    for code in codes:
        if watch_channel(app, code, now, grace=0) is not None:
            logger.info("Caught up the weekly sync of %s", code)
            caught_up.append(code)
    return caught_up


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
    watcher = SyncWatcher(app)
    scheduler.add_job(
        watcher.tick,
        IntervalTrigger(seconds=app.config["SYNC_WATCH_SECONDS"], timezone=SHANGHAI),
        id="sync-watch",
        replace_existing=True,
        **{**JOB_DEFAULTS, "misfire_grace_time": 60},
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

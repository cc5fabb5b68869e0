"""The jobs' calendar: weekly channel schedules as cron triggers and ISO weeks, in Asia/Shanghai."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from recruit.channels.services import parse_schedule
from recruit.formatting import to_local

SHANGHAI = ZoneInfo("Asia/Shanghai")


def weekly_trigger(schedule: str) -> CronTrigger:
    """Return the cron trigger of a channel schedule such as "mon 02:00", in Asia/Shanghai."""
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


def iso_week(moment: datetime) -> str:
    """Return the ISO week of an instant in Asia/Shanghai, e.g. "2026-W47"."""
    year, week, _day = to_local(moment).isocalendar()
    return f"{year}-W{week:02d}"

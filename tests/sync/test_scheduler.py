"""The scheduler: Monday 02:00 in Shanghai whatever the machine's zone, catch-up, housekeeping."""

import os
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from jobs import JOB_DEFAULTS, build_scheduler, catch_up
from jobs.housekeeping import expire_positions_job, purge_login_attempts_job
from jobs.schedule import SHANGHAI, last_slot, weekly_trigger
from recruit.auth.models import Role, UserSession
from recruit.auth.throttle import LoginAttempt
from recruit.channels.models import SyncRun
from recruit.channels.services import parse_schedule
from recruit.db_types import utcnow
from recruit.errors import Invalid
from recruit.positions.models import Position, PositionStatus


@pytest.fixture
def machine_zone():
    """Run the test with the process in another time zone, then restore it."""
    saved = os.environ.get("TZ")

    def switch(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield switch
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Shanghai", "Pacific/Auckland"])
def test_trigger_fires_monday_0200_shanghai_whatever_the_machine_zone(machine_zone, zone):
    machine_zone(zone)
    trigger = weekly_trigger("mon 02:00")
    # Sunday 2026-11-22 12:00 UTC is Sunday 20:00 in Shanghai.
    fire = trigger.get_next_fire_time(None, datetime(2026, 11, 22, 12, tzinfo=UTC))
    local = fire.astimezone(SHANGHAI)
    assert (local.date(), local.hour, local.minute) == (date(2026, 11, 23), 2, 0)
    assert fire.astimezone(UTC) == datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


def test_last_slot_is_the_latest_monday_0200_at_or_before_now():
    now = datetime(2026, 11, 23, 17, 59, tzinfo=UTC)  # Tuesday 01:59 Shanghai
    assert last_slot("mon 02:00", now) == datetime(2026, 11, 23, 2, tzinfo=SHANGHAI)
    before = datetime(2026, 11, 22, 17, 59, tzinfo=UTC)  # Monday 01:59 Shanghai
    assert last_slot("mon 02:00", before) == datetime(2026, 11, 16, 2, tzinfo=SHANGHAI)


def test_schedule_must_name_one_day_and_a_time():
    assert parse_schedule("MON 2:00") == ("mon", 2, 0)
    for bad in ("monday 02:00", "mon 25:00", "mon,thu 02:00", ""):
        with pytest.raises(Invalid):
            parse_schedule(bad)


def test_scheduler_has_a_weekly_job_per_enabled_channel_with_the_required_options(app, db):
    scheduler = build_scheduler(app, BackgroundScheduler)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    # Seeded: 就业超市 (xlsx) and 这“醴”找工作 (feed) are enabled, 湘就业 and 人才网 are not.
    assert {"sync:jycs", "sync:llzgz", "expire-positions", "remind-outcomes"} <= set(jobs)
    assert "purge-login-attempts" in jobs
    assert "sync:xjy" not in jobs
    job = jobs["sync:jycs"]
    assert str(job.trigger.timezone) == "Asia/Shanghai"
    assert "day_of_week='mon'" in str(job.trigger) and "hour='2'" in str(job.trigger)
    assert job.coalesce is True and job.max_instances == 1 and job.misfire_grace_time == 3600
    assert JOB_DEFAULTS == {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


def test_catch_up_runs_a_week_whose_slot_passed_without_a_completed_run(app, db, make_position):
    make_position()
    now = datetime(2026, 11, 24, 4, tzinfo=UTC)  # Tuesday noon in Shanghai, week 48

    assert set(catch_up(app, now)) == {"jycs", "llzgz"}
    weeks = db.session.scalars(sa.select(SyncRun.week)).all()
    assert weeks == ["2026-W48", "2026-W48"]
    # Completed: a second start catches nothing up.
    assert catch_up(app, now) == []


def test_daily_expiry_job_expires_positions_past_valid_until(app, db, make_position):
    old = make_position(valid_until=date.today() - timedelta(days=2))
    fresh = make_position()

    old_id, fresh_id = old.id, fresh.id

    assert expire_positions_job(app) >= 1
    # The job ends its session like a real job; read the rows afresh.
    assert db.session.get(Position, old_id).status is PositionStatus.EXPIRED
    assert db.session.get(Position, fresh_id).status is PositionStatus.OPEN


def test_daily_housekeeping_removes_old_sign_in_failures_and_ended_sessions(app, db, make_user):
    viewer = make_user(Role.VIEWER)
    now = utcnow()
    week_ago = now - timedelta(days=8)
    db.session.add_all(
        [
            LoginAttempt(username="old", address="10.0.0.1", at=now - timedelta(days=2)),
            LoginAttempt(username="new", address="10.0.0.1", at=now - timedelta(hours=2)),
            UserSession(
                user=viewer,
                key_hash="a" * 64,
                created_at=week_ago,
                expires_at=now,
                ended_at=week_ago,
            ),
            UserSession(
                user=viewer, key_hash="b" * 64, created_at=now, expires_at=now + timedelta(hours=8)
            ),
        ]
    )
    db.session.flush()

    assert purge_login_attempts_job(app) == 2
    # The job ends its session like a real job; read the rows afresh.
    assert db.session.scalars(sa.select(LoginAttempt.username)).all() == ["new"]
    assert db.session.scalars(sa.select(UserSession.key_hash)).all() == ["b" * 64]

"""Daily expiry of positions, of seekers' personal data and of old sign-in failures; the weekly
outcome reminder. Ended sign-in sessions go with the failures.

Each job runs in its own app context as one unit of work, acting as a named system actor.
"""

import logging

from flask import Flask

from jobs.schedule import iso_week
from recruit.auth.actors import system
from recruit.auth.codes import purge_old_codes
from recruit.auth.sessions import purge_ended_sessions
from recruit.auth.throttle import purge_old_attempts
from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.formatting import local_today
from recruit.hires.privacy import purge_personal_data
from recruit.positions.services import expire_positions
from recruit.reminders.services import remind_intents_awaiting_outcome
from recruit.uow import unit_of_work

logger = logging.getLogger(__name__)


def expire_positions_job(app: Flask) -> int:
    """Expire open positions past their valid_until (daily)."""
    with app.app_context():
        try:
            with unit_of_work():
                count = expire_positions(local_today(), by=system("jobs.expire_positions"))
            logger.info("Expired %d positions", count)
            return count
        finally:
            db.session.remove()


def remind_outcomes_job(app: Flask) -> int:
    """Record this week's reminders of intents waiting 14+ days for an outcome (weekly)."""
    with app.app_context():
        try:
            now = utcnow()
            with unit_of_work():
                return remind_intents_awaiting_outcome(iso_week(now), now)
        finally:
            db.session.remove()


def purge_personal_data_job(app: Flask) -> int:
    """Remove seekers' personal data past the retention period (daily)."""
    with app.app_context():
        try:
            with unit_of_work():
                return purge_personal_data(
                    local_today(),
                    app.config["PII_RETENTION_MONTHS"],
                    by=system("jobs.purge_personal_data"),
                )
        finally:
            db.session.remove()


def purge_login_attempts_job(app: Flask) -> int:
    """Delete sign-in failures older than a day and sessions ended a week ago (daily).

    Reset codes and request counts go too (recruit.auth.codes). The throttle's, the sessions'
    and the codes' tables stay small; returns how many rows went.
    """
    with app.app_context():
        try:
            with unit_of_work():
                failures = purge_old_attempts()
                sessions = purge_ended_sessions()
                codes = purge_old_codes()
            logger.info(
                "Purged %d old sign-in failures, %d ended sessions, %d old reset codes",
                failures,
                sessions,
                codes,
            )
            return failures + sessions + codes
        finally:
            db.session.remove()

"""Notification jobs: delivery every minute, the fairs' day-before reminders and the staff's
review digest daily. Each runs in its own app context; the daily ones as one unit of work.
"""

import logging

from flask import Flask

from recruit.auth.actors import system
from recruit.extensions import db
from recruit.formatting import local_today
from recruit.notify.delivery import deliver_pending
from recruit.notify.digests import remind_fairs_tomorrow, send_review_digests
from recruit.uow import unit_of_work

logger = logging.getLogger(__name__)


def deliver_notifications_job(app: Flask) -> int:
    """Deliver the outbox rows that are due (every minute); return how many were sent."""
    with app.app_context():
        try:
            report = deliver_pending()
            if report.ids:
                logger.info(
                    "Notifications: %d sent, %d to retry, %d failed",
                    report.sent,
                    report.retrying,
                    report.failed,
                )
            return report.sent
        finally:
            db.session.remove()


def fair_reminders_job(app: Flask) -> int:
    """Write the reminders of tomorrow's fairs (daily; once per participation)."""
    with app.app_context():
        try:
            with unit_of_work():
                return remind_fairs_tomorrow(local_today(), by=system("jobs.fair_reminders"))
        finally:
            db.session.remove()


def review_digests_job(app: Flask) -> int:
    """Write the staff's daily digest of their review queues (once per person and day)."""
    with app.app_context():
        try:
            with unit_of_work():
                return send_review_digests(local_today(), by=system("jobs.review_digests"))
        finally:
            db.session.remove()

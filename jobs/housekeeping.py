"""Daily expiry of positions and of seekers' personal data; the weekly outcome reminder."""

import logging

from flask import Flask

logger = logging.getLogger(__name__)


def expire_positions_job(app: Flask) -> int:
    """Expire open positions past their valid_until (daily)."""
    from recruit.extensions import db
    from recruit.formatting import local_today
    from recruit.positions.services import expire_positions

    with app.app_context():
        try:
            count = expire_positions(local_today())
            db.session.commit()
            logger.info("Expired %d positions", count)
            return count
        finally:
            db.session.remove()


def remind_outcomes_job(app: Flask) -> int:
    """Record this week's reminders of intents waiting 14+ days for an outcome (weekly)."""
    from recruit.db_types import utcnow
    from recruit.extensions import db
    from recruit.reminders.services import remind_intents_awaiting_outcome
    from recruit.sync.services import iso_week

    with app.app_context():
        try:
            now = utcnow()
            count = remind_intents_awaiting_outcome(iso_week(now), now)
            db.session.commit()
            return count
        finally:
            db.session.remove()


def purge_personal_data_job(app: Flask) -> int:
    """Remove seekers' personal data past the retention period (daily)."""
    from recruit.extensions import db
    from recruit.formatting import local_today
    from recruit.hires.privacy import purge_personal_data

    with app.app_context():
        try:
            count = purge_personal_data(local_today(), app.config["PII_RETENTION_MONTHS"])
            db.session.commit()
            return count
        finally:
            db.session.remove()

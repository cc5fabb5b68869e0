"""Reminders of tentative hires still waiting for an outcome.

Shown on the employer dashboard and sent to the employer's accounts through the outbox.
"""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from recruit.db_types import utcnow
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.hires.models import Outcome, TentativeHire
from recruit.notify.events import outcomes_waiting
from recruit.positions.models import Position
from recruit.reminders.models import OutcomeReminder

logger = logging.getLogger(__name__)

#: An intent without an outcome this many days after it was recorded earns a reminder.
REMIND_AFTER_DAYS = 14


def _waiting(now: datetime) -> sa.Select:
    return (
        sa.select(TentativeHire)
        .join(Position, TentativeHire.position_id == Position.id)
        .where(
            TentativeHire.outcome == Outcome.INTENT,
            TentativeHire.recorded_at <= now - timedelta(days=REMIND_AFTER_DAYS),
        )
    )


def intents_awaiting_outcome(employer, now: datetime | None = None) -> list[TentativeHire]:
    """Return the employer's intents recorded 14+ days ago that still have no outcome."""
    query = _waiting(now or utcnow()).where(Position.employer_id == employer.id)
    return list(db.session.scalars(query.order_by(TentativeHire.recorded_at, TentativeHire.id)))


def remind_intents_awaiting_outcome(week: str, now: datetime | None = None) -> int:
    """Record one reminder this week for every employer with intents waiting; return how many."""
    now = now or utcnow()
    waiting = _waiting(now).subquery()
    counts = db.session.execute(
        sa.select(Position.employer_id, sa.func.count())
        .join(waiting, waiting.c.position_id == Position.id)
        .group_by(Position.employer_id)
    ).all()
    already = set(
        db.session.scalars(
            sa.select(OutcomeReminder.employer_id).where(OutcomeReminder.week == week)
        )
    )
    added = 0
    for employer_id, n in counts:
        if employer_id in already:
            continue
        db.session.add(OutcomeReminder(employer_id=employer_id, week=week, intents=n))
        outcomes_waiting(db.session.get(Employer, employer_id), n)
        added += 1
    db.session.flush()
    logger.info("Reminded %d employers of intents without outcome (%s)", added, week)
    return added

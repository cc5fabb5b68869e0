"""What the employer's overview shows: its positions by status, intents to follow up, sign-ups."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from recruit.auth.models import Role
from recruit.auth.scope import require_role
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db
from recruit.fairs.credit import signup_blocked_until
from recruit.fairs.models import Fair, Participation
from recruit.fairs.participations import employer_participations
from recruit.formatting import local_today
from recruit.hires.intents import employer_hires
from recruit.hires.models import Outcome
from recruit.positions.models import PositionStatus
from recruit.positions.services import position_counts
from recruit.reminders.services import REMIND_AFTER_DAYS, intents_awaiting_outcome

#: How many coming fairs the overview lists.
UPCOMING_SIGNUPS = 10


@dataclass(frozen=True)
class Overview:
    employer: Employer
    counts: dict[PositionStatus, int]
    #: Intents still waiting for an outcome, and those waiting longer than the reminder allows.
    pending_outcomes: int
    overdue_outcomes: int
    #: Sign-ups for fairs not over yet, soonest first.
    signups: list[Participation]
    #: The last day the credit rule bars fair sign-up (approved employers only), or None.
    blocked_until: date | None
    #: After how many days without an outcome an intent counts as overdue.
    overdue_after_days: int = REMIND_AFTER_DAYS


def employer_overview(actor) -> Overview:
    """Return the employer actor's overview."""
    require_role(actor, Role.EMPLOYER)
    employer = actor.employer
    waiting = employer_hires(actor, Outcome.INTENT).order_by(None).subquery()
    signups = (
        employer_participations(actor)
        .where(Fair.ends_at >= utcnow())
        .order_by(None)
        .order_by(Fair.starts_at, Fair.id)
        .limit(UPCOMING_SIGNUPS)
    )
    approved = employer.status is EmployerStatus.APPROVED
    return Overview(
        employer=employer,
        counts=position_counts(actor),
        pending_outcomes=db.session.scalar(sa.select(sa.func.count()).select_from(waiting)),
        overdue_outcomes=len(intents_awaiting_outcome(employer)),
        signups=list(db.session.scalars(signups)),
        blocked_until=signup_blocked_until(employer, local_today()) if approved else None,
    )

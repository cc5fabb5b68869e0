"""The credit rule of DESIGN §2: repeated no-shows block fair sign-up for a while."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import Fair, Participation, ParticipationStatus
from recruit.formatting import local_day_bounds, to_local


def signup_blocked_until(employer: Employer, on: date) -> date | None:
    """Return the last day the employer may not sign up for fairs, or None if it may.

    NO_SHOW_LIMIT no-shows at fairs starting within NO_SHOW_WINDOW_DAYS before `on` block
    sign-up for NO_SHOW_BLOCK_DAYS after the latest of them. A block an organizer set by hand
    (Employer.fair_signup_blocked_until) counts too.
    """
    config = current_app.config
    starts = db.session.scalars(
        _no_shows(employer, on).with_only_columns(Fair.starts_at).order_by(Fair.starts_at.desc())
    ).all()
    candidates = []
    if len(starts) >= config["NO_SHOW_LIMIT"]:
        latest = to_local(starts[0]).date()
        candidates.append(latest + timedelta(days=config["NO_SHOW_BLOCK_DAYS"]))
    if employer.fair_signup_blocked_until:
        candidates.append(employer.fair_signup_blocked_until)
    until = max(candidates, default=None)
    return until if until is not None and until >= on else None


def no_show_count(employer: Employer, on: date) -> int:
    """Return the employer's no-shows at fairs in the credit rule's window before `on`."""
    query = _no_shows(employer, on).with_only_columns(sa.func.count(Participation.id))
    return int(db.session.scalar(query))


def _no_shows(employer: Employer, on: date) -> sa.Select:
    """Select the employer's no-shows at fairs starting in the window before `on`."""
    begin, stop = local_day_bounds(
        on - timedelta(days=current_app.config["NO_SHOW_WINDOW_DAYS"]), on
    )
    return (
        sa.select(Participation)
        .join(Fair, Participation.fair_id == Fair.id)
        .where(
            Participation.employer_id == employer.id,
            Participation.status == ParticipationStatus.NO_SHOW,
            Fair.starts_at >= begin,
            Fair.starts_at < stop,
        )
    )

"""The scheduled messages: the day-before fair reminder and the staff's daily review digest.

Both go out once per key (a participation; a person and a day) whatever number of times their
job runs, through notification_once rows written with the messages.
"""

import logging
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.auth.models import Role, User
from recruit.auth.scope import require_role
from recruit.employers.profile import pending_changes
from recruit.employers.review import pending_employers
from recruit.extensions import db
from recruit.fairs.models import Fair, FairStatus, Participation, ParticipationStatus
from recruit.fairs.participations import pending_participations
from recruit.formatting import LOCAL_TZ
from recruit.links import public_url
from recruit.notify.events import fair_tomorrow
from recruit.notify.services import once, send
from recruit.positions.review import pending_positions

logger = logging.getLogger(__name__)


def remind_fairs_tomorrow(today: date, *, by) -> int:
    """Remind every employer accepted at a fair that starts tomorrow; return how many."""
    require_role(by, Role.ADMIN)
    start = datetime.combine(today + timedelta(days=1), time.min, LOCAL_TZ)
    parts = db.session.scalars(
        sa.select(Participation)
        .join(Participation.fair)
        .where(
            Participation.status == ParticipationStatus.APPROVED,
            Fair.status.in_((FairStatus.PLANNED, FairStatus.OPEN)),
            Fair.starts_at >= start,
            Fair.starts_at < start + timedelta(days=1),
        )
        .options(joinedload(Participation.fair), joinedload(Participation.employer))
        .order_by(Participation.id)
    ).all()
    reminded = 0
    for part in parts:
        if once(f"fair_reminder:{part.id}"):
            fair_tomorrow(part)
            reminded += 1
    logger.info("Reminded %d employers of tomorrow's fairs", reminded)
    return reminded


def _count(query: sa.Select) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())))


def send_review_digests(today: date, *, by) -> int:
    """E-mail each active staff member what waits in their review queue; return how many."""
    require_role(by, Role.ADMIN)
    staff = db.session.scalars(
        sa.select(User)
        .where(
            User.active,
            User.role.in_((Role.ADMIN, Role.ORGANIZER)),
            User.email.is_not(None),
        )
        .order_by(User.id)
    ).all()
    sent = 0
    for user in staff:
        counts = {
            "employers": _count(pending_employers(user)),
            "positions": _count(pending_positions(user)),
            "participations": _count(pending_participations(user)),
            "employer_changes": _count(pending_changes(user)),
        }
        total = sum(counts.values())
        if not total or not once(f"staff_digest:{user.id}:{today.isoformat()}"):
            continue
        params = {k: str(v) for k, v in counts.items()}
        params.update(total=str(total), url=public_url("manage.review"))
        if send("staff_review_digest", params, user=user):
            sent += 1
    logger.info("Sent %d review digests", sent)
    return sent

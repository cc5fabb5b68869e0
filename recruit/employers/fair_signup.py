"""An employer's own fair sign-ups: choose positions and openings, withdraw before the deadline."""

from datetime import datetime

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db
from recruit.fairs.credit import signup_blocked_until
from recruit.fairs.models import (
    Fair,
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
)
from recruit.formatting import local_date, local_today
from recruit.positions.models import Position, PositionStatus

#: Sign-ups that hold a place at the fair.
ACTIVE_STATUSES = (ParticipationStatus.REQUESTED, ParticipationStatus.APPROVED)


class SignupError(ValueError):
    """A sign-up the rules refuse; the message is for the employer."""


def signup_open(fair: Fair, now: datetime | None = None) -> bool:
    """Return whether the fair takes sign-ups now."""
    now = now or utcnow()
    if fair.status is not FairStatus.OPEN or fair.starts_at <= now:
        return False
    return fair.registration_deadline is None or fair.registration_deadline > now


def open_fairs_query(now: datetime | None = None) -> sa.Select:
    """Return the query of fairs taking sign-ups, soonest first."""
    now = now or utcnow()
    return (
        sa.select(Fair)
        .where(
            Fair.status == FairStatus.OPEN,
            Fair.starts_at > now,
            sa.or_(Fair.registration_deadline.is_(None), Fair.registration_deadline > now),
        )
        .order_by(Fair.starts_at, Fair.id)
    )


def own_participation(employer: Employer, fair: Fair) -> Participation | None:
    """Return the employer's sign-up for the fair, whatever its status."""
    return db.session.scalar(
        sa.select(Participation).where(
            Participation.fair_id == fair.id, Participation.employer_id == employer.id
        )
    )


def signable_positions(employer: Employer) -> list[Position]:
    """Return the employer's open positions, which it may offer at a fair."""
    return list(
        db.session.scalars(
            sa.select(Position)
            .where(Position.employer_id == employer.id, Position.status == PositionStatus.OPEN)
            .order_by(Position.id)
        )
    )


def sign_up_for_fair(
    employer: Employer, fair: Fair, offers: dict[int, int], *, by=None
) -> Participation:
    """Register the employer for the fair with {position id: openings}; status 已报名."""
    if employer.status is not EmployerStatus.APPROVED:
        raise SignupError(f"企业状态为“{employer.status.label}”，审核通过后才能报名招聘会。")
    if not signup_open(fair):
        raise SignupError("该招聘会不在报名期内（未开放报名或报名已截止）。")
    blocked = signup_blocked_until(employer, local_today())
    if blocked is not None:
        raise SignupError(
            f"因近期多次报名后未到场，贵单位在 {local_date(blocked)}（含）之前不能报名招聘会。"
        )
    if not offers:
        raise SignupError("参会岗位：请至少选择一个岗位。")
    positions = {p.id: p for p in signable_positions(employer)}
    for position_id, openings in offers.items():
        if position_id not in positions:
            raise SignupError("参会岗位：只能选择本单位招聘中的岗位。")
        if not isinstance(openings, int) or openings < 1:
            title = positions[position_id].title
            raise SignupError(f"参会岗位“{title}”的招聘人数：至少 1 人。")
        if openings > 9999:
            raise SignupError(f"参会岗位“{positions[position_id].title}”的招聘人数：过大。")

    participation = own_participation(employer, fair)
    if participation is not None and participation.status not in (
        ParticipationStatus.REQUESTED,
        ParticipationStatus.WITHDRAWN,
    ):
        raise SignupError(
            f"报名状态为“{participation.status.label}”，如需变更参会岗位请联系主办方。"
        )
    if participation is None or participation.status is ParticipationStatus.WITHDRAWN:
        _check_capacity(fair)
    if participation is None:
        participation = Participation(fair=fair, employer=employer)
        db.session.add(participation)
    participation.status = ParticipationStatus.REQUESTED
    participation.fair_positions.clear()
    db.session.flush()
    for position_id, openings in sorted(offers.items()):
        participation.fair_positions.append(
            FairPosition(position=positions[position_id], openings=openings)
        )
    db.session.flush()
    record_audit(
        "participation.request",
        participation,
        by=by,
        summary={"fair": fair.id, "positions": sorted(offers)},
    )
    return participation


def _check_capacity(fair: Fair) -> None:
    if fair.booth_capacity is None:
        return
    taken = db.session.scalar(
        sa.select(sa.func.count(Participation.id)).where(
            Participation.fair_id == fair.id, Participation.status.in_(ACTIVE_STATUSES)
        )
    )
    if taken >= fair.booth_capacity:
        raise SignupError("该招聘会展位已满，无法报名。")


def withdraw_participation(participation: Participation, *, by=None) -> None:
    """Withdraw a sign-up before the registration deadline; the booth is freed."""
    if participation.status not in ACTIVE_STATUSES:
        raise SignupError(f"报名状态为“{participation.status.label}”，不能撤回。")
    if not signup_open(participation.fair):
        raise SignupError("报名已截止，不能在线撤回；如确实无法参会，请尽快联系主办方。")
    participation.status = ParticipationStatus.WITHDRAWN
    participation.booth = None
    record_audit("participation.withdraw", participation, by=by, summary={"status": "withdrawn"})
    db.session.flush()

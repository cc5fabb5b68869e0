"""Demo call-backs: intents that started 35 / 95 / 185 days ago, so /manage/callbacks is not
empty after `make run`, and dated histories for the demo's other intents.

The steps go through recruit.hires.steps, as the pages record them: the employer demo account
records 录用 and 到岗, the city organizer the call-backs.
"""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from recruit.auth.models import User
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import LOCAL_TZ
from recruit.hires.models import HireStep, StepKind, TentativeHire
from recruit.hires.steps import adopt_dates, record_step
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.codes import Education, FairMode, FairType, Gender

FOLLOW_UP_FAIR_TITLE = "醴陵市春风行动招聘会"
#: Days before today the fair was held.
FAIR_DAYS_AGO = 200
#: (name, mobile, days since the start, the call-backs already made as (step, milestone))
FOLLOW_UP_SEEKERS = [
    ("刘洋", "13907339101", 35, []),
    ("周敏", "13907339102", 95, [(StepKind.RETAINED_30, 30)]),
    ("谭军", "13907339103", 185, [(StepKind.UNREACHABLE, 180)]),
]


def seed_demo_follow_ups(
    employers: list[Employer], today: date, result, fair_titles: list[str]
) -> None:
    """Add the old fair with intents due a call-back; give the demo fairs' intents their steps."""
    without_steps = (
        sa.select(TentativeHire)
        .join(Fair, Fair.id == TentativeHire.fair_id)
        .where(Fair.title.in_(fair_titles))
        .where(~sa.exists().where(HireStep.hire_id == TentativeHire.id))
    )
    for hire in db.session.scalars(without_steps).all():
        adopt_dates(hire)
    if db.session.scalar(sa.select(Fair.id).where(Fair.title == FOLLOW_UP_FAIR_TITLE)):
        return
    employer_user = db.session.scalar(sa.select(User).where(User.username == "employer"))
    organizer = db.session.scalar(sa.select(User).where(User.username == "organizer"))
    if employer_user is None or organizer is None:
        return
    employer = employers[0]
    position = db.session.scalar(
        sa.select(Position)
        .where(Position.employer_id == employer.id, Position.status == PositionStatus.OPEN)
        .order_by(Position.id)
    )
    if position is None:
        return
    day = today - timedelta(days=FAIR_DAYS_AGO)
    fair = Fair(
        title=FOLLOW_UP_FAIR_TITLE,
        type=FairType.MIGRANT_WORKERS,
        mode=FairMode.OFFLINE,
        region_code="430281",
        venue="醴陵市人力资源市场一楼大厅",
        starts_at=datetime.combine(day, time(9), LOCAL_TZ),
        ends_at=datetime.combine(day, time(12), LOCAL_TZ),
        organizer_unit="醴陵市就业服务中心",
        booth_capacity=60,
        description="春风行动专场，欢迎广大求职者参加。",
        status=FairStatus.CLOSED,
        closed_at=datetime.combine(day, time(17), LOCAL_TZ),
    )
    part = Participation(
        fair=fair,
        employer=employer,
        booth="A01",
        status=ParticipationStatus.ATTENDED,
        checked_in_at=datetime.combine(day, time(8, 40), LOCAL_TZ),
    )
    part.fair_positions.append(FairPosition(position=position, openings=position.openings))
    db.session.add_all([fair, part])
    result.add("fairs")
    result.add("participations")
    for name, mobile, started_ago, calls in FOLLOW_UP_SEEKERS:
        hire = TentativeHire(
            fair=fair,
            position=position,
            seeker_name=name,
            gender=Gender.MALE if name != "周敏" else Gender.FEMALE,
            seeker_phone=mobile,
            education=Education.SENIOR_HIGH,
            priority_groups=[],
            recorded_by=organizer,
        )
        db.session.add(hire)
        db.session.flush()
        started = today - timedelta(days=started_ago)
        record_step(hire, StepKind.HIRED, started - timedelta(days=3), by=employer_user)
        record_step(hire, StepKind.STARTED, started, by=employer_user)
        for kind, milestone in calls:
            on = started + timedelta(days=milestone + 2)
            record_step(hire, kind, on, by=organizer, milestone=milestone)
        result.add("tentative_hires")

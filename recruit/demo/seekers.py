"""A demo fair under way with seekers who scanned in and applied, so the seekers' journey
(入场登记 → 投递 → 达成意向 → 我的) can be tried at once after `make run`.

The fair runs from this morning for a week (线上线下), so it is still under way whenever the
demo is started within that week. The seekers enter and apply through the seekers' services,
as the phone pages do; nothing secret is printed.
"""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from recruit.auth.models import User
from recruit.db_types import utcnow
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import LOCAL_TZ
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.codes import FairMode, FairType
from recruit.seekers import services
from recruit.seekers.models import ApplicationSource, EntrySource

DEMO_FAIR_TITLE = "株洲市冬季线上线下招聘周"
#: The demo employers at its booths (indexes into recruit.demo.data.EMPLOYERS; 0 is the
#: employer demo account's own, so that account sees applications at once).
DEMO_BOOTHS = [0, 1, 5, 6]
#: (name, mobile, education, entry source, [(booth index, decision or None)])
DEMO_SEEKERS = [
    ("李明", "13907339001", "vocational", EntrySource.SCAN, [(0, "intent"), (1, None)]),
    ("王芳", "13907339002", "junior_college", EntrySource.SCAN, [(0, "declined")]),
    ("陈强", "13907339003", "senior_high", EntrySource.ONLINE, [(2, None)]),
]


def seed_demo_seekers(employers: list[Employer], today: date, result) -> None:
    """Add the demo fair under way with its booths, seekers, entries and applications."""
    if db.session.scalar(sa.select(Fair.id).where(Fair.title == DEMO_FAIR_TITLE)):
        return
    now = utcnow()
    starts_at = min(datetime.combine(today, time(8, 30), LOCAL_TZ), now - timedelta(hours=1))
    fair = Fair(
        title=DEMO_FAIR_TITLE,
        type=FairType.COMPREHENSIVE,
        mode=FairMode.HYBRID,
        region_code="430211",
        venue="株洲市人力资源市场（天元区）",
        starts_at=starts_at,
        ends_at=datetime.combine(today + timedelta(days=6), time(18), LOCAL_TZ),
        organizer_unit="株洲市公共就业服务中心",
        booth_capacity=60,
        description="现场扫码入场、展位扫码投递，也可在线投递。",
        status=FairStatus.HELD,
    )
    db.session.add(fair)
    result.add("fairs")
    offered: list[list[Position]] = []
    for booth, index in enumerate(DEMO_BOOTHS, start=1):
        employer = employers[index]
        part = Participation(
            fair=fair,
            employer=employer,
            booth=f"A{booth:02d}",
            status=ParticipationStatus.ATTENDED,
            checked_in_at=starts_at + timedelta(minutes=20 + booth),
        )
        db.session.add(part)
        result.add("participations")
        positions = list(
            db.session.scalars(
                sa.select(Position)
                .where(Position.employer_id == employer.id, Position.status == PositionStatus.OPEN)
                .order_by(Position.id)
            )
        )
        for position in positions:
            part.fair_positions.append(FairPosition(position=position, openings=position.openings))
        offered.append(positions)
    db.session.flush()
    if not fair.on_the_day:
        # Seeded for another day (tests pass `today`): the fair is not under way, no seekers.
        return

    employer_user = db.session.scalar(sa.select(User).where(User.username == "employer"))
    for name, mobile, education, source, applications in DEMO_SEEKERS:
        entered = services.enter_fair(
            fair,
            {"name": name, "phone": mobile, "consent": True, "education": education},
            address="demo",
            source=source,
        )
        result.add("求职者入场")
        token = entered.token
        if services.verification_required():
            # The demo seekers typed the code back already.
            token.verified_at = now
        for booth_index, decision in applications:
            if not offered[booth_index]:
                continue
            application = services.apply(
                token,
                fair,
                offered[booth_index][0].id,
                address="demo",
                source=ApplicationSource.ONLINE
                if source is EntrySource.ONLINE
                else ApplicationSource.BOOTH,
            )
            result.add("求职者投递")
            owner = DEMO_BOOTHS[booth_index] == 0 and employer_user is not None
            if decision and owner:
                services.decide(application, decision, by=employer_user)
    db.session.flush()

"""Load the demo data set; every step looks up what exists first, so running twice is a no-op."""

import logging
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from recruit.auth.models import Role, User
from recruit.auth.services import create_user
from recruit.channels.services import seed_channels
from recruit.db_types import utcnow
from recruit.demo import data
from recruit.demo.followups import seed_demo_follow_ups
from recruit.demo.seekers import seed_demo_seekers
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db
from recruit.fairs.models import (
    Fair,
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
    TallySource,
)
from recruit.formatting import LOCAL_TZ, local_today
from recruit.hires.models import Outcome, TentativeHire
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.codes import (
    Education,
    EmployerSize,
    EmploymentType,
    Experience,
    FairMode,
    FairType,
    Gender,
    PriorityGroup,
)
from recruit.refdata.models import IndustryChain
from recruit.refdata.services import load_refdata
from recruit.validators import id_check_digit, uscc_check_char

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "recruit-demo-2026"

#: (username, role, region, employer index, display name)
DEMO_ACCOUNTS = [
    ("admin", Role.ADMIN, None, None, "系统管理员"),
    ("organizer", Role.ORGANIZER, "430200", None, "市人社局招聘会科"),
    ("liling", Role.ORGANIZER, "430281", None, "醴陵市就业服务中心"),
    ("employer", Role.EMPLOYER, None, 0, "瓷源陶瓷人事部"),
    ("viewer", Role.VIEWER, None, None, "局领导"),
]

#: Demo accounts' mobiles (assigned ranges, so they pass the mobile check).
DEMO_MOBILES = {
    "admin": "13907330001",
    "organizer": "13907330002",
    "liling": "13907330003",
    "employer": "13907330004",
    "viewer": "13907330005",
}


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n


def demo_uscc(index: int, region_code: str) -> str:
    """Return a valid, stable USCC for the index-th demo employer."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = f"91{region_code}MA4L"
    body += "".join(alphabet[(index * 7 + k * 3) % 31] for k in range(5))
    return body + uscc_check_char(body)


def is_seeded() -> bool:
    """Return whether the demo accounts exist already."""
    return db.session.scalar(sa.select(User.id).where(User.username == "admin")) is not None


def seed_demo(today: date | None = None) -> SeedResult:
    """Add whatever part of the demo data set is missing."""
    today = today or local_today()
    rng = random.Random(20260)
    result = SeedResult()
    load_refdata()
    seed_channels()
    chains = {c.code: c for c in db.session.scalars(sa.select(IndustryChain))}

    employers = [_ensure_employer(i, spec, chains, result) for i, spec in enumerate(data.EMPLOYERS)]
    db.session.flush()
    positions = {
        e.id: _ensure_positions(e, spec, today, result)
        for e, spec in zip(employers, data.EMPLOYERS, strict=True)
    }
    db.session.flush()
    _ensure_accounts(employers, result)
    db.session.flush()
    _ensure_fairs(employers, positions, chains, today, rng, result)
    db.session.flush()
    seed_demo_seekers(employers, today, result)
    seed_demo_follow_ups(employers, today, result, [fair[0] for fair in FAIRS])
    return result


def _ensure_employer(index, spec, chains, result) -> Employer:
    name, region, section, klass, chain, size, address = spec
    uscc = demo_uscc(index, region)
    employer = db.session.scalar(sa.select(Employer).where(Employer.uscc == uscc))
    if employer is not None:
        return employer
    pending = index in data.PENDING_EMPLOYERS
    employer = Employer(
        name=name,
        uscc=uscc,
        region_code=region,
        industry_section=section,
        industry_class=klass,
        industry_chain=chains.get(chain) if chain else None,
        size=EmployerSize(size),
        address=address,
        contact_name=data.SEEKER_SURNAMES[index] + "经理",
        contact_phone=f"1387331{index:04d}",
        status=EmployerStatus.PENDING if pending else EmployerStatus.APPROVED,
        reviewed_at=None if pending else utcnow(),
    )
    db.session.add(employer)
    result.add("employers")
    return employer


def _ensure_positions(employer: Employer, spec, today: date, result) -> list[Position]:
    existing = list(
        db.session.scalars(
            sa.select(Position).where(Position.employer_id == employer.id).order_by(Position.id)
        )
    )
    if existing:
        return existing
    _name, region, _section, _klass, chain, _size, address = spec
    templates = data.POSITION_TEMPLATES.get(chain) or data.POSITION_TEMPLATES[None]
    pending_employer = employer.status is EmployerStatus.PENDING
    created = []
    for k, (title, group, openings, low, high, edu, exp, kind) in enumerate(templates):
        if pending_employer:
            status = PositionStatus.DRAFT
        elif k == 2 and employer.id % 4 == 0:
            status = PositionStatus.PENDING
        else:
            status = PositionStatus.OPEN
        position = Position(
            employer=employer,
            title=title,
            occupation_major_group=group,
            openings=openings,
            salary_min=low,
            salary_max=high,
            salary_negotiable=high is None,
            education=Education(edu),
            experience=Experience(exp),
            employment_type=EmploymentType(kind),
            work_region_code=region,
            work_address=address,
            description=_description(title, low, high),
            contact_name=employer.contact_name,
            contact_phone=employer.contact_phone,
            valid_until=today + timedelta(days=90 + 15 * k),
            status=status,
            published_at=utcnow() if status is PositionStatus.OPEN else None,
        )
        db.session.add(position)
        created.append(position)
    result.add("positions", len(created))
    return created


def _description(title: str, low: int, high: int | None) -> str:
    pay = f"月薪{low}–{high}元" if high else f"底薪{low}元起，面议"
    return (
        f"岗位职责：负责{title}相关工作，服从生产（工作）安排，遵守安全操作规程。\n"
        f"任职要求：身体健康，责任心强，能适应倒班者优先。\n"
        f"待遇：{pay}，缴纳五险，提供食宿或住房补贴，节日福利。"
    )


def _ensure_accounts(employers: list[Employer], result) -> None:
    for username, role, region, employer_index, display in DEMO_ACCOUNTS:
        if db.session.scalar(sa.select(User.id).where(User.username == username)):
            continue
        user = create_user(
            username,
            DEMO_PASSWORD,
            role,
            region_code=region,
            employer_uscc=employers[employer_index].uscc if employer_index is not None else None,
            display_name=display,
        )
        # Verified demo contacts, so notifications and 忘记密码 work at once from `make run`
        # (in development every message stays in the outbox; .invalid never resolves).
        user.mobile = DEMO_MOBILES.get(username)
        user.email = f"{username}@demo.invalid"
        user.mobile_verified_at = user.email_verified_at = utcnow()
        result.add("users")
        result.accounts.append((username, DEMO_PASSWORD, role.label))


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


# (title, region, type, mode, chain, days from today, status, employer indexes, venue)
# fmt: off
FAIRS = [
    ("醴陵市陶瓷产业链专场招聘会", "430281", FairType.INDUSTRY_CHAIN, FairMode.HYBRID, "ceramics",
     -34, FairStatus.CLOSED, [0, 1, 2, 3, 4], "醴陵市人力资源市场一楼大厅"),
    ("春风行动·株洲市综合招聘会", "430211", FairType.MIGRANT_WORKERS, FairMode.OFFLINE, None,
     -61, FairStatus.CLOSED, [5, 6, 7, 8, 9, 10, 11, 12], "株洲市人力资源市场（天元区）"),
    ("攸县民营企业招聘月专场", "430223", FairType.PRIVATE_ENTERPRISE, FairMode.OFFLINE, None,
     -5, FairStatus.HELD, [13, 14, 15, 16], "攸县人力资源市场"),
    ("醴陵市陶瓷产业链冬季专场招聘会", "430281", FairType.INDUSTRY_CHAIN, FairMode.OFFLINE,
     "ceramics", 12, FairStatus.OPEN, [0, 2, 3], "醴陵市陶瓷会展馆"),
    ("株洲市高校毕业生专场招聘会", "430211", FairType.GRADUATES, FairMode.OFFLINE, None,
     20, FairStatus.PLANNED, [], "湖南工业大学体育馆"),
    ("退役军人网络专场招聘会", "430200", FairType.VETERANS, FairMode.ONLINE, None,
     9, FairStatus.OPEN, [5, 8], "线上（株洲人社公众号）"),
]
# fmt: on


def _ensure_fairs(employers, positions, chains, today, rng, result) -> None:
    for title, region, ftype, mode, chain, offset, status, members, venue in FAIRS:
        if db.session.scalar(sa.select(Fair.id).where(Fair.title == title)):
            continue
        day = today + timedelta(days=offset)
        online = mode is FairMode.ONLINE
        fair = Fair(
            title=title,
            type=ftype,
            mode=mode,
            region_code=region,
            venue=venue,
            starts_at=_local(day, 9),
            ends_at=_local(day + timedelta(days=3), 17) if online else _local(day, 12),
            organizer_unit="醴陵市就业服务中心" if region == "430281" else "株洲市公共就业服务中心",
            industry_chain=chains.get(chain) if chain else None,
            booth_capacity=60,
            registration_deadline=_local(day - timedelta(days=2), 17),
            description=f"{title}，欢迎广大求职者参加。",
            status=status,
            closed_at=utcnow() if status is FairStatus.CLOSED else None,
        )
        db.session.add(fair)
        result.add("fairs")
        past = status in (FairStatus.HELD, FairStatus.CLOSED)
        offered: list[Position] = []
        for booth, index in enumerate(members, start=1):
            employer = employers[index]
            # One employer of the big spring fair did not come: a no-show on its record.
            no_show = past and index == 12 and mode is FairMode.OFFLINE
            part = Participation(
                fair=fair,
                employer=employer,
                booth=f"A{booth:02d}",
                status=_participation_status(past, no_show),
                checked_in_at=_local(day, 8, 30 + booth) if past and not no_show else None,
            )
            db.session.add(part)
            result.add("participations")
            for position in positions[employer.id]:
                if position.status is PositionStatus.OPEN:
                    part.fair_positions.append(
                        FairPosition(position=position, openings=position.openings)
                    )
                    if not no_show:
                        offered.append(position)
        if past:
            _add_tallies(fair, rng, result)
            _add_intents(fair, offered, day, rng, result)


def _participation_status(past: bool, no_show: bool) -> ParticipationStatus:
    if not past:
        return ParticipationStatus.APPROVED
    return ParticipationStatus.NO_SHOW if no_show else ParticipationStatus.ATTENDED


def _add_tallies(fair: Fair, rng: random.Random, result) -> None:
    counts = [(rng.randint(120, 260), TallySource.GATE, None) for _ in range(3)]
    if fair.mode is not FairMode.OFFLINE:
        counts.append((rng.randint(80, 150), TallySource.ONLINE, None))
    counts.append((-7, TallySource.GATE, "入口重复计数更正"))
    for count, source, reason in counts:
        db.session.add(SeekerTally(fair=fair, count=count, source=source, reason=reason))
    result.add("seeker_tallies", len(counts))


REACHED_HIRED = (Outcome.HIRED, Outcome.STARTED)


def _add_intents(fair, offered, day, rng, result) -> None:
    if not offered:
        return
    groups = [g.value for g in PriorityGroup]
    n = 15 if fair.status is FairStatus.CLOSED else 4
    for k in range(n):
        position = offered[(k * 5) % len(offered)]
        birth = date(1975, 1, 1) + timedelta(days=rng.randint(0, 365 * 28))
        id_body = f"430281{birth:%Y%m%d}{rng.randint(100, 999)}"
        outcome = [Outcome.INTENT, Outcome.HIRED, Outcome.STARTED, Outcome.DECLINED][k % 4]
        if fair.status is not FairStatus.CLOSED:
            outcome = Outcome.INTENT
        hire = TentativeHire(
            fair=fair,
            position=position,
            seeker_name=rng.choice(data.SEEKER_SURNAMES) + rng.choice(data.SEEKER_GIVEN),
            gender=rng.choice(list(Gender)),
            seeker_phone=f"{rng.choice(data.MOBILE_PREFIXES)}{rng.randint(0, 99999999):08d}",
            seeker_id_number=id_body + id_check_digit(id_body) if k % 3 == 0 else None,
            education=rng.choice(list(Education)),
            priority_groups=rng.sample(groups, k=k % 3),
            outcome=outcome,
            hired_on=day + timedelta(days=7) if outcome in REACHED_HIRED else None,
            started_on=day + timedelta(days=14) if outcome is Outcome.STARTED else None,
            outcome_on=day + timedelta(days=7) if outcome is not Outcome.INTENT else None,
        )
        db.session.add(hire)
    result.add("tentative_hires", n)

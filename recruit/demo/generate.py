"""Generate the half-year data set at the scale of DESIGN's first section.

For January–June of a year: 219 fairs, 5,248 employer attendances, 191,700 openings offered,
111,000 seeker entries and 32,000 tentative hires, 17 of the fairs being 醴陵 ceramics fairs
with 2,307 intents among them. The totals are exact; how they spread over counties, fair types,
modes and months is random but seeded, so the same year gives the same data set.

Rows go in with bulk inserts (one INSERT per batch), so the set is written in seconds.
Generated employers carry USCCs of the form 91<region>HY<yy><serial><check>, which marks the
year's data set: a second run for the same year refuses instead of doubling the numbers.
"""

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from recruit.db_types import utcnow
from recruit.demo import data
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
from recruit.hires.intents import with_pii_hashes
from recruit.hires.models import HireSource, Outcome, TentativeHire
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
from recruit.refdata.models import IndustryChain, Region
from recruit.refdata.services import load_refdata
from recruit.reports.metrics import counted_fairs
from recruit.validators import uscc_check_char

logger = logging.getLogger(__name__)

LILING = "430281"
CITY = "430200"


@dataclass(frozen=True)
class Profile:
    fairs: int
    attendances: int
    openings: int
    entries: int
    intents: int
    #: Fairs held in 醴陵 for the ceramics chain, and the intents made at them.
    liling_ceramics_fairs: int
    liling_ceramics_intents: int
    #: Fairs per month, January first.
    fairs_per_month: tuple[int, ...]
    liling_ceramics_per_month: tuple[int, ...]
    employers: int


PROFILES = {
    "half-year": Profile(
        fairs=219,
        attendances=5248,
        openings=191_700,
        entries=111_000,
        intents=32_000,
        liling_ceramics_fairs=17,
        liling_ceramics_intents=2307,
        fairs_per_month=(28, 45, 48, 35, 33, 30),
        liling_ceramics_per_month=(2, 3, 4, 3, 3, 2),
        employers=1700,
    )
}

#: Where employers are (GB/T 2260 code → weight) and which chains are strong there.
COUNTIES = {
    "430202": (12, ["cemented_carbide", "new_materials"]),
    "430203": (11, ["aviation", "apparel"]),
    "430204": (10, ["rail_transit", "new_materials"]),
    "430211": (20, ["rail_transit", "electronics", "automotive"]),
    "430212": (6, ["automotive"]),
    "430223": (9, []),
    "430224": (6, []),
    "430225": (4, []),
    LILING: (22, ["ceramics", "ceramics", "ceramics", "fireworks"]),
}

#: Fair types the bureau runs in each month (January first), most frequent first.
MONTH_TYPES = [
    [FairType.ASSISTANCE_MONTH, FairType.MIGRANT_WORKERS, FairType.COMPREHENSIVE],
    [FairType.MIGRANT_WORKERS, FairType.ASSISTANCE_MONTH, FairType.COMPREHENSIVE],
    [FairType.MIGRANT_WORKERS, FairType.COMPREHENSIVE, FairType.INDUSTRY_CHAIN],
    [FairType.COMPREHENSIVE, FairType.INDUSTRY_CHAIN, FairType.GRADUATES],
    [FairType.PRIVATE_ENTERPRISE, FairType.COMPREHENSIVE, FairType.GRADUATES],
    [FairType.GRADUATES, FairType.COMPREHENSIVE, FairType.VETERANS, FairType.INDUSTRY_CHAIN],
]

# fmt: off
BRANDS = [
    "瑞丰", "华鑫", "恒达", "宏远", "金诚", "兴旺", "永盛", "鼎新", "众合", "天宇",
    "博雅", "中联", "嘉禾", "新锐", "东方", "湘江", "神农", "炎帝", "渌水", "云阳",
]
# fmt: on
TRADES = {
    "ceramics": "陶瓷",
    "fireworks": "烟花",
    "rail_transit": "轨道装备",
    "aviation": "航空部件",
    "cemented_carbide": "硬质合金",
    "apparel": "服饰",
    "automotive": "汽车配件",
    "electronics": "电子科技",
    "new_materials": "新材料",
    None: "商贸",
}
SECTIONS_WITHOUT_CHAIN = ["F", "G", "H", "Q", "O", "L", "C", "E"]


class AlreadyGenerated(Exception):
    """The year's generated data set exists already."""


@dataclass
class GenerateResult:
    counts: dict[str, int]
    #: Counted fairs that existed in the period before, which the report numbers now include.
    other_fairs: int


def split_total(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split total into integers proportional to weights, each at least minimum, summing exactly."""
    count = len(weights)
    spare = total - minimum * count
    if spare < 0:
        raise ValueError("total too small for the minimum")
    weight_sum = sum(weights)
    shares = [spare * w / weight_sum for w in weights]
    parts = [int(s) for s in shares]
    leftover = spare - sum(parts)
    by_fraction = sorted(range(count), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in by_fraction[:leftover]:
        parts[i] += 1
    return [p + minimum for p in parts]


def cap_parts(parts: list[int], caps: Sequence[int]) -> list[int]:
    """Move whatever exceeds a part's cap to parts that have room, keeping the sum."""
    parts = list(parts)
    excess = 0
    for i, cap in enumerate(caps):
        if parts[i] > cap:
            excess += parts[i] - cap
            parts[i] = cap
    i = 0
    while excess:
        if parts[i % len(parts)] < caps[i % len(parts)]:
            parts[i % len(parts)] += 1
            excess -= 1
        i += 1
        if i > len(parts) * 10_000:
            raise ValueError("caps too small for the total")
    return parts


def generated_marker(year: int) -> str:
    return f"HY{year % 100:02d}"


def is_generated(year: int) -> bool:
    """Return whether the year's generated data set exists."""
    pattern = f"91______{generated_marker(year)}%"
    return (
        db.session.scalar(sa.select(Employer.id).where(Employer.uscc.like(pattern)).limit(1))
        is not None
    )


def generate_half_year(
    year: int, progress: Callable[[int], None] | None = None, profile: str = "half-year"
) -> GenerateResult:
    """Insert the half-year data set for January–June of year; the caller commits.

    progress, if given, is called with the number of rows written since its last call.
    """
    spec = PROFILES[profile]
    if is_generated(year):
        raise AlreadyGenerated(year)
    load_refdata()
    progress = progress or (lambda n: None)
    other_fairs = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            counted_fairs(date(year, 1, 1), date(year, 6, 30)).subquery()
        )
    )
    rng = random.Random(year * 7919)
    chains = {c.code: c.id for c in db.session.scalars(sa.select(IndustryChain))}
    region_names = dict(db.session.execute(sa.select(Region.code, Region.name)).all())
    today = local_today()
    counts: dict[str, int] = {}

    def insert(model, rows: list[dict], returning: bool = False, batch: int = 2000):
        ids: list[int] = []
        for offset in range(0, len(rows), batch):
            chunk = rows[offset : offset + batch]
            if returning:
                stmt = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
                ids.extend(db.session.scalars(stmt, chunk).all())
            else:
                db.session.execute(sa.insert(model), chunk)
            progress(len(chunk))
        counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)
        return ids

    # --- employers and their positions ---
    employers = _employer_rows(spec.employers, year, chains, rng)
    employer_ids = insert(Employer, employers, returning=True)
    position_rows, position_owner = [], []
    valid_until = date(year, 12, 31)
    for employer_id, employer in zip(employer_ids, employers, strict=True):
        chain = employer.pop("_chain")
        for template in data.POSITION_TEMPLATES.get(chain) or data.POSITION_TEMPLATES[None]:
            title, group, openings, low, high, edu, exp, kind = template
            position_rows.append(
                {
                    "employer_id": employer_id,
                    "title": title,
                    "occupation_major_group": group,
                    "occupation_edition": "2022",
                    "openings": openings + rng.randint(0, openings),
                    "salary_min": low,
                    "salary_max": high,
                    "salary_negotiable": high is None,
                    "education": Education(edu),
                    "experience": Experience(exp),
                    "employment_type": EmploymentType(kind),
                    "work_region_code": employer["region_code"],
                    "work_address": employer["address"],
                    "description": f"岗位职责：负责{title}相关工作。任职要求：身体健康，责任心强。",
                    "contact_name": employer["contact_name"],
                    "contact_phone": employer["contact_phone"],
                    "valid_until": valid_until,
                    "status": PositionStatus.OPEN
                    if valid_until >= today
                    else PositionStatus.EXPIRED,
                    "published_at": _at(date(year, 1, 2), 9),
                }
            )
            position_owner.append(employer_id)
    position_ids = insert(Position, position_rows, returning=True)
    positions_of: dict[int, list[int]] = {}
    for position_id, owner in zip(position_ids, position_owner, strict=True):
        positions_of.setdefault(owner, []).append(position_id)
    employer_region = {
        eid: e["region_code"] for eid, e in zip(employer_ids, employers, strict=True)
    }
    ceramics_pool = [
        eid
        for eid, e in zip(employer_ids, employers, strict=True)
        if e["region_code"] == LILING and e["industry_chain_id"] == chains["ceramics"]
    ]
    by_region: dict[str, list[int]] = {}
    for eid, region in employer_region.items():
        by_region.setdefault(region, []).append(eid)

    # --- fairs ---
    fairs = _fair_rows(spec, year, chains, region_names, rng)
    fair_ids = insert(Fair, fairs, returning=True)
    ceramics = [
        f["industry_chain_id"] == chains["ceramics"] and f["region_code"] == LILING for f in fairs
    ]

    # --- attendances: bigger fairs draw more employers ---
    def size_weight(fair) -> float:
        weight = {FairMode.OFFLINE: 1.2, FairMode.HYBRID: 1.4, FairMode.ONLINE: 0.8}[fair["mode"]]
        if fair["type"] in (FairType.COMPREHENSIVE, FairType.MIGRANT_WORKERS):
            weight *= 1.5
        if fair["region_code"] == CITY:
            weight *= 1.5
        return weight * rng.uniform(0.5, 1.5)

    caps = [len(ceramics_pool) if c else 150 for c in ceramics]
    attendance_counts = cap_parts(
        split_total(spec.attendances, [size_weight(f) for f in fairs], minimum=5), caps
    )
    participation_rows, participation_fair = [], []
    for fair_index, (fair, n) in enumerate(zip(fairs, attendance_counts, strict=True)):
        if ceramics[fair_index]:
            chosen = rng.sample(ceramics_pool, n)
        else:
            local = by_region.get(fair["region_code"], [])
            n_local = min(len(local), round(n * 0.7)) if fair["region_code"] != CITY else 0
            chosen = rng.sample(local, n_local)
            taken = set(chosen)
            while len(chosen) < n:
                candidate = rng.choice(employer_ids)
                if candidate not in taken:
                    taken.add(candidate)
                    chosen.append(candidate)
        offline = fair["mode"] is not FairMode.ONLINE
        no_shows = rng.choice([0, 0, 0, 1, 2]) if fair["mode"] is FairMode.OFFLINE else 0
        taken = set(chosen)
        absent = []
        while len(absent) < no_shows:
            candidate = rng.choice(employer_ids)
            if candidate not in taken:
                taken.add(candidate)
                absent.append(candidate)
        checked_in = fair["starts_at"] + timedelta(minutes=20)
        for booth, employer_id in enumerate(chosen + absent, start=1):
            attended = booth <= len(chosen)
            participation_rows.append(
                {
                    "fair_id": fair_ids[fair_index],
                    "employer_id": employer_id,
                    "booth": f"{booth:03d}" if offline else None,
                    "status": ParticipationStatus.ATTENDED
                    if attended
                    else ParticipationStatus.NO_SHOW,
                    "checked_in_at": checked_in if attended and offline else None,
                }
            )
            participation_fair.append(fair_index if attended else None)
    participation_ids = insert(Participation, participation_rows, returning=True)

    # --- openings offered: 1–3 positions per attendance ---
    attended_ids = [
        (pid, row["employer_id"], fair_index)
        for pid, row, fair_index in zip(
            participation_ids, participation_rows, participation_fair, strict=True
        )
        if fair_index is not None
    ]
    openings = split_total(spec.openings, [rng.uniform(0.4, 1.6) for _ in attended_ids], minimum=3)
    fair_position_rows = []
    offered_at: dict[int, list[tuple[int, int]]] = {}
    for (participation_id, employer_id, fair_index), total in zip(
        attended_ids, openings, strict=True
    ):
        owned = positions_of[employer_id]
        picked = rng.sample(owned, rng.randint(1, len(owned)))
        for position_id, n in zip(
            picked, split_total(total, [rng.uniform(0.5, 1.5) for _ in picked], 1), strict=True
        ):
            fair_position_rows.append(
                {"participation_id": participation_id, "position_id": position_id, "openings": n}
            )
            offered_at.setdefault(fair_index, []).append((position_id, n))
    insert(FairPosition, fair_position_rows)

    # --- seeker entries, with a few corrections ---
    fair_openings = [sum(n for _p, n in offered_at.get(i, [])) for i in range(len(fairs))]
    entries = split_total(
        spec.entries, [n * rng.uniform(0.7, 1.3) for n in fair_openings], minimum=30
    )
    tally_rows = []
    for fair_index, (fair, total) in enumerate(zip(fairs, entries, strict=True)):
        tally_rows.extend(_tally_rows(fair_ids[fair_index], fair, total, rng))
    insert(SeekerTally, tally_rows)

    # --- tentative hires ---
    plain = [i for i in range(len(fairs)) if not ceramics[i]]
    special = [i for i in range(len(fairs)) if ceramics[i]]
    intents = [0] * len(fairs)
    for indexes, total in (
        (special, spec.liling_ceramics_intents),
        (plain, spec.intents - spec.liling_ceramics_intents),
    ):
        parts = split_total(
            total, [fair_openings[i] * rng.uniform(0.7, 1.3) for i in indexes], minimum=1
        )
        for i, n in zip(indexes, parts, strict=True):
            intents[i] = n
    hire_rows = []
    for fair_index, n in enumerate(intents):
        hire_rows.extend(
            _hire_rows(fair_ids[fair_index], fairs[fair_index], offered_at[fair_index], n, rng)
        )
    insert(TentativeHire, hire_rows, batch=4000)
    db.session.flush()
    logger.info("Generated the %s data set for %s: %s", profile, year, counts)
    return GenerateResult(counts=counts, other_fairs=other_fairs)


def scaled_years(year: int, scale: int = 1) -> list[int]:
    """Return the years whose first halves make `scale` times the half-year, ending with year.

    A scale of 10 writes January–June of ten consecutive years: ten times the rows of one
    half-year, so one half-year's report and the position search run over a database ten times
    the size (the history a bureau keeps), each year's numbers still those of the profile.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    return list(range(year - scale + 1, year + 1))


def rows_to_write(profile: str = "half-year") -> int:
    """Return about how many rows the profile writes, for a progress bar."""
    spec = PROFILES[profile]
    # employers, 3 positions each, fairs, participations (+ no-shows), fair positions (~2 per
    # attendance), tallies (~2 per fair) and intents.
    return (
        spec.employers * 4
        + spec.fairs * 3
        + spec.attendances * 3
        + spec.attendances // 40
        + spec.intents
    )


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _employer_rows(count: int, year: int, chains: dict[str, int], rng: random.Random):
    marker = generated_marker(year)
    county_weights = {code: w for code, (w, _chains) in COUNTIES.items()}
    rows = []
    for n in range(count):
        region = _weighted(rng, county_weights)
        strong = COUNTIES[region][1]
        chain = rng.choice(strong) if strong and rng.random() < 0.6 else None
        if chain is None and rng.random() < 0.15:
            chain = rng.choice(list(TRADES)[:-1])
            chain = None if chain == "ceramics" and region != LILING else chain
        body = f"91{region}{marker}{n:05d}"
        brand = BRANDS[n % len(BRANDS)] + BRANDS[(n // len(BRANDS)) % len(BRANDS)]
        rows.append(
            {
                "name": f"株洲{brand}{TRADES[chain]}有限公司"
                if region != LILING
                else f"醴陵市{brand}{TRADES[chain]}有限公司",
                "uscc": body + uscc_check_char(body),
                "region_code": region,
                "industry_section": "C" if chain else rng.choice(SECTIONS_WITHOUT_CHAIN),
                "industry_chain_id": chains[chain] if chain else None,
                "size": rng.choice(list(EmployerSize)),
                "address": f"{region}工业园区{n % 90 + 1}号",
                "contact_name": data.SEEKER_SURNAMES[n % len(data.SEEKER_SURNAMES)] + "经理",
                "contact_phone": f"{rng.choice(data.MOBILE_PREFIXES)}{rng.randrange(10**8):08d}",
                "status": EmployerStatus.APPROVED,
                "reviewed_at": utcnow(),
                "_chain": chain,
            }
        )
    return rows


def _fair_rows(spec: Profile, year: int, chains, region_names, rng: random.Random):
    rows = []
    fair_regions = {CITY: 14} | {code: w for code, (w, _c) in COUNTIES.items()}
    for month_index, (total, ceramics) in enumerate(
        zip(spec.fairs_per_month, spec.liling_ceramics_per_month, strict=True)
    ):
        month = month_index + 1
        last_day = 28 if month == 2 else 30
        for k in range(total):
            day = date(year, month, rng.randint(1, last_day))
            if k < ceramics:
                region, ftype, chain = LILING, FairType.INDUSTRY_CHAIN, "ceramics"
                mode = rng.choice([FairMode.HYBRID] * 3 + [FairMode.OFFLINE, FairMode.ONLINE])
                title = f"醴陵市陶瓷产业链专场招聘会（{month}月第{k + 1}场）"
            else:
                region = _weighted(rng, fair_regions)
                types = MONTH_TYPES[month_index]
                ftype = rng.choices(types, weights=[5, 3, 2, 1][: len(types)])[0]
                chain = None
                if ftype is FairType.INDUSTRY_CHAIN:
                    strong = [c for c in COUNTIES.get(region, (0, []))[1] if c != "ceramics"]
                    chain = rng.choice(strong or ["rail_transit", "electronics", "new_materials"])
                mode = _weighted(
                    rng, {FairMode.OFFLINE: 65, FairMode.ONLINE: 20, FairMode.HYBRID: 15}
                )
                place = "株洲市" if region == CITY else region_names[region]
                word = _fair_word(ftype, chain)
                title = f"{place}{word}（{month}月{day.day}日）"
            starts = _at(day, 9)
            ends = starts + (
                timedelta(days=5, hours=8) if mode is FairMode.ONLINE else timedelta(hours=3)
            )
            rows.append(
                {
                    "title": title,
                    "type": ftype,
                    "mode": mode,
                    "region_code": region,
                    "venue": "线上（株洲人社公众号）"
                    if mode is FairMode.ONLINE
                    else f"{'株洲市' if region == CITY else region_names[region]}人力资源市场",
                    "starts_at": starts,
                    "ends_at": ends,
                    "organizer_unit": "株洲市公共就业服务中心"
                    if region == CITY
                    else f"{region_names[region]}就业服务中心",
                    "industry_chain_id": chains[chain] if chain else None,
                    "booth_capacity": 200,
                    "registration_deadline": starts - timedelta(days=2),
                    "description": f"{title}，欢迎广大求职者参加。",
                    "status": FairStatus.CLOSED,
                    "closed_at": ends + timedelta(days=1),
                }
            )
    rows.sort(key=lambda row: row["starts_at"])
    return rows


def _fair_word(ftype: FairType, chain: str | None) -> str:
    if ftype is FairType.INDUSTRY_CHAIN:
        return f"{TRADES[chain]}产业链专场招聘会"
    return {
        FairType.COMPREHENSIVE: "综合招聘会",
        FairType.GRADUATES: "高校毕业生专场招聘会",
        FairType.VETERANS: "退役军人专场招聘会",
        FairType.MIGRANT_WORKERS: "春风行动招聘会",
        FairType.ASSISTANCE_MONTH: "就业援助月专场招聘会",
        FairType.PRIVATE_ENTERPRISE: "民营企业招聘月专场",
        FairType.OTHER: "招聘活动",
    }[ftype]


def _tally_rows(fair_id: int, fair: dict, total: int, rng: random.Random) -> list[dict]:
    recorded = fair["starts_at"] + timedelta(hours=2)
    if fair["mode"] is FairMode.ONLINE:
        return [
            {
                "fair_id": fair_id,
                "count": total,
                "source": TallySource.ONLINE,
                "recorded_at": recorded,
            }
        ]
    correction = rng.randint(3, 12) if rng.random() < 0.12 else 0
    if fair["mode"] is FairMode.HYBRID:
        online = total // 3
        parts = [(total - online + correction, TallySource.GATE), (online, TallySource.ONLINE)]
    else:
        morning = total * 3 // 5
        parts = [(morning, TallySource.GATE), (total - morning + correction, TallySource.SCAN)]
    rows = [
        {"fair_id": fair_id, "count": n, "source": source, "recorded_at": recorded}
        for n, source in parts
        if n
    ]
    if correction:
        rows.append(
            {
                "fair_id": fair_id,
                "count": -correction,
                "source": TallySource.GATE,
                "reason": "入口重复计数更正",
                "recorded_at": recorded + timedelta(hours=2),
            }
        )
    return rows


GIVEN = data.SEEKER_GIVEN + [
    "子涵",
    "思远",
    "佳怡",
    "宇航",
    "梓萱",
    "文博",
    "婷",
    "勇",
    "欣怡",
    "明",
]


def _hire_rows(fair_id, fair, offered, n, rng: random.Random) -> list[dict]:
    positions = [p for p, _ in offered]
    weights = [w for _, w in offered]
    fair_day = fair["starts_at"].astimezone(LOCAL_TZ).date()
    graduates = fair["type"] is FairType.GRADUATES
    rows = []
    for position_id in rng.choices(positions, weights=weights, k=n):
        outcome = _weighted(
            rng,
            {
                Outcome.INTENT: 38,
                Outcome.HIRED: 14,
                Outcome.STARTED: 30,
                Outcome.DECLINED: 12,
                Outcome.WITHDRAWN: 6,
            },
        )
        hired_on = started_on = outcome_on = None
        if outcome in (Outcome.HIRED, Outcome.STARTED) or (
            outcome is Outcome.WITHDRAWN and rng.random() < 0.5
        ):
            hired_on = fair_day + timedelta(days=rng.randint(2, 20))
            outcome_on = hired_on
        if outcome is Outcome.STARTED:
            started_on = hired_on + timedelta(days=rng.randint(1, 15))
            outcome_on = started_on
        if outcome in (Outcome.DECLINED, Outcome.WITHDRAWN):
            outcome_on = (hired_on or fair_day) + timedelta(days=rng.randint(1, 10))
        groups = []
        if graduates or rng.random() < 0.15:
            groups.append(PriorityGroup.GRADUATE.value)
        if rng.random() < 0.2:
            groups.append(rng.choice(list(PriorityGroup)).value)
        rows.append(
            with_pii_hashes(
                {
                    "fair_id": fair_id,
                    "position_id": position_id,
                    "seeker_name": rng.choice(data.SEEKER_SURNAMES) + rng.choice(GIVEN),
                    "gender": rng.choice(list(Gender)),
                    "seeker_phone": f"{rng.choice(data.MOBILE_PREFIXES)}{rng.randrange(10**8):08d}",
                    "education": Education.BACHELOR
                    if graduates
                    else rng.choice(list(Education)[:5]),
                    "priority_groups": sorted(set(groups)),
                    "outcome": outcome,
                    "hired_on": hired_on,
                    "started_on": started_on,
                    "outcome_on": outcome_on,
                    "source": rng.choice([HireSource.FORM, HireSource.FORM, HireSource.IMPORT]),
                    "recorded_at": fair["starts_at"] + timedelta(hours=3),
                }
            )
        )
    return rows

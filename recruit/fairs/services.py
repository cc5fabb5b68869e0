"""Fair queries and operations: the organizer's work from planning to the fair summary."""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from recruit.audit.services import record_audit
from recruit.auth.scope import scope_region_codes
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
    SeekerTally,
    TallySource,
)
from recruit.formatting import local_date, local_day_bounds, local_today
from recruit.hires.models import Outcome, TentativeHire
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.codes import OCCUPATION_MAJOR_GROUPS, FairMode, PriorityGroup
from recruit.refdata.services import region_codes_within

if TYPE_CHECKING:
    from recruit.reports.services import Metrics

logger = logging.getLogger(__name__)


class FairError(ValueError):
    """An operation on a fair that cannot be done; the message is for the organizer."""


class StaleFairError(FairError):
    """The fair changed since the form was opened; the save is refused."""

    def __init__(self, fair: Fair):
        self.fair = fair
        super().__init__(
            "保存失败：其他人在您编辑期间修改了这场招聘会（当前为第"
            f"{fair.version}版）。您填写的内容仍保留在下方，请核对最新信息后再次保存。"
        )


def upcoming_fairs(limit: int = 10) -> list[Fair]:
    """Return fairs not yet over and not cancelled, soonest first."""
    query = (
        sa.select(Fair)
        .where(
            Fair.ends_at >= utcnow(),
            Fair.status.in_([FairStatus.PLANNED, FairStatus.OPEN, FairStatus.HELD]),
        )
        .options(joinedload(Fair.region))
        .order_by(Fair.starts_at, Fair.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


# --- scope and lists --------------------------------------------------------


def scoped_fairs(user) -> sa.Select:
    """Select the fairs held inside the user's region scope."""
    query = sa.select(Fair)
    codes = scope_region_codes(user)
    if codes is not None:
        query = query.where(Fair.region_code.in_(codes))
    return query


def get_scoped_fair(user, fair_id: int) -> Fair | None:
    """Return the fair if it exists and lies inside the user's scope."""
    return db.session.scalar(scoped_fairs(user).where(Fair.id == fair_id))


@dataclass
class FairFilters:
    start: date | None = None
    end: date | None = None
    region: str | None = None
    type: str | None = None
    mode: str | None = None
    industry_chain_id: int | None = None
    status: str | None = None
    q: str | None = None


def filter_fairs(user, filters: FairFilters) -> sa.Select:
    """Select the user's fairs matching the filters, soonest last (newest first)."""
    query = scoped_fairs(user).options(joinedload(Fair.region), joinedload(Fair.industry_chain))
    query = apply_fair_filters(query, filters)
    return query.order_by(Fair.starts_at.desc(), Fair.id.desc())


def apply_fair_filters(query: sa.Select, filters: FairFilters) -> sa.Select:
    """Narrow a select of fairs by the filters (period in local dates, region with its subtree)."""
    if filters.start:
        query = query.where(Fair.starts_at >= local_day_bounds(filters.start, filters.start)[0])
    if filters.end:
        query = query.where(Fair.starts_at < local_day_bounds(filters.end, filters.end)[1])
    if filters.region:
        query = query.where(Fair.region_code.in_(region_codes_within(filters.region)))
    if filters.type:
        query = query.where(Fair.type == filters.type)
    if filters.mode:
        query = query.where(Fair.mode == filters.mode)
    if filters.industry_chain_id:
        query = query.where(Fair.industry_chain_id == filters.industry_chain_id)
    if filters.status:
        query = query.where(Fair.status == filters.status)
    if filters.q:
        query = query.where(Fair.title.contains(filters.q.strip()))
    return query


def fairs_between(user, first: date, last: date) -> list[Fair]:
    """Return the user's fairs starting on local dates first..last, in start order."""
    begin, stop = local_day_bounds(first, last)
    query = (
        scoped_fairs(user)
        .where(Fair.starts_at >= begin, Fair.starts_at < stop)
        .options(joinedload(Fair.region))
        .order_by(Fair.starts_at, Fair.id)
    )
    return list(db.session.scalars(query))


def fairs_to_close(user, limit: int = 20) -> list[Fair]:
    """Return the user's fairs that are over but not yet closed (their numbers do not count)."""
    query = (
        scoped_fairs(user)
        .where(
            Fair.status.in_([FairStatus.OPEN, FairStatus.HELD]),
            Fair.ends_at < local_day_bounds(local_today(), local_today())[0],
        )
        .options(joinedload(Fair.region))
        .order_by(Fair.ends_at, Fair.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def workspace_fairs(user, days: int = 14, limit: int = 20) -> tuple[list[Fair], list[Fair]]:
    """Return today's fairs and the upcoming ones (next `days` days) in the user's scope."""
    today = local_today()
    begin, stop = local_day_bounds(today, today)
    live = [FairStatus.PLANNED, FairStatus.OPEN, FairStatus.HELD]
    base = scoped_fairs(user).where(Fair.status.in_(live)).options(joinedload(Fair.region))
    todays = db.session.scalars(
        base.where(Fair.starts_at < stop, Fair.ends_at >= begin).order_by(Fair.starts_at)
    ).all()
    soon_stop = local_day_bounds(today, today + timedelta(days=days))[1]
    upcoming = db.session.scalars(
        base.where(Fair.starts_at >= stop, Fair.starts_at < soon_stop)
        .order_by(Fair.starts_at, Fair.id)
        .limit(limit)
    ).all()
    return list(todays), list(upcoming)


# --- create, edit, status ---------------------------------------------------

#: Fields of a fair the organizer edits through the form.
FAIR_FIELDS = (
    "title",
    "type",
    "mode",
    "region_code",
    "venue",
    "starts_at",
    "ends_at",
    "organizer_unit",
    "industry_chain_id",
    "booth_capacity",
    "registration_deadline",
    "description",
)


def _check_fair_data(user, data: dict) -> None:
    codes = scope_region_codes(user)
    if codes is not None and data["region_code"] not in codes:
        raise FairError("举办地区：不在您的管辖范围内。")
    if data["ends_at"] < data["starts_at"]:
        raise FairError("结束时间：不能早于开始时间。")
    deadline = data.get("registration_deadline")
    if deadline is not None and deadline > data["starts_at"]:
        raise FairError("报名截止时间：不能晚于开始时间。")


def create_fair(data: dict, *, by) -> Fair:
    """Add a planned fair from validated form data."""
    _check_fair_data(by, data)
    fair = Fair(**{k: data.get(k) for k in FAIR_FIELDS}, created_by_id=by.id)
    fair.description = fair.description or ""
    fair.status = FairStatus.PLANNED
    db.session.add(fair)
    db.session.flush()
    record_audit("fair.create", fair, by=by, summary={"title": fair.title})
    return fair


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def update_fair(fair: Fair, data: dict, *, version: int, by) -> Fair:
    """Save an edit made on the given version; refuse it if the fair changed since."""
    if fair.status in (FairStatus.CLOSED, FairStatus.CANCELLED):
        raise FairError(f"该招聘会{fair.status.label}，不能再修改。")
    if version != fair.version:
        raise StaleFairError(fair)
    _check_fair_data(by, data)
    capacity = data.get("booth_capacity")
    if capacity is not None:
        taken = db.session.scalar(
            sa.select(sa.func.count(Participation.id)).where(
                Participation.fair_id == fair.id, Participation.booth.is_not(None)
            )
        )
        if taken > capacity:
            raise FairError(f"展位数量：已分配{taken}个展位，不能少于已分配的数量。")
    changed = {}
    for name in FAIR_FIELDS:
        new = data.get(name)
        if name == "description":
            new = new or ""
        old = getattr(fair, name)
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
            setattr(fair, name, new)
    if changed:
        db.session.flush()  # the version column catches a save racing with ours
        record_audit("fair.update", fair, by=by, summary=changed)
    return fair


#: Status changes an organizer may make by hand; closing has its own operation.
TRANSITIONS: dict[FairStatus, tuple[FairStatus, ...]] = {
    FairStatus.PLANNED: (FairStatus.OPEN, FairStatus.HELD, FairStatus.CANCELLED),
    FairStatus.OPEN: (FairStatus.PLANNED, FairStatus.HELD, FairStatus.CANCELLED),
    FairStatus.HELD: (),
    FairStatus.CLOSED: (),
    FairStatus.CANCELLED: (),
}

TRANSITION_LABELS = {
    FairStatus.OPEN: "开放报名",
    FairStatus.PLANNED: "停止报名",
    FairStatus.HELD: "开始举办",
    FairStatus.CANCELLED: "取消招聘会",
}


def set_fair_status(fair: Fair, status: FairStatus, *, by, reason: str | None = None) -> None:
    """Move the fair along its status flow, refusing moves that make no sense."""
    if status is FairStatus.CLOSED:
        close_fair(fair, by=by)
        return
    if status not in TRANSITIONS[fair.status]:
        raise FairError(f"招聘会当前状态为“{fair.status.label}”，不能改为“{status.label}”。")
    if status is FairStatus.CANCELLED and not (reason or "").strip():
        raise FairError("取消原因：请填写取消原因。")
    before = fair.status
    fair.status = status
    db.session.flush()
    summary = {"status": [before.value, status.value]}
    if reason:
        summary["reason"] = reason.strip()[:200]
    record_audit(f"fair.{status.value}", fair, by=by, summary=summary)


@dataclass
class CloseResult:
    attended: int = 0
    no_show: int = 0
    #: Employers whose no-show now blocks fair sign-up, with the last blocked day.
    blocked: list[tuple[Employer, date]] = field(default_factory=list)


def close_fair(fair: Fair, *, by) -> CloseResult:
    """Close a fair: settle every approved participation as attended or no-show.

    Online fairs: approved participations become attended. Offline and hybrid fairs: those
    checked in become attended, those not checked in become no_show (the credit rule counts them).
    """
    if fair.status not in (FairStatus.OPEN, FairStatus.HELD):
        raise FairError(f"招聘会当前状态为“{fair.status.label}”，不能结束。")
    result = CloseResult()
    approved = db.session.scalars(
        sa.select(Participation).where(
            Participation.fair_id == fair.id,
            Participation.status == ParticipationStatus.APPROVED,
        )
    ).all()
    for part in approved:
        if fair.mode is FairMode.ONLINE or part.checked_in_at is not None:
            part.status = ParticipationStatus.ATTENDED
            result.attended += 1
        else:
            part.status = ParticipationStatus.NO_SHOW
            result.no_show += 1
            record_audit(
                "participation.no_show",
                part,
                by=by,
                summary={"fair_id": fair.id, "employer_id": part.employer_id},
            )
    before = fair.status
    fair.status = FairStatus.CLOSED
    fair.closed_at = utcnow()
    db.session.flush()
    today = local_today()
    for part in approved:
        if part.status is ParticipationStatus.NO_SHOW:
            until = signup_blocked_until(part.employer, today)
            if until is not None:
                result.blocked.append((part.employer, until))
    record_audit(
        "fair.close",
        fair,
        by=by,
        summary={
            "status": [before.value, FairStatus.CLOSED.value],
            "attended": result.attended,
            "no_show": result.no_show,
        },
    )
    return result


# --- participations and booths ----------------------------------------------

ACTIVE_PARTICIPATION = (
    ParticipationStatus.REQUESTED,
    ParticipationStatus.APPROVED,
    ParticipationStatus.ATTENDED,
)


def _require_editable(fair: Fair) -> None:
    if fair.status in (FairStatus.CLOSED, FairStatus.CANCELLED):
        raise FairError(f"该招聘会{fair.status.label}，不能再修改参会企业。")


def _check_credit(employer: Employer) -> None:
    if employer.status is not EmployerStatus.APPROVED:
        raise FairError(f"{employer.name}：企业状态为“{employer.status.label}”，不能参会。")
    until = signup_blocked_until(employer, local_today())
    if until is not None:
        raise FairError(
            f"{employer.name}：近期多次报名后未到场，{local_date(until)}前不能报名招聘会。"
        )


def add_participation(
    fair: Fair,
    employer: Employer,
    *,
    by,
    status: ParticipationStatus = ParticipationStatus.APPROVED,
) -> Participation:
    """Add an employer to a fair (approved when an organizer adds it, requested otherwise)."""
    _require_editable(fair)
    _check_credit(employer)
    existing = db.session.scalar(
        sa.select(Participation).where(
            Participation.fair_id == fair.id, Participation.employer_id == employer.id
        )
    )
    if existing is not None:
        if existing.status in ACTIVE_PARTICIPATION:
            raise FairError(f"{employer.name}：已在本场招聘会的参会名单中。")
        before = existing.status
        existing.status = status
        existing.review_note = None
        db.session.flush()
        record_audit(
            "participation.readd",
            existing,
            by=by,
            summary={"status": [before.value, status.value]},
        )
        return existing
    part = Participation(fair=fair, employer=employer, status=status)
    db.session.add(part)
    db.session.flush()
    record_audit(
        "participation.add",
        part,
        by=by,
        summary={"fair_id": fair.id, "employer_id": employer.id, "status": status.value},
    )
    return part


def review_participation(part: Participation, approve: bool, *, by, note: str = "") -> None:
    """Approve or reject an employer's request to take part."""
    _require_editable(part.fair)
    if part.status is not ParticipationStatus.REQUESTED:
        raise FairError(f"该报名当前为“{part.status.label}”，无需审核。")
    if approve:
        _check_credit(part.employer)
        part.status = ParticipationStatus.APPROVED
    else:
        if not note.strip():
            raise FairError("不通过原因：请填写原因，企业会看到它。")
        part.status = ParticipationStatus.REJECTED
        part.booth = None
    part.review_note = note.strip() or None
    db.session.flush()
    record_audit(
        "participation.approve" if approve else "participation.reject",
        part,
        by=by,
        summary={"status": ["requested", part.status.value]},
    )


def withdraw_participation(part: Participation, *, by) -> None:
    """Take an employer off the fair (before it is closed)."""
    _require_editable(part.fair)
    if part.status not in (ParticipationStatus.REQUESTED, ParticipationStatus.APPROVED):
        raise FairError(f"该参会记录为“{part.status.label}”，不能撤回。")
    before = part.status
    part.status = ParticipationStatus.WITHDRAWN
    part.booth = None
    db.session.flush()
    record_audit(
        "participation.withdraw",
        part,
        by=by,
        summary={"status": [before.value, "withdrawn"]},
    )


def assign_booth(part: Participation, booth: str | None, *, by) -> None:
    """Give a participation a booth number, unique in the fair and within its capacity."""
    fair = part.fair
    _require_editable(fair)
    booth = (booth or "").strip().upper() or None
    if booth is not None and len(booth) > 20:
        raise FairError("展位号：不能超过20个字符。")
    if booth and part.status not in (ParticipationStatus.REQUESTED, ParticipationStatus.APPROVED):
        raise FairError(f"该参会记录为“{part.status.label}”，不能分配展位。")
    if booth == part.booth:
        return
    if booth is not None:
        holder = db.session.scalar(
            sa.select(Participation).where(
                Participation.fair_id == fair.id,
                Participation.booth == booth,
                Participation.id != part.id,
            )
        )
        if holder is not None:
            raise FairError(f"展位号：{booth} 已分配给{holder.employer.name}，请换一个展位。")
        if fair.booth_capacity is not None and part.booth is None:
            taken = db.session.scalar(
                sa.select(sa.func.count(Participation.id)).where(
                    Participation.fair_id == fair.id, Participation.booth.is_not(None)
                )
            )
            if taken >= fair.booth_capacity:
                raise FairError(
                    f"展位号：本场招聘会共{fair.booth_capacity}个展位，已全部分配，"
                    "请先释放其他展位或调整展位数量。"
                )
    before = part.booth
    part.booth = booth
    db.session.flush()
    record_audit("participation.booth", part, by=by, summary={"booth": [before, booth]})


def no_show_count(employer: Employer, on: date) -> int:
    """Return the employer's no-shows at fairs in the credit rule's window before `on`."""
    days = current_app.config["NO_SHOW_WINDOW_DAYS"]
    begin, stop = local_day_bounds(on - timedelta(days=days), on)
    return int(
        db.session.scalar(
            sa.select(sa.func.count(Participation.id))
            .join(Fair, Participation.fair_id == Fair.id)
            .where(
                Participation.employer_id == employer.id,
                Participation.status == ParticipationStatus.NO_SHOW,
                Fair.starts_at >= begin,
                Fair.starts_at < stop,
            )
        )
    )


def offerable_positions(employer: Employer) -> list[Position]:
    """Return the employer's open positions, which it may offer at a fair."""
    return list(
        db.session.scalars(
            sa.select(Position)
            .where(Position.employer_id == employer.id, Position.status == PositionStatus.OPEN)
            .order_by(Position.id)
        )
    )


def set_fair_positions(part: Participation, offers: dict[int, int], *, by) -> None:
    """Replace the positions and openings the employer offers at this fair.

    `offers` maps position id → openings offered (≥ 1); the positions must be the employer's
    own open positions.
    """
    _require_editable(part.fair)
    allowed = {p.id: p for p in offerable_positions(part.employer)}
    current = {fp.position_id: fp for fp in part.fair_positions}
    for position_id, openings in offers.items():
        if position_id not in allowed and position_id not in current:
            raise FairError("岗位：只能选择本企业招聘中的岗位。")
        if openings is None or openings < 1:
            title = allowed[position_id].title if position_id in allowed else position_id
            raise FairError(f"岗位“{title}”的招聘人数：至少为1。")
        if openings > 10000:
            raise FairError("招聘人数：不能超过10000。")
    before = {pid: fp.openings for pid, fp in current.items()}
    for position_id, fp in list(current.items()):
        if position_id not in offers:
            part.fair_positions.remove(fp)
    for position_id, openings in offers.items():
        if position_id in current:
            current[position_id].openings = openings
        else:
            part.fair_positions.append(FairPosition(position_id=position_id, openings=openings))
    db.session.flush()
    if before != offers:
        record_audit(
            "participation.positions",
            part,
            by=by,
            summary={
                "before": {str(k): v for k, v in before.items()},
                "after": {str(k): v for k, v in offers.items()},
            },
        )


def fair_participations(fair: Fair) -> list[Participation]:
    """Return the fair's participations with employer and offered positions loaded."""
    return list(
        db.session.scalars(
            sa.select(Participation)
            .where(Participation.fair_id == fair.id)
            .options(
                joinedload(Participation.employer),
                selectinload(Participation.fair_positions).joinedload(FairPosition.position),
            )
            .order_by(Participation.booth.is_(None), Participation.booth, Participation.id)
        )
    )


def get_participation(fair: Fair, participation_id: int) -> Participation | None:
    """Return the participation if it belongs to this fair."""
    return db.session.scalar(
        sa.select(Participation).where(
            Participation.id == participation_id, Participation.fair_id == fair.id
        )
    )


def search_approved_employers(user, q: str, limit: int = 20) -> list[Employer]:
    """Return approved employers in the user's scope whose name or USCC contains the text.

    Employers registered elsewhere still take part by signing up themselves.
    """
    q = (q or "").strip()
    if not q:
        return []
    query = sa.select(Employer).where(
        Employer.status == EmployerStatus.APPROVED,
        sa.or_(Employer.name.contains(q), Employer.uscc == q.upper()),
    )
    codes = scope_region_codes(user)
    if codes is not None:
        query = query.where(Employer.region_code.in_(codes))
    return list(db.session.scalars(query.order_by(Employer.name).limit(limit)))


# --- on the day ---------------------------------------------------------------

ON_THE_DAY = (FairStatus.OPEN, FairStatus.HELD)


def require_on_the_day(fair: Fair) -> None:
    """Refuse on-the-day records unless the fair is open or being held."""
    if fair.status not in ON_THE_DAY:
        raise FairError(
            f"招聘会当前状态为“{fair.status.label}”，只有报名中或举办中的招聘会可以现场登记。"
        )


def check_in(part: Participation, *, by) -> None:
    """Record that an approved employer arrived at the fair."""
    require_on_the_day(part.fair)
    if part.status is not ParticipationStatus.APPROVED:
        raise FairError(f"{part.employer.name}：参会状态为“{part.status.label}”，不能签到。")
    if part.checked_in_at is not None:
        raise FairError(f"{part.employer.name}：已于此前签到。")
    part.checked_in_at = utcnow()
    db.session.flush()
    record_audit("participation.check_in", part, by=by, summary={"fair_id": part.fair_id})


def undo_check_in(part: Participation, *, by) -> None:
    """Take back a check-in tapped by mistake (before the fair is closed)."""
    require_on_the_day(part.fair)
    if part.checked_in_at is None or part.status is not ParticipationStatus.APPROVED:
        raise FairError(f"{part.employer.name}：尚未签到。")
    part.checked_in_at = None
    db.session.flush()
    record_audit("participation.undo_check_in", part, by=by, summary={"fair_id": part.fair_id})


def add_tally(
    fair: Fair, count: int, source: TallySource | str, *, by, reason: str | None = None
) -> SeekerTally:
    """Add seeker entries; a negative count is a correction and needs a reason."""
    require_on_the_day(fair)
    reason = (reason or "").strip() or None
    if not count:
        raise FairError("人数：请填写不为0的整数。")
    if abs(count) > 100000:
        raise FairError("人数：单次不能超过100000。")
    if count < 0:
        if reason is None:
            raise FairError("更正原因：减少人数时必须填写原因。")
        total = tally_total(fair)
        if total + count < 0:
            raise FairError(f"人数：更正后入场人数不能为负（当前合计{total}人）。")
    if reason and len(reason) > 200:
        raise FairError("更正原因：不能超过200个字。")
    try:
        source = TallySource(source)
    except ValueError:
        raise FairError("来源：请选择入口计数、线上或扫码。") from None
    tally = SeekerTally(
        fair=fair, count=count, source=source, reason=reason, recorded_by_id=getattr(by, "id", None)
    )
    db.session.add(tally)
    db.session.flush()
    record_audit(
        "fair.tally",
        fair,
        by=by,
        summary={"count": count, "source": source.value, "reason": reason},
    )
    return tally


def tally_total(fair: Fair) -> int:
    """Return the fair's seeker entries so far."""
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(SeekerTally.count), 0)).where(
                SeekerTally.fair_id == fair.id
            )
        )
    )


def recent_tallies(fair: Fair, limit: int = 20) -> list[SeekerTally]:
    """Return the latest tally rows, newest first."""
    return list(
        db.session.scalars(
            sa.select(SeekerTally)
            .where(SeekerTally.fair_id == fair.id)
            .options(joinedload(SeekerTally.recorded_by))
            .order_by(SeekerTally.id.desc())
            .limit(limit)
        )
    )


# --- metrics and the summary ---------------------------------------------------


def counted_participations(fair: Fair) -> sa.ColumnElement[bool]:
    """Return the condition for participations counted as attendances at this fair.

    A closed fair counts exactly DESIGN §2.5 (attended). Before closing, the live view counts
    those that will become attended: checked in, or approved at an online fair.
    """
    at_fair = Participation.fair_id == fair.id
    if fair.status is FairStatus.CLOSED:
        return sa.and_(at_fair, Participation.status == ParticipationStatus.ATTENDED)
    arrived = Participation.status == ParticipationStatus.ATTENDED
    if fair.mode is FairMode.ONLINE:
        arrived = sa.or_(arrived, Participation.status == ParticipationStatus.APPROVED)
    else:
        arrived = sa.or_(
            arrived,
            sa.and_(
                Participation.status == ParticipationStatus.APPROVED,
                Participation.checked_in_at.is_not(None),
            ),
        )
    return sa.and_(at_fair, arrived)


def fair_metrics(fair: Fair) -> "Metrics":
    """Return the §2.5 metrics of one fair (live before closing, exact once closed)."""
    # Imported here: the reports domain may come to use fair queries from this module.
    from recruit.reports.services import Metrics

    counted = counted_participations(fair)
    hires = TentativeHire.fair_id == fair.id
    reached_hired = sa.or_(
        TentativeHire.hired_on.is_not(None),
        TentativeHire.outcome.in_([Outcome.HIRED, Outcome.STARTED]),
    )
    reached_started = sa.or_(
        TentativeHire.started_on.is_not(None), TentativeHire.outcome == Outcome.STARTED
    )

    def scalar(expr, *where, join=None):
        query = sa.select(expr)
        if join is not None:
            query = query.select_from(join)
        return query.where(*where).scalar_subquery()

    row = db.session.execute(
        sa.select(
            scalar(sa.func.count(Participation.id), counted),
            scalar(
                sa.func.coalesce(sa.func.sum(FairPosition.openings), 0),
                counted,
                join=sa.join(FairPosition, Participation),
            ),
            scalar(
                sa.func.coalesce(sa.func.sum(SeekerTally.count), 0), SeekerTally.fair_id == fair.id
            ),
            scalar(sa.func.count(TentativeHire.id), hires),
            scalar(sa.func.count(TentativeHire.id), hires, reached_hired),
            scalar(sa.func.count(TentativeHire.id), hires, reached_started),
        )
    ).one()
    return Metrics(1, *(int(value) for value in row))


@dataclass
class GroupRow:
    code: str
    label: str
    positions: int = 0
    openings: int = 0


@dataclass
class FairSummary:
    fair: Fair
    metrics: "Metrics"
    participations_by_status: dict[str, int]
    occupation_rows: list[GroupRow]
    priority_rows: list[tuple[str, int]]
    intents_without_group: int
    tallies_by_source: dict[str, int] = field(default_factory=dict)
    generated_at: datetime = field(default_factory=utcnow)


def fair_summary(fair: Fair) -> FairSummary:
    """Gather the printable fair summary (简报): metrics, positions by group, intents by group."""
    metrics = fair_metrics(fair)
    counted = counted_participations(fair)
    occupations = db.session.execute(
        sa.select(
            Position.occupation_major_group,
            sa.func.count(FairPosition.id),
            sa.func.sum(FairPosition.openings),
        )
        .select_from(FairPosition)
        .join(Participation, FairPosition.participation_id == Participation.id)
        .join(Position, FairPosition.position_id == Position.id)
        .where(counted)
        .group_by(Position.occupation_major_group)
        .order_by(Position.occupation_major_group)
    ).all()
    occupation_rows = [
        GroupRow(str(g), OCCUPATION_MAJOR_GROUPS.get(g, str(g)), int(n), int(s or 0))
        for g, n, s in occupations
    ]
    statuses = dict(
        db.session.execute(
            sa.select(Participation.status, sa.func.count(Participation.id))
            .where(Participation.fair_id == fair.id)
            .group_by(Participation.status)
        ).all()
    )
    counter: Counter[str] = Counter()
    without = 0
    for groups in db.session.scalars(
        sa.select(TentativeHire.priority_groups).where(TentativeHire.fair_id == fair.id)
    ):
        if not groups:
            without += 1
        counter.update(set(groups))
    priority_rows = [(g.label, counter.get(g.value, 0)) for g in PriorityGroup]
    by_source = dict(
        db.session.execute(
            sa.select(SeekerTally.source, sa.func.sum(SeekerTally.count))
            .where(SeekerTally.fair_id == fair.id)
            .group_by(SeekerTally.source)
        ).all()
    )
    tallies_by_source = {
        source.label: int(by_source[source]) for source in TallySource if by_source.get(source)
    }
    return FairSummary(
        fair=fair,
        metrics=metrics,
        participations_by_status={
            ParticipationStatus(k).label: v for k, v in statuses.items() if v
        },
        occupation_rows=occupation_rows,
        priority_rows=priority_rows,
        intents_without_group=without,
        tallies_by_source=tallies_by_source,
    )


def fair_offered_positions(fair: Fair) -> list[FairPosition]:
    """Return the positions offered at the fair by approved or attended employers."""
    return list(
        db.session.scalars(
            sa.select(FairPosition)
            .join(Participation, FairPosition.participation_id == Participation.id)
            .where(
                Participation.fair_id == fair.id,
                Participation.status.in_(
                    [ParticipationStatus.APPROVED, ParticipationStatus.ATTENDED]
                ),
            )
            .options(
                joinedload(FairPosition.position).joinedload(Position.employer),
            )
            .order_by(Participation.booth, FairPosition.position_id)
        )
    )


def pending_participations(user) -> sa.Select:
    """Select fair sign-ups waiting for review at fairs in the user's scope, oldest first."""
    fair_ids = scoped_fairs(user).with_only_columns(Fair.id).scalar_subquery()
    return (
        sa.select(Participation)
        .where(
            Participation.status == ParticipationStatus.REQUESTED,
            Participation.fair_id.in_(fair_ids),
        )
        .options(joinedload(Participation.employer), joinedload(Participation.fair))
        .order_by(Participation.created_at, Participation.id)
    )


def pending_participation_count(user) -> int:
    """Return how many fair sign-ups in the user's scope wait for review."""
    query = pending_participations(user).with_only_columns(sa.func.count(Participation.id))
    return int(db.session.scalar(query.order_by(None)))

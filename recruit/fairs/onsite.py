"""On the day of a fair: employers checking in, and the seekers counted at the gate."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.audit.services import record_audit
from recruit.db_types import utcnow
from recruit.errors import Conflict, Invalid
from recruit.extensions import db
from recruit.fairs.models import (
    EARLY_ENTRY,
    ON_THE_DAY_STATUSES,
    Fair,
    Participation,
    SeekerTally,
    TallySource,
)
from recruit.fairs.queries import require_fair_access
from recruit.formatting import local_datetime

#: The most seekers one tally (or one correction) may add or take away.
MAX_TALLY = 100_000
#: The longest reason a correction may give.
MAX_REASON = 200
#: Where people count seekers by hand; the page's buttons and the API take these.
TALLY_SOURCES = (TallySource.GATE, TallySource.ONLINE, TallySource.SCAN)


#: The longest reason a late entry may give.
MAX_LATE_REASON = 200


def require_on_the_day(fair: Fair, late_reason: str | None = None) -> str | None:
    """Refuse on-the-day records outside the fair's day; return the late entry's reason.

    The day runs from two hours before the start to the end. After the end (until the fair is
    closed) a record is a late entry, which an organizer makes explicitly, with a reason.
    """
    if fair.status not in ON_THE_DAY_STATUSES:
        raise Conflict(
            f"招聘会当前状态为“{fair.status.label}”，只有报名中或举办中的招聘会可以现场登记。"
        )
    if fair.day_not_begun:
        opens = local_datetime(fair.starts_at - EARLY_ENTRY)
        raise Conflict(f"现场登记从招聘会开始前两小时起可用（{opens}起）。")
    if not fair.day_has_passed:
        return None
    late_reason = (late_reason or "").strip()
    if not late_reason:
        raise Invalid(
            f"补录原因：招聘会已于{local_datetime(fair.ends_at)}结束，补录请填写原因。",
            field="late_reason",
        )
    if len(late_reason) > MAX_LATE_REASON:
        raise Invalid(f"补录原因：不能超过{MAX_LATE_REASON}个字。", field="late_reason")
    return late_reason


def _summary(summary: dict, late: str | None) -> dict:
    return {**summary, "late_reason": late} if late else summary


def check_in(part: Participation, *, by, late_reason: str | None = None) -> None:
    """Record that an approved employer arrived at the fair (a late entry after the day)."""
    require_fair_access(by, part.fair)
    late = require_on_the_day(part.fair, late_reason)
    if not part.can_check_in:
        if part.checked_in_at is not None:
            raise Conflict(f"{part.employer.name}：已于此前签到。")
        raise Conflict(f"{part.employer.name}：参会状态为“{part.status.label}”，不能签到。")
    part.checked_in_at = utcnow()
    db.session.flush()
    summary = _summary({"fair_id": part.fair_id}, late)
    record_audit("participation.check_in", part, by=by, summary=summary)


def undo_check_in(part: Participation, *, by, late_reason: str | None = None) -> None:
    """Take back a check-in tapped by mistake (before the fair is closed)."""
    require_fair_access(by, part.fair)
    late = require_on_the_day(part.fair, late_reason)
    if not part.can_undo_check_in:
        raise Conflict(f"{part.employer.name}：尚未签到。")
    part.checked_in_at = None
    db.session.flush()
    summary = _summary({"fair_id": part.fair_id}, late)
    record_audit("participation.undo_check_in", part, by=by, summary=summary)


def add_tally(
    fair: Fair,
    count: int,
    source: TallySource | str,
    *,
    by,
    reason: str | None = None,
    late_reason: str | None = None,
) -> SeekerTally:
    """Add seeker entries; a negative count is a correction and needs a reason."""
    require_fair_access(by, fair)
    late = require_on_the_day(fair, late_reason)
    reason = (reason or "").strip() or None
    if not isinstance(count, int) or isinstance(count, bool) or not count:
        raise Invalid("人数：请填写不为0的整数。", field="count")
    if abs(count) > MAX_TALLY:
        raise Invalid(f"人数：单次不能超过{MAX_TALLY}。", field="count")
    if reason and len(reason) > MAX_REASON:
        raise Invalid(f"更正原因：不能超过{MAX_REASON}个字。", field="reason")
    try:
        source = TallySource(source)
    except ValueError:
        source = None
    if source not in TALLY_SOURCES:
        raise Invalid("来源：请选择入口计数、线上或扫码。", field="source")
    if count < 0:
        if reason is None:
            raise Invalid("更正原因：减少人数时必须说明原因，请填写更正原因。", field="reason")
        total = tally_total(fair)
        if total + count < 0:
            raise Conflict(f"人数：更正后入场人数不能为负（当前合计{total}人）。", field="count")
    tally = SeekerTally(fair=fair, count=count, source=source, reason=reason, recorded_by_id=by.id)
    db.session.add(tally)
    db.session.flush()
    record_audit(
        "fair.tally",
        fair,
        by=by,
        summary=_summary({"count": count, "source": source.value, "reason": reason}, late),
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

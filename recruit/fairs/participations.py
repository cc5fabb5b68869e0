"""Who takes part in a fair: sign-ups, the organizer's additions and reviews, booths, offers.

One owner for participations whoever acts: an employer signs itself up and withdraws while
sign-ups are open; an organizer adds employers of its region, reviews sign-ups, assigns booths,
sets the positions offered and takes employers off the fair until it is closed. The fair's
booth capacity has one reading everywhere: every participation holding a place (requested,
approved, attended) takes one of the fair's places.
"""

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from recruit.audit.services import record_audit
from recruit.auth.models import Role
from recruit.auth.scope import STAFF, require_employer_write, require_role, where_in_scope
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.employers.services import get_employer
from recruit.errors import Conflict, Forbidden, Invalid, NotFound
from recruit.extensions import db
from recruit.fairs.credit import signup_blocked_until
from recruit.fairs.models import (
    HOLDING_PLACE,
    Fair,
    FairPosition,
    Participation,
    ParticipationStatus,
)
from recruit.fairs.queries import require_fair_access, staff_fairs
from recruit.formatting import local_date, local_today
from recruit.notify.events import booth_assigned, participation_reviewed
from recruit.positions.models import MAX_OPENINGS, Position, PositionStatus
from recruit.uow import register_unique_race

#: The longest booth number, e.g. "A-101".
MAX_BOOTH = 20
#: The longest review note the employer reads.
MAX_NOTE = 500

NOT_FOUND = "参会记录不存在或不在您的管辖范围内。"

register_unique_race(
    "participations",
    ("fair_id", "booth"),
    "booth",
    "展位号：该展位刚被其他人分配，请换一个展位。",
)
register_unique_race(
    "participations",
    ("fair_id", "employer_id"),
    "employer_id",
    "该企业刚刚已加入本场招聘会，请刷新后查看。",
)


# --- lookups -----------------------------------------------------------------------


def get_participation(actor, participation_id: int, fair: Fair | None = None) -> Participation:
    """Return a participation the actor may reach (of `fair`, when given), else NotFound.

    Staff reach participations of fairs in their region scope; an employer account only its
    own sign-ups.
    """
    part = db.session.get(Participation, participation_id)
    if part is None or (fair is not None and part.fair_id != fair.id):
        raise NotFound(NOT_FOUND)
    if actor.role is Role.EMPLOYER:
        if part.employer_id != actor.employer_id:
            raise NotFound(NOT_FOUND)
        return part
    try:
        require_fair_access(actor, part.fair)
    except Forbidden:
        raise NotFound(NOT_FOUND) from None
    return part


def own_participation(actor, fair: Fair) -> Participation | None:
    """Return the employer actor's sign-up for the fair, whatever its status."""
    require_role(actor, Role.EMPLOYER)
    return db.session.scalar(
        sa.select(Participation).where(
            Participation.fair_id == fair.id, Participation.employer_id == actor.employer_id
        )
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


def employer_participations(actor) -> sa.Select:
    """Select the employer actor's sign-ups, newest fair first, with fair and offers loaded."""
    require_role(actor, Role.EMPLOYER)
    return (
        sa.select(Participation)
        .join(Fair, Fair.id == Participation.fair_id)
        .where(Participation.employer_id == actor.employer_id)
        .options(
            contains_eager(Participation.fair),
            selectinload(Participation.fair_positions).joinedload(FairPosition.position),
        )
        .order_by(Fair.starts_at.desc(), Fair.id.desc())
    )


def open_fairs_query() -> sa.Select:
    """Select the fairs taking sign-ups now, soonest first."""
    return sa.select(Fair).where(Fair.signup_open).order_by(Fair.starts_at, Fair.id)


def pending_participations(actor) -> sa.Select:
    """Select fair sign-ups waiting for review at fairs in the actor's scope, oldest first."""
    fair_ids = staff_fairs(actor).with_only_columns(Fair.id).scalar_subquery()
    return (
        sa.select(Participation)
        .where(
            Participation.status == ParticipationStatus.REQUESTED,
            Participation.fair_id.in_(fair_ids),
        )
        .options(joinedload(Participation.employer), joinedload(Participation.fair))
        .order_by(Participation.created_at, Participation.id)
    )


def pending_participation_count(actor) -> int:
    """Return how many fair sign-ups in the actor's scope wait for review."""
    query = pending_participations(actor).with_only_columns(sa.func.count(Participation.id))
    return int(db.session.scalar(query.order_by(None)))


def search_approved_employers(actor, q: str, limit: int = 20) -> list[Employer]:
    """Return approved employers an organizer may add: in its scope, name or USCC matching.

    Employers registered elsewhere still take part by signing up themselves.
    """
    require_role(actor, *STAFF)
    q = (q or "").strip()
    if not q:
        return []
    query = sa.select(Employer).where(
        Employer.status == EmployerStatus.APPROVED,
        sa.or_(Employer.name.contains(q, autoescape=True), Employer.uscc == q.upper()),
    )
    query = where_in_scope(query, actor, Employer.region_code)
    return list(db.session.scalars(query.order_by(Employer.name).limit(limit)))


def offerable_positions(employer: Employer) -> list[Position]:
    """Return the employer's open positions, which it may offer at a fair."""
    return list(
        db.session.scalars(
            sa.select(Position)
            .where(Position.employer_id == employer.id, Position.status == PositionStatus.OPEN)
            .order_by(Position.id)
        )
    )


# --- the rules every way in shares -------------------------------------------------------


def places_taken(fair: Fair) -> int:
    """Return how many of the fair's places (booths) participations hold."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count(Participation.id)).where(
                Participation.fair_id == fair.id, Participation.status.in_(HOLDING_PLACE)
            )
        )
    )


def _require_place(fair: Fair) -> None:
    if fair.booth_capacity is not None and places_taken(fair) >= fair.booth_capacity:
        raise Conflict(f"该招聘会展位已满（共{fair.booth_capacity}个），无法再报名或加入。")


def _require_editable(fair: Fair) -> None:
    if fair.is_final:
        raise Conflict(f"该招聘会{fair.status.label}，不能再修改参会企业。")


def _require_credit(employer: Employer) -> None:
    """Refuse an employer that may not take part: not approved, or blocked by no-shows."""
    if employer.status is not EmployerStatus.APPROVED:
        raise Conflict(
            f"{employer.name}：企业状态为“{employer.status.label}”，不能参会（审核通过后才能参加招聘会）。"
        )
    until = signup_blocked_until(employer, local_today())
    if until is not None:
        raise Conflict(
            f"{employer.name}：因近期多次报名后未到场，{local_date(until)}（含）之前不能报名招聘会。"
        )


def _check_offers(employer: Employer, offers: dict[int, int], keep: set[int]) -> None:
    """Refuse offers of positions not the employer's open ones (or `keep`), or bad openings."""
    allowed = {p.id: p for p in offerable_positions(employer)}
    titles = {**{pid: str(pid) for pid in keep}, **{pid: p.title for pid, p in allowed.items()}}
    for position_id, openings in offers.items():
        if position_id not in titles:
            raise Invalid("参会岗位：只能选择本企业招聘中的岗位。", field="offers")
        title = titles[position_id]
        if not isinstance(openings, int) or isinstance(openings, bool) or openings < 1:
            raise Invalid(f"参会岗位“{title}”的招聘人数：至少为1人。", field="offers")
        if openings > MAX_OPENINGS:
            raise Invalid(
                f"参会岗位“{title}”的招聘人数：不能超过{MAX_OPENINGS}人。", field="offers"
            )


def _replace_offers(part: Participation, offers: dict[int, int]) -> dict[str, int]:
    """Make the participation offer exactly these positions; return the offers before."""
    current = {fp.position_id: fp for fp in part.fair_positions}
    before = {str(pid): fp.openings for pid, fp in current.items()}
    for position_id, fp in current.items():
        if position_id not in offers:
            part.fair_positions.remove(fp)
    for position_id, openings in sorted(offers.items()):
        if position_id in current:
            current[position_id].openings = openings
        else:
            part.fair_positions.append(FairPosition(position_id=position_id, openings=openings))
    # The offers are part of the participation: the feeds date their documents by its stamp.
    part.updated_at = utcnow()
    db.session.flush()
    return before


# --- the employer's own sign-up ------------------------------------------------------------


def sign_up(fair: Fair, offers: dict[int, int], *, by) -> Participation:
    """Sign the employer actor up for the fair with {position id: openings}; status 已报名."""
    require_employer_write(by)
    employer = by.employer
    if not fair.is_public:
        raise NotFound("招聘会不存在。")
    if employer.status is not EmployerStatus.APPROVED:
        raise Conflict(f"企业状态为“{employer.status.label}”，审核通过后才能报名招聘会。")
    if not fair.signup_open:
        raise Conflict("该招聘会不在报名期内（未开放报名或报名已截止）。")
    blocked = signup_blocked_until(employer, local_today())
    if blocked is not None:
        raise Conflict(
            f"因近期多次报名后未到场，贵单位在 {local_date(blocked)}（含）之前不能报名招聘会。"
        )
    if not offers:
        raise Invalid("参会岗位：请至少选择一个岗位。", field="offers")
    _check_offers(employer, offers, keep=set())

    part = own_participation(by, fair)
    if part is not None and part.status not in (
        ParticipationStatus.REQUESTED,
        ParticipationStatus.WITHDRAWN,
    ):
        raise Conflict(f"报名状态为“{part.status.label}”，如需变更参会岗位请联系主办方。")
    if part is None or not part.holds_place:
        _require_place(fair)
    if part is None:
        part = Participation(fair=fair, employer=employer)
        db.session.add(part)
    part.status = ParticipationStatus.REQUESTED
    part.review_note = None
    part.fair_positions.clear()
    db.session.flush()
    _replace_offers(part, offers)
    record_audit(
        "participation.request",
        part,
        by=by,
        summary={"fair": fair.id, "positions": sorted(offers)},
    )
    return part


# --- the organizer's work ---------------------------------------------------------------------


def add_participation(
    fair: Fair, employer_id: int, *, by, offers: dict[int, int] | None = None
) -> Participation:
    """Add an employer of the organizer's region to a fair, approved, optionally with offers."""
    require_fair_access(by, fair)
    employer = get_employer(by, employer_id)
    _require_editable(fair)
    _require_credit(employer)
    part = db.session.scalar(
        sa.select(Participation).where(
            Participation.fair_id == fair.id, Participation.employer_id == employer.id
        )
    )
    if part is not None and part.holds_place:
        raise Conflict(f"{employer.name}：已在本场招聘会的参会名单中。", field="employer_id")
    _require_place(fair)
    if part is not None:
        before = part.status
        part.status = ParticipationStatus.APPROVED
        part.review_note = None
        db.session.flush()
        record_audit(
            "participation.readd",
            part,
            by=by,
            summary={"status": [before.value, part.status.value]},
        )
    else:
        part = Participation(fair=fair, employer=employer, status=ParticipationStatus.APPROVED)
        db.session.add(part)
        db.session.flush()
        record_audit(
            "participation.add",
            part,
            by=by,
            summary={"fair_id": fair.id, "employer_id": employer.id, "status": "approved"},
        )
    if offers:
        set_fair_positions(part, offers, by=by)
    return part


def review_participation(part: Participation, approve: bool, *, by, note: str = "") -> None:
    """Approve or reject an employer's request to take part (a rejection needs a reason)."""
    require_fair_access(by, part.fair)
    _require_editable(part.fair)
    if not part.awaiting_review:
        raise Conflict(f"该报名当前为“{part.status.label}”，无需审核。")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise Invalid(f"审核意见：不能超过{MAX_NOTE}个字。", field="note")
    if approve:
        _require_credit(part.employer)
        part.status = ParticipationStatus.APPROVED
    else:
        if not note:
            raise Invalid("不通过原因：请填写原因，企业会看到它。", field="note")
        part.status = ParticipationStatus.REJECTED
        part.booth = None
    part.review_note = note or None
    db.session.flush()
    record_audit(
        "participation.approve" if approve else "participation.reject",
        part,
        by=by,
        summary={"status": ["requested", part.status.value]},
    )
    participation_reviewed(part)


def withdraw_participation(part: Participation, *, by) -> None:
    """Take the employer off the fair; its booth is freed.

    The employer itself may withdraw only while sign-ups are open (after the deadline it asks
    the organizer); an organizer may until the fair is closed.
    """
    if by.role is Role.EMPLOYER:
        if part.employer_id != by.employer_id:
            raise NotFound(NOT_FOUND)
        require_employer_write(by)
        if part.status in (ParticipationStatus.REQUESTED, ParticipationStatus.APPROVED) and not (
            part.employer_may_withdraw
        ):
            raise Conflict("报名已截止，不能在线撤回；如确实无法参会，请尽快联系主办方。")
    else:
        require_fair_access(by, part.fair)
        _require_editable(part.fair)
    if not part.can_withdraw:
        raise Conflict(f"该参会记录为“{part.status.label}”，不能撤回。")
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
    """Give a participation a booth number (unique in the fair), or free it with None."""
    fair = part.fair
    require_fair_access(by, fair)
    _require_editable(fair)
    booth = (booth or "").strip().upper() or None
    if booth is not None and len(booth) > MAX_BOOTH:
        raise Invalid(f"展位号：不能超过{MAX_BOOTH}个字符。", field="booth")
    if booth and not part.can_withdraw:
        raise Conflict(f"该参会记录为“{part.status.label}”，不能分配展位。", field="booth")
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
            raise Conflict(
                f"展位号：{booth} 已分配给{holder.employer.name}，请换一个展位。", field="booth"
            )
    before = part.booth
    part.booth = booth
    db.session.flush()
    record_audit("participation.booth", part, by=by, summary={"booth": [before, booth]})
    booth_assigned(part)


def set_fair_positions(part: Participation, offers: dict[int, int], *, by) -> None:
    """Replace the positions and openings the employer offers at this fair.

    `offers` maps position id → openings offered; the positions must be the employer's own
    open positions (or ones already offered, which may keep being offered after closing).
    """
    require_fair_access(by, part.fair)
    _require_editable(part.fair)
    current = {fp.position_id for fp in part.fair_positions}
    _check_offers(part.employer, offers, keep=current)
    before = _replace_offers(part, offers)
    after = {str(k): v for k, v in offers.items()}
    if before != after:
        record_audit(
            "participation.positions", part, by=by, summary={"before": before, "after": after}
        )

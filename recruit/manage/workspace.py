"""The organizer's workspace: today and the next two weeks, the fair list, the month calendar."""

import calendar
from datetime import date, timedelta

import sqlalchemy as sa
from flask import flash, render_template, request
from flask_login import current_user

from recruit.employers.profile import pending_changes
from recruit.employers.review import pending_employers
from recruit.extensions import db
from recruit.fairs import participations, queries
from recruit.fairs.models import Fair, FairStatus
from recruit.formatting import FIRST_YEAR, LAST_YEAR, local_today, to_local
from recruit.manage.blueprint import PER_PAGE, active_chains, bp, page_number, scope_regions
from recruit.positions.models import Position
from recruit.positions.review import pending_positions
from recruit.refdata.codes import FairMode, FairType


def _count(query: sa.Select) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())))


@bp.route("/")
def index():
    todays, upcoming = queries.workspace_fairs(current_user)
    counts = {
        "employers": _count(pending_employers(current_user)),
        "positions": _count(pending_positions(current_user).with_only_columns(Position.id)),
        "participations": participations.pending_participation_count(current_user),
        "employer_changes": _count(pending_changes(current_user)),
    }
    return render_template(
        "manage/index.html",
        todays=todays,
        upcoming=upcoming,
        to_close=queries.fairs_to_close(current_user),
        counts=counts,
    )


def _date_arg(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        flash(f"日期格式不正确：{value}（应为 年-月-日）。", "warning")
        return None


def _choice(name: str, enum_cls) -> str | None:
    value = request.args.get(name)
    return value if value in {member.value for member in enum_cls} else None


@bp.route("/fairs")
def fairs_list():
    args = request.args
    filters = queries.FairFilters(
        start=_date_arg("start"),
        end=_date_arg("end"),
        region=args.get("region") or None,
        type=_choice("type", FairType),
        mode=_choice("mode", FairMode),
        industry_chain_id=args.get("chain", type=int),
        status=_choice("status", FairStatus),
        q=args.get("q") or None,
    )
    pagination = db.paginate(
        queries.filter_fairs(current_user, filters),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    query_args = {k: v for k, v in args.items() if k != "page" and v}
    return render_template(
        "manage/fairs.html",
        pagination=pagination,
        regions=scope_regions(),
        chains=active_chains(),
        statuses=list(FairStatus),
        args=args,
        query_args=query_args,
    )


def _month_arg(today: date) -> date:
    """Return the first day of the month asked for (YYYY-MM), or of this month.

    A month outside the years fairs are held in is refused with a message, like one that does
    not parse: the calendar's first and last weeks reach into the months beside it.
    """
    value = request.args.get("month", "").strip()
    if not value:
        return today.replace(day=1)
    try:
        year, month = (int(x) for x in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        flash(f"月份格式不正确：{value}（应为 年-月，如 2026-03），已显示本月。", "warning")
        return today.replace(day=1)
    if not FIRST_YEAR <= first.year <= LAST_YEAR:
        flash(f"月份：年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间，已显示本月。", "warning")
        return today.replace(day=1)
    return first


@bp.route("/calendar")
def calendar_view():
    today = local_today()
    first = _month_arg(today)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    by_day: dict[date, list[Fair]] = {}
    for fair in queries.fairs_between(current_user, first, last):
        by_day.setdefault(to_local(fair.starts_at).date(), []).append(fair)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return render_template(
        "manage/calendar.html",
        first=first,
        weeks=weeks,
        by_day=by_day,
        today=today,
        previous=(first - timedelta(days=1)).replace(day=1),
        following=last + timedelta(days=1),
    )

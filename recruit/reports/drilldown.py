"""Drill-down: the rows each number of a report counts, a page at a time."""

from dataclasses import dataclass

import sqlalchemy as sa

from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, Participation, SeekerTally
from recruit.hires.models import TentativeHire
from recruit.positions.models import Position
from recruit.reports.metrics import ReportFilter, attended_at, counted_fairs, metric_select

#: metric → (drill-down kind, extra query arguments)
DRILL_DOWN = {
    "fairs": ("fairs", {}),
    "employer_attendances": ("attendances", {}),
    "positions_offered": ("positions", {}),
    "seeker_entries": ("entries", {}),
    "tentative_hires": ("intents", {}),
    "hired": ("intents", {"step": "hired"}),
    "started": ("intents", {"step": "started"}),
}

DRILL_TITLES = {
    "fairs": "招聘会清单",
    "attendances": "进场用工企业（家次）",
    "positions": "提供岗位（个次）",
    "entries": "入场求职计数",
    "intents": "初步就业意向",
}


def fair_list_select(report: ReportFilter) -> sa.Select:
    """Select each counted fair with its own metrics, earliest first."""
    keys = [
        Fair.id,
        Fair.title,
        Fair.starts_at,
        Fair.region_code,
        Fair.type,
        Fair.mode,
        Fair.status,
        Fair.industry_chain_id,
    ]
    return metric_select(report.start, report.end, keys, **report.kwargs()).order_by(
        Fair.starts_at, Fair.id
    )


def drill_down_select(
    report: ReportFilter,
    kind: str,
    step: str | None = None,
    occupation: int | None = None,
    title: str | None = None,
) -> sa.Select:
    """Select the rows a number counts: fairs, attendances, openings, tallies or intents.

    Openings and intents may be narrowed to an occupation major group or a position title.
    """
    query = _kind_select(report, kind, step)
    if kind in ("positions", "intents"):
        if occupation is not None:
            query = query.where(Position.occupation_major_group == occupation)
        if title is not None:
            query = query.where(Position.title == title)
    return query


def drill_down_total(query: sa.Select, kind: str) -> int:
    """Add up the listed rows the way the metric does (count, or sum of openings / entries)."""
    rows = query.order_by(None).subquery()
    summed = {"positions": "openings", "entries": "count"}.get(kind)
    total = sa.func.count()
    if summed is not None:
        total = sa.func.coalesce(sa.func.sum(rows.c[summed]), 0)
    return int(db.session.scalar(sa.select(total).select_from(rows)))


def _kind_select(report: ReportFilter, kind: str, step: str | None) -> sa.Select:
    counted = counted_fairs(report.start, report.end, **report.kwargs())
    if kind == "fairs":
        return fair_list_select(report)
    if kind == "attendances":
        offered = (
            sa.select(sa.func.coalesce(sa.func.sum(FairPosition.openings), 0))
            .where(FairPosition.participation_id == Participation.id)
            .scalar_subquery()
        )
        return (
            sa.select(
                Participation.id,
                Fair.title.label("fair_title"),
                Fair.starts_at,
                Employer.name.label("employer_name"),
                Participation.booth,
                Participation.checked_in_at,
                offered.label("openings"),
            )
            .join(Fair, Participation.fair_id == Fair.id)
            .join(Employer, Participation.employer_id == Employer.id)
            .where(attended_at(counted))
            .order_by(Fair.starts_at, Fair.id, Participation.id)
        )
    if kind == "positions":
        return (
            sa.select(
                FairPosition.id,
                Fair.title.label("fair_title"),
                Fair.starts_at,
                Employer.name.label("employer_name"),
                Position.title.label("position_title"),
                FairPosition.openings,
            )
            .join(Participation, FairPosition.participation_id == Participation.id)
            .join(Fair, Participation.fair_id == Fair.id)
            .join(Employer, Participation.employer_id == Employer.id)
            .join(Position, FairPosition.position_id == Position.id)
            .where(attended_at(counted))
            .order_by(Fair.starts_at, Fair.id, FairPosition.id)
        )
    if kind == "entries":
        return (
            sa.select(
                SeekerTally.id,
                Fair.title.label("fair_title"),
                Fair.starts_at,
                SeekerTally.count,
                SeekerTally.source,
                SeekerTally.reason,
                SeekerTally.recorded_at,
            )
            .join(Fair, SeekerTally.fair_id == Fair.id)
            .where(SeekerTally.fair_id.in_(counted))
            .order_by(Fair.starts_at, Fair.id, SeekerTally.id)
        )
    if kind == "intents":
        query = (
            sa.select(
                TentativeHire.id,
                Fair.title.label("fair_title"),
                Fair.starts_at,
                Employer.name.label("employer_name"),
                Position.title.label("position_title"),
                TentativeHire.seeker_name,
                TentativeHire.outcome,
                TentativeHire.hired_on,
                TentativeHire.started_on,
            )
            .join(Fair, TentativeHire.fair_id == Fair.id)
            .join(Position, TentativeHire.position_id == Position.id)
            .join(Employer, Position.employer_id == Employer.id)
            .where(TentativeHire.fair_id.in_(counted))
            .order_by(Fair.starts_at, Fair.id, TentativeHire.id)
        )
        if step == "hired":
            query = query.where(TentativeHire.reached_hired)
        elif step == "started":
            query = query.where(TentativeHire.reached_started)
        return query
    raise ValueError(f"unknown drill-down {kind!r}")


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_of(query: sa.Select, page: int = 1, per_page: int = 50) -> Page:
    """Return one page of a row query and the total number of rows."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    page = min(max(page, 1), max((total + per_page - 1) // per_page, 1))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(rows, page, per_page, total)

"""Drill-down: the rows each number of a report counts, a page at a time."""

from dataclasses import dataclass

import sqlalchemy as sa

from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, Participation, SeekerTally, TallySource
from recruit.hires.models import TentativeHire
from recruit.positions.models import Position
from recruit.reports.metrics import (
    INTENT_SOURCES,
    RETAINED_STEPS,
    ReportFilter,
    attended_at,
    counted_fairs,
    intent_source_condition,
    metric_select,
    reached_step,
)
from recruit.seekers.models import Application, Entry, EntrySource, Seeker

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

#: figure (DESIGN §7) → (drill-down kind, extra query arguments)
FIGURE_DRILL_DOWN = {
    "distinct_seekers": ("scans", {}),
    "applications": ("applications", {}),
    "intents_typed": ("intents", {"source": "typed"}),
    "intents_imported": ("intents", {"source": "imported"}),
    "intents_booth": ("intents", {"source": "booth"}),
    "intents_online": ("intents", {"source": "online"}),
    "retained_90": ("intents", {"step": "retained_90"}),
    "retained_180": ("intents", {"step": "retained_180"}),
}

#: The steps an intents list may be narrowed to (reached, a voided step not counting).
STEPS = ("hired", "started", *RETAINED_STEPS)

#: The sources an intents list may be narrowed to.
SOURCES = tuple(INTENT_SOURCES)

DRILL_TITLES = {
    "fairs": "招聘会清单",
    "attendances": "进场用工企业（家次）",
    "positions": "提供岗位（个次）",
    "entries": "入场求职（入口计数与扫码/线上登记）",
    "scans": "扫码/线上入场登记",
    "applications": "投递记录",
    "intents": "初步就业意向",
}

#: How an entries row's source reads: the gate's tally sources, then the seekers' entries.
ENTRY_ROW_SOURCES = {
    **{f"tally:{s.value}": "入口计数·" + s.label for s in TallySource},
    **{f"entry:{s.value}": s.label for s in EntrySource},
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
    source: str | None = None,
) -> sa.Select:
    """Select the rows a number counts: fairs, attendances, openings, entries (tallies and
    the seekers' own entries), scan entries, applications or intents.

    Openings and intents may be narrowed to an occupation major group or a position title;
    intents to the step they reached (STEPS) and their source (SOURCES).
    """
    query = _kind_select(report, kind, step)
    if kind in ("positions", "intents"):
        if occupation is not None:
            query = query.where(Position.occupation_major_group == occupation)
        if title is not None:
            query = query.where(Position.title == title)
    if kind == "intents" and source is not None:
        query = query.where(intent_source_condition(source))
    return query


def drill_down_total(query: sa.Select, kind: str) -> int:
    """Add up the listed rows the way the figure does.

    A count of rows; the sum of openings or of entries (a tally counts its number, a seeker's
    entry one); for scan entries the number of people (入场求职人数).
    """
    rows = query.order_by(None).subquery()
    summed = {"positions": "openings", "entries": "count"}.get(kind)
    total = sa.func.count()
    if summed is not None:
        total = sa.func.coalesce(sa.func.sum(rows.c[summed]), 0)
    elif kind == "scans":
        total = sa.func.count(sa.distinct(rows.c.seeker_id))
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
        # The gate's tallies and the seekers' own entries (one each), in one list.
        tallies = (
            sa.select(
                SeekerTally.id,
                sa.literal("tally").label("origin"),
                Fair.id.label("fair_id"),
                Fair.title.label("fair_title"),
                Fair.starts_at,
                SeekerTally.count,
                ("tally:" + sa.cast(SeekerTally.source, sa.String)).label("source"),
                SeekerTally.reason,
                SeekerTally.recorded_at,
            )
            .join(Fair, SeekerTally.fair_id == Fair.id)
            .where(SeekerTally.fair_id.in_(counted))
        )
        scans = (
            sa.select(
                Entry.id,
                sa.literal("entry").label("origin"),
                Fair.id.label("fair_id"),
                Fair.title.label("fair_title"),
                Fair.starts_at,
                sa.literal(1).label("count"),
                ("entry:" + sa.cast(Entry.source, sa.String)).label("source"),
                sa.cast(sa.null(), sa.String).label("reason"),
                Entry.at.label("recorded_at"),
            )
            .join(Fair, Entry.fair_id == Fair.id)
            .where(Entry.fair_id.in_(counted))
        )
        rows = sa.union_all(tallies, scans).subquery("entry_rows")
        return sa.select(rows).order_by(
            rows.c.starts_at, rows.c.fair_id, rows.c.origin.desc(), rows.c.recorded_at, rows.c.id
        )
    if kind == "scans":
        return (
            sa.select(
                Entry.id,
                Entry.seeker_id,
                Fair.title.label("fair_title"),
                Fair.starts_at,
                Entry.source,
                Entry.at,
                Seeker.name.label("seeker_name"),
            )
            .join(Fair, Entry.fair_id == Fair.id)
            .join(Seeker, Entry.seeker_id == Seeker.id)
            .where(Entry.fair_id.in_(counted))
            .order_by(Fair.starts_at, Fair.id, Entry.at, Entry.id)
        )
    if kind == "applications":
        return (
            sa.select(
                Application.id,
                Fair.title.label("fair_title"),
                Fair.starts_at,
                Employer.name.label("employer_name"),
                Position.title.label("position_title"),
                Seeker.name.label("seeker_name"),
                Application.source,
                Application.state,
                Application.verified,
                Application.created_at,
            )
            .join(Fair, Application.fair_id == Fair.id)
            .join(Position, Application.position_id == Position.id)
            .join(Employer, Application.employer_id == Employer.id)
            .join(Seeker, Application.seeker_id == Seeker.id)
            .where(Application.fair_id.in_(counted))
            .order_by(Fair.starts_at, Fair.id, Application.created_at, Application.id)
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
                TentativeHire.source,
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
        if step in STEPS:
            query = query.where(reached_step(step))
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

"""The metrics of DESIGN §2.5, computed by SQL aggregates in the database.

One query layer: `metric_select()` joins the per-fair sums of attendances, openings, seeker
entries and intents to the counted fairs; `compute_metrics()`, the breakdowns, the drill-down
lists, the exports and `flask report summary` all use it; with `figures=True` it also counts
the figures of DESIGN §7 (intents by source, applications, the retained steps). These functions
take no actor: the operations in `recruit.reports.services` check who asks, then call them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa

from recruit.extensions import db
from recruit.fairs.models import (
    COUNTED_STATUSES,
    Fair,
    FairPosition,
    Participation,
    ParticipationStatus,
    SeekerTally,
)
from recruit.formatting import local_day_bounds
from recruit.hires.models import HireSource, HireStep, StepKind, TentativeHire
from recruit.metrics import METRIC_NAMES, Figures, Metrics
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import (
    get_industry_chain,
    region_codes_exactly,
    region_codes_within,
)
from recruit.seekers.models import Application, Entry

#: The industry chain filter value of fairs without an industry chain (未指定产业链).
NO_CHAIN = "none"


@dataclass(frozen=True)
class ReportFilter:
    """A period [start, end] in local dates and the optional filters on the fair."""

    start: date
    end: date
    region: str | None = None
    fair_type: str | None = None
    mode: str | None = None
    industry_chain: str | None = None
    #: Count the fairs held in the region itself only, not in its sub-regions (市本级).
    region_exact: bool = False

    def kwargs(self) -> dict:
        """Return the filters as keyword arguments of the query functions."""
        return {
            "region": self.region,
            "fair_type": self.fair_type,
            "mode": self.mode,
            "industry_chain": self.industry_chain,
            "region_exact": self.region_exact,
        }

    def replace(self, **changes) -> "ReportFilter":
        """Return a copy of the filter with some fields changed."""
        return replace(self, **changes)


def counted_fairs(
    start: date,
    end: date,
    *,
    region: str | None = None,
    fair_type: FairType | str | None = None,
    mode: FairMode | str | None = None,
    industry_chain: str | None = None,
    region_exact: bool = False,
) -> sa.Select:
    """Select the ids of fairs that count for a period (local dates on the fair's start).

    region: the region with its sub-regions, or with `region_exact` the region itself only;
    either way a retired code counts under its successor. industry_chain NO_CHAIN: the fairs
    without an industry chain.
    """
    begin, stop = local_day_bounds(start, end)
    query = sa.select(Fair.id).where(
        Fair.status.in_(COUNTED_STATUSES), Fair.starts_at >= begin, Fair.starts_at < stop
    )
    if region:
        codes = region_codes_exactly(region) if region_exact else region_codes_within(region)
        query = query.where(Fair.region_code.in_(codes))
    if fair_type:
        query = query.where(Fair.type == FairType(fair_type))
    if mode:
        query = query.where(Fair.mode == FairMode(mode))
    if industry_chain == NO_CHAIN:
        query = query.where(Fair.industry_chain_id.is_(None))
    elif industry_chain:
        chain = get_industry_chain(industry_chain)
        query = query.where(Fair.industry_chain_id == (chain.id if chain else -1))
    return query


def attended_at(counted: sa.Select) -> sa.ColumnElement[bool]:
    """Return the condition of a participation counted as an attendance at a counted fair.

    A report counts what happened: the employers who came (status attended once the fair is
    held), not those merely accepted beforehand.
    """
    return sa.and_(
        Participation.status == ParticipationStatus.ATTENDED, Participation.fair_id.in_(counted)
    )


def use_custom_plans() -> None:
    """On PostgreSQL, plan this transaction's report statements for their actual dates.

    psycopg prepares a statement after five runs on a connection, and PostgreSQL may then
    switch to a generic plan that ignores the date range; for these aggregates that plan is
    two to three times slower (bench/README.md). SET LOCAL ends with the transaction.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))


def local_month(column):
    """Return an SQL expression of the Asia/Shanghai month 'YYYY-MM' of a UTC timestamp column.

    Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed shift is exact.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(column + sa.text("interval '8 hours'"), "YYYY-MM")
    return sa.func.strftime("%Y-%m", column, "+8 hours")


def metric_select(
    start: date, end: date, keys: Sequence = (), *, figures: bool = False, **filters
) -> sa.Select:
    """Select keys + (fairs, attendances, openings, entries, intents, hired, started), and with
    `figures` the additive figures of DESIGN §7 (FIGURE_COLUMNS) after them.

    Entries (入场求职人次) are the gate's tallies plus the scan and online entries (DESIGN §7).

    Each per-fair sum is one grouped subquery over the counted fairs; they are joined to the
    fairs and summed again, grouped by `keys` (columns of Fair) or over everything. The
    intents are read once: by source and with their retained steps in the same pass.
    """
    counted = counted_fairs(start, end, **filters)
    attended = attended_at(counted)
    attendances = (
        sa.select(Participation.fair_id, sa.func.count().label("n"))
        .where(attended)
        .group_by(Participation.fair_id)
        .subquery()
    )
    openings = (
        sa.select(Participation.fair_id, sa.func.sum(FairPosition.openings).label("n"))
        .join(FairPosition, FairPosition.participation_id == Participation.id)
        .where(attended)
        .group_by(Participation.fair_id)
        .subquery()
    )
    tallies = (
        sa.select(SeekerTally.fair_id, sa.func.sum(SeekerTally.count).label("n"))
        .where(SeekerTally.fair_id.in_(counted))
        .group_by(SeekerTally.fair_id)
        .subquery()
    )
    # DESIGN §7: the scan and online entries count beside the gate's tallies.
    scans = (
        sa.select(Entry.fair_id, sa.func.count().label("n"))
        .where(Entry.fair_id.in_(counted))
        .group_by(Entry.fair_id)
        .subquery()
    )
    one = sa.literal(1)
    zero = sa.literal(0)

    def counted_if(condition, name):
        return sa.func.sum(sa.case((condition, one), else_=zero)).label(name)

    intent_columns = [
        TentativeHire.fair_id,
        sa.func.count().label("n"),
        counted_if(TentativeHire.reached_hired, "hired"),
        counted_if(TentativeHire.reached_started, "started"),
    ]
    intents = sa.select().where(TentativeHire.fair_id.in_(counted))
    if figures:
        kept = _retained_per_intent()
        intent_columns += [
            *(
                counted_if(TentativeHire.source.in_(kinds), f"intents_{source}")
                for source, kinds in INTENT_SOURCES.items()
            ),
            *(
                sa.func.sum(sa.func.coalesce(kept.c[name], 0)).label(name)
                for name in RETAINED_STEPS
            ),
        ]
        intents = intents.outerjoin_from(TentativeHire, kept, kept.c.hire_id == TentativeHire.id)
    intents = intents.add_columns(*intent_columns).group_by(TentativeHire.fair_id).subquery()

    def total(column, name):
        return sa.func.coalesce(sa.func.sum(column), 0).label(name)

    columns = [
        *keys,
        sa.func.count(Fair.id).label("fairs"),
        total(attendances.c.n, "employer_attendances"),
        total(openings.c.n, "positions_offered"),
        total(sa.func.coalesce(tallies.c.n, 0) + sa.func.coalesce(scans.c.n, 0), "seeker_entries"),
        total(intents.c.n, "tentative_hires"),
        total(intents.c.hired, "hired"),
        total(intents.c.started, "started"),
    ]
    query = (
        sa.select(*columns)
        .select_from(Fair)
        .outerjoin(attendances, attendances.c.fair_id == Fair.id)
        .outerjoin(openings, openings.c.fair_id == Fair.id)
        .outerjoin(tallies, tallies.c.fair_id == Fair.id)
        .outerjoin(scans, scans.c.fair_id == Fair.id)
        .outerjoin(intents, intents.c.fair_id == Fair.id)
        .where(Fair.id.in_(counted))
    )
    if figures:
        applications = (
            sa.select(Application.fair_id, sa.func.count().label("n"))
            .where(Application.fair_id.in_(counted))
            .group_by(Application.fair_id)
            .subquery()
        )
        query = query.outerjoin(applications, applications.c.fair_id == Fair.id).add_columns(
            *(total(intents.c[name], name) for name in SOURCE_COLUMNS),
            total(applications.c.n, "applications"),
            *(total(intents.c[name], name) for name in RETAINED_STEPS),
        )
    if keys:
        query = query.group_by(*keys)
    return query


def _retained_per_intent() -> sa.Subquery:
    """Select, per intent with a retained step that is not voided, a 0/1 column per step."""
    one = sa.literal(1)
    zero = sa.literal(0)
    return (
        sa.select(
            HireStep.hire_id,
            *(
                sa.func.max(sa.case((HireStep.step == kind, one), else_=zero)).label(name)
                for name, kind in RETAINED_STEPS.items()
            ),
        )
        .where(HireStep.voided_at.is_(None), HireStep.step.in_(list(RETAINED_STEPS.values())))
        .group_by(HireStep.hire_id)
        .subquery()
    )


def compute_metrics(start: date, end: date, **filters) -> Metrics:
    """Return the metrics for fairs starting in [start, end] that match the filters."""
    use_custom_plans()
    row = db.session.execute(metric_select(start, end, **filters)).one()
    return Metrics(*(int(value) for value in row[: len(METRIC_NAMES)]))


# --- seekers taking part and the follow-up (DESIGN §7) ---------------------------------------

#: Intents by source (DESIGN §7): typed at the fair, imported (sheet or API), booth, online.
INTENT_SOURCES = {
    "typed": (HireSource.FORM,),
    "imported": (HireSource.IMPORT, HireSource.API),
    "booth": (HireSource.BOOTH,),
    "online": (HireSource.ONLINE,),
}

#: The steps an intent may have reached that the figures count, beside hired and started.
RETAINED_STEPS = {"retained_90": StepKind.RETAINED_90, "retained_180": StepKind.RETAINED_180}

#: The intents by source, as `metric_select` names them.
SOURCE_COLUMNS = tuple(f"intents_{source}" for source in INTENT_SOURCES)

#: The additive figures `metric_select(figures=True)` adds after the seven metrics (distinct
#: seekers are people, not additive: `distinct_seekers_select`).
FIGURE_COLUMNS = (*SOURCE_COLUMNS, "applications", *RETAINED_STEPS)


def intent_source_condition(source: str) -> sa.ColumnElement[bool]:
    """Return the condition of an intent of one source (typed, imported, booth, online)."""
    return TentativeHire.source.in_(INTENT_SOURCES[source])


def reached_step(step: str) -> sa.ColumnElement[bool]:
    """Return the condition of an intent that reached a step (a voided step does not count)."""
    if step == "hired":
        return TentativeHire.reached_hired
    if step == "started":
        return TentativeHire.reached_started
    return sa.exists().where(
        HireStep.hire_id == TentativeHire.id,
        HireStep.step == RETAINED_STEPS[step],
        HireStep.voided_at.is_(None),
    )


def distinct_seekers_select(start: date, end: date, **filters) -> sa.Select:
    """Select the number of people among the entries of the counted fairs (入场求职人数).

    People, not visits: a seeker at three fairs of the period counts once, so this number is
    counted over the whole period and never summed from per-fair numbers.
    """
    counted = counted_fairs(start, end, **filters)
    return sa.select(sa.func.count(sa.distinct(Entry.seeker_id))).where(Entry.fair_id.in_(counted))


def figures_from(row, distinct_seekers: int) -> Figures:
    """Build the figures from a `metric_select(figures=True)` row (a mapping)."""
    values = {name: int(row[name]) for name in FIGURE_COLUMNS}
    return Figures(distinct_seekers=distinct_seekers, **values)


def compute_numbers(start: date, end: date, **filters) -> tuple[Metrics, Figures]:
    """Return the metrics and the figures of DESIGN §2.5 and §7 for a period and filters."""
    use_custom_plans()
    row = db.session.execute(metric_select(start, end, figures=True, **filters)).mappings().one()
    people = db.session.scalar(distinct_seekers_select(start, end, **filters))
    metrics = Metrics(*(int(row[name]) for name in METRIC_NAMES))
    return metrics, figures_from(row, int(people or 0))


def compute_figures(start: date, end: date, **filters) -> Figures:
    """Return the figures of DESIGN §7 for fairs starting in [start, end] that match."""
    return compute_numbers(start, end, **filters)[1]

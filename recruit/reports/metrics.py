"""The metrics of DESIGN §2.5, computed by SQL aggregates in the database.

One query layer: `metric_select()` joins the per-fair sums of attendances, openings, seeker
entries and intents to the counted fairs; `compute_metrics()`, the breakdowns, the drill-down
lists, the exports and `flask report summary` all use it. These functions take no actor: the
operations in `recruit.reports.services` check who asks, then call them.
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
from recruit.hires.models import TentativeHire
from recruit.metrics import Metrics
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import get_industry_chain, region_codes_within


@dataclass(frozen=True)
class ReportFilter:
    """A period [start, end] in local dates and the optional filters on the fair."""

    start: date
    end: date
    region: str | None = None
    fair_type: str | None = None
    mode: str | None = None
    industry_chain: str | None = None

    def kwargs(self) -> dict:
        """Return the filters as keyword arguments of the query functions."""
        return {
            "region": self.region,
            "fair_type": self.fair_type,
            "mode": self.mode,
            "industry_chain": self.industry_chain,
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
) -> sa.Select:
    """Select the ids of fairs that count for a period (local dates on the fair's start)."""
    begin, stop = local_day_bounds(start, end)
    query = sa.select(Fair.id).where(
        Fair.status.in_(COUNTED_STATUSES), Fair.starts_at >= begin, Fair.starts_at < stop
    )
    if region:
        query = query.where(Fair.region_code.in_(region_codes_within(region)))
    if fair_type:
        query = query.where(Fair.type == FairType(fair_type))
    if mode:
        query = query.where(Fair.mode == FairMode(mode))
    if industry_chain:
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


def metric_select(start: date, end: date, keys: Sequence = (), **filters) -> sa.Select:
    """Select keys + (fairs, attendances, openings, entries, intents, hired, started).

    Each per-fair sum is one grouped subquery over the counted fairs; they are joined to the
    fairs and summed again, grouped by `keys` (columns of Fair) or over everything.
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
    entries = (
        sa.select(SeekerTally.fair_id, sa.func.sum(SeekerTally.count).label("n"))
        .where(SeekerTally.fair_id.in_(counted))
        .group_by(SeekerTally.fair_id)
        .subquery()
    )
    one = sa.literal(1)
    zero = sa.literal(0)
    intents = (
        sa.select(
            TentativeHire.fair_id,
            sa.func.count().label("n"),
            sa.func.sum(sa.case((TentativeHire.reached_hired, one), else_=zero)).label("hired"),
            sa.func.sum(sa.case((TentativeHire.reached_started, one), else_=zero)).label("started"),
        )
        .where(TentativeHire.fair_id.in_(counted))
        .group_by(TentativeHire.fair_id)
        .subquery()
    )

    def total(column, name):
        return sa.func.coalesce(sa.func.sum(column), 0).label(name)

    query = (
        sa.select(
            *keys,
            sa.func.count(Fair.id).label("fairs"),
            total(attendances.c.n, "employer_attendances"),
            total(openings.c.n, "positions_offered"),
            total(entries.c.n, "seeker_entries"),
            total(intents.c.n, "tentative_hires"),
            total(intents.c.hired, "hired"),
            total(intents.c.started, "started"),
        )
        .select_from(Fair)
        .outerjoin(attendances, attendances.c.fair_id == Fair.id)
        .outerjoin(openings, openings.c.fair_id == Fair.id)
        .outerjoin(entries, entries.c.fair_id == Fair.id)
        .outerjoin(intents, intents.c.fair_id == Fair.id)
        .where(Fair.id.in_(counted))
    )
    if keys:
        query = query.group_by(*keys)
    return query


def compute_metrics(start: date, end: date, **filters) -> Metrics:
    """Return the metrics for fairs starting in [start, end] that match the filters."""
    use_custom_plans()
    row = db.session.execute(metric_select(start, end, **filters)).one()
    return Metrics(*(int(value) for value in row))

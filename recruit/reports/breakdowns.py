"""The report's tables: metrics by dimension, the monthly trend, the funnels and occupations."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, Participation
from recruit.hires.models import TentativeHire
from recruit.metrics import FUNNEL_STEPS, METRIC_NAMES, Figures, Metrics
from recruit.positions.models import Position
from recruit.refdata.codes import OCCUPATION_MAJOR_GROUPS, FairMode, FairType
from recruit.refdata.models import IndustryChain, Region
from recruit.refdata.services import current_codes
from recruit.reports.metrics import (
    FIGURE_COLUMNS,
    NO_CHAIN,
    ReportFilter,
    attended_at,
    counted_fairs,
    distinct_seekers_select,
    figures_from,
    local_month,
    metric_select,
    use_custom_plans,
)
from recruit.reports.periods import month_end
from recruit.reports.scope import city_code

BREAKDOWNS = {
    "county": "按县市区",
    "fair_type": "按招聘会类型",
    "mode": "按举办方式",
    "industry_chain": "按产业链",
    "month": "按月份",
}


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    metrics: Metrics
    #: Extra filter arguments that narrow the report to this row (for drill-down links).
    narrow: dict[str, str] = field(default_factory=dict)


def _dimension_columns() -> dict:
    return {
        "county": Fair.region_code,
        "fair_type": Fair.type,
        "mode": Fair.mode,
        "industry_chain": Fair.industry_chain_id,
        "month": local_month(Fair.starts_at),
    }


def grouped_metrics(
    report: ReportFilter, dimensions: Sequence[str], *, figures: bool = False
) -> dict[str, list[tuple]]:
    """Return, in one SQL statement, the metrics grouped by each dimension (and "total").

    The per-fair sums are computed once, in a CTE, and each dimension is a GROUP BY over it;
    the groups come back together through UNION ALL. Keys are returned as text. Each row is
    (key, *the seven metrics) and, with `figures`, the additive figures (FIGURE_COLUMNS) after.
    """
    use_custom_plans()
    columns = _dimension_columns()
    keys = [Fair.id] + [columns[d].label(d) for d in dimensions if d != "total"]
    per_fair = metric_select(
        report.start, report.end, keys, figures=figures, **report.kwargs()
    ).cte("per_fair")
    names = (*METRIC_NAMES, *FIGURE_COLUMNS) if figures else METRIC_NAMES
    sums = [sa.func.coalesce(sa.func.sum(per_fair.c[m]), 0) for m in names]
    parts = []
    for dimension in dimensions:
        if dimension == "total":
            parts.append(sa.select(sa.literal("total"), sa.cast(sa.null(), sa.String), *sums))
        else:
            key = per_fair.c[dimension]
            parts.append(
                sa.select(sa.literal(dimension), sa.cast(key, sa.String), *sums).group_by(key)
            )
    result: dict[str, list[tuple]] = {d: [] for d in dimensions}
    for dimension, key, *values in db.session.execute(sa.union_all(*parts)).all():
        result[dimension].append((key, *(int(v) for v in values)))
    return result


def breakdown(report: ReportFilter, by: str, rows: list[tuple] | None = None) -> list[BreakdownRow]:
    """Return the metrics grouped by county, fair type, mode, industry chain or local month.

    rows, when given, are this dimension's rows from `grouped_metrics`.
    """
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    if rows is None:
        rows = grouped_metrics(report, [by])[by]
    if by == "month":
        return monthly_trend(report, rows)
    return [
        BreakdownRow(key, label, metrics_of(values), narrow)
        for key, label, narrow, values in labelled_rows(by, rows)
    ]


def metrics_of(values) -> Metrics:
    """Return the seven metrics at the start of a `grouped_metrics` row's values."""
    return Metrics(*values[: len(METRIC_NAMES)])


def labelled_rows(by: str, rows: list[tuple]) -> list[tuple[str, str, dict, list]]:
    """Name and order grouped rows (key, *values) of a county, type, mode or chain dimension.

    Returns (key, label, narrow, values): narrow holds the filter arguments of the row (empty
    when the report cannot be narrowed to it, as for fairs without an industry chain).
    """
    if by == "county":
        names = dict(db.session.execute(sa.select(Region.code, Region.name)).all())
        city = city_code()
        # A retired code counts under its successor (株洲县 430221 in 渌口区 430212).
        current = current_codes()
        merged: dict[str, list] = {}
        for code, *values in rows:
            code = current.get(code, code)
            old = merged.get(code, [0] * len(values))
            merged[code] = [a + b for a, b in zip(old, values, strict=True)]
        return [
            (
                code,
                "市本级" if code == city else names.get(code, code),
                # The city's own row counts the fairs held at the city level only.
                {"region": code, "region_exact": "1"} if code == city else {"region": code},
                values,
            )
            for code, values in sorted(merged.items())
        ]
    if by == "fair_type":
        return [
            (str(FairType(k)), FairType(k).label, {"fair_type": str(k)}, v)
            for k, *v in _sorted_by_enum(rows, FairType)
        ]
    if by == "mode":
        return [
            (str(FairMode(k)), FairMode(k).label, {"mode": str(k)}, v)
            for k, *v in _sorted_by_enum(rows, FairMode)
        ]
    if by == "industry_chain":
        chains = {str(c.id): c for c in db.session.scalars(sa.select(IndustryChain))}
        result = []
        for chain_id, *values in rows:
            chain = chains.get(chain_id)
            if chain is None:
                result.append(("", "未指定产业链", {"industry_chain": NO_CHAIN}, values))
            else:
                result.append((chain.code, chain.name, {"industry_chain": chain.code}, values))
        order = {c.code: c.sort_order for c in chains.values()}
        result.sort(key=lambda row: (row[0] == "", order.get(row[0], 0)))
        return result
    raise ValueError(f"unknown breakdown {by!r}")


def monthly_trend(report: ReportFilter, rows: list[tuple] | None = None) -> list[BreakdownRow]:
    """Return the metrics of every local month of the period, zeros for months without fairs."""
    if rows is None:
        rows = grouped_metrics(report, ["month"])["month"]
    by_month = {key: values for key, *values in rows}
    result = []
    year, month = report.start.year, report.start.month
    while (year, month) <= (report.end.year, report.end.month):
        key = f"{year:04d}-{month:02d}"
        first = date(year, month, 1)
        last = month_end(year, month)
        narrow = {
            "start": max(first, report.start).isoformat(),
            "end": min(last, report.end).isoformat(),
        }
        values = by_month.get(key, [0] * len(METRIC_NAMES))
        label = f"{month}月" if report.start.year == report.end.year else f"{year}年{month}月"
        result.append(BreakdownRow(key, label, metrics_of(values), narrow))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def _sorted_by_enum(rows, enum_cls):
    order = {member: n for n, member in enumerate(enum_cls)}
    return sorted(rows, key=lambda row: order.get(enum_cls(row[0]), 99))


# --- funnel and occupations --------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int
    #: Share of the intents that reached this step, in percent (None without intents).
    rate: float | None


def intent_funnel(metrics: Metrics) -> list[FunnelStep]:
    """Return the steps 意向 → 录用 → 到岗 with their share of the intents."""
    base = metrics.tentative_hires

    def rate(n: int) -> float | None:
        return None if base == 0 else round(100 * n / base, 1)

    return [
        FunnelStep("tentative_hires", "意向", base, rate(base)),
        FunnelStep("hired", "录用", metrics.hired, rate(metrics.hired)),
        FunnelStep("started", "到岗", metrics.started, rate(metrics.started)),
    ]


@dataclass(frozen=True)
class OccupationRow:
    key: str
    label: str
    openings: int
    intents: int

    @property
    def intents_per_100(self) -> float | None:
        """Return intents per hundred openings offered: low means hard to fill."""
        return None if self.openings == 0 else round(100 * self.intents / self.openings, 1)


def occupation_tables(report: ReportFilter, limit: int = 10) -> dict[str, list[OccupationRow]]:
    """Return both occupation tables from one SQL statement (each table scanned once)."""
    use_custom_plans()
    counted = counted_fairs(report.start, report.end, **report.kwargs())
    group, title = Position.occupation_major_group, Position.title
    offered = (
        sa.select(
            group.label("g"),
            title.label("t"),
            sa.func.sum(FairPosition.openings).label("offered"),
            sa.literal(0).label("wanted"),
        )
        .select_from(FairPosition)
        .join(Participation, FairPosition.participation_id == Participation.id)
        .join(Position, FairPosition.position_id == Position.id)
        .where(attended_at(counted))
        .group_by(group, title)
    )
    wanted = (
        sa.select(
            group.label("g"),
            title.label("t"),
            sa.literal(0).label("offered"),
            sa.func.count(TentativeHire.id).label("wanted"),
        )
        .join(Position, TentativeHire.position_id == Position.id)
        .where(TentativeHire.fair_id.in_(counted))
        .group_by(group, title)
    )
    demand = sa.union_all(offered, wanted).cte("demand")
    total_offered = sa.func.sum(demand.c.offered)
    total_wanted = sa.func.sum(demand.c.wanted)
    by_group = sa.select(
        sa.literal("group").label("kind"),
        sa.cast(demand.c.g, sa.String).label("key"),
        total_offered.label("offered"),
        total_wanted.label("wanted"),
    ).group_by(demand.c.g)
    top_titles = (
        sa.select(
            sa.literal("title").label("kind"),
            demand.c.t.label("key"),
            total_offered.label("offered"),
            total_wanted.label("wanted"),
        )
        .group_by(demand.c.t)
        .having(total_offered > 0)
        .order_by(total_offered.desc(), demand.c.t)
        .limit(limit)
        .subquery()
    )
    statement = sa.union_all(by_group, sa.select(*top_titles.c))
    groups, titles = [], []
    for kind, key, n_offered, n_wanted in db.session.execute(statement).all():
        if kind == "group":
            label = OCCUPATION_MAJOR_GROUPS[int(key)]
            groups.append(OccupationRow(str(int(key)), label, int(n_offered), int(n_wanted)))
        else:
            titles.append(OccupationRow(key, key, int(n_offered), int(n_wanted)))
    return {
        "group": sorted(groups, key=lambda r: (-r.openings, r.intents)),
        "title": sorted(titles, key=lambda r: (r.intents_per_100, -r.openings)),
    }


# --- the follow-up funnel (issue 16 point 8) ---------------------------------------------------

#: The funnel's tables, beside the total (合计).
FUNNEL_BREAKDOWNS = {
    "county": "按县市区",
    "fair_type": "按招聘会类型",
    "industry_chain": "按产业链",
}


@dataclass(frozen=True)
class FunnelRow:
    """One row of the funnel: intents and the steps they reached, with each step's rate."""

    key: str
    label: str
    #: step (FUNNEL_STEPS) → number of intents that reached it.
    counts: dict[str, int]
    #: Extra filter arguments that narrow the report to this row (for drill-down links).
    narrow: dict[str, str] = field(default_factory=dict)

    @property
    def intents(self) -> int:
        return self.counts["tentative_hires"]

    def rate(self, step: str) -> float | None:
        """Return a step's share of the intents in percent, one decimal (None without intents)."""
        return None if self.intents == 0 else round(100 * self.counts[step] / self.intents, 1)

    @property
    def rates(self) -> dict[str, float | None]:
        return {step: self.rate(step) for step in FUNNEL_STEPS}


def _funnel_row(key: str, label: str, values, narrow: dict | None = None) -> FunnelRow:
    counts = dict(zip((*METRIC_NAMES, *FIGURE_COLUMNS), values, strict=True))
    return FunnelRow(key, label, {step: counts[step] for step in FUNNEL_STEPS}, narrow or {})


def funnel_tables(grouped: dict[str, list[tuple]]) -> dict[str, list[FunnelRow]]:
    """Return the funnel's rows: "total" (one row, 合计) and one list per FUNNEL_BREAKDOWNS.

    grouped: the rows of `grouped_metrics(..., figures=True)` for "total" and FUNNEL_BREAKDOWNS.
    """
    zeros = [0] * (len(METRIC_NAMES) + len(FIGURE_COLUMNS))
    total = grouped["total"][0][1:] if grouped.get("total") else zeros
    tables = {"total": [_funnel_row("total", "合计", total)]}
    for by in FUNNEL_BREAKDOWNS:
        tables[by] = [
            _funnel_row(key, label, values, narrow)
            for key, label, narrow, values in labelled_rows(by, grouped.get(by, []))
        ]
    return tables


def figures_of(grouped_total: list[tuple], distinct_seekers: int) -> Figures:
    """Build the report's figures from the "total" row of `grouped_metrics(figures=True)`."""
    values = (
        grouped_total[0][1:] if grouped_total else [0] * (len(METRIC_NAMES) + len(FIGURE_COLUMNS))
    )
    row = dict(zip((*METRIC_NAMES, *FIGURE_COLUMNS), values, strict=True))
    return figures_from(row, distinct_seekers)


def distinct_seekers(report: ReportFilter) -> int:
    """Return the number of people among the period's entries (入场求职人数)."""
    select = distinct_seekers_select(report.start, report.end, **report.kwargs())
    return int(db.session.scalar(select) or 0)

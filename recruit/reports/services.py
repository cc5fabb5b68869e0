"""The metrics of DESIGN §2.5, computed by SQL aggregates in the database.

One query layer: `aggregate()` groups the per-fair sums of attendances, openings, seeker entries
and intents by a dimension of the fair (or not at all); `compute_metrics()`, the breakdowns, the
monthly trend, the funnel, the dashboard, the exports and `flask report summary` all use it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
from recruit.metrics import METRIC_NAMES, Metrics
from recruit.positions.models import Position
from recruit.refdata.codes import OCCUPATION_MAJOR_GROUPS, FairMode, FairType
from recruit.refdata.models import IndustryChain, Region
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

    def query_args(self) -> dict[str, str]:
        """Return the filter as URL query arguments (empty ones left out)."""
        args = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        args.update({k: v for k, v in self.kwargs().items() if v})
        return args

    def replace(self, **changes) -> "ReportFilter":
        return replace(self, **changes)


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    metrics: Metrics
    #: Extra filter arguments that narrow the report to this row (for drill-down links).
    narrow: dict[str, str] = field(default_factory=dict)


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
    attended = sa.and_(
        Participation.status == ParticipationStatus.ATTENDED, Participation.fair_id.in_(counted)
    )
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


def aggregate(start: date, end: date, group_by=None, **filters) -> list[tuple]:
    """Return rows (key, fairs, attendances, openings, entries, intents, hired, started)."""
    use_custom_plans()
    key = group_by if group_by is not None else sa.literal("all")
    query = metric_select(start, end, [key.label("key")], **filters)
    query = query.group_by(None) if group_by is None else query.order_by(sa.text("key"))
    return [(row[0], *(int(value) for value in row[1:])) for row in db.session.execute(query).all()]


def compute_metrics(start: date, end: date, **filters) -> Metrics:
    """Return the metrics for fairs starting in [start, end] that match the filters."""
    rows = aggregate(start, end, **filters)
    if not rows:
        return Metrics(0, 0, 0, 0, 0, 0, 0)
    return Metrics(*rows[0][1:])


# --- breakdowns --------------------------------------------------------------------------------

BREAKDOWNS = {
    "county": "按县市区",
    "fair_type": "按招聘会类型",
    "mode": "按举办方式",
    "industry_chain": "按产业链",
    "month": "按月份",
}


def _dimension_columns() -> dict:
    return {
        "county": Fair.region_code,
        "fair_type": Fair.type,
        "mode": Fair.mode,
        "industry_chain": Fair.industry_chain_id,
        "month": local_month(Fair.starts_at),
    }


def grouped_metrics(report: ReportFilter, dimensions: Sequence[str]) -> dict[str, list[tuple]]:
    """Return, in one SQL statement, the metrics grouped by each dimension (and "total").

    The per-fair sums are computed once, in a CTE, and each dimension is a GROUP BY over it;
    the groups come back together through UNION ALL. Keys are returned as text.
    """
    use_custom_plans()
    columns = _dimension_columns()
    keys = [Fair.id] + [columns[d].label(d) for d in dimensions if d != "total"]
    per_fair = metric_select(report.start, report.end, keys, **report.kwargs()).cte("per_fair")
    sums = [sa.func.coalesce(sa.func.sum(per_fair.c[m]), 0) for m in METRIC_NAMES]
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
    if by == "county":
        names = dict(db.session.execute(sa.select(Region.code, Region.name)).all())
        city = _city_code()
        return [
            BreakdownRow(
                code,
                "市本级" if code == city else names.get(code, code),
                Metrics(*values),
                {"region": code},
            )
            for code, *values in sorted(rows, key=lambda row: row[0])
        ]
    if by == "fair_type":
        return [
            BreakdownRow(str(FairType(k)), FairType(k).label, Metrics(*v), {"fair_type": str(k)})
            for k, *v in _sorted_by_enum(rows, FairType)
        ]
    if by == "mode":
        return [
            BreakdownRow(str(FairMode(k)), FairMode(k).label, Metrics(*v), {"mode": str(k)})
            for k, *v in _sorted_by_enum(rows, FairMode)
        ]
    if by == "industry_chain":
        chains = {str(c.id): c for c in db.session.scalars(sa.select(IndustryChain))}
        result = []
        for chain_id, *values in rows:
            chain = chains.get(chain_id)
            if chain is None:
                result.append(BreakdownRow("", "未指定产业链", Metrics(*values)))
            else:
                narrow = {"industry_chain": chain.code}
                result.append(BreakdownRow(chain.code, chain.name, Metrics(*values), narrow))
        order = {c.code: c.sort_order for c in chains.values()}
        result.sort(key=lambda row: (row.key == "", order.get(row.key, 0)))
        return result
    return monthly_trend(report, rows)


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
        last = _month_end(year, month)
        narrow = {
            "start": max(first, report.start).isoformat(),
            "end": min(last, report.end).isoformat(),
        }
        values = by_month.get(key, [0] * 7)
        label = f"{month}月" if report.start.year == report.end.year else f"{year}年{month}月"
        result.append(BreakdownRow(key, label, Metrics(*values), narrow))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def _sorted_by_enum(rows, enum_cls):
    order = {member: n for n, member in enumerate(enum_cls)}
    return sorted(rows, key=lambda row: order.get(enum_cls(row[0]), 99))


def _city_code() -> str:
    from flask import current_app

    return current_app.config.get("CITY_REGION_CODE", "430200")


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


def occupation_demand(report: ReportFilter, by: str = "group", limit: int = 10):
    """Return occupations with the openings offered and the intents made for them.

    by="group": the eight major groups of 职业分类大典, most openings first.
    by="title": the `limit` position titles with the most openings offered, ordered so the
    shortage (many openings, few intents) comes first.
    """
    return occupation_tables(report, limit)[by]


def occupation_tables(report: ReportFilter, limit: int = 10) -> dict[str, list["OccupationRow"]]:
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
        .where(
            Participation.status == ParticipationStatus.ATTENDED,
            Participation.fair_id.in_(counted),
        )
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


# --- the bureau's sentence ---------------------------------------------------------------------

QUARTERS = {1: "一季度", 4: "二季度", 7: "三季度", 10: "四季度"}

#: How a fair type reads in a sentence (举办…N场).
FAIR_TYPE_WORDS = {
    FairType.COMPREHENSIVE: "综合招聘会",
    FairType.INDUSTRY_CHAIN: "产业链专场招聘会",
    FairType.GRADUATES: "高校毕业生专场招聘会",
    FairType.VETERANS: "退役军人专场招聘会",
    FairType.MIGRANT_WORKERS: "春风行动招聘会",
    FairType.ASSISTANCE_MONTH: "就业援助月招聘会",
    FairType.PRIVATE_ENTERPRISE: "民营企业招聘月招聘会",
    FairType.OTHER: "其他招聘会",
}


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def period_words(start: date, end: date) -> str:
    """Name a period the bureau's way: 上半年, 下半年, 一季度, 前三季度, 10月, 1—5月, 全年 …"""
    same_year = start.year == end.year
    whole_months = start.day == 1 and end == _month_end(end.year, end.month)
    if same_year and whole_months:
        first, last = start.month, end.month
        if (first, last) == (1, 12):
            return "全年"
        if (first, last) == (1, 6):
            return "上半年"
        if (first, last) == (7, 12):
            return "下半年"
        if first in QUARTERS and last == first + 2:
            return QUARTERS[first]
        if (first, last) == (1, 9):
            return "前三季度"
        if first == last:
            return f"{first}月"
        return f"{first}—{last}月"
    if same_year:
        if start.month == end.month:
            return f"{start.month}月{start.day}日至{end.day}日"
        return f"{start.month}月{start.day}日至{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def bureau_sentence(report: ReportFilter, metrics: Metrics | None = None) -> str:
    """Write the bureau's sentence for a period and scope from the data.

    The whole city (or one county) gets the full form; a report narrowed to an industry chain
    gets the form the bureau uses for a county's chain fairs ("其中在醴陵市，针对陶瓷产业链 …").
    """
    from recruit.formatting import bureau_number as n

    metrics = metrics or compute_metrics(report.start, report.end, **report.kwargs())
    region = report.region if report.region and report.region != _city_code() else None
    place = db.session.get(Region, region).name if region else "全市"
    if report.industry_chain:
        chain = get_industry_chain(report.industry_chain)
        chain_name = chain.name if chain else report.industry_chain
        where = f"其中在{place}，" if region else "其中全市"
        return (
            f"{where}针对{chain_name}产业链，共举办线上线下系列招聘会{n(metrics.fairs)}场，"
            f"达成初步就业意向{n(metrics.tentative_hires)}人。"
        )
    kind = FAIR_TYPE_WORDS[FairType(report.fair_type)] if report.fair_type else "各类招聘会"
    if report.mode:
        kind = FairMode(report.mode).label + kind
    return (
        f"{period_words(report.start, report.end)}，{place}举办{kind}{n(metrics.fairs)}场，"
        f"进入市场的用工企业达到{n(metrics.employer_attendances)}家次，"
        f"累计提供岗位{n(metrics.positions_offered)}个次，"
        f"入场求职{n(metrics.seeker_entries)}人次，"
        f"初步达成就业意向{n(metrics.tentative_hires)}人次。"
    )


# --- the full report ---------------------------------------------------------------------------


@dataclass
class Report:
    filter: ReportFilter
    metrics: Metrics
    sentence: str
    breakdowns: dict[str, list[BreakdownRow]]
    funnel: list[FunnelStep]
    occupations: list[OccupationRow]
    shortage: list[OccupationRow]


def build_report(report: ReportFilter) -> Report:
    """Return everything the dashboard and the exports show for one filter."""
    grouped = grouped_metrics(report, ["total", *BREAKDOWNS])
    metrics = Metrics(*grouped["total"][0][1:])
    occupations = occupation_tables(report)
    return Report(
        filter=report,
        metrics=metrics,
        sentence=bureau_sentence(report, metrics),
        breakdowns={by: breakdown(report, by, grouped[by]) for by in BREAKDOWNS},
        funnel=intent_funnel(metrics),
        occupations=occupations["group"],
        shortage=occupations["title"],
    )


# --- drill-down: the rows each number counts -------------------------------------------------

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
    query = _drill_down_select(report, kind, step)
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


def _drill_down_select(report: ReportFilter, kind: str, step: str | None) -> sa.Select:
    from recruit.employers.models import Employer

    counted = counted_fairs(report.start, report.end, **report.kwargs())
    if kind == "fairs":
        return fair_list_select(report)
    if kind in ("attendances", "positions"):
        attended = sa.and_(
            Participation.status == ParticipationStatus.ATTENDED,
            Participation.fair_id.in_(counted),
        )
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
                .where(attended)
                .order_by(Fair.starts_at, Fair.id, Participation.id)
            )
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
            .where(attended)
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

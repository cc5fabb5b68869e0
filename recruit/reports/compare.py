"""同比 and 环比: the report over a compared period beside the report asked for (issue 18.5).

The compared period (the rule, written once here):

- 同比 (``yoy``, 上年同期): the same dates one year before. A period of whole calendar months
  compares with the same months one year before (2025年2月 → 2024年2月1日至29日, 2024年2月 →
  2023年2月1日至28日); any other period moves each date back one year, 2月29日 becoming 2月28日.
- 环比 (``pop``, 上期): a period of n whole calendar months compares with the n whole months just
  before it: a month with the previous month, a quarter with the previous quarter, a half-year
  with the previous half-year, a year with the previous year (1—5月 with the five months before).
  Any other range compares with the same number of days just before its start.

A period may cross years. The change is the number minus the compared number; the percentage is
the change over the compared number, one decimal rounded half up, and none ("—") when the
compared number is 0.

The compared numbers are counted the way the report counts its own: one extra `grouped_metrics`
statement for every table of the report (never one per row), plus the distinct seekers.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from recruit.errors import Invalid
from recruit.metrics import FIGURE_NAMES, METRIC_NAMES, Figures, Metrics
from recruit.reports.breakdowns import (
    BREAKDOWNS,
    FUNNEL_BREAKDOWNS,
    BreakdownRow,
    FunnelRow,
    breakdown,
    distinct_seekers,
    figures_of,
    funnel_tables,
    grouped_metrics,
    metrics_of,
)
from recruit.reports.metrics import ReportFilter, compute_numbers
from recruit.reports.periods import month_end
from recruit.reports.scope import check_period, scoped_filter

#: The comparisons a report may ask for (compare=…), as the page names them.
COMPARE_KINDS = {"yoy": "同比", "pop": "环比"}

#: The heading of the compared period's column.
BASE_LABELS = {"yoy": "上年同期", "pop": "上期"}


# --- the compared period ----------------------------------------------------------------------


def _whole_months(start: date, end: date) -> int | None:
    """Return how many calendar months [start, end] covers exactly, or None."""
    if start.day != 1 or end != month_end(end.year, end.month):
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _month_shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _year_before(day: date) -> date:
    """Return the same day one year before; 2月29日 becomes 2月28日."""
    return date(day.year - 1, day.month, min(day.day, month_end(day.year - 1, day.month).day))


def compared_period(start: date, end: date, kind: str) -> tuple[date, date]:
    """Return the period a report of [start, end] compares with (kind "yoy" or "pop")."""
    if kind not in COMPARE_KINDS:
        raise Invalid("对比方式应为 同比（yoy）或 环比（pop）。", field="compare")
    months = _whole_months(start, end)
    if kind == "yoy":
        if months:
            return date(start.year - 1, start.month, 1), month_end(end.year - 1, end.month)
        return _year_before(start), _year_before(end)
    if months:
        year, month = _month_shift(start.year, start.month, -months)
        last_year, last_month = _month_shift(start.year, start.month, -1)
        return date(year, month, 1), month_end(last_year, last_month)
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def compared_filter(report: ReportFilter, kind: str) -> ReportFilter:
    """Return the report's filter over the compared period; Invalid when it leaves the years."""
    start, end = compared_period(report.start, report.end, kind)
    try:
        check_period(start, end)
    except Invalid as error:
        raise Invalid(
            f"{COMPARE_KINDS[kind]}的对比时段（{start.isoformat()}至{end.isoformat()}）"
            "超出可统计的年份。",
            field="compare",
        ) from error
    return report.replace(start=start, end=end)


# --- the change ------------------------------------------------------------------------------


def change_pct(current: int, base: int) -> float | None:
    """Return the change in percent of the base, one decimal half up; None when the base is 0."""
    if base == 0:
        return None
    ratio = Decimal(100 * (current - base)) / Decimal(base)
    return float(ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def pct_text(pct: float | None) -> str:
    """Write a change in percent as the page shows it: +12.5%, -3.0%, 0.0%, or —."""
    if pct is None:
        return "—"
    return f"{pct:+.1f}%" if pct else "0.0%"


def delta_text(delta: int) -> str:
    """Write a change as the page shows it: +12, -3, 0."""
    return f"{delta:+d}" if delta else "0"


@dataclass(frozen=True)
class Change:
    """One number beside its compared number."""

    current: int
    base: int

    @property
    def delta(self) -> int:
        return self.current - self.base

    @property
    def pct(self) -> float | None:
        return change_pct(self.current, self.base)

    @property
    def delta_text(self) -> str:
        return delta_text(self.delta)

    @property
    def pct_text(self) -> str:
        return pct_text(self.pct)


def change_fields(current: dict, base: dict) -> tuple[dict, dict]:
    """Return (change, change_pct) of two documents of numbers with the same keys (nested
    documents, such as the intents by source, compared key by key)."""
    change, pct = {}, {}
    for key, value in current.items():
        if isinstance(value, dict):
            change[key], pct[key] = change_fields(value, base[key])
        else:
            change[key] = value - base[key]
            pct[key] = change_pct(value, base[key])
    return change, pct


def compare_document(kind: str, compared: ReportFilter, current: dict, base: dict) -> dict:
    """Return the API's `compare` object: the compared period, its numbers and the change."""
    change, pct = change_fields(current, base)
    return {
        "kind": kind,
        "period": {"start": compared.start, "end": compared.end},
        "figures": base,
        "change": change,
        "change_pct": pct,
    }


# --- the dashboard and the workbook -------------------------------------------------------------


@dataclass(frozen=True)
class ComparedRow:
    """A breakdown row beside the same row over the compared period."""

    key: str
    label: str
    metrics: Metrics
    base: Metrics
    #: Filter arguments of the row over the report's period (empty: no link), as BreakdownRow.
    narrow: dict[str, str] = field(default_factory=dict)
    #: Filter arguments of the row over the compared period, with its start and end (None: the
    #: row cannot be narrowed to, no link).
    base_narrow: dict[str, str] | None = None
    #: The compared row's own label when it differs (the months of the compared period).
    base_label: str | None = None

    def change(self, name: str) -> Change:
        return Change(getattr(self.metrics, name), getattr(self.base, name))


@dataclass(frozen=True)
class Comparison:
    kind: str
    #: 同比 / 环比
    name: str
    #: 上年同期 / 上期
    label: str
    #: The report's filter over the compared period.
    filter: ReportFilter
    metrics: Metrics
    figures: Figures
    #: The report's metrics and figures, to compare with.
    current_metrics: Metrics
    current_figures: Figures
    breakdowns: dict[str, list[ComparedRow]]

    @property
    def period_args(self) -> dict[str, str]:
        """Return the filter arguments of the compared period (for drill-down links)."""
        return {"start": self.filter.start.isoformat(), "end": self.filter.end.isoformat()}

    def change(self, name: str) -> Change:
        """Return a headline metric or figure beside its compared number."""
        if name in METRIC_NAMES:
            return Change(getattr(self.current_metrics, name), getattr(self.metrics, name))
        return Change(getattr(self.current_figures, name), getattr(self.figures, name))


def _month_label(key: str) -> str:
    """Write a month key 2025-10 as 2025年10月 (a compared month always names its year)."""
    year, month = key.split("-")
    return f"{int(year)}年{int(month)}月"


def _base_narrow(row: BreakdownRow, compared: ReportFilter) -> dict[str, str] | None:
    if not row.narrow:
        return None
    period = {"start": compared.start.isoformat(), "end": compared.end.isoformat()}
    return {**period, **row.narrow}


def compared_rows(
    by: str, current: list[BreakdownRow], base: list[BreakdownRow], compared: ReportFilter
) -> list[ComparedRow]:
    """Pair a breakdown's rows with the compared period's: by key, or for the months by their
    place in the period (a row only in the compared period comes last, counting 0 now)."""
    if by == "month":
        result = []
        for n, row in enumerate(current):
            other = base[n] if n < len(base) else None
            result.append(
                ComparedRow(
                    row.key,
                    row.label,
                    row.metrics,
                    other.metrics if other else Metrics.zero(),
                    row.narrow,
                    _base_narrow(other, compared) if other else None,
                    _month_label(other.key) if other else None,
                )
            )
        return result
    by_key = {row.key: row for row in base}
    result = [
        ComparedRow(
            row.key,
            row.label,
            row.metrics,
            by_key[row.key].metrics if row.key in by_key else Metrics.zero(),
            row.narrow,
            _base_narrow(by_key.get(row.key, row), compared),
        )
        for row in current
    ]
    seen = {row.key for row in current}
    result += [
        ComparedRow(
            row.key,
            row.label,
            Metrics.zero(),
            row.metrics,
            row.narrow,
            _base_narrow(row, compared),
        )
        for row in base
        if row.key not in seen
    ]
    return result


def compare_report(actor, report, kind: str) -> Comparison:
    """Return the dashboard's comparison for a built `Report` (services.build_report).

    One `grouped_metrics` statement counts the compared period's headline and all five
    breakdowns, as the report's own does.
    """
    compared = compared_filter(scoped_filter(actor, report.filter), kind)
    grouped = grouped_metrics(compared, ["total", *BREAKDOWNS], figures=True)
    tables = {
        by: compared_rows(by, report.breakdowns[by], breakdown(compared, by, grouped[by]), compared)
        for by in BREAKDOWNS
    }
    return Comparison(
        kind=kind,
        name=COMPARE_KINDS[kind],
        label=BASE_LABELS[kind],
        filter=compared,
        metrics=metrics_of(grouped["total"][0][1:]),
        figures=figures_of(grouped["total"], distinct_seekers(compared)),
        current_metrics=report.metrics,
        current_figures=report.figures,
        breakdowns=tables,
    )


# --- the API ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryComparison:
    filter: ReportFilter
    metrics: Metrics
    figures: Figures


def compare_summary(actor, report: ReportFilter, kind: str) -> SummaryComparison:
    """Return the headline metrics and figures of the compared period (the API's summary)."""
    compared = compared_filter(scoped_filter(actor, report), kind)
    metrics, figures = compute_numbers(compared.start, compared.end, **compared.kwargs())
    return SummaryComparison(compared, metrics, figures)


@dataclass(frozen=True)
class ComparedFunnelRow:
    row: FunnelRow
    #: The same row's counts over the compared period.
    base: dict[str, int]


@dataclass(frozen=True)
class FunnelComparison:
    filter: ReportFilter
    #: "total" and one list per FUNNEL_BREAKDOWNS, rows only in the compared period last.
    tables: dict[str, list[ComparedFunnelRow]]


def compare_follow_up(actor, follow_up, kind: str) -> FunnelComparison:
    """Return the follow-up funnel's rows beside the compared period's (one statement)."""
    compared = compared_filter(scoped_filter(actor, follow_up.filter), kind)
    grouped = grouped_metrics(compared, ["total", *FUNNEL_BREAKDOWNS], figures=True)
    base_tables = funnel_tables(grouped)
    tables = {}
    for by, rows in follow_up.tables.items():
        base_rows = {row.key: row for row in base_tables[by]}
        zeros = {step: 0 for step in rows[0].counts} if rows else {}
        paired = [
            ComparedFunnelRow(
                row, base_rows[row.key].counts if row.key in base_rows else dict(zeros)
            )
            for row in rows
        ]
        seen = {row.key for row in rows}
        for row in base_tables[by]:
            if row.key not in seen:
                empty = FunnelRow(row.key, row.label, dict.fromkeys(row.counts, 0), row.narrow)
                paired.append(ComparedFunnelRow(empty, row.counts))
        tables[by] = paired
    return FunnelComparison(compared, tables)


#: The headline numbers the dashboard compares: the seven metrics, then the figures.
HEADLINE_NAMES = (*METRIC_NAMES, *FIGURE_NAMES)

"""The compared columns of the report's workbook (同比 / 环比, issue 18.5).

Beside each number: the compared period's number, the change and the change in percent (a
number with a % format, the text "—" when the compared number is 0). Without a comparison
every function returns no cells, so the workbook is the one without comparison.
"""

from recruit.metrics import METRIC_LABELS, METRIC_NAMES
from recruit.reports.compare import Change, Comparison
from recruit.spreadsheets import Percent


def change_cells(change: Change) -> list:
    """Return the cells of one compared number: compared value, change, change in percent."""
    return [change.base, change.delta, "—" if change.pct is None else Percent(change.pct)]


def summary_header(comparison: Comparison | None) -> list[str]:
    """Return the summary sheet's extra headings (上年同期 / 上期, 增减, 增减%)."""
    return [] if comparison is None else [comparison.label, "增减", "增减%"]


def summary_cells(comparison: Comparison | None, name: str) -> list:
    """Return the summary sheet's extra cells of a headline metric or figure."""
    return [] if comparison is None else change_cells(comparison.change(name))


def breakdown_header(comparison: Comparison | None) -> list[str]:
    """Return a breakdown sheet's extra headings: per metric its compared value, change, %."""
    if comparison is None:
        return []
    return [
        f"{METRIC_LABELS[m][0]}{suffix}"
        for m in METRIC_NAMES
        for suffix in (f"·{comparison.label}", "·增减", "·增减%")
    ]


def breakdown_rows(comparison: Comparison | None, by: str, rows: list) -> list:
    """Return the rows a breakdown sheet lists: the compared rows (with the rows found only in
    the compared period) when comparing, else the report's rows."""
    return rows if comparison is None else comparison.breakdowns[by]


def row_cells(comparison: Comparison | None, row) -> list:
    """Return a breakdown row's extra cells, metric by metric."""
    if comparison is None:
        return []
    return [cell for m in METRIC_NAMES for cell in change_cells(row.change(m))]


def total_cells(comparison: Comparison | None) -> list:
    """Return the 合计 row's extra cells, metric by metric."""
    if comparison is None:
        return []
    return [cell for m in METRIC_NAMES for cell in change_cells(comparison.change(m))]

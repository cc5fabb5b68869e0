"""The report as an .xlsx workbook in the bureau's layout, and as CSV.

The workbook is written through `recruit.spreadsheets.TypedBook`: counts are numbers, 举办日期
a date, rates numbers with a % format, columns as wide as their content. Every text cell goes
through `safe_text`: a value that a spreadsheet would read as a formula (= + - @, tab, carriage
return) is prefixed with an apostrophe, and text is always written as text, never as a formula.
"""

import csv
import io
from datetime import date

from recruit.db_types import LabelledEnum
from recruit.extensions import db
from recruit.formatting import bureau_number, local_date, to_local
from recruit.metrics import FIGURE_LABELS, FIGURE_NAMES, FUNNEL_STEPS, METRIC_LABELS, METRIC_NAMES
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.models import IndustryChain, Region
from recruit.refdata.services import get_industry_chain
from recruit.reports import compare_export
from recruit.reports.breakdowns import BREAKDOWNS, FUNNEL_BREAKDOWNS
from recruit.reports.compare import Comparison
from recruit.reports.drilldown import fair_list_select
from recruit.reports.metrics import NO_CHAIN, ReportFilter
from recruit.reports.services import Report
from recruit.spreadsheets import Percent, TypedBook, build_workbook, safe_text

BREAKDOWN_HEADER = ["分组"] + [
    f"{METRIC_LABELS[m][0]}（{METRIC_LABELS[m][1]}）" for m in METRIC_NAMES
]
FUNNEL_HEADER = ["分组"] + [
    header
    for n, (step, label) in enumerate(FUNNEL_STEPS.items())
    for header in ([f"{label}（人次）"] if n == 0 else [f"{label}（人次）", f"{label}率"])
]
FAIR_HEADER = ["序号", "招聘会", "举办日期", "地区", "类型", "举办方式", "产业链", "状态"] + [
    f"{METRIC_LABELS[m][0]}（{METRIC_LABELS[m][1]}）" for m in METRIC_NAMES[1:]
]


def scope_words(report: ReportFilter) -> str:
    """Describe the filters in Chinese, e.g. 醴陵市 · 产业链：陶瓷."""
    parts = [db.session.get(Region, report.region).name if report.region else "全市"]
    if report.region_exact:
        parts[0] += "（本级，不含下级）"
    if report.fair_type:
        parts.append("类型：" + FairType(report.fair_type).label)
    if report.mode:
        parts.append("方式：" + FairMode(report.mode).label)
    if report.industry_chain:
        chain = get_industry_chain(report.industry_chain)
        name = chain.name if chain else report.industry_chain
        parts.append("产业链：" + ("未指定" if report.industry_chain == NO_CHAIN else name))
    return " · ".join(parts)


def period_text(report: ReportFilter) -> str:
    """Write the period as 2026年3月1日至2026年3月31日."""
    return f"{local_date(report.start)}至{local_date(report.end)}"


def fair_rows(report: ReportFilter) -> list[list]:
    """Return the counted fairs with their own metrics, as export rows."""
    names = dict(db.session.execute(db.select(Region.code, Region.name)).all())
    chains = dict(db.session.execute(db.select(IndustryChain.id, IndustryChain.name)).all())
    rows = []
    for n, row in enumerate(db.session.execute(fair_list_select(report)), start=1):
        rows.append(
            [
                n,
                row.title,
                to_local(row.starts_at).date(),
                names.get(row.region_code, row.region_code),
                row.type.label,
                row.mode.label,
                chains.get(row.industry_chain_id, ""),
                row.status.label,
                *(int(getattr(row, m)) for m in METRIC_NAMES[1:]),
            ]
        )
    return rows


#: The workbook's cell styles (xlsxwriter format properties).
STYLES = {
    "title": {"bold": True, "font_size": 14},
    "bold": {"bold": True},
    "header": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True},
    "cell": {"border": 1},
    "wrap": {"text_wrap": True, "valign": "top"},
}


def _plain(value):
    return value.label if isinstance(value, LabelledEnum) else value


def build_xlsx(report: Report, comparison: Comparison | None = None) -> bytes:
    """Write the workbook: 汇总, one sheet per breakdown, 就业跟踪, 职业供需, 招聘会清单.

    With a comparison (同比 / 环比) the summary and breakdown sheets add its columns.
    """
    return build_workbook(lambda book: _fill(book, report, comparison), styles=STYLES)


def _fill(book: TypedBook, report: Report, comparison: Comparison | None = None) -> None:
    def write_row(sheet, r, values, style="cell"):
        sheet.write_row(r, [_plain(value) for value in values], style)

    f = report.filter
    summary = book.add_sheet("汇总")
    # The title spans the columns to its right: it is not measured into column A.
    summary.sheet.write_string(0, 0, "株洲市招聘会统计报表", book.format("title"))
    summary.write(1, 0, "统计时段")
    summary.write(1, 1, period_text(f))
    summary.write(2, 0, "统计范围")
    summary.write(2, 1, scope_words(f))
    if comparison is not None:
        summary.write(3, 0, f"{comparison.name}时段")
        summary.write(3, 1, period_text(comparison.filter))
    extra_header = compare_export.summary_header(comparison)
    write_row(summary, 4, ["指标", "数值", "单位", "按局口径", *extra_header], "header")
    values = report.metrics.as_dict()
    for r, name in enumerate(METRIC_NAMES, start=5):
        label, unit = METRIC_LABELS[name]
        cells = [label, values[name], unit, bureau_number(values[name]) + unit]
        write_row(summary, r, cells + compare_export.summary_cells(comparison, name))
    r = 5 + len(METRIC_NAMES)
    for step in report.funnel[1:]:
        write_row(summary, r, [f"{step.label}率（占意向）", Percent(step.rate), "", ""])
        r += 1
    summary.write(r + 1, 0, "通报", "bold")
    # The report sentence wraps over a merged block: not measured into column B.
    summary.sheet.merge_range(r + 1, 1, r + 4, 6, safe_text(report.sentence), book.format("wrap"))
    r += 6
    summary.write(r, 0, "求职者参与与稳定就业", "bold")
    write_row(summary, r + 1, ["指标", "数值", "单位", "按局口径", *extra_header], "header")
    figures = report.figures.as_dict()
    for k, name in enumerate(FIGURE_NAMES, start=r + 2):
        label, unit = FIGURE_LABELS[name]
        cells = [label, figures[name], unit, bureau_number(figures[name]) + unit]
        write_row(summary, k, cells + compare_export.summary_cells(comparison, name))

    for by, name in BREAKDOWNS.items():
        sheet = book.add_sheet(name)
        header = BREAKDOWN_HEADER + compare_export.breakdown_header(comparison)
        write_row(sheet, 0, header, "header")
        rows = compare_export.breakdown_rows(comparison, by, report.breakdowns[by])
        for r, row in enumerate(rows, start=1):
            cells = [row.label, *row.metrics.as_dict().values()]
            write_row(sheet, r, cells + compare_export.row_cells(comparison, row))
        totals = ["合计", *values.values(), *compare_export.total_cells(comparison)]
        write_row(sheet, len(rows) + 1, totals, "header")

    follow_up = book.add_sheet("就业跟踪")
    r = 0
    for by in ("total", *FUNNEL_BREAKDOWNS):
        if by != "total":
            follow_up.write(r, 0, FUNNEL_BREAKDOWNS[by], "bold")
            r += 1
        write_row(follow_up, r, FUNNEL_HEADER, "header")
        for row in report.follow_up[by]:
            r += 1
            write_row(follow_up, r, funnel_cells(row, Percent))
        r += 2

    jobs = book.add_sheet("职业供需")
    write_row(
        jobs, 0, ["职业大类", "提供岗位（个次）", "就业意向（人次）", "每百个岗位意向数"], "header"
    )
    r = 1
    for row in report.occupations:
        write_row(jobs, r, [row.label, row.openings, row.intents, row.intents_per_100 or 0])
        r += 1
    r += 1
    jobs.write(r, 0, "岗位多、意向少的岗位（紧缺信号）", "bold")
    write_row(
        jobs,
        r + 1,
        ["岗位名称", "提供岗位（个次）", "就业意向（人次）", "每百个岗位意向数"],
        "header",
    )
    for k, row in enumerate(report.shortage, start=r + 2):
        write_row(jobs, k, [row.label, row.openings, row.intents, row.intents_per_100 or 0])

    fairs = book.add_sheet("招聘会清单")
    write_row(fairs, 0, FAIR_HEADER, "header")
    for r, row in enumerate(fair_rows(f), start=1):
        write_row(fairs, r, row)
    fairs.sheet.freeze_panes(1, 2)


def funnel_cells(row, rate=lambda value: value) -> list:
    """Return a funnel row's cells: its label, then each step's count and its rate."""
    cells: list = [row.label]
    for n, step in enumerate(FUNNEL_STEPS):
        cells.append(row.counts[step])
        if n:
            cells.append(rate(row.rate(step)))
    return cells


def build_csv(report: Report, table: str = "fairs") -> str:
    """Write one table as CSV (UTF-8 with BOM so that Excel reads the Chinese)."""
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output)
    if table == "fairs":
        writer.writerow(FAIR_HEADER)
        rows = fair_rows(report.filter)
    else:
        writer.writerow(BREAKDOWN_HEADER)
        rows = [[row.label, *row.metrics.as_dict().values()] for row in report.breakdowns[table]]
        rows.append(["合计", *report.metrics.as_dict().values()])
    for row in rows:
        # Numbers and dates (2026-03-05) as they are; text defused.
        writer.writerow([v if isinstance(v, int | date) else safe_text(v) for v in row])
    return output.getvalue()

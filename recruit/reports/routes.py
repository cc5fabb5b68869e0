"""Dashboard, drill-down lists and exports for organizers (in scope), viewers and admins."""

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from recruit.auth.access import roles_required
from recruit.errors import Forbidden, Invalid
from recruit.formatting import local_today
from recruit.metrics import FIGURE_LABELS, FIGURE_NAMES, FUNNEL_STEPS, METRIC_LABELS, METRIC_NAMES
from recruit.refdata.codes import OCCUPATION_MAJOR_GROUPS, FairMode, FairType
from recruit.reports import charts
from recruit.reports.breakdowns import BREAKDOWNS, FUNNEL_BREAKDOWNS
from recruit.reports.compare import COMPARE_KINDS, HEADLINE_NAMES, compare_report
from recruit.reports.drilldown import (
    DRILL_DOWN,
    DRILL_TITLES,
    ENTRY_ROW_SOURCES,
    FIGURE_DRILL_DOWN,
    SOURCES,
    STEPS,
)
from recruit.reports.exports import build_csv, build_xlsx, scope_words
from recruit.reports.filters import (
    PRESETS,
    chain_choices,
    filter_args,
    parse_filter,
    quick_periods,
)
from recruit.reports.scope import REPORT_ROLES, report_regions
from recruit.reports.services import Also, build_report, bureau_paragraph, drill_down
from recruit.spreadsheets import XLSX_MIMETYPE, send_download

bp = Blueprint("reports", __name__, url_prefix="/reports")

PER_PAGE = 50


def _parsed():
    return parse_filter(request.args, current_user, local_today())


def _form_context(parsed):
    regions = report_regions(current_user)
    return {
        "parsed": parsed,
        "presets": PRESETS,
        "regions": regions,
        "region_names": {r.code: r.name for r in regions},
        "fair_types": list(FairType),
        "modes": list(FairMode),
        "chains": chain_choices(),
        "scope": scope_words(parsed.report),
        "args": lambda **changes: filter_args(parsed, **changes),
        "quick": [
            (label, filter_args(parsed, start=first.isoformat(), end=last.isoformat()))
            for year in (parsed.report.start.year - 1, parsed.report.start.year)
            for label, first, last in quick_periods(year)
            if year == parsed.report.start.year or "年" in label
        ],
    }


def _charts(report, args):
    months = report.breakdowns["month"]
    counties = report.breakdowns["county"]

    def rows_url(kind, row=None, **extra):
        narrow = dict(row.narrow) if row is not None else {}
        if row is not None and not narrow:
            return None
        return url_for("reports.rows", kind=kind, **args(**narrow, **extra))

    return {
        "trend_fairs": charts.column_chart(
            [(r.label, r.metrics.fairs) for r in months],
            "各月举办招聘会（场）",
            testid="chart-trend-fairs",
            links=[rows_url("fairs", r) for r in months],
        ),
        "trend_intents": charts.column_chart(
            [(r.label, r.metrics.tentative_hires) for r in months],
            "各月初步达成就业意向（人次）",
            testid="chart-trend-intents",
            colour=charts.ALT_COLOUR,
            links=[rows_url("intents", r) for r in months],
        ),
        "county": charts.bar_chart(
            [(r.label, r.metrics.positions_offered) for r in counties],
            "各县市区提供岗位（个次）",
            testid="chart-county",
            links=[rows_url("positions", r) for r in counties],
        ),
        "funnel": charts.bar_chart(
            [(s.label, s.count) for s in report.funnel],
            "就业意向转化：意向 → 录用 → 到岗（人次）",
            notes=["" if s.rate is None else f"{s.rate}%" for s in report.funnel],
            testid="chart-funnel",
            links=[
                rows_url("intents", step=DRILL_DOWN[s.key][1].get("step")) for s in report.funnel
            ],
        ),
        "types": charts.bar_chart(
            [(r.label, r.metrics.fairs) for r in report.breakdowns["fair_type"]],
            "各类型招聘会（场）",
            testid="chart-types",
            links=[rows_url("fairs", r) for r in report.breakdowns["fair_type"]],
        ),
    }


@bp.route("/")
@roles_required(*REPORT_ROLES)
def index():
    parsed = _parsed()
    report = build_report(current_user, parsed.report)
    also = _also_asked()
    try:
        paragraph = (
            bureau_paragraph(current_user, report.filter, also, report.sentence) if also else None
        )
    except (Invalid, Forbidden) as error:
        paragraph = None
        flash(f"通报段落：{error.message}", "warning")
    compare, comparison = _compared(report)
    return render_template(
        "reports/index.html",
        report=report,
        compare=compare,
        comparison=comparison,
        compare_kinds=COMPARE_KINDS,
        headline_names=HEADLINE_NAMES,
        paragraph=paragraph,
        also=also,
        charts=_charts(report, lambda **changes: filter_args(parsed, **changes)),
        breakdown_names=BREAKDOWNS,
        metric_names=METRIC_NAMES,
        metric_labels=METRIC_LABELS,
        drill=DRILL_DOWN,
        figure_names=FIGURE_NAMES,
        figure_labels=FIGURE_LABELS,
        figure_drill=FIGURE_DRILL_DOWN,
        funnel_steps=FUNNEL_STEPS,
        funnel_breakdowns=FUNNEL_BREAKDOWNS,
        **_form_context(parsed),
    )


def _compared(report):
    """Read compare=yoy|pop and return (the kind, the comparison); a refusal is flashed."""
    compare = (request.args.get("compare") or "").strip() or None
    if compare is None:
        return None, None
    try:
        return compare, compare_report(current_user, report, compare)
    except (Invalid, Forbidden) as error:
        flash(f"对比：{error.message}", "warning")
        return None, None


def _also_asked() -> list[Also]:
    """Read the "其中" clauses asked for: also=REGION:CHAIN, or the form's paired selects."""
    asked = [Also.parse(a) for a in request.args.getlist("also") if a.strip()]
    pairs = zip(
        request.args.getlist("also_region"), request.args.getlist("also_chain"), strict=False
    )
    asked += [Also(r or None, c or None) for r, c in pairs if r or c]
    return asked


@bp.route("/rows/<kind>")
@roles_required(*REPORT_ROLES)
def rows(kind: str):
    if kind not in DRILL_TITLES:
        abort(404)
    step = request.args.get("step") if kind == "intents" else None
    if step not in STEPS:
        step = None
    source = request.args.get("source") if kind == "intents" else None
    if source not in SOURCES:
        source = None
    occupation = request.args.get("occupation", type=int)
    if occupation not in OCCUPATION_MAJOR_GROUPS or kind not in ("positions", "intents"):
        occupation = None
    title = (request.args.get("title") or "").strip()[:80] or None
    if kind not in ("positions", "intents"):
        title = None
    parsed = _parsed()
    listed = drill_down(
        current_user,
        parsed.report,
        kind,
        step=step,
        occupation=occupation,
        title=title,
        source=source,
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
    )
    labels = {**METRIC_LABELS, **FIGURE_LABELS}
    drills = {**DRILL_DOWN, **FIGURE_DRILL_DOWN}
    metric = next(
        m
        for m, (k, extra) in drills.items()
        if k == kind and extra == ({"step": step} if step else {})
    )
    if source and not step:
        metric = f"intents_{source}"
    heading = DRILL_TITLES[kind]
    if step:
        heading += "：" + ("已" if step in ("hired", "started") else "") + FUNNEL_STEPS[step]
    if source:
        heading += "（" + FIGURE_LABELS[f"intents_{source}"][0] + "）"
    if occupation is not None:
        heading += f"（{OCCUPATION_MAJOR_GROUPS[occupation]}）"
    if title:
        heading += f"（岗位：{title}）"
    narrow = {"step": step, "source": source, "occupation": occupation, "title": title}
    return render_template(
        "reports/rows.html",
        kind=kind,
        narrow={k: v for k, v in narrow.items() if v is not None},
        title=heading,
        page=listed.rows,
        total=listed.total,
        total_label=labels[metric],
        entry_sources=ENTRY_ROW_SOURCES,
        **_form_context(parsed),
    )


@bp.route("/export.xlsx")
@roles_required(*REPORT_ROLES)
def export_xlsx():
    parsed = _parsed()
    report = build_report(current_user, parsed.report)
    span = f"{parsed.report.start:%Y%m%d}-{parsed.report.end:%Y%m%d}"
    return send_download(
        build_xlsx(report, _compared(report)[1]),
        f"招聘会统计_{span}.xlsx",
        ascii_name=f"report_{span}.xlsx",
        mimetype=XLSX_MIMETYPE,
    )


@bp.route("/export.csv")
@roles_required(*REPORT_ROLES)
def export_csv():
    parsed = _parsed()
    table = request.args.get("table", "fairs")
    if table != "fairs" and table not in BREAKDOWNS:
        abort(404)
    report = build_report(current_user, parsed.report)
    span = f"{parsed.report.start:%Y%m%d}-{parsed.report.end:%Y%m%d}"
    # "text/csv": Werkzeug adds "; charset=utf-8" itself, once.
    return send_download(
        build_csv(report, table).encode("utf-8"),
        f"招聘会统计_{table}_{span}.csv",
        ascii_name=f"report_{table}_{span}.csv",
        mimetype="text/csv",
    )

"""The shortage index's pages (紧缺工种): the table, its drill-down lists and its workbook.

The views join the reports blueprint. The door reads the quarter and the filters, asks
`recruit.reports.shortage` with the signed-in user, and shows what it returns.
"""

from flask import abort, render_template, request, url_for
from flask_login import current_user

from recruit.auth.access import roles_required
from recruit.errors import Invalid
from recruit.formatting import local_today
from recruit.refdata.codes import FairMode, FairType
from recruit.reports.exports import scope_words
from recruit.reports.filters import chain_choices, parse_filter
from recruit.reports.periods import QUARTERS
from recruit.reports.routes import PER_PAGE, bp
from recruit.reports.scope import REPORT_ROLES, report_regions
from recruit.reports.shortage import (
    FIGURES,
    KINDS,
    TOP,
    occupation_of,
    shortage_index,
    shortage_rows,
)
from recruit.reports.shortage_export import NOTES, build_shortage_xlsx
from recruit.spreadsheets import XLSX_MIMETYPE, send_download

FILTERS = ("region", "fair_type", "mode", "industry_chain")


def _number(name: str, label: str, errors: dict) -> int | None:
    """Read an optional whole number; a malformed one is noted and left out."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        errors[name] = f"{label}无效，已按上一个完整季度统计。"
        return None
    return int(raw)


def _asked():
    """Return (year, quarter, filters, errors): what the page asks, within the user's scope."""
    parsed = parse_filter(request.args, current_user, local_today())
    errors = {k: v for k, v in parsed.errors.items() if k in FILTERS}
    year = _number("year", "年份", errors)
    quarter = _number("quarter", "季度", errors)
    if "year" in errors or "quarter" in errors:
        year = quarter = None
    filters = {k: v for k, v in parsed.report.kwargs().items() if v}
    return year, quarter, filters, errors


def _args(year: int, quarter: int, filters: dict, **changes) -> dict:
    return {"year": year, "quarter": quarter, **filters, **changes}


def _context(report, year, quarter, filters, errors):
    regions = report_regions(current_user)
    args = _args(year, quarter, filters)
    return {
        "year": year,
        "quarter": quarter,
        "filters": filters,
        "errors": errors,
        "args": args,
        "regions": regions,
        "fair_types": list(FairType),
        "modes": list(FairMode),
        "chains": chain_choices(),
        "scope": scope_words(report),
        "quarter_names": {q: QUARTERS[3 * q - 2] for q in (1, 2, 3, 4)},
        "kinds": KINDS,
        "figures": FIGURES,
        "top_size": TOP,
        "notes": NOTES,
        "rows_url": lambda kind, occupation=None: url_for(
            "reports.shortage_rows_page",
            kind=kind,
            **args,
            **(occupation.narrow() if occupation else {}),
        ),
    }


def _index(errors: dict):
    year, quarter, filters, more = _asked()
    errors.update(more)
    try:
        return shortage_index(current_user, year, quarter, filters), filters
    except Invalid as error:
        errors.update(error.errors)
        return shortage_index(current_user, None, None, filters), filters


@bp.route("/shortage")
@roles_required(*REPORT_ROLES)
def shortage():
    errors: dict = {}
    index, filters = _index(errors)
    return render_template(
        "reports/shortage.html",
        index=index,
        **_context(index.filter, index.year, index.quarter, filters, errors),
    )


@bp.route("/shortage.xlsx")
@roles_required(*REPORT_ROLES)
def shortage_xlsx():
    index, _filters = _index({})
    year, quarter = index.year, index.quarter
    return send_download(
        build_shortage_xlsx(index),
        f"紧缺工种_{year}Q{quarter}.xlsx",
        ascii_name=f"shortage_{year}Q{quarter}.xlsx",
        mimetype=XLSX_MIMETYPE,
    )


@bp.route("/shortage/rows/<kind>")
@roles_required(*REPORT_ROLES)
def shortage_rows_page(kind: str):
    if kind not in KINDS:
        abort(404)
    errors: dict = {}
    year, quarter, filters, more = _asked()
    errors.update(more)
    try:
        occupation = occupation_of(request.args.get("level"), request.args.get("code"))
        listed = shortage_rows(
            current_user,
            year,
            quarter,
            filters,
            kind,
            occupation,
            page=request.args.get("page", 1, type=int),
            per_page=PER_PAGE,
        )
    except Invalid as error:
        errors.update(error.errors)
        occupation = None
        listed = shortage_rows(current_user, None, None, filters, kind, per_page=PER_PAGE)
    context = _context(listed.filter, listed.year, listed.quarter, filters, errors)
    narrow = occupation.narrow() if occupation else {}
    heading = KINDS[kind][0] + "明细"
    if occupation:
        heading += f"（{occupation.key} {occupation.name}）"
    return render_template(
        "reports/shortage_rows.html",
        kind=kind,
        listed=listed,
        occupation=occupation,
        heading=heading,
        page_url=lambda n: url_for(
            "reports.shortage_rows_page", kind=kind, page=n, **context["args"], **narrow
        ),
        **context,
    )

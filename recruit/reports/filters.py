"""Read a report's period and filters from query arguments, inside the user's region scope.

The rules (which region this user may report on, which codes exist, a period's order) are the
service's (`recruit.reports.scope`); the page presents a refusal as a message next to the field
and goes on with what the user may see.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from recruit.auth.models import User
from recruit.errors import Forbidden, Invalid
from recruit.extensions import db
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.models import IndustryChain
from recruit.reports.metrics import ReportFilter
from recruit.reports.periods import month_end
from recruit.reports.scope import check_period, city_code, report_chain, report_scope

PRESETS = {
    "month": "本月",
    "quarter": "本季度",
    "half": "本半年",
    "year": "本年",
    "custom": "自定义",
}
DEFAULT_PRESET = "year"


def preset_period(preset: str, today: date) -> tuple[date, date]:
    """Return the whole calendar period of a preset that contains today."""
    if preset == "month":
        return date(today.year, today.month, 1), month_end(today.year, today.month)
    if preset == "quarter":
        first = (today.month - 1) // 3 * 3 + 1
        return date(today.year, first, 1), month_end(today.year, first + 2)
    if preset == "half":
        first = 1 if today.month <= 6 else 7
        return date(today.year, first, 1), month_end(today.year, first + 5)
    return date(today.year, 1, 1), date(today.year, 12, 31)


@dataclass
class ParsedFilter:
    report: ReportFilter
    preset: str
    #: Field name → Chinese message for arguments that were refused (the rest still apply).
    errors: dict[str, str] = field(default_factory=dict)
    #: What the user typed, to show again in the form.
    typed: dict[str, str] = field(default_factory=dict)


def chain_choices() -> list[IndustryChain]:
    """Return the industry chains in their display order."""
    query = sa.select(IndustryChain).order_by(IndustryChain.sort_order, IndustryChain.id)
    return list(db.session.scalars(query))


def parse_filter(args, user: User, today: date) -> ParsedFilter:
    """Turn query arguments into a ReportFilter the user may see; refuse what does not fit."""
    errors: dict[str, str] = {}
    typed = {k: (args.get(k) or "").strip() for k in PARAMS}
    preset = typed["preset"] or DEFAULT_PRESET
    if preset not in PRESETS:
        errors["preset"] = "统计时段无效，已按本年统计。"
        preset = DEFAULT_PRESET
    if preset == "custom" or (typed["start"] and typed["end"] and not typed["preset"]):
        preset = "custom"
        start = _parse_date(typed["start"], "start", "开始日期", errors)
        end = _parse_date(typed["end"], "end", "结束日期", errors)
        if start and end:
            try:
                check_period(start, end)
            except Invalid as error:
                errors.update(error.errors)
        if errors.get("start") or errors.get("end") or not (start and end):
            start, end = preset_period(DEFAULT_PRESET, today)
    else:
        start, end = preset_period(preset, today)

    try:
        region = report_scope(user, typed["region"] or None)
    except (Forbidden, Invalid):
        errors["region"] = "地区不在您可查看的范围内，已按您的管辖范围统计。"
        region = report_scope(user)
    # region_exact=1: the fairs held in the region itself only (the 市本级 row's links).
    exact = typed["region_exact"].lower() in ("1", "true", "on")
    if region == city_code() and not exact:
        region = None

    fair_type = typed["fair_type"] or None
    if fair_type and fair_type not in {t.value for t in FairType}:
        errors["fair_type"] = "招聘会类型无效，已忽略。"
        fair_type = None
    mode = typed["mode"] or None
    if mode and mode not in {m.value for m in FairMode}:
        errors["mode"] = "举办方式无效，已忽略。"
        mode = None
    try:
        chain = report_chain(typed["industry_chain"] or None)
    except Invalid:
        errors["industry_chain"] = "产业链无效，已忽略。"
        chain = None
    report = ReportFilter(start, end, region, fair_type, mode, chain, bool(exact and region))
    return ParsedFilter(report, preset, errors, typed)


PARAMS = ("preset", "start", "end", "region", "fair_type", "mode", "industry_chain", "region_exact")


def _parse_date(value: str, name: str, label: str, errors: dict) -> date | None:
    if not value:
        errors[name] = f"请填写{label}。"
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = f"{label}格式应为 年-月-日，例如 2026-01-01。"
        return None


def filter_args(parsed: ParsedFilter, **changes) -> dict[str, str]:
    """Return query arguments that reproduce this filter, with changes (for links, exports)."""
    report = parsed.report
    args = {"preset": parsed.preset}
    if parsed.preset == "custom" or "start" in changes or "end" in changes:
        args.update(preset="custom", start=report.start.isoformat(), end=report.end.isoformat())
    args.update({k: "1" if v is True else v for k, v in report.kwargs().items() if v})
    args.update({k: v for k, v in changes.items() if v})
    return args


def quick_periods(year: int) -> list[tuple[str, date, date]]:
    """Return the bureau's usual periods of a year: quarters, halves and the whole year."""
    periods = [(f"{year}年上半年", date(year, 1, 1), date(year, 6, 30))]
    periods.append((f"{year}年下半年", date(year, 7, 1), date(year, 12, 31)))
    periods.append((f"{year}年全年", date(year, 1, 1), date(year, 12, 31)))
    for n, first in enumerate((1, 4, 7, 10)):
        label = f"{'一二三四'[n]}季度"
        periods.append((label, date(year, first, 1), month_end(year, first + 2)))
    return periods

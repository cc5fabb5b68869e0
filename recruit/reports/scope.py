"""Who may report on what: the one rule every door (page, API, command) asks.

Admins, viewers and the system report on the whole city; an organizer on its own region and
everything below it; employers on nothing. A report filter is checked here once, whichever door
built it: an unknown region or industry chain is invalid, a region outside the actor's scope
forbidden.
"""

from datetime import date

from flask import current_app

from recruit.auth.models import Role
from recruit.auth.scope import require_role, scope_region_codes
from recruit.errors import Forbidden, Invalid
from recruit.extensions import db
from recruit.formatting import FIRST_YEAR, LAST_YEAR
from recruit.refdata.models import Region
from recruit.refdata.services import current_regions, get_industry_chain
from recruit.reports.metrics import NO_CHAIN, ReportFilter

#: The roles that may read the bureau's numbers.
REPORT_ROLES = (Role.ADMIN, Role.ORGANIZER, Role.VIEWER)


def city_code() -> str:
    """Return the code of the city the installation serves (its reports' whole scope)."""
    return current_app.config["CITY_REGION_CODE"]


def require_report_role(actor) -> None:
    """Refuse (Forbidden) an actor whose role may not read reports."""
    require_role(actor, *REPORT_ROLES, message="当前账号无权查看统计报表。")


def report_scope(actor, region: str | None = None) -> str | None:
    """Return the region a report for this actor covers: the one asked for, or its own.

    None asks for everything the actor may see: the whole city (None) for admins, viewers,
    the system and a city organizer, the organizer's own region otherwise. Raises Invalid
    (field region) for an unknown code and Forbidden for a region outside the actor's scope.
    """
    require_report_role(actor)
    if region and db.session.get(Region, region) is None:
        raise Invalid(f"没有这个地区代码：{region}", field="region")
    codes = scope_region_codes(actor)
    if codes is None:
        return region
    if region is None and city_code() in codes:
        return None
    region = region or actor.region_code
    if region not in codes:
        raise Forbidden(f"只能查询本账号负责的地区（{actor.region_code}）及其下级。")
    return region


def report_chain(code: str | None) -> str | None:
    """Return an industry chain code a report may filter on; Invalid for an unknown one.

    NO_CHAIN ("none") selects the fairs without an industry chain (未指定产业链).
    """
    if code and code != NO_CHAIN and get_industry_chain(code) is None:
        raise Invalid(f"没有这个产业链代码：{code}", field="industry_chain")
    return code


def check_period(start: date, end: date) -> None:
    """Refuse (Invalid) a day outside the years fairs are held in, or an end before the start."""
    for name, day, label in (("start", start, "开始日期"), ("end", end, "结束日期")):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise Invalid(f"{label}：年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间。", field=name)
    if end < start:
        raise Invalid("结束日期不能早于开始日期。", field="end")


def scoped_filter(actor, report: ReportFilter) -> ReportFilter:
    """Return the filter as this actor may run it (its own region when none is asked)."""
    region = report_scope(actor, report.region)
    chain = report_chain(report.industry_chain)
    check_period(report.start, report.end)
    # "Exactly this region" needs a region: without one the report covers the whole city.
    exact = bool(report.region_exact and region)
    return report.replace(region=region, industry_chain=chain, region_exact=exact)


def report_regions(actor) -> list[Region]:
    """Return the regions the actor may pick in a report: its scope, or the whole city."""
    return current_regions(within=report_scope(actor) or city_code())

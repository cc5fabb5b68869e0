"""The bureau's sentence: a period's numbers written the way the bureau reports them."""

from recruit.extensions import db
from recruit.formatting import bureau_number as n
from recruit.metrics import Metrics
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.models import Region
from recruit.refdata.services import get_industry_chain
from recruit.reports.metrics import NO_CHAIN, ReportFilter, compute_metrics
from recruit.reports.periods import period_words
from recruit.reports.scope import city_code

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


def bureau_sentence(report: ReportFilter, metrics: Metrics | None = None) -> str:
    """Write the bureau's sentence for a period and scope from the data.

    The whole city (or one county) gets the full form; a report narrowed to an industry chain
    gets the form the bureau uses for a county's chain fairs ("其中在醴陵市，针对陶瓷产业链 …").
    """
    metrics = metrics or compute_metrics(report.start, report.end, **report.kwargs())
    region = report.region if report.region and report.region != city_code() else None
    place = db.session.get(Region, region).name if region else "全市"
    if report.industry_chain:
        chain = get_industry_chain(report.industry_chain)
        chain_name = chain.name if chain else report.industry_chain
        where = f"其中在{place}，" if region else "其中全市"
        if report.industry_chain == NO_CHAIN:
            return (
                f"{where}未指定产业链的招聘会{n(metrics.fairs)}场，"
                f"达成初步就业意向{n(metrics.tentative_hires)}人。"
            )
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


def clause_sentence(report: ReportFilter, metrics: Metrics) -> str:
    """Write a "其中" clause that follows the bureau's sentence, for a region and/or a chain."""
    region = report.region if report.region and report.region != city_code() else None
    if report.industry_chain:
        return bureau_sentence(report, metrics)
    place = db.session.get(Region, region).name if region else "全市"
    return (
        f"其中在{place}，共举办各类招聘会{n(metrics.fairs)}场，"
        f"进入市场的用工企业{n(metrics.employer_attendances)}家次，"
        f"提供岗位{n(metrics.positions_offered)}个次，"
        f"入场求职{n(metrics.seeker_entries)}人次，"
        f"达成初步就业意向{n(metrics.tentative_hires)}人次。"
    )

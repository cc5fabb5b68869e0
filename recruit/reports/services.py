"""The report operations doors call with the acting user: the dashboard, the summary, the rows.

Each one checks the actor's role and region scope through `recruit.reports.scope` before it
counts anything, so a door that forgot its own check still cannot show numbers it should not.
"""

from dataclasses import dataclass

from recruit.errors import Invalid
from recruit.metrics import Metrics
from recruit.reports.breakdowns import (
    BREAKDOWNS,
    BreakdownRow,
    FunnelStep,
    OccupationRow,
    breakdown,
    grouped_metrics,
    intent_funnel,
    occupation_tables,
)
from recruit.reports.drilldown import Page, drill_down_select, drill_down_total, page_of
from recruit.reports.metrics import ReportFilter, compute_metrics
from recruit.reports.scope import scoped_filter
from recruit.reports.sentence import bureau_sentence, clause_sentence


@dataclass
class Report:
    filter: ReportFilter
    metrics: Metrics
    sentence: str
    breakdowns: dict[str, list[BreakdownRow]]
    funnel: list[FunnelStep]
    occupations: list[OccupationRow]
    shortage: list[OccupationRow]


def build_report(actor, report: ReportFilter) -> Report:
    """Return everything the dashboard and the exports show for one filter."""
    report = scoped_filter(actor, report)
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


@dataclass(frozen=True)
class Summary:
    filter: ReportFilter
    metrics: Metrics
    sentence: str


def summarize(actor, report: ReportFilter) -> Summary:
    """Return the headline metrics and the bureau's sentence (the API and the command)."""
    report = scoped_filter(actor, report)
    metrics = compute_metrics(report.start, report.end, **report.kwargs())
    return Summary(report, metrics, bureau_sentence(report, metrics))


@dataclass(frozen=True)
class Also:
    """One "其中" clause asked for: a region (with its sub-regions) and/or an industry chain."""

    region: str | None = None
    industry_chain: str | None = None

    @classmethod
    def parse(cls, text: str) -> "Also":
        """Read "430281", "430281:ceramics" or ":ceramics" (the command's --also)."""
        region, _, chain = (text or "").strip().partition(":")
        return cls(region.strip() or None, chain.strip() or None)


MAX_ALSO = 5


def bureau_paragraph(
    actor, report: ReportFilter, also: list[Also], sentence: str | None = None
) -> str:
    """Return the bureau's paragraph: the period's sentence, then a "其中" clause for each of
    `also`, each clause checked against the actor's scope like any report.

    `sentence`: the period's sentence when the caller has just built it (the dashboard).
    """
    if len(also) > MAX_ALSO:
        raise Invalid(f"其中：最多 {MAX_ALSO} 项。", field="also")
    parts = [sentence or summarize(actor, report).sentence]
    for item in also:
        narrowed = ReportFilter(
            report.start, report.end, item.region, None, None, item.industry_chain
        )
        clause = summarize(actor, narrowed)
        parts.append(clause_sentence(clause.filter, clause.metrics))
    return "".join(parts)


@dataclass(frozen=True)
class DrillDown:
    rows: Page
    #: The number the rows add up to, counted the way the metric counts it.
    total: int


def drill_down(
    actor,
    report: ReportFilter,
    kind: str,
    *,
    step: str | None = None,
    occupation: int | None = None,
    title: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> DrillDown:
    """Return one page of the rows a number counts, and their total."""
    report = scoped_filter(actor, report)
    query = drill_down_select(report, kind, step, occupation, title)
    return DrillDown(page_of(query, page, per_page), drill_down_total(query, kind))

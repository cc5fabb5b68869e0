"""The report operations doors call with the acting user: the dashboard, the summary, the rows.

Each one checks the actor's role and region scope through `recruit.reports.scope` before it
counts anything, so a door that forgot its own check still cannot show numbers it should not.
"""

from dataclasses import dataclass

from recruit.errors import Invalid
from recruit.metrics import Figures, Metrics
from recruit.reports.breakdowns import (
    BREAKDOWNS,
    FUNNEL_BREAKDOWNS,
    BreakdownRow,
    FunnelRow,
    FunnelStep,
    OccupationRow,
    breakdown,
    distinct_seekers,
    figures_of,
    funnel_tables,
    grouped_metrics,
    intent_funnel,
    metrics_of,
    occupation_tables,
)
from recruit.reports.drilldown import Page, drill_down_select, drill_down_total, page_of
from recruit.reports.metrics import ReportFilter, compute_metrics, compute_numbers
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
    #: The figures of DESIGN §7: seekers taking part, intents by source, intents that lasted.
    figures: Figures
    #: The follow-up funnel: "total" and one table per FUNNEL_BREAKDOWNS.
    follow_up: dict[str, list[FunnelRow]]


def build_report(actor, report: ReportFilter) -> Report:
    """Return everything the dashboard and the exports show for one filter."""
    report = scoped_filter(actor, report)
    grouped = grouped_metrics(report, ["total", *BREAKDOWNS], figures=True)
    metrics = metrics_of(grouped["total"][0][1:])
    occupations = occupation_tables(report)
    return Report(
        filter=report,
        metrics=metrics,
        sentence=bureau_sentence(report, metrics),
        breakdowns={by: breakdown(report, by, grouped[by]) for by in BREAKDOWNS},
        funnel=intent_funnel(metrics),
        occupations=occupations["group"],
        shortage=occupations["title"],
        figures=figures_of(grouped["total"], distinct_seekers(report)),
        follow_up=funnel_tables(grouped),
    )


@dataclass(frozen=True)
class Summary:
    filter: ReportFilter
    metrics: Metrics
    sentence: str
    #: The figures of DESIGN §7, when asked for (the API and the command ask).
    figures: Figures | None = None


def summarize(actor, report: ReportFilter, *, figures: bool = False) -> Summary:
    """Return the headline metrics and the bureau's sentence (the API and the command).

    figures: also count the figures of DESIGN §7 (the "其中" clauses need only the metrics).
    """
    report = scoped_filter(actor, report)
    if figures:
        metrics, counted = compute_numbers(report.start, report.end, **report.kwargs())
    else:
        metrics, counted = compute_metrics(report.start, report.end, **report.kwargs()), None
    return Summary(report, metrics, bureau_sentence(report, metrics), counted)


def figure_fields(figures: Figures) -> dict:
    """Return the figures as the API and the command write them (intents by source nested)."""
    return {
        "distinct_seekers": figures.distinct_seekers,
        "applications": figures.applications,
        "intents_by_source": figures.intents_by_source(),
        "retained_90": figures.retained_90,
        "retained_180": figures.retained_180,
    }


@dataclass(frozen=True)
class FollowUp:
    filter: ReportFilter
    #: "total" (one row) and one list per FUNNEL_BREAKDOWNS.
    tables: dict[str, list[FunnelRow]]


def follow_up_funnel(actor, report: ReportFilter) -> FollowUp:
    """Return the funnel intent → hired → started → retained 90 / 180 days, with rates, in
    total and per county, fair type and industry chain (the API's /reports/funnel)."""
    report = scoped_filter(actor, report)
    grouped = grouped_metrics(report, ["total", *FUNNEL_BREAKDOWNS], figures=True)
    return FollowUp(report, funnel_tables(grouped))


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
    source: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> DrillDown:
    """Return one page of the rows a number counts, and their total."""
    report = scoped_filter(actor, report)
    query = drill_down_select(report, kind, step, occupation, title, source)
    return DrillDown(page_of(query, page, per_page), drill_down_total(query, kind))

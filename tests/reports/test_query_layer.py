"""Breakdowns, monthly trend, funnel and occupations on hand-built data (DESIGN §2.5)."""

from datetime import date, datetime, timedelta

import pytest

from recruit.auth.actors import system
from recruit.fairs.models import FairStatus, ParticipationStatus
from recruit.formatting import LOCAL_TZ
from recruit.hires.models import Outcome
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import get_industry_chain
from recruit.reports.breakdowns import breakdown, intent_funnel, occupation_tables
from recruit.reports.metrics import ReportFilter, compute_metrics
from recruit.reports.services import build_report

MARCH = ReportFilter(date(2026, 3, 1), date(2026, 3, 31))
Q1 = ReportFilter(date(2026, 1, 1), date(2026, 3, 31))


def by_key(rows):
    return {row.key: row.metrics for row in rows}


def test_county_breakdown_counts_each_metric_per_region(fair, attend, tally, hire):
    liling = fair(region_code="430281")
    attend(liling, openings=[10, 5])
    attend(liling, status=ParticipationStatus.NO_SHOW, openings=[99])
    tally(liling, 200)
    tally(liling, -20, reason="重复计数更正")
    hire(liling, Outcome.STARTED, hired_on=date(2026, 3, 12), started_on=date(2026, 3, 13))
    youxian = fair(region_code="430223")
    attend(youxian, openings=[7])
    hire(youxian)
    hire(youxian)
    citywide = fair(region_code="430200", mode=FairMode.ONLINE)
    tally(citywide, 50)
    fair(region_code="430223", status=FairStatus.CANCELLED)

    rows = breakdown(MARCH, "county")
    metrics = by_key(rows)

    assert set(metrics) == {"430281", "430223", "430200"}
    assert metrics["430281"].as_dict() == {
        "fairs": 1,
        "employer_attendances": 1,
        "positions_offered": 15,
        "seeker_entries": 180,
        "tentative_hires": 1,
        "hired": 1,
        "started": 1,
    }
    assert (metrics["430223"].fairs, metrics["430223"].positions_offered) == (1, 7)
    assert metrics["430223"].tentative_hires == 2
    assert metrics["430200"].seeker_entries == 50
    labels = {row.key: row.label for row in rows}
    assert labels == {"430281": "醴陵市", "430223": "攸县", "430200": "市本级"}


def test_breakdown_rows_add_up_to_the_total(fair, attend, tally, hire):
    for region, ftype, mode in (
        ("430281", FairType.INDUSTRY_CHAIN, FairMode.HYBRID),
        ("430211", FairType.GRADUATES, FairMode.OFFLINE),
        ("430211", FairType.COMPREHENSIVE, FairMode.ONLINE),
    ):
        held = fair(region_code=region, type=ftype, mode=mode)
        attend(held, openings=[3, 4])
        tally(held, 30)
        hire(held, Outcome.HIRED, hired_on=date(2026, 3, 20))
    total = compute_metrics(MARCH.start, MARCH.end).as_dict()

    for by in ("county", "fair_type", "mode", "industry_chain", "month"):
        rows = breakdown(MARCH, by)
        summed = {name: sum(r.metrics.as_dict()[name] for r in rows) for name in total}
        assert summed == total, by


def test_type_mode_and_chain_breakdowns_use_chinese_labels(fair):
    ceramics = get_industry_chain("ceramics")
    fair(type=FairType.INDUSTRY_CHAIN, industry_chain=ceramics, mode=FairMode.HYBRID)
    fair(type=FairType.GRADUATES)
    fair(type=FairType.GRADUATES)

    types = {row.label: row.metrics.fairs for row in breakdown(MARCH, "fair_type")}
    modes = {row.label: row.metrics.fairs for row in breakdown(MARCH, "mode")}
    chains = {row.label: row.metrics.fairs for row in breakdown(MARCH, "industry_chain")}

    assert types == {"产业链专场": 1, "高校毕业生专场": 2}
    assert modes == {"线下": 2, "线上线下": 1}
    assert chains == {"陶瓷": 1, "未指定产业链": 2}


def test_breakdown_respects_the_filters_and_sub_regions(fair):
    fair(region_code="430281")
    fair(region_code="430211")
    fair(region_code="430211", type=FairType.GRADUATES)

    assert set(by_key(breakdown(MARCH.replace(region="430281"), "county"))) == {"430281"}
    narrowed = breakdown(MARCH.replace(fair_type="graduates"), "county")
    assert {r.key: r.metrics.fairs for r in narrowed} == {"430211": 1}
    assert sum(r.metrics.fairs for r in breakdown(MARCH.replace(region="430200"), "county")) == 3


def test_monthly_trend_uses_shanghai_months_and_lists_empty_months(make_fair, attend):
    def held_at(start):
        return make_fair(
            starts_at=start, ends_at=start + timedelta(hours=1), status=FairStatus.HELD
        )

    # 23:30 on 31 January in Shanghai is 15:30 UTC: January.
    attend(held_at(datetime(2026, 1, 31, 23, 30, tzinfo=LOCAL_TZ)), openings=[4])
    # 00:30 on 1 March in Shanghai is still 28 February in UTC: March.
    attend(held_at(datetime(2026, 3, 1, 0, 30, tzinfo=LOCAL_TZ)), openings=[6])
    held_at(datetime(2026, 3, 31, 23, 59, tzinfo=LOCAL_TZ))

    rows = breakdown(Q1, "month")

    assert [row.label for row in rows] == ["1月", "2月", "3月"]
    assert [row.metrics.fairs for row in rows] == [1, 0, 2]
    assert [row.metrics.positions_offered for row in rows] == [4, 0, 6]
    assert rows[1].narrow == {"start": "2026-02-01", "end": "2026-02-28"}


def test_funnel_rates_are_shares_of_the_intents(fair, hire):
    held = fair()
    for _ in range(5):
        hire(held)
    hire(held, Outcome.HIRED, hired_on=date(2026, 3, 15))
    hire(held, Outcome.WITHDRAWN, hired_on=date(2026, 3, 15))
    hire(held, Outcome.STARTED, hired_on=date(2026, 3, 15), started_on=date(2026, 3, 18))

    steps = intent_funnel(compute_metrics(MARCH.start, MARCH.end))

    assert [(s.label, s.count, s.rate) for s in steps] == [
        ("意向", 8, 100.0),
        ("录用", 3, 37.5),
        ("到岗", 1, 12.5),
    ]


def test_funnel_without_intents_has_no_rates():
    steps = intent_funnel(compute_metrics(MARCH.start, MARCH.end))
    assert [s.rate for s in steps] == [None, None, None]


def test_occupations_rank_shortage_first(fair, attend, hire, make_employer, make_position):
    held = fair()
    welders = attend(held, openings=[40], title="焊工", occupation_major_group=6)
    clerks = attend(held, openings=[10], title="文员", occupation_major_group=3)
    attend(held, status=ParticipationStatus.NO_SHOW, openings=[500], title="保安")
    welder = welders.fair_positions[0].position
    clerk = clerks.fair_positions[0].position
    hire(held, position=welder)
    for _ in range(6):
        hire(held, position=clerk)

    tables = occupation_tables(MARCH)
    titles, groups = tables["title"], tables["group"]

    assert [(r.label, r.openings, r.intents) for r in titles] == [("焊工", 40, 1), ("文员", 10, 6)]
    assert titles[0].intents_per_100 == 2.5
    assert [(r.key, r.openings, r.intents) for r in groups] == [("6", 40, 1), ("3", 10, 6)]


@pytest.mark.parametrize("status", [FairStatus.PLANNED, FairStatus.OPEN, FairStatus.CANCELLED])
def test_uncounted_fairs_are_in_no_breakdown(fair, attend, hire, status):
    held = fair(status=status)
    attend(held, openings=[5])
    hire(held)

    report = build_report(system("test"), MARCH)

    assert all(
        not rows or sum(r.metrics.fairs for r in rows) == 0 for rows in report.breakdowns.values()
    )
    assert report.occupations == []
    assert report.shortage == []

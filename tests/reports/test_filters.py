"""Period presets and the reading of report filters from query arguments."""

from datetime import date

import pytest

from recruit.auth.models import Role
from recruit.reports.filters import filter_args, parse_filter, preset_period

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("preset", "today", "period"),
    [
        ("month", TODAY, (date(2026, 11, 1), date(2026, 11, 30))),
        ("month", date(2028, 2, 10), (date(2028, 2, 1), date(2028, 2, 29))),
        ("quarter", TODAY, (date(2026, 10, 1), date(2026, 12, 31))),
        ("quarter", date(2026, 5, 3), (date(2026, 4, 1), date(2026, 6, 30))),
        ("half", TODAY, (date(2026, 7, 1), date(2026, 12, 31))),
        ("half", date(2026, 6, 30), (date(2026, 1, 1), date(2026, 6, 30))),
        ("year", TODAY, (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_presets_cover_the_whole_calendar_period_containing_today(preset, today, period):
    assert preset_period(preset, today) == period


def test_without_arguments_the_report_covers_this_year_for_the_whole_city(make_user):
    parsed = parse_filter({}, make_user(Role.VIEWER), TODAY)

    assert (parsed.report.start, parsed.report.end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert parsed.report.region is None
    assert parsed.errors == {}


def test_a_county_organizer_starts_with_its_own_region(make_user):
    organizer = make_user(Role.ORGANIZER, region_code="430281")

    assert parse_filter({}, organizer, TODAY).report.region == "430281"
    refused = parse_filter({"region": "430211"}, organizer, TODAY)
    assert refused.report.region == "430281"
    assert "地区" in refused.errors["region"]


def test_a_city_organizer_may_pick_any_county(make_user):
    organizer = make_user(Role.ORGANIZER, region_code="430200")

    assert parse_filter({}, organizer, TODAY).report.region is None
    assert parse_filter({"region": "430223"}, organizer, TODAY).report.region == "430223"


def test_custom_dates_and_bad_values(make_user):
    viewer = make_user(Role.VIEWER)

    custom = parse_filter(
        {"preset": "custom", "start": "2026-01-01", "end": "2026-06-30"}, viewer, TODAY
    )
    backwards = parse_filter(
        {"preset": "custom", "start": "2026-06-30", "end": "2026-01-01"}, viewer, TODAY
    )
    junk = parse_filter(
        {"preset": "decade", "fair_type": "party", "mode": "x", "industry_chain": "tea"},
        viewer,
        TODAY,
    )

    assert (custom.report.start, custom.report.end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert backwards.errors == {"end": "结束日期不能早于开始日期。"}
    assert set(junk.errors) == {"preset", "fair_type", "mode", "industry_chain"}
    assert junk.report.fair_type is None and junk.report.industry_chain is None


def test_links_keep_the_filter_and_narrow_it(make_user):
    parsed = parse_filter(
        {"preset": "half", "fair_type": "graduates"}, make_user(Role.VIEWER), TODAY
    )

    assert filter_args(parsed) == {"preset": "half", "fair_type": "graduates"}
    assert filter_args(parsed, region="430281") == {
        "preset": "half",
        "fair_type": "graduates",
        "region": "430281",
    }
    assert filter_args(parsed, start="2026-08-01", end="2026-08-31") == {
        "preset": "custom",
        "start": "2026-08-01",
        "end": "2026-08-31",
        "fair_type": "graduates",
    }

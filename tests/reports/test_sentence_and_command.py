"""The bureau's sentence, its period words and `flask report summary`."""

import json
from datetime import date

import pytest

from recruit.fairs.models import ParticipationStatus
from recruit.hires.models import Outcome
from recruit.metrics import Metrics
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import get_industry_chain
from recruit.reports.metrics import ReportFilter
from recruit.reports.periods import period_words
from recruit.reports.sentence import bureau_sentence


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ((2026, 1, 1), (2026, 6, 30), "上半年"),
        ((2026, 7, 1), (2026, 12, 31), "下半年"),
        ((2026, 1, 1), (2026, 12, 31), "全年"),
        ((2026, 1, 1), (2026, 3, 31), "一季度"),
        ((2026, 4, 1), (2026, 6, 30), "二季度"),
        ((2026, 7, 1), (2026, 9, 30), "三季度"),
        ((2026, 10, 1), (2026, 12, 31), "四季度"),
        ((2026, 1, 1), (2026, 9, 30), "前三季度"),
        ((2026, 10, 1), (2026, 10, 31), "10月"),
        ((2028, 2, 1), (2028, 2, 29), "2月"),
        ((2026, 1, 1), (2026, 5, 31), "1—5月"),
        ((2026, 3, 5), (2026, 3, 20), "3月5日至20日"),
        ((2026, 3, 5), (2026, 4, 10), "3月5日至4月10日"),
        ((2026, 1, 1), (2026, 6, 29), "1月1日至6月29日"),
        ((2025, 12, 1), (2026, 1, 31), "2025年12月1日至2026年1月31日"),
    ],
)
def test_period_words_are_chosen_from_the_dates(start, end, words):
    assert period_words(date(*start), date(*end)) == words


def _busy_march(fair, attend, tally, hire):
    ceramics = get_industry_chain("ceramics")
    liling = fair(region_code="430281", type=FairType.INDUSTRY_CHAIN, industry_chain=ceramics)
    attend(liling, openings=[6000, 4000])
    attend(liling, status=ParticipationStatus.NO_SHOW, openings=[800])
    tally(liling, 12_000)
    tally(liling, -500, reason="重复计数更正")
    for _ in range(3):
        hire(liling)
    other = fair(region_code="430211", mode=FairMode.ONLINE)
    attend(other, openings=[5])
    hire(other, Outcome.HIRED, hired_on=date(2026, 3, 15))


def test_the_city_sentence_writes_numbers_the_bureaus_way(fair, attend, tally, hire):
    _busy_march(fair, attend, tally, hire)

    sentence = bureau_sentence(ReportFilter(date(2026, 3, 1), date(2026, 3, 31)))

    assert sentence == (
        "3月，全市举办各类招聘会2场，进入市场的用工企业达到2家次，累计提供岗位1万个次，"
        "入场求职1.15万人次，初步达成就业意向4人次。"
    )


def test_the_county_and_chain_sentence(fair, attend, tally, hire):
    _busy_march(fair, attend, tally, hire)
    report = ReportFilter(
        date(2026, 1, 1), date(2026, 6, 30), region="430281", industry_chain="ceramics"
    )

    assert bureau_sentence(report) == (
        "其中在醴陵市，针对陶瓷产业链，共举办线上线下系列招聘会1场，达成初步就业意向3人。"
    )


def test_a_county_alone_gets_the_full_sentence_with_its_name(fair, attend, tally, hire):
    _busy_march(fair, attend, tally, hire)
    report = ReportFilter(date(2026, 1, 1), date(2026, 3, 31), region="430211")

    assert bureau_sentence(report).startswith("一季度，天元区举办各类招聘会1场，")


def test_fair_type_and_mode_filters_name_the_fairs(fair):
    fair(type=FairType.GRADUATES, mode=FairMode.ONLINE)
    report = ReportFilter(date(2026, 3, 1), date(2026, 3, 31), fair_type="graduates", mode="online")

    assert bureau_sentence(report).startswith("3月，全市举办线上高校毕业生专场招聘会1场，")


def test_report_summary_prints_the_sentence(runner, fair, attend, tally, hire):
    _busy_march(fair, attend, tally, hire)

    result = runner.invoke(
        args=["report", "summary", "--start", "2026-03-01", "--end", "2026-03-31"]
    )

    assert result.exit_code == 0, result.output
    assert result.output.strip().startswith("3月，全市举办各类招聘会2场，")


def test_report_summary_as_json_has_the_metrics_by_their_english_names(
    runner, fair, attend, tally, hire
):
    _busy_march(fair, attend, tally, hire)

    result = runner.invoke(
        args=[
            "report",
            "summary",
            "--start",
            "2026-03-01",
            "--end",
            "2026-03-31",
            "--region",
            "430281",
            "--format",
            "json",
        ]
    )

    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["filters"] == {"region": "430281"}
    assert {k: document[k] for k in ("fairs", "employer_attendances", "positions_offered")} == {
        "fairs": 1,
        "employer_attendances": 1,
        "positions_offered": 10_000,
    }
    assert (document["seeker_entries"], document["tentative_hires"]) == (11_500, 3)
    assert document["sentence"].startswith("3月，醴陵市举办各类招聘会1场")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-02-30", "--end", "2026-03-31"], "--start 应为日期"),
        (["--start", "2026-03-31", "--end", "2026-03-01"], "结束日期不能早于开始日期"),
        (
            ["--start", "2026-03-01", "--end", "2026-03-31", "--region", "999999"],
            "没有这个地区代码",
        ),
        (
            ["--start", "2026-03-01", "--end", "2026-03-31", "--industry-chain", "tea"],
            "没有这个产业链代码",
        ),
    ],
)
def test_report_summary_refuses_bad_input_in_chinese(runner, args, message):
    result = runner.invoke(args=["report", "summary", *args])

    assert result.exit_code == 1
    assert "错误：" in result.output
    assert message in result.output


@pytest.mark.parametrize(
    ("fairs", "positions", "entries", "intents", "expected"),
    [
        (
            219,
            191_700,
            111_000,
            32_046,
            "219场，{e}累计提供岗位19.17万个次，入场求职11.1万人次，初步达成就业意向3.2万人次。",
        ),
        (
            9999,
            10_000,
            9999,
            10_001,
            "9999场，{e}累计提供岗位1万个次，入场求职9999人次，初步达成就业意向1万人次。",
        ),
    ],
)
def test_sentence_numbers_follow_the_bureaus_rules(fairs, positions, entries, intents, expected):
    metrics = Metrics(fairs, 5248, positions, entries, intents, 0, 0)
    report = ReportFilter(date(2026, 1, 1), date(2026, 6, 30))

    sentence = bureau_sentence(report, metrics)

    assert sentence == "上半年，全市举办各类招聘会" + expected.format(
        e="进入市场的用工企业达到5248家次，"
    )

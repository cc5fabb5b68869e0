"""Seekers in every number (issue 16 points 7 and 8): entries beside the tallies, the figures of
DESIGN §7 and the follow-up funnel, counted exactly and shown alike by every door."""

import io
import json
import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest

from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.fairs.models import FairStatus
from recruit.fairs.summary import fair_entry_counts, fair_metrics
from recruit.hires.models import HireSource, HireStep, Outcome, StepKind
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import get_industry_chain
from recruit.reports.metrics import ReportFilter, compute_figures, compute_metrics
from recruit.reports.services import build_report, drill_down, follow_up_funnel
from recruit.seekers.models import (
    Application,
    ApplicationSource,
    Entry,
    EntrySource,
    Seeker,
)

MARCH = {"preset": "custom", "start": "2026-03-01", "end": "2026-03-31"}
API_MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
PERIOD = ReportFilter(date(2026, 3, 1), date(2026, 3, 31))

#: What the data set below counts, by the figures' English names.
FIGURES = {
    "distinct_seekers": 3,
    "applications": 4,
    "intents_typed": 2,
    "intents_imported": 2,
    "intents_booth": 1,
    "intents_online": 1,
    "retained_90": 2,
    "retained_180": 1,
}
#: 醴陵 (fair A): 100 − 10 tallied + 3 entries; 天元区 (fair B): 50 tallied + 1 entry.
SEEKER_ENTRIES = 144
FUNNEL_TOTAL = {
    "tentative_hires": 6,
    "hired": 5,
    "started": 3,
    "retained_90": 2,
    "retained_180": 1,
}
TOTAL_RATES = {"hired": 83.3, "started": 50.0, "retained_90": 33.3, "retained_180": 16.7}
LILING_FUNNEL = {
    "tentative_hires": 4,
    "hired": 3,
    "started": 2,
    "retained_90": 2,
    "retained_180": 1,
}
LILING_RATES = {"hired": 75.0, "started": 50.0, "retained_90": 50.0, "retained_180": 25.0}
TIANYUAN_FUNNEL = {
    "tentative_hires": 2,
    "hired": 2,
    "started": 1,
    "retained_90": 0,
    "retained_180": 0,
}


@pytest.fixture
def seekers(db):
    """Return a factory of seekers (one per mobile)."""
    serial = iter(range(1000))

    def factory(name: str = "王小明") -> Seeker:
        seeker = Seeker(name=name, seeker_phone=f"1387331{next(serial):04d}")
        db.session.add(seeker)
        db.session.flush()
        return seeker

    return factory


def _enter(fair, seeker, source=EntrySource.SCAN):
    db.session.add(Entry(fair=fair, seeker=seeker, source=source))


def _apply(fair, offered, seeker, source=ApplicationSource.BOOTH):
    db.session.add(
        Application(
            fair_id=fair.id,
            position_id=offered.position_id,
            fair_position_id=offered.id,
            employer_id=offered.position.employer_id,
            seeker_id=seeker.id,
            source=source,
        )
    )


def _step(hire, kind: StepKind, voided: bool = False):
    db.session.add(
        HireStep(
            hire=hire,
            step=kind,
            on=date(2026, 9, 1),
            voided_at=utcnow() if voided else None,
            void_reason="误录" if voided else None,
        )
    )


@pytest.fixture
def seekers_march(fair, attend, tally, hire, seekers):
    """Fair A in 醴陵 (ceramics chain), fair B in 天元区, both held in March 2026; a planned fair
    in March and a held one in April whose entries, applications and intents must not count."""
    ceramics = get_industry_chain("ceramics")
    a = fair(
        region_code="430281",
        type=FairType.INDUSTRY_CHAIN,
        industry_chain=ceramics,
        mode=FairMode.HYBRID,
    )
    b = fair(region_code="430211")
    planned = fair(status=FairStatus.PLANNED)
    april = fair(date(2026, 4, 10))
    offered_a = attend(a, openings=[5, 3]).fair_positions
    offered_b = attend(b, openings=[2]).fair_positions
    offered_planned = attend(planned, openings=[1]).fair_positions
    offered_april = attend(april, openings=[1]).fair_positions

    s1, s2, s3 = seekers("王小明"), seekers("李四"), seekers("赵六")
    tally(a, 100)
    tally(a, -10, reason="重复计数更正")
    _enter(a, s1)
    _enter(a, s2)
    _enter(a, s3, EntrySource.ONLINE)
    tally(b, 50)
    _enter(b, s1)  # the same person at a second fair: one more visit, not one more person
    _enter(planned, s2)
    _enter(april, s3)

    _apply(a, offered_a[0], s1)
    _apply(a, offered_a[0], s2)
    _apply(a, offered_a[1], s3, ApplicationSource.ONLINE)
    _apply(b, offered_b[0], s1)
    _apply(planned, offered_planned[0], s1)
    _apply(april, offered_april[0], s2)

    started = {"hired_on": date(2026, 3, 12), "started_on": date(2026, 3, 15)}
    hire(a)  # typed at the fair, still an intent
    hire(a, Outcome.HIRED, hired_on=date(2026, 3, 12), source=HireSource.IMPORT)
    by_api = hire(a, Outcome.STARTED, source=HireSource.API, **started)
    _step(by_api, StepKind.RETAINED_90)
    _step(by_api, StepKind.RETAINED_180, voided=True)
    at_booth = hire(a, Outcome.STARTED, source=HireSource.BOOTH, seeker_name="王小明", **started)
    _step(at_booth, StepKind.RETAINED_30)
    _step(at_booth, StepKind.RETAINED_90)
    _step(at_booth, StepKind.RETAINED_180)
    online = hire(b, Outcome.STARTED, source=HireSource.ONLINE, **started)
    _step(online, StepKind.RETAINED_90, voided=True)
    hire(b, Outcome.HIRED, hired_on=date(2026, 3, 20))
    elsewhere = hire(april, Outcome.STARTED, source=HireSource.BOOTH, **started)
    _step(elsewhere, StepKind.RETAINED_90)
    hire(planned, source=HireSource.ONLINE)
    db.session.flush()
    return a, b


# --- the query layer ---------------------------------------------------------------------------


def test_seeker_entries_add_the_scan_and_online_entries_to_the_tallies(seekers_march):
    metrics = compute_metrics(PERIOD.start, PERIOD.end)
    assert metrics.seeker_entries == SEEKER_ENTRIES
    assert compute_metrics(PERIOD.start, PERIOD.end, region="430281").seeker_entries == 93


def test_each_figure_is_counted_exactly(seekers_march):
    assert compute_figures(PERIOD.start, PERIOD.end).as_dict() == FIGURES


def test_distinct_seekers_count_people_not_visits_and_follow_the_filters(seekers_march):
    assert compute_figures(PERIOD.start, PERIOD.end, region="430211").distinct_seekers == 1
    assert compute_figures(PERIOD.start, PERIOD.end, region="430281").distinct_seekers == 3
    mode = compute_figures(PERIOD.start, PERIOD.end, mode="hybrid")
    assert (mode.distinct_seekers, mode.applications) == (3, 3)
    chain = compute_figures(PERIOD.start, PERIOD.end, industry_chain="ceramics")
    assert (chain.intents_typed, chain.intents_imported, chain.intents_booth) == (1, 2, 1)
    assert compute_figures(
        PERIOD.start, PERIOD.end, fair_type="graduates"
    ).as_dict() == dict.fromkeys(FIGURES, 0)


def test_a_voided_step_does_not_count(seekers_march, db):
    for step in db.session.scalars(db.select(HireStep).where(HireStep.voided_at.is_not(None))):
        step.voided_at = None
    db.session.flush()
    figures = compute_figures(PERIOD.start, PERIOD.end)
    assert (figures.retained_90, figures.retained_180) == (3, 2)


def test_the_funnel_has_rates_per_county_fair_type_and_chain(seekers_march):
    funnel = follow_up_funnel(system("test"), PERIOD)
    (total,) = funnel.tables["total"]
    assert total.counts == FUNNEL_TOTAL
    assert {step: total.rate(step) for step in TOTAL_RATES} == TOTAL_RATES
    assert total.rate("tentative_hires") == 100.0
    county = {row.key: row for row in funnel.tables["county"]}
    assert county["430281"].counts == LILING_FUNNEL
    assert {s: county["430281"].rate(s) for s in LILING_RATES} == LILING_RATES
    assert county["430211"].counts == TIANYUAN_FUNNEL
    assert county["430211"].label == "天元区" and county["430281"].narrow == {"region": "430281"}
    types = {row.key: row.counts for row in funnel.tables["fair_type"]}
    assert types == {"industry_chain": LILING_FUNNEL, "comprehensive": TIANYUAN_FUNNEL}
    chains = {row.label: row.counts for row in funnel.tables["industry_chain"]}
    assert chains == {"陶瓷": LILING_FUNNEL, "未指定产业链": TIANYUAN_FUNNEL}


def test_a_funnel_without_intents_has_no_rates(db):
    (total,) = follow_up_funnel(system("test"), PERIOD).tables["total"]
    assert total.counts == dict.fromkeys(FUNNEL_TOTAL, 0)
    assert total.rate("hired") is None


def test_drill_down_lists_add_up_to_their_figure(seekers_march):
    actor = system("test")

    def total(kind, **narrow):
        return drill_down(actor, PERIOD, kind, **narrow).total

    assert total("entries") == SEEKER_ENTRIES
    assert drill_down(actor, PERIOD, "entries").rows.total == 3 + 4  # 3 tallies, 4 entries
    assert total("scans") == FIGURES["distinct_seekers"]
    assert drill_down(actor, PERIOD, "scans").rows.total == 4
    assert total("applications") == FIGURES["applications"]
    for source in ("typed", "imported", "booth", "online"):
        assert total("intents", source=source) == FIGURES[f"intents_{source}"], source
    for step, n in FUNNEL_TOTAL.items():
        if step != "tentative_hires":
            assert total("intents", step=step) == n, step
    narrowed = PERIOD.replace(region="430281")
    assert drill_down(actor, narrowed, "intents", step="retained_90").total == 2


# --- the doors: page, drill-down pages, workbook, API, command -------------------------------


def _cell(html: str, testid: str) -> int:
    pattern = rf'data-testid="{testid}".*?<div class="small text-muted">(\d+)</div>'
    return int(re.search(pattern, html, re.S).group(1))


def _href(html: str, testid: str) -> str:
    return unescape(re.search(rf'data-testid="{testid}"\s+href="([^"]+)"', html).group(1))


def _drill_total(client, url: str) -> int:
    page = client.get(url).get_data(as_text=True)
    return int(re.search(r"合计 <strong>(-?\d+)</strong>", page).group(1))


def test_the_dashboard_shows_the_figures_and_each_links_to_its_rows(
    client, login_as, make_user, seekers_march
):
    login_as(make_user(Role.VIEWER))

    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)

    assert _cell(page, "metric-seeker-entries") == SEEKER_ENTRIES
    assert "入场求职144人次" in page
    assert "求职者参与与稳定就业" in page
    for name, n in FIGURES.items():
        testid = "figure-" + name.replace("_", "-")
        assert _cell(page, testid) == n, name
        assert _drill_total(client, _href(page, testid)) == n, name
    assert _drill_total(client, _href(page, "metric-seeker-entries")) == SEEKER_ENTRIES


def test_the_dashboard_funnel_tables_link_each_number_to_its_intents(
    client, login_as, make_user, seekers_march
):
    login_as(make_user(Role.VIEWER))

    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)

    county = re.search(r'data-testid="follow-up-county".*?</table>', page, re.S).group(0)
    liling = re.search(r"<th scope=\"row\">醴陵市</th>(.*?)</tr>", county, re.S).group(1)
    links = re.findall(r'data-step="(\w+)"><a href="([^"]+)">(\d+)</a>', liling)
    assert {step: int(n) for step, _href, n in links} == LILING_FUNNEL
    rates = dict(re.findall(r'data-rate="(\w+)">([\d.]+)%', liling))
    assert {k: float(v) for k, v in rates.items()} == LILING_RATES
    for step, href, n in links:
        query = parse_qs(urlsplit(unescape(href)).query)
        assert query["region"] == ["430281"]
        assert _drill_total(client, unescape(href)) == int(n), step
    total = re.search(r'data-testid="follow-up-total".*?</table>', page, re.S).group(0)
    assert "83.3%" in total and "16.7%" in total


def test_drill_down_pages_mask_the_seekers_names(client, login_as, make_user, seekers_march, db):
    login_as(make_user(Role.VIEWER))
    deleted = db.session.scalar(db.select(Seeker).where(Seeker.name == "赵六"))
    deleted.name, deleted.seeker_phone, deleted.deleted_at = None, None, utcnow()
    db.session.flush()

    for kind in ("scans", "applications", "intents"):
        page = client.get(f"/reports/rows/{kind}", query_string=MARCH).get_data(as_text=True)
        assert "王小明" not in page and "李四" not in page, kind
        assert "13873310" not in page, kind
    scans = client.get("/reports/rows/scans", query_string=MARCH).get_data(as_text=True)
    assert "王**" in scans and "（已删除）" in scans
    entries = client.get("/reports/rows/entries", query_string=MARCH).get_data(as_text=True)
    assert "扫码入场" in entries and "线上参会" in entries and "入口计数" in entries
    booth = client.get("/reports/rows/intents", query_string={**MARCH, "source": "booth"})
    assert "扫码投递达成的意向" in booth.get_data(as_text=True)


def test_the_workbook_has_the_figures_and_the_funnel(client, login_as, make_user, seekers_march):
    login_as(make_user(Role.VIEWER))

    response = client.get("/reports/export.xlsx", query_string=MARCH)

    book = openpyxl.load_workbook(io.BytesIO(response.data))
    try:
        cells = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row[0]}
        assert cells["入场求职"] == SEEKER_ENTRIES
        assert cells["入场求职人数"] == 3
        assert cells["投递"] == 4
        assert cells["扫码投递达成的意向"] == 1
        assert cells["导入的意向（表格、接口）"] == 2
        assert (cells["稳定就业90天"], cells["稳定就业180天"]) == (2, 1)
        rows = {r[0]: r[1:] for r in book["就业跟踪"].iter_rows(values_only=True) if r[0]}
        assert rows["合计"][:3] == (6, 5, 0.833)
        assert rows["醴陵市"] == (4, 3, 0.75, 2, 0.5, 2, 0.5, 1, 0.25)
        assert rows["陶瓷"][0] == 4 and rows["未指定产业链"][0] == 2
        assert rows["产业链专场"][0] == 4 and rows["综合招聘会"][0] == 2
    finally:
        book.close()


def test_the_api_summary_and_funnel_answer_the_same_numbers(
    client, make_user, bearer, seekers_march
):
    headers = bearer(make_user(Role.VIEWER))

    summary = client.get("/api/v1/reports/summary", query_string=API_MARCH, headers=headers)
    body = summary.get_json()
    assert summary.status_code == 200
    assert body["seeker_entries"] == SEEKER_ENTRIES
    assert {k: body[k] for k in ("distinct_seekers", "applications", "retained_90")} == {
        "distinct_seekers": 3,
        "applications": 4,
        "retained_90": 2,
    }
    assert body["intents_by_source"] == {"typed": 2, "imported": 2, "booth": 1, "online": 1}
    assert "入场求职144人次" in body["sentence"]

    response = client.get("/api/v1/reports/funnel", query_string=API_MARCH, headers=headers)
    funnel = response.get_json()
    assert response.status_code == 200
    total = funnel["total"]
    assert total["key"] is None and total["label"] == "合计"
    assert {k: total[k] for k in FUNNEL_TOTAL} == FUNNEL_TOTAL
    assert {k: total[f"{k}_rate"] for k in TOTAL_RATES} == TOTAL_RATES
    liling = next(row for row in funnel["by_county"] if row["key"] == "430281")
    assert {k: liling[k] for k in LILING_FUNNEL} == LILING_FUNNEL
    assert {row["key"] for row in funnel["by_fair_type"]} == {"industry_chain", "comprehensive"}
    assert {row["key"] for row in funnel["by_industry_chain"]} == {"ceramics", None}


def test_the_api_funnel_keeps_an_organizer_to_its_region(client, make_user, bearer, seekers_march):
    liling = bearer(make_user(Role.ORGANIZER, region_code="430281"))

    own = client.get("/api/v1/reports/funnel", query_string=API_MARCH, headers=liling)
    other = client.get(
        "/api/v1/reports/funnel", query_string={**API_MARCH, "region": "430211"}, headers=liling
    )
    employer = bearer(make_user(Role.EMPLOYER))
    refused = client.get("/api/v1/reports/funnel", query_string=API_MARCH, headers=employer)

    assert own.status_code == 200 and own.get_json()["region"] == "430281"
    assert own.get_json()["total"]["tentative_hires"] == 4
    assert [row["key"] for row in own.get_json()["by_county"]] == ["430281"]
    assert other.status_code == 403
    assert refused.status_code == 403


def test_the_command_writes_the_figures(runner, seekers_march):
    result = runner.invoke(
        args=[
            "report",
            "summary",
            "--start",
            "2026-03-01",
            "--end",
            "2026-03-31",
            "--format",
            "json",
        ]
    )

    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["seeker_entries"] == SEEKER_ENTRIES
    assert document["distinct_seekers"] == 3
    assert document["applications"] == 4
    assert document["intents_by_source"] == {"typed": 2, "imported": 2, "booth": 1, "online": 1}
    assert (document["retained_90"], document["retained_180"]) == (2, 1)
    assert "入场求职144人次" in document["sentence"]


def test_every_door_shows_the_same_figures(
    client, login_as, make_user, bearer, runner, seekers_march
):
    built = build_report(system("test"), PERIOD)
    login_as(make_user(Role.VIEWER))
    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)
    api = client.get(
        "/api/v1/reports/summary", query_string=API_MARCH, headers=bearer(make_user(Role.VIEWER))
    ).get_json()
    command = json.loads(
        runner.invoke(
            args=[
                "report",
                "summary",
                "--start",
                "2026-03-01",
                "--end",
                "2026-03-31",
                "--format",
                "json",
            ]
        ).output
    )

    for name in ("distinct_seekers", "applications", "retained_90", "retained_180"):
        shown = {
            "report": getattr(built.figures, name),
            "page": _cell(page, "figure-" + name.replace("_", "-")),
            "api": api[name],
            "command": command[name],
        }
        assert set(shown.values()) == {FIGURES[name]}, (name, shown)
    assert (
        api["intents_by_source"]
        == command["intents_by_source"]
        == built.figures.intents_by_source()
    )


# --- the sentence and the fair's own pages -----------------------------------------------------


def test_the_bureau_sentence_counts_the_scan_entries(client, login_as, make_user, seekers_march):
    login_as(make_user(Role.VIEWER))
    page = client.get("/reports/", query_string=MARCH).get_data(as_text=True)
    sentence = re.search(r'data-testid="bureau-sentence">(.*?)<', page, re.S).group(1).strip()
    assert sentence == (
        "3月，全市举办各类招聘会2场，进入市场的用工企业达到2家次，累计提供岗位10个次，"
        "入场求职144人次，初步达成就业意向6人次。"
    )


def test_the_fair_numbers_count_tallies_and_entries(seekers_march):
    a, _b = seekers_march
    counts = fair_entry_counts(a)
    assert (counts.tallies, counts.entries, counts.total) == (90, 3, 93)
    assert fair_metrics(a).seeker_entries == 93


def test_the_fair_pages_show_both_parts_and_the_total(client, login_as, make_user, seekers_march):
    a, _b = seekers_march
    login_as(make_user(Role.ADMIN))

    summary = client.get(f"/manage/fairs/{a.id}/summary").get_data(as_text=True)
    staff = client.get(f"/manage/fairs/{a.id}").get_data(as_text=True)

    assert 'data-testid="sum-seekers">93<' in summary
    assert 'data-testid="sum-tallies">90<' in summary
    assert 'data-testid="sum-scan-entries">3<' in summary
    assert 'data-testid="sum-applications">3<' in summary
    assert "扫码入场2，线上参会1" in summary
    assert "入场求职93人次 = 入口计数90人次 + 扫码/线上登记3人次" in staff

"""Reference data (regions, industry chains, channels), the demo data set and the home page."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from recruit.auth.models import Role, User
from recruit.channels.models import Channel, ChannelKind
from recruit.channels.services import seed_channels
from recruit.db_types import utcnow
from recruit.demo.services import DEMO_PASSWORD
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db
from recruit.fairs.models import Fair, FairStatus
from recruit.formatting import bureau_number, local_today
from recruit.hires.models import TentativeHire
from recruit.positions.models import Position
from recruit.refdata.codes import FairType
from recruit.refdata.models import IndustryChain, Region
from recruit.refdata.services import load_refdata, region_codes_within
from recruit.reports.metrics import compute_metrics
from recruit.validators import is_valid_id_number, is_valid_mobile, is_valid_uscc

ZHUZHOU_COUNTIES = {
    "430202": "荷塘区",
    "430203": "芦淞区",
    "430204": "石峰区",
    "430211": "天元区",
    "430212": "渌口区",
    "430221": "株洲县",
    "430223": "攸县",
    "430224": "茶陵县",
    "430225": "炎陵县",
    "430281": "醴陵市",
}
NO_CHANGE = "演示数据已存在，未做改动。"


def row_counts() -> dict[str, int]:
    """Return the number of rows of every table of the schema."""
    db.session.expire_all()
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def seeded(runner):
    """Load the demo data set through the command line, as `make run` does."""
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


# --- reference data -------------------------------------------------------------------------


def test_load_refdata_adds_what_is_missing_and_nothing_the_second_time():
    db.session.delete(db.session.get(Region, "430225"))
    db.session.delete(db.session.scalar(sa.select(Channel).where(Channel.code == "llzgz")))
    db.session.delete(
        db.session.scalar(sa.select(IndustryChain).where(IndustryChain.code == "fireworks"))
    )
    db.session.flush()

    assert load_refdata() == {"regions": 1, "industry_chains": 1}
    assert seed_channels() == 1
    before = row_counts()
    assert load_refdata() == {"regions": 0, "industry_chains": 0}
    assert seed_channels() == 0
    assert row_counts() == before
    assert db.session.get(Region, "430225").name == "炎陵县"
    assert db.session.scalar(sa.select(IndustryChain).where(IndustryChain.code == "fireworks"))


def test_load_refdata_keeps_an_admins_edits():
    channel = db.session.scalar(sa.select(Channel).where(Channel.code == "jycs"))
    channel.enabled = False
    channel.name = "就业超市（改名）"
    db.session.flush()

    assert load_refdata() == {"regions": 0, "industry_chains": 0}
    assert seed_channels() == 0
    db.session.refresh(channel)
    assert channel.enabled is False
    assert channel.name == "就业超市（改名）"


def test_refdata_load_command_seeds_the_reference_data_and_the_channels(runner):
    db.session.delete(db.session.get(Region, "430225"))
    db.session.delete(db.session.scalar(sa.select(Channel).where(Channel.code == "llzgz")))
    db.session.commit()

    result = runner.invoke(args=["refdata", "load"])

    assert result.exit_code == 0, result.output
    assert "新增行政区划 1 个、产业链 0 个、渠道 1 个" in result.output
    assert db.session.scalar(sa.select(Channel).where(Channel.code == "llzgz")).enabled is True


def test_zhuzhou_and_its_ten_counties_exist():
    city = db.session.get(Region, "430200")
    assert city.name == "株洲市"
    assert city.parent_code == "430000"
    for code, name in ZHUZHOU_COUNTIES.items():
        region = db.session.get(Region, code)
        assert region is not None, code
        assert region.name == name
        assert region.parent_code == "430200"


def test_zhuzhou_county_is_superseded_by_lukou_district():
    old = db.session.get(Region, "430221")
    new = db.session.get(Region, "430212")
    assert old.successor_code == "430212"
    assert old.valid_to == date(2018, 6, 19)
    assert not old.is_current
    assert new.valid_from == date(2018, 6, 19)
    assert new.is_current
    assert new.successor_code is None


def test_region_codes_within_the_city_include_every_county():
    within = region_codes_within("430200")
    assert within[0] == "430200"
    assert set(within) == {"430200", *ZHUZHOU_COUNTIES}
    assert len(within) == len(set(within))


def test_region_codes_within_a_county_are_only_itself():
    assert region_codes_within("430281") == ["430281"]
    assert "430200" in region_codes_within("430000")
    assert "430281" in region_codes_within("430000")
    assert region_codes_within("999999") == []


def test_the_four_channels_exist_with_their_kinds_and_switches():
    channels = {c.code: c for c in db.session.scalars(sa.select(Channel))}
    assert set(channels) == {"xjy", "zzrc", "jycs", "llzgz"}

    assert channels["xjy"].name == "湘就业"
    assert channels["xjy"].kind is ChannelKind.HTTP_JSON
    assert channels["xjy"].enabled is False
    assert channels["zzrc"].kind is ChannelKind.HTTP_JSON
    assert channels["zzrc"].enabled is False
    assert channels["jycs"].kind is ChannelKind.XLSX_EXPORT
    assert channels["jycs"].enabled is True
    assert channels["llzgz"].kind is ChannelKind.FEED
    assert channels["llzgz"].enabled is True
    assert channels["llzgz"].scope_regions == ["430281"]
    assert channels["jycs"].scope_regions == []
    # Tokens are named by environment variable, never stored.
    assert channels["xjy"].token_env == "RECRUIT_CHANNEL_XJY_TOKEN"


def test_industry_chains_include_ceramics_with_its_classes():
    chains = {c.code: c for c in db.session.scalars(sa.select(IndustryChain))}
    assert len(chains) == 9
    assert chains["ceramics"].name == "陶瓷"
    assert "3074" in chains["ceramics"].industry_classes
    assert all(cls.startswith("307") for cls in chains["ceramics"].industry_classes)


def test_refdata_load_command_runs_twice(runner):
    db.session.delete(db.session.scalar(sa.select(Channel).where(Channel.code == "llzgz")))
    db.session.commit()

    first = runner.invoke(args=["refdata", "load"])
    second = runner.invoke(args=["refdata", "load"])

    assert first.exit_code == 0, first.output
    assert "渠道 1 个" in first.output
    assert second.exit_code == 0, second.output
    assert "新增行政区划 0 个、产业链 0 个、渠道 0 个" in second.output
    assert count(Channel) == 4


# --- demo data ------------------------------------------------------------------------------


def test_demo_seed_prints_the_logins(seeded):
    assert "已载入演示数据" in seeded.output
    assert "用户名 admin" in seeded.output
    assert DEMO_PASSWORD in seeded.output


def test_demo_seed_a_second_time_changes_nothing(runner, seeded):
    before = row_counts()

    again = runner.invoke(args=["demo", "seed"])

    assert again.exit_code == 0, again.output
    assert NO_CHANGE in again.output
    assert "用户名" not in again.output
    assert row_counts() == before
    assert before["employers"] > 0 and before["fairs"] > 0


def test_demo_seed_if_empty_does_nothing_once_seeded(runner, seeded):
    before = row_counts()
    again = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert NO_CHANGE in again.output
    assert row_counts() == before


def test_demo_employers_have_valid_usccs(seeded):
    employers = list(db.session.scalars(sa.select(Employer)))
    assert 18 <= len(employers) <= 25
    assert all(is_valid_uscc(e.uscc) for e in employers), [e.uscc for e in employers]
    assert len({e.uscc for e in employers}) == len(employers)
    statuses = {e.status for e in employers}
    assert EmployerStatus.APPROVED in statuses and EmployerStatus.PENDING in statuses


def test_demo_has_about_sixty_positions(seeded):
    assert 50 <= count(Position) <= 70


def test_demo_has_a_closed_ceramics_fair_in_liling(seeded):
    fairs = db.session.scalars(
        sa.select(Fair).where(Fair.region_code == "430281", Fair.status == FairStatus.CLOSED)
    ).all()
    ceramics = [f for f in fairs if f.industry_chain and f.industry_chain.code == "ceramics"]
    assert ceramics, fairs
    fair = ceramics[0]
    assert fair.type is FairType.INDUSTRY_CHAIN
    assert fair.starts_at < utcnow()
    assert fair.closed_at is not None
    assert fair.participations


def test_demo_has_an_upcoming_fair_in_liling(seeded):
    upcoming = db.session.scalars(
        sa.select(Fair).where(
            Fair.region_code == "430281",
            Fair.starts_at > utcnow(),
            Fair.status.in_([FairStatus.PLANNED, FairStatus.OPEN]),
        )
    ).all()
    assert upcoming


def test_demo_fairs_are_spread_over_several_regions(seeded):
    regions = set(db.session.scalars(sa.select(Fair.region_code).distinct()))
    assert len(regions) >= 3


def test_demo_has_about_thirty_tentative_hires_with_valid_contact_data(seeded):
    hires = list(db.session.scalars(sa.select(TentativeHire)))
    assert 25 <= len(hires) <= 40
    assert all(is_valid_mobile(h.seeker_phone) for h in hires)
    id_numbers = [h.seeker_id_number for h in hires if h.seeker_id_number]
    assert id_numbers
    assert all(is_valid_id_number(n) for n in id_numbers)


def test_demo_has_an_account_for_every_role(seeded):
    users = list(db.session.scalars(sa.select(User)))
    assert {u.role for u in users} == set(Role)
    by_name = {u.username: u for u in users}
    assert by_name["liling"].region_code == "430281"
    assert by_name["organizer"].region_code == "430200"
    assert by_name["employer"].employer.status is EmployerStatus.APPROVED


def test_demo_accounts_can_sign_in(client, seeded):
    response = client.post("/login", data={"username": "liling", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "醴陵市就业服务中心" in page


def test_demo_metrics_count_the_held_and_closed_fairs(seeded):
    today = local_today()
    metrics = compute_metrics(date(today.year - 1, 1, 1), today)
    counted = count(
        sa.select(Fair.id).where(Fair.status.in_([FairStatus.HELD, FairStatus.CLOSED])).subquery()
    )
    assert metrics.fairs == counted >= 3
    assert metrics.tentative_hires == count(TentativeHire)
    assert metrics.seeker_entries > 0
    assert metrics.hired > 0 and 0 < metrics.started <= metrics.hired


# --- the home page --------------------------------------------------------------------------


def _metric_on_page(page: str, testid: str) -> str:
    match = re.search(
        rf'data-testid="{testid}">.*?<span class="metric-value">([^<]*)</span>', page, re.S
    )
    assert match, testid
    return match.group(1)


def test_home_page_shows_this_years_metrics(client, seeded):
    today = local_today()
    metrics = compute_metrics(date(today.year, 1, 1), today)

    page = client.get("/").get_data(as_text=True)

    expected = {
        "metric-fairs": metrics.fairs,
        "metric-employer-attendances": metrics.employer_attendances,
        "metric-positions-offered": metrics.positions_offered,
        "metric-seeker-entries": metrics.seeker_entries,
        "metric-tentative-hires": metrics.tentative_hires,
    }
    for testid, value in expected.items():
        assert _metric_on_page(page, testid) == bureau_number(value), testid
    assert f"{today.year}年累计" in page


def test_home_page_lists_the_upcoming_fairs(client, seeded):
    now = utcnow()
    upcoming = db.session.scalars(
        sa.select(Fair.title).where(
            Fair.ends_at >= now, Fair.status.in_([FairStatus.PLANNED, FairStatus.OPEN])
        )
    ).all()
    past = db.session.scalars(sa.select(Fair.title).where(Fair.ends_at < now)).all()
    assert upcoming and past

    page = client.get("/").get_data(as_text=True)
    listing = page.split('data-testid="upcoming-fairs"', 1)
    assert len(listing) == 2, "the upcoming fairs list is missing"

    for title in upcoming:
        assert title in listing[1]
    for title in past:
        assert title not in page

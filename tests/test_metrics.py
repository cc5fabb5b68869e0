"""The metrics of DESIGN §2.5 on hand-built data, and the bureau's way of writing numbers."""

from datetime import date, datetime, timedelta

import pytest

from recruit.extensions import db
from recruit.fairs.models import (
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
    TallySource,
)
from recruit.formatting import LOCAL_TZ, bureau_number
from recruit.hires.models import Outcome, TentativeHire
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import get_industry_chain
from recruit.reports.metrics import compute_metrics

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
APRIL = (date(2026, 4, 1), date(2026, 4, 30))
MARCH_DAY = date(2026, 3, 10)

ATTENDED = ParticipationStatus.ATTENDED


@pytest.fixture
def fair(make_fair):
    """Return a factory of fairs held on a day in March 2026 (status held unless told)."""

    def factory(day: date = MARCH_DAY, **kwargs):
        kwargs.setdefault("status", FairStatus.HELD)
        return make_fair(day, **kwargs)

    return factory


@pytest.fixture
def attend(make_employer, make_position):
    """Return a function adding an employer's participation, offering positions with openings."""

    def factory(fair, status=ATTENDED, openings=(), employer=None) -> Participation:
        employer = employer or make_employer()
        positions = [make_position(employer=employer) for _ in openings]
        part = Participation(fair=fair, employer=employer, status=status)
        db.session.add(part)
        for position, n in zip(positions, openings, strict=True):
            part.fair_positions.append(FairPosition(position=position, openings=n))
        db.session.flush()
        return part

    return factory


def tally(fair, count: int, reason: str | None = None, **kwargs) -> SeekerTally:
    row = SeekerTally(fair=fair, count=count, source=TallySource.GATE, reason=reason, **kwargs)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def hire(make_position):
    """Return a function registering a tentative hire at a fair with an outcome."""
    position = None

    def factory(fair, outcome=Outcome.INTENT, hired_on=None, started_on=None) -> TentativeHire:
        nonlocal position
        position = position or make_position()
        row = TentativeHire(
            fair=fair,
            position=position,
            seeker_name="李海燕",
            seeker_phone="13873310002",
            outcome=outcome,
            hired_on=hired_on,
            started_on=started_on,
        )
        db.session.add(row)
        db.session.flush()
        return row

    return factory


def at_local(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def test_no_fairs_means_zero_everywhere():
    metrics = compute_metrics(*MARCH)
    assert metrics.as_dict() == {
        "fairs": 0,
        "employer_attendances": 0,
        "positions_offered": 0,
        "seeker_entries": 0,
        "tentative_hires": 0,
        "hired": 0,
        "started": 0,
    }


def test_only_held_and_closed_fairs_count(fair):
    fair(status=FairStatus.HELD)
    fair(status=FairStatus.CLOSED)
    fair(status=FairStatus.CLOSED)
    fair(status=FairStatus.PLANNED)
    fair(status=FairStatus.OPEN)
    fair(status=FairStatus.CANCELLED)

    assert compute_metrics(*MARCH).fairs == 3


def test_uncounted_fairs_contribute_nothing_at_all(fair, attend, hire):
    for status in (FairStatus.PLANNED, FairStatus.OPEN, FairStatus.CANCELLED):
        not_counted = fair(status=status)
        attend(not_counted, openings=[5])
        tally(not_counted, 100)
        hire(not_counted, Outcome.STARTED, hired_on=MARCH_DAY, started_on=MARCH_DAY)

    assert compute_metrics(*MARCH).as_dict() == dict.fromkeys(
        (
            "fairs",
            "employer_attendances",
            "positions_offered",
            "seeker_entries",
            "tentative_hires",
            "hired",
            "started",
        ),
        0,
    )


def test_only_attended_participations_count_as_employer_attendances(fair, attend):
    held = fair()
    attend(held)
    attend(held)
    for status in (
        ParticipationStatus.REQUESTED,
        ParticipationStatus.APPROVED,
        ParticipationStatus.NO_SHOW,
        ParticipationStatus.WITHDRAWN,
        ParticipationStatus.REJECTED,
    ):
        attend(held, status=status)

    assert compute_metrics(*MARCH).employer_attendances == 2


def test_an_employer_at_two_fairs_counts_twice(fair, attend, make_employer):
    employer = make_employer()
    attend(fair(), employer=employer)
    attend(fair(), employer=employer)

    assert compute_metrics(*MARCH).employer_attendances == 2


def test_positions_offered_sums_openings_of_attended_participations_only(fair, attend):
    held = fair()
    attend(held, openings=[10, 4])
    attend(held, openings=[3])
    attend(held, status=ParticipationStatus.NO_SHOW, openings=[50])
    attend(held, status=ParticipationStatus.APPROVED, openings=[70])
    attend(fair(status=FairStatus.CLOSED), openings=[2])

    assert compute_metrics(*MARCH).positions_offered == 10 + 4 + 3 + 2


def test_positions_offered_uses_the_openings_offered_at_the_fair_not_the_positions(fair, attend):
    part = attend(fair(), openings=[2])
    assert part.fair_positions[0].position.openings == 5

    assert compute_metrics(*MARCH).positions_offered == 2


def test_seeker_entries_sum_tallies_including_corrections(fair):
    held = fair()
    tally(held, 120)
    tally(held, 35)
    tally(held, -7, reason="入口重复计数更正")
    tally(fair(status=FairStatus.CLOSED), 40)

    assert compute_metrics(*MARCH).seeker_entries == 120 + 35 - 7 + 40


def test_tallies_belong_to_the_fairs_period_not_to_when_they_were_recorded(fair):
    held = fair(date(2026, 3, 31))
    tally(held, 80, recorded_at=at_local(2026, 4, 2, 10))

    assert compute_metrics(*MARCH).seeker_entries == 80
    assert compute_metrics(*APRIL).seeker_entries == 0


def test_tentative_hires_hired_and_started_follow_the_outcomes(fair, hire):
    held = fair()
    hire(held, Outcome.INTENT)
    hire(held, Outcome.INTENT)
    hire(held, Outcome.HIRED, hired_on=date(2026, 3, 15))
    hire(held, Outcome.STARTED, hired_on=date(2026, 3, 15), started_on=date(2026, 3, 20))
    hire(held, Outcome.DECLINED)
    hire(held, Outcome.WITHDRAWN)

    metrics = compute_metrics(*MARCH)

    assert metrics.tentative_hires == 6
    assert metrics.hired == 2
    assert metrics.started == 1


def test_a_hire_who_dropped_out_after_being_hired_still_reached_hired(fair, hire):
    # DESIGN §2.5: hired counts intents whose outcome *reached* 录用; hired_on stays set.
    held = fair()
    hire(held, Outcome.WITHDRAWN, hired_on=date(2026, 3, 15))
    hire(held, Outcome.DECLINED)

    metrics = compute_metrics(*MARCH)

    assert metrics.tentative_hires == 2
    assert metrics.hired == 1
    assert metrics.started == 0


def test_one_seeker_with_two_intents_counts_twice(fair, hire):
    held = fair()
    hire(held)
    hire(held)
    assert compute_metrics(*MARCH).tentative_hires == 2


def test_period_edges_follow_shanghai_time_on_the_fairs_start(make_fair):
    def held_at(start: datetime):
        return make_fair(
            starts_at=start, ends_at=start + timedelta(hours=1), status=FairStatus.HELD
        )

    held_at(at_local(2026, 3, 31, 23, 30))  # 15:30 UTC on 31 March: March
    held_at(at_local(2026, 4, 1, 0, 30))  # 16:30 UTC on 31 March, but 1 April locally: April
    held_at(at_local(2026, 3, 1, 0, 10))  # 16:10 UTC on 28 February, but March locally
    held_at(at_local(2026, 2, 28, 23, 59))  # February

    assert compute_metrics(*MARCH).fairs == 2
    assert compute_metrics(*APRIL).fairs == 1
    assert compute_metrics(date(2026, 2, 1), date(2026, 2, 28)).fairs == 1
    assert compute_metrics(date(2026, 3, 31), date(2026, 3, 31)).fairs == 1
    assert compute_metrics(date(2026, 4, 1), date(2026, 4, 1)).fairs == 1


def test_a_fair_late_on_the_last_day_of_march_counts_in_march_not_april(make_fair, attend):
    start = at_local(2026, 3, 31, 23, 30)
    late = make_fair(starts_at=start, ends_at=start + timedelta(hours=2), status=FairStatus.HELD)
    attend(late, openings=[6])

    march, april = compute_metrics(*MARCH), compute_metrics(*APRIL)

    assert (march.fairs, march.employer_attendances, march.positions_offered) == (1, 1, 6)
    assert (april.fairs, april.employer_attendances, april.positions_offered) == (0, 0, 0)


def test_region_filter_includes_sub_regions(fair, attend):
    liling = fair(region_code="430281")
    tianyuan = fair(region_code="430211")
    citywide = fair(region_code="430200", mode=FairMode.ONLINE)
    for held in (liling, tianyuan, citywide):
        attend(held, openings=[1])

    assert compute_metrics(*MARCH, region="430200").fairs == 3
    assert compute_metrics(*MARCH, region="430200").positions_offered == 3
    assert compute_metrics(*MARCH, region="430281").fairs == 1
    assert compute_metrics(*MARCH, region="430281").employer_attendances == 1
    assert compute_metrics(*MARCH, region="430211").fairs == 1
    assert compute_metrics(*MARCH, region="430223").fairs == 0


def test_region_filter_of_a_county_excludes_other_counties(fair, hire):
    hire(fair(region_code="430211"))
    hire(fair(region_code="430211"))
    hire(fair(region_code="430281"))

    metrics = compute_metrics(*MARCH, region="430281")

    assert metrics.fairs == 1
    assert metrics.tentative_hires == 1


def test_fair_type_filter(fair, hire):
    hire(fair(type=FairType.GRADUATES))
    fair(type=FairType.GRADUATES)
    hire(fair(type=FairType.COMPREHENSIVE))

    graduates = compute_metrics(*MARCH, fair_type=FairType.GRADUATES)
    assert (graduates.fairs, graduates.tentative_hires) == (2, 1)
    assert compute_metrics(*MARCH, fair_type="comprehensive").fairs == 1
    assert compute_metrics(*MARCH, fair_type=FairType.VETERANS).fairs == 0


def test_mode_filter(fair):
    fair(mode=FairMode.ONLINE)
    fair(mode=FairMode.OFFLINE)
    fair(mode=FairMode.OFFLINE)

    assert compute_metrics(*MARCH, mode=FairMode.ONLINE).fairs == 1
    assert compute_metrics(*MARCH, mode="offline").fairs == 2
    assert compute_metrics(*MARCH, mode=FairMode.HYBRID).fairs == 0


def test_industry_chain_filter(fair, attend, hire):
    ceramics = get_industry_chain("ceramics")
    rail = get_industry_chain("rail_transit")
    liling = fair(region_code="430281", type=FairType.INDUSTRY_CHAIN, industry_chain=ceramics)
    attend(liling, openings=[8])
    tally(liling, 300)
    hire(liling)
    other = fair(type=FairType.INDUSTRY_CHAIN, industry_chain=rail)
    attend(other, openings=[4])
    tally(other, 100)
    fair()

    metrics = compute_metrics(*MARCH, industry_chain="ceramics")

    assert metrics.fairs == 1
    assert metrics.employer_attendances == 1
    assert metrics.positions_offered == 8
    assert metrics.seeker_entries == 300
    assert metrics.tentative_hires == 1
    assert compute_metrics(*MARCH, industry_chain="no_such_chain").fairs == 0
    assert compute_metrics(*MARCH).fairs == 3


def test_filters_combine(fair):
    ceramics = get_industry_chain("ceramics")
    fair(region_code="430281", type=FairType.INDUSTRY_CHAIN, industry_chain=ceramics)
    fair(region_code="430211", type=FairType.INDUSTRY_CHAIN, industry_chain=ceramics)
    fair(region_code="430281", type=FairType.COMPREHENSIVE)

    both = compute_metrics(*MARCH, region="430281", industry_chain="ceramics")
    assert both.fairs == 1


def test_the_bureaus_sentence_for_liling(fair, attend, hire):
    """A small version of "其中在醴陵市，针对陶瓷产业链 … 举办 … 招聘会N场，达成初步就业意向M人"."""
    ceramics = get_industry_chain("ceramics")
    for _ in range(3):
        held = fair(region_code="430281", type=FairType.INDUSTRY_CHAIN, industry_chain=ceramics)
        attend(held, openings=[5])
        hire(held)
        hire(held, Outcome.HIRED, hired_on=date(2026, 3, 20))

    metrics = compute_metrics(*MARCH, region="430281", industry_chain="ceramics")

    assert bureau_number(metrics.fairs) == "3"
    assert bureau_number(metrics.tentative_hires) == "6"
    assert metrics.hired == 3


# --- the bureau's way of writing numbers ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (0, "0"),
        (219, "219"),
        (2307, "2307"),
        (5248, "5248"),
        (9999, "9999"),
        (10000, "1万"),
        (10001, "1万"),
        (12345, "1.23万"),
        (12350, "1.24万"),
        (32000, "3.2万"),
        (32046, "3.2万"),
        (32050, "3.21万"),
        (111000, "11.1万"),
        (191700, "19.17万"),
        (99995, "10万"),
        (100000, "10万"),
        (1234567, "123.46万"),
    ],
)
def test_bureau_number(value, written):
    assert bureau_number(value) == written

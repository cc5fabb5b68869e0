"""Fair operations: create, edit with the version lock, status flow, booths, day records, close."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.errors import Conflict, Invalid, ServiceError, Stale
from recruit.extensions import db as _db
from recruit.fairs import credit, lifecycle, onsite, participations, queries, summary
from recruit.fairs.credit import signup_blocked_until
from recruit.fairs.models import (
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
    TallySource,
)
from recruit.formatting import LOCAL_TZ
from recruit.hires.models import Outcome, TentativeHire
from recruit.refdata.codes import FairMode, FairType, PriorityGroup
from recruit.reports.metrics import compute_metrics


def _fair_data(**overrides):
    start = datetime(2026, 3, 5, 9, tzinfo=LOCAL_TZ)
    data = dict(
        title="醴陵市春季招聘会",
        type=FairType.COMPREHENSIVE,
        mode=FairMode.OFFLINE,
        region_code="430281",
        venue="醴陵市人力资源市场",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        organizer_unit="醴陵市就业服务中心",
        industry_chain_id=None,
        booth_capacity=2,
        registration_deadline=start - timedelta(days=1),
        description="",
    )
    data.update(overrides)
    return data


def _requested(fair, employer):
    """Return the employer's sign-up for the fair, waiting for review (as if it signed up)."""
    part = Participation(fair=fair, employer=employer, status=ParticipationStatus.REQUESTED)
    _db.session.add(part)
    _db.session.flush()
    return part


def _actions(db, action):
    return db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)).all()


def test_create_fair_is_planned_and_audited(db, liling_organizer):
    fair = lifecycle.create_fair(_fair_data(), by=liling_organizer)
    assert fair.status is FairStatus.PLANNED
    assert fair.version == 1
    assert [a.object_id for a in _actions(db, "fair.create")] == [str(fair.id)]


def test_an_organizer_cannot_create_a_fair_outside_its_scope(liling_organizer):
    with pytest.raises(ServiceError, match="举办地区"):
        lifecycle.create_fair(_fair_data(region_code="430211"), by=liling_organizer)


def test_end_before_start_is_refused_naming_the_field(city_organizer):
    data = _fair_data()
    data["ends_at"] = data["starts_at"] - timedelta(hours=1)
    with pytest.raises(ServiceError, match="结束时间"):
        lifecycle.create_fair(data, by=city_organizer)


def test_a_save_based_on_an_old_version_is_refused_and_changes_nothing(db, city_organizer):
    fair = lifecycle.create_fair(_fair_data(), by=city_organizer)
    lifecycle.update_fair(fair, _fair_data(venue="新地点"), version=1, by=city_organizer)
    db.session.flush()
    assert fair.version == 2
    with pytest.raises(Stale, match="其他人在您编辑期间修改了"):
        lifecycle.update_fair(fair, _fair_data(venue="旧表单的地点"), version=1, by=city_organizer)
    assert fair.venue == "新地点"
    audit = _actions(db, "fair.update")
    assert len(audit) == 1 and audit[0].summary["venue"] == ["醴陵市人力资源市场", "新地点"]


def test_a_save_racing_past_the_form_check_is_stopped_by_the_version_column(db, city_organizer):
    """If another save lands between our check and our write, the flush fails, not overwrites."""
    from sqlalchemy.orm.exc import StaleDataError

    fair = lifecycle.create_fair(_fair_data(), by=city_organizer)
    db.session.flush()
    db.session.connection().execute(
        sa.text("UPDATE fairs SET venue = :v, version = version + 1 WHERE id = :id"),
        {"v": "他人保存的地点", "id": fair.id},
    )
    with pytest.raises(StaleDataError):
        lifecycle.update_fair(fair, _fair_data(venue="我的地点"), version=1, by=city_organizer)


def test_status_flow_only_allows_sensible_moves(city_organizer, make_fair):
    fair = make_fair()
    lifecycle.set_fair_status(fair, FairStatus.OPEN, by=city_organizer)
    lifecycle.set_fair_status(fair, FairStatus.HELD, by=city_organizer)
    with pytest.raises(ServiceError, match="不能改为"):
        lifecycle.set_fair_status(fair, FairStatus.OPEN, by=city_organizer)
    assert fair.status is FairStatus.HELD


def test_cancelling_needs_a_reason_and_ends_the_flow(db, city_organizer, make_fair):
    fair = make_fair()
    with pytest.raises(ServiceError, match="取消原因"):
        lifecycle.set_fair_status(fair, FairStatus.CANCELLED, by=city_organizer, reason=" ")
    lifecycle.set_fair_status(fair, FairStatus.CANCELLED, by=city_organizer, reason="场地维修")
    assert _actions(db, "fair.cancelled")[0].summary["reason"] == "场地维修"
    with pytest.raises(ServiceError):
        lifecycle.set_fair_status(fair, FairStatus.OPEN, by=city_organizer)
    with pytest.raises(ServiceError, match="不能再修改"):
        lifecycle.update_fair(
            fair, _fair_data(region_code="430211"), version=fair.version, by=city_organizer
        )


# --- participations and booths -------------------------------------------------


def test_booth_numbers_are_unique_within_a_fair(city_organizer, make_fair, make_employer):
    fair = make_fair(booth_capacity=10)
    first = participations.add_participation(fair, make_employer().id, by=city_organizer)
    second = participations.add_participation(fair, make_employer().id, by=city_organizer)
    participations.assign_booth(first, "a01", by=city_organizer)
    assert first.booth == "A01"
    with pytest.raises(ServiceError, match="A01 已分配给"):
        participations.assign_booth(second, "A01", by=city_organizer)
    assert second.booth is None


def test_booth_capacity_counts_every_place_held(db, city_organizer, make_fair, make_employer):
    """One reading of the capacity everywhere: a requested, approved or attended employer holds
    a place, whether it signed up itself or an organizer added it."""
    fair = make_fair(booth_capacity=2)
    _requested(fair, make_employer())
    first = participations.add_participation(fair, make_employer().id, by=city_organizer)
    with pytest.raises(Conflict, match="展位已满"):
        participations.add_participation(fair, make_employer().id, by=city_organizer)
    participations.assign_booth(first, "A01", by=city_organizer)
    # Moving the holder to another booth takes no new place.
    participations.assign_booth(first, "B01", by=city_organizer)
    assert first.booth == "B01"
    participations.withdraw_participation(first, by=city_organizer)
    assert participations.places_taken(fair) == 1
    participations.add_participation(fair, make_employer().id, by=city_organizer)


def test_an_employer_is_added_once(city_organizer, make_fair, make_employer):
    fair = make_fair()
    employer = make_employer()
    participations.add_participation(fair, employer.id, by=city_organizer)
    with pytest.raises(ServiceError, match="已在本场招聘会的参会名单中"):
        participations.add_participation(fair, employer.id, by=city_organizer)


def test_an_employer_with_two_recent_no_shows_cannot_be_added(
    db, city_organizer, make_fair, make_employer
):
    employer = make_employer()
    today = date.today()
    for days in (40, 20):
        old = make_fair(day=today - timedelta(days=days), status=FairStatus.CLOSED)
        db.session.add(
            Participation(fair=old, employer=employer, status=ParticipationStatus.NO_SHOW)
        )
    db.session.flush()
    with pytest.raises(ServiceError, match="多次报名后未到场"):
        participations.add_participation(make_fair(), employer.id, by=city_organizer)


def test_requests_are_approved_or_rejected_with_a_reason(city_organizer, make_fair, make_employer):
    fair = make_fair()
    part = _requested(fair, make_employer())
    with pytest.raises(ServiceError, match="不通过原因"):
        participations.review_participation(part, False, by=city_organizer)
    participations.review_participation(part, True, by=city_organizer)
    assert part.status is ParticipationStatus.APPROVED
    with pytest.raises(ServiceError, match="无需审核"):
        participations.review_participation(part, True, by=city_organizer)


def test_fair_positions_are_the_employers_open_positions(city_organizer, make_fair, make_position):
    fair = make_fair()
    mine = make_position()
    theirs = make_position()
    part = participations.add_participation(fair, mine.employer.id, by=city_organizer)
    participations.set_fair_positions(part, {mine.id: 4}, by=city_organizer)
    assert [(fp.position_id, fp.openings) for fp in part.fair_positions] == [(mine.id, 4)]
    with pytest.raises(ServiceError, match="只能选择本企业"):
        participations.set_fair_positions(part, {theirs.id: 1}, by=city_organizer)
    with pytest.raises(ServiceError, match="至少为1"):
        participations.set_fair_positions(part, {mine.id: 0}, by=city_organizer)
    participations.set_fair_positions(part, {}, by=city_organizer)
    assert part.fair_positions == []


# --- on the day -------------------------------------------------------------------


def test_the_days_records_open_two_hours_before_the_start(city_organizer, open_fair):
    from recruit.errors import Conflict

    soon = open_fair(
        starts_at=utcnow() + timedelta(hours=2, minutes=10),
        ends_at=utcnow() + timedelta(hours=6),
    )
    with pytest.raises(Conflict, match="开始前两小时"):
        onsite.add_tally(soon.fair, 5, TallySource.GATE, by=city_organizer)
    with pytest.raises(Conflict, match="开始前两小时"):
        onsite.check_in(soon.part, by=city_organizer)
    almost = open_fair(
        starts_at=utcnow() + timedelta(hours=1, minutes=50),
        ends_at=utcnow() + timedelta(hours=6),
    )
    onsite.add_tally(almost.fair, 5, TallySource.GATE, by=city_organizer)


def test_after_the_fair_a_record_is_a_late_entry_with_a_reason(db, city_organizer, open_fair):
    over = open_fair(
        starts_at=utcnow() - timedelta(hours=6), ends_at=utcnow() - timedelta(minutes=5)
    )
    with pytest.raises(Invalid, match="补录原因"):
        onsite.check_in(over.part, by=city_organizer)
    onsite.check_in(over.part, by=city_organizer, late_reason="企业到场时漏签")
    entry = _actions(db, "participation.check_in")[-1]
    assert entry.summary["late_reason"] == "企业到场时漏签"


def test_check_in_records_the_time_once(db, city_organizer, open_fair):
    setup = open_fair()
    onsite.check_in(setup.part, by=city_organizer)
    assert setup.part.checked_in_at is not None
    with pytest.raises(ServiceError, match="已于此前签到"):
        onsite.check_in(setup.part, by=city_organizer)


def test_check_in_is_refused_before_registration_opens(city_organizer, open_fair):
    setup = open_fair(status=FairStatus.PLANNED)
    with pytest.raises(ServiceError, match="只有报名中或举办中"):
        onsite.check_in(setup.part, by=city_organizer)


def test_corrections_are_negative_rows_with_a_reason(db, city_organizer, open_fair):
    fair = open_fair().fair
    onsite.add_tally(fair, 10, TallySource.GATE, by=city_organizer)
    with pytest.raises(ServiceError, match="更正原因"):
        onsite.add_tally(fair, -3, TallySource.GATE, by=city_organizer)
    with pytest.raises(ServiceError, match="不能为负"):
        onsite.add_tally(fair, -11, TallySource.GATE, by=city_organizer, reason="重复")
    onsite.add_tally(fair, -3, TallySource.GATE, by=city_organizer, reason="重复计数")
    rows = db.session.scalars(sa.select(SeekerTally.count).order_by(SeekerTally.id)).all()
    assert rows == [10, -3]
    assert onsite.tally_total(fair) == 7


# --- closing and the metrics ------------------------------------------------------


def test_closing_an_offline_fair_marks_absentees_no_show(
    db, city_organizer, open_fair, make_employer
):
    setup = open_fair()
    absent = participations.add_participation(setup.fair, make_employer().id, by=city_organizer)
    requested = _requested(setup.fair, make_employer())
    onsite.check_in(setup.part, by=city_organizer)
    result = lifecycle.close_fair(setup.fair, by=city_organizer)
    assert (result.attended, result.no_show) == (1, 1)
    assert setup.part.status is ParticipationStatus.ATTENDED
    assert absent.status is ParticipationStatus.NO_SHOW
    assert requested.status is ParticipationStatus.REQUESTED
    assert setup.fair.status is FairStatus.CLOSED and setup.fair.closed_at is not None
    assert _actions(db, "fair.close")[0].summary["no_show"] == 1


def test_closing_an_online_fair_marks_every_approved_employer_attended(
    city_organizer, open_fair, make_employer
):
    setup = open_fair(mode=FairMode.ONLINE)
    other = participations.add_participation(setup.fair, make_employer().id, by=city_organizer)
    result = lifecycle.close_fair(setup.fair, by=city_organizer)
    assert (result.attended, result.no_show) == (2, 0)
    assert other.status is ParticipationStatus.ATTENDED


def test_a_closed_fair_cannot_be_closed_again_or_changed(city_organizer, open_fair):
    setup = open_fair()
    lifecycle.close_fair(setup.fair, by=city_organizer)
    with pytest.raises(ServiceError, match="不能结束"):
        lifecycle.close_fair(setup.fair, by=city_organizer)
    with pytest.raises(ServiceError, match="不能再修改参会企业"):
        participations.assign_booth(setup.part, "A09", by=city_organizer)


def test_second_no_show_at_closing_blocks_signup_for_ninety_days(
    db, city_organizer, make_fair, make_employer
):
    employer = make_employer()
    today = date.today()
    earlier = make_fair(day=today - timedelta(days=30), status=FairStatus.CLOSED)
    db.session.add(
        Participation(fair=earlier, employer=employer, status=ParticipationStatus.NO_SHOW)
    )
    fair = make_fair(day=today, status=FairStatus.HELD)
    db.session.add(Participation(fair=fair, employer=employer, status=ParticipationStatus.APPROVED))
    db.session.flush()
    assert signup_blocked_until(employer, today) is None
    lifecycle.close_fair(fair, by=city_organizer)
    assert signup_blocked_until(employer, today) == today + timedelta(days=90)


def _hire(db, fair, position, groups=(), outcome=Outcome.INTENT, n=1):
    for k in range(n):
        db.session.add(
            TentativeHire(
                fair=fair,
                position=position,
                seeker_name=f"求职者{k}",
                seeker_phone=f"1390000{k:04d}",
                priority_groups=list(groups),
                outcome=outcome,
                hired_on=date.today() if outcome in (Outcome.HIRED, Outcome.STARTED) else None,
                started_on=date.today() if outcome is Outcome.STARTED else None,
            )
        )
    db.session.flush()


def test_the_summary_of_a_closed_fair_matches_the_report_metrics(
    db, city_organizer, open_fair, make_employer, make_position
):
    setup = open_fair(day=date(2026, 2, 10), mode=FairMode.OFFLINE)
    fair = setup.fair
    absent_position = make_position(occupation_major_group=2, openings=7)
    absent = participations.add_participation(fair, absent_position.employer.id, by=city_organizer)
    participations.set_fair_positions(absent, {absent_position.id: 7}, by=city_organizer)
    # The fair was in February: everything is entered afterwards, as late entries.
    late = "纸质登记表补录"
    onsite.check_in(setup.part, by=city_organizer, late_reason=late)
    onsite.add_tally(fair, 120, TallySource.GATE, by=city_organizer, late_reason=late)
    onsite.add_tally(fair, 30, TallySource.SCAN, by=city_organizer, late_reason=late)
    onsite.add_tally(fair, -5, TallySource.GATE, by=city_organizer, reason="重复", late_reason=late)
    _hire(db, fair, setup.position, [PriorityGroup.GRADUATE.value], n=3)
    _hire(db, fair, setup.position, [], outcome=Outcome.STARTED, n=1)

    live = summary.fair_metrics(fair)
    assert (live.employer_attendances, live.positions_offered) == (1, 3)
    lifecycle.close_fair(fair, by=city_organizer)
    brief = summary.fair_summary(fair)
    report = compute_metrics(date(2026, 2, 10), date(2026, 2, 10))
    assert brief.metrics == report
    assert report.as_dict() == {
        "fairs": 1,
        "employer_attendances": 1,
        "positions_offered": 3,
        "seeker_entries": 145,
        "tentative_hires": 4,
        "hired": 1,
        "started": 1,
    }
    # Only positions of attended employers count: the absentee's group-2 position does not.
    assert [(r.code, r.positions, r.openings) for r in brief.occupation_rows] == [("6", 1, 3)]
    assert dict(brief.priority_rows)["高校毕业生"] == 3
    assert brief.intents_without_group == 1
    assert brief.participations_by_status == {"已到场": 1, "未到场": 1}
    assert brief.tallies_by_source == {"入口计数": 115, "扫码": 30}


def test_fair_positions_listed_are_only_those_of_approved_employers(
    db, city_organizer, open_fair, make_position
):
    setup = open_fair()
    other = make_position()
    part = _requested(setup.fair, other.employer)
    db.session.add(FairPosition(participation=part, position=other, openings=2))
    db.session.flush()
    assert [fp.position_id for fp in summary.fair_offered_positions(setup.fair)] == [
        setup.position.id
    ]


def test_pending_requests_are_listed_for_organizers_in_scope(
    db, make_fair, make_position, make_user, liling_organizer, city_organizer
):
    position = make_position()
    hr = make_user(Role.EMPLOYER, employer=position.employer)
    liling_fair = make_fair(status=FairStatus.OPEN, region_code="430281")
    city_fair = make_fair(status=FairStatus.OPEN, region_code="430211")
    mine = participations.sign_up(liling_fair, {position.id: 1}, by=hr)
    participations.sign_up(city_fair, {position.id: 1}, by=hr)
    pending = participations.pending_participations(liling_organizer)
    assert db.session.scalars(pending).all() == [mine]
    assert participations.pending_participation_count(liling_organizer) == 1
    assert participations.pending_participation_count(city_organizer) == 2


def test_closing_reports_employers_the_credit_rule_now_blocks(
    db, city_organizer, make_fair, make_employer
):
    employer = make_employer()
    today = date.today()
    earlier = make_fair(day=today - timedelta(days=30), status=FairStatus.CLOSED)
    db.session.add(
        Participation(fair=earlier, employer=employer, status=ParticipationStatus.NO_SHOW)
    )
    fair = make_fair(day=today, status=FairStatus.HELD)
    db.session.add(Participation(fair=fair, employer=employer, status=ParticipationStatus.APPROVED))
    db.session.flush()
    assert credit.no_show_count(employer, today) == 1
    result = lifecycle.close_fair(fair, by=city_organizer)
    assert result.blocked == [(employer, today + timedelta(days=90))]
    assert credit.no_show_count(employer, today) == 2


def test_booth_capacity_cannot_drop_below_the_places_held(city_organizer, open_fair):
    setup = open_fair(region_code="430281")
    participations.assign_booth(setup.part, "A01", by=city_organizer)
    fair = setup.fair
    with pytest.raises(Invalid, match="已有1家企业报名或参会"):
        lifecycle.update_fair(
            fair, _fair_data(booth_capacity=0), version=fair.version, by=city_organizer
        )
    lifecycle.update_fair(
        fair, _fair_data(booth_capacity=1), version=fair.version, by=city_organizer
    )
    assert fair.booth_capacity == 1


def test_the_fair_list_filters_combine(db, city_organizer, make_fair):
    from recruit.refdata.services import get_industry_chain

    ceramics = get_industry_chain("ceramics")
    wanted = make_fair(
        day=date(2026, 3, 5),
        region_code="430281",
        type=FairType.INDUSTRY_CHAIN,
        mode=FairMode.HYBRID,
        industry_chain_id=ceramics.id,
        status=FairStatus.CLOSED,
    )
    make_fair(day=date(2026, 3, 6), region_code="430281", status=FairStatus.CLOSED)
    make_fair(day=date(2026, 5, 1), region_code="430281", type=FairType.INDUSTRY_CHAIN)

    def found(**filters):
        query = queries.filter_fairs(city_organizer, queries.FairFilters(**filters))
        return db.session.scalars(query).all()

    assert found(start=date(2026, 3, 5), end=date(2026, 3, 5)) == [wanted]
    assert found(region="430200", type="industry_chain", status="closed") == [wanted]
    assert found(mode="hybrid") == [wanted]
    assert found(industry_chain_id=ceramics.id) == [wanted]
    assert found(region="430211") == []

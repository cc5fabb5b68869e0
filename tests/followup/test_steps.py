"""The outcome history: dated steps, corrections, and the caches the reports read."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import EmployerRole, Role
from recruit.errors import Conflict, Forbidden, Invalid, NotFound
from recruit.formatting import local_today
from recruit.hires.models import HireStep, Outcome, StepKind, TentativeHire
from recruit.hires.outcomes import record_outcome
from recruit.hires.steps import adopt_dates, history, record_step, void_step

TODAY = local_today()


def days_ago(n: int):
    return TODAY - timedelta(days=n)


def _reached(db, hire, column) -> bool:
    query = sa.select(TentativeHire.id).where(TentativeHire.id == hire.id, column)
    return db.session.scalar(query) is not None


def test_hired_then_started_fills_the_caches(db, make_intent, staff):
    hire = make_intent(fair_days_ago=20)

    record_step(hire, StepKind.HIRED, days_ago(10), by=staff)
    record_step(hire, StepKind.STARTED, days_ago(5), by=staff)

    assert (hire.hired_on, hire.started_on) == (days_ago(10), days_ago(5))
    assert (hire.outcome, hire.outcome_on) == (Outcome.STARTED, days_ago(5))
    assert [s.step for s in history(hire)] == [StepKind.HIRED, StepKind.STARTED]


def test_declined_after_hired_still_counts_as_reached_hired(db, make_intent, staff):
    # Issue 18 point 1: the last word is 未录用, but the intent did reach 录用.
    hire = make_intent(fair_days_ago=20)
    record_outcome(hire, Outcome.HIRED, days_ago(10), by=staff)

    record_outcome(hire, Outcome.DECLINED, days_ago(2), by=staff)

    assert hire.outcome is Outcome.DECLINED
    assert hire.hired_on == days_ago(10)
    assert _reached(db, hire, TentativeHire.reached_hired)
    assert not _reached(db, hire, TentativeHire.reached_started)


def test_a_voided_hired_step_no_longer_counts(db, make_intent, staff):
    hire = make_intent(fair_days_ago=20)
    step = record_step(hire, StepKind.HIRED, days_ago(10), by=staff)

    void_step(step, "误录", by=staff)

    assert step.void_reason == "更正：误录"
    assert step.voided_by_id == staff.id
    assert (hire.hired_on, hire.outcome, hire.outcome_on) == (None, Outcome.INTENT, None)
    assert not _reached(db, hire, TentativeHire.reached_hired)
    # The history keeps it, struck through.
    assert history(hire) == [step]


def test_voiding_the_later_word_brings_back_the_earlier_one(db, make_intent, staff):
    hire = make_intent(fair_days_ago=20)
    record_step(hire, StepKind.HIRED, days_ago(10), by=staff)
    declined = record_step(hire, StepKind.DECLINED, days_ago(3), by=staff)

    void_step(declined, "更正：误点", by=staff)

    assert (hire.outcome, hire.outcome_on) == (Outcome.HIRED, days_ago(10))
    assert declined.void_reason == "更正：误点"


def test_a_correction_needs_a_reason_and_happens_once(db, make_intent, staff):
    hire = make_intent(fair_days_ago=20)
    step = record_step(hire, StepKind.HIRED, days_ago(10), by=staff)

    for reason in (None, "  ", "更正："):
        with pytest.raises(Invalid) as refused:
            void_step(step, reason, by=staff)
        assert refused.value.field == "reason"
    void_step(step, "误录", by=staff)
    with pytest.raises(Conflict):
        void_step(step, "误录", by=staff)


def test_steps_and_corrections_are_audited_without_personal_data(db, make_intent, staff):
    hire = make_intent(fair_days_ago=20)
    step = record_step(hire, StepKind.HIRED, days_ago(10), by=staff, note="电话确认")
    void_step(step, "误录 13912345678", by=staff)

    entries = db.session.scalars(
        sa.select(AuditLog)
        .where(AuditLog.action.in_(["hire.step", "hire.step_void"]))
        .order_by(AuditLog.id)
    ).all()

    assert [e.action for e in entries] == ["hire.step", "hire.step_void"]
    assert entries[0].summary == {"step_id": step.id, "step": "hired", "on": str(days_ago(10))}
    assert all(e.object_id == str(hire.id) and e.user_id == staff.id for e in entries)
    text = repr([e.summary for e in entries])
    assert "13912345678" not in text and "张三" not in text and "电话确认" not in text


@pytest.mark.parametrize(
    ("kind", "day", "field", "message"),
    [
        (StepKind.HIRED, -1, "on", "不能晚于今天"),
        (StepKind.HIRED, 25, "on", "不能早于招聘会当天"),
        (StepKind.HIRED, None, "on", "请填写日期"),
        ("promoted", 1, "step", "请选择"),
    ],
)
def test_impossible_steps_are_refused(db, make_intent, staff, kind, day, field, message):
    hire = make_intent(fair_days_ago=20)

    with pytest.raises(Invalid, match=message) as refused:
        record_step(hire, kind, None if day is None else days_ago(day), by=staff)

    assert refused.value.field == field
    assert history(hire) == []


def test_retained_steps_wait_for_the_start_plus_their_days(db, make_started, staff):
    hire = make_started(40)

    with pytest.raises(Invalid, match="到岗满90天") as refused:
        record_step(hire, StepKind.RETAINED_90, TODAY, by=staff)
    assert refused.value.field == "on"
    with pytest.raises(Invalid, match="到岗满30天"):
        record_step(hire, StepKind.RETAINED_30, days_ago(11), by=staff)

    step = record_step(hire, StepKind.RETAINED_30, days_ago(10), by=staff)
    assert step.milestone == 30
    assert hire.outcome is Outcome.STARTED


def test_call_back_steps_need_a_start(db, make_intent, staff):
    hire = make_intent(fair_days_ago=100)
    record_step(hire, StepKind.HIRED, days_ago(90), by=staff)

    for kind, milestone in (
        (StepKind.RETAINED_30, None),
        (StepKind.LEFT, None),
        (StepKind.UNREACHABLE, 30),
    ):
        with pytest.raises(Conflict, match="尚未登记到岗"):
            record_step(hire, kind, TODAY, by=staff, milestone=milestone)


def test_left_comes_after_the_start_and_ends_the_call_backs(db, make_started, staff):
    hire = make_started(60)

    with pytest.raises(Invalid, match="不能早于到岗日期"):
        record_step(hire, StepKind.LEFT, days_ago(61), by=staff)
    record_step(hire, StepKind.LEFT, days_ago(20), by=staff, milestone=30)

    assert (hire.outcome, hire.outcome_on) == (Outcome.LEFT, days_ago(20))
    assert hire.started_on == days_ago(60)  # it still reached 到岗
    with pytest.raises(Conflict, match="已于"):
        record_step(hire, StepKind.UNREACHABLE, TODAY, by=staff, milestone=30)
    with pytest.raises(Invalid, match="不能晚于离职日期"):
        record_step(hire, StepKind.RETAINED_30, TODAY, by=staff)


@pytest.mark.parametrize(
    ("kind", "milestone"),
    [
        (StepKind.UNREACHABLE, None),
        (StepKind.UNREACHABLE, 45),
        (StepKind.RETAINED_30, 90),
        (StepKind.HIRED, 30),
        (StepKind.LEFT, "abc"),
    ],
)
def test_milestones_must_fit_the_step(db, make_started, staff, kind, milestone):
    hire = make_started(200)

    with pytest.raises(Invalid) as refused:
        record_step(hire, kind, TODAY, by=staff, milestone=milestone)

    assert refused.value.field == "milestone"


def test_unreachable_is_a_try_that_never_changes_the_last_word(db, make_started, staff):
    hire = make_started(40)

    first = record_step(hire, StepKind.UNREACHABLE, days_ago(3), by=staff, milestone=30)
    second = record_step(hire, StepKind.UNREACHABLE, TODAY, by=staff, milestone=30)

    assert first.id != second.id
    assert (hire.outcome, hire.outcome_on) == (Outcome.STARTED, days_ago(40))


def test_the_same_step_twice_is_a_conflict_until_the_first_is_voided(db, make_intent, staff):
    hire = make_intent(fair_days_ago=20)
    first = record_step(hire, StepKind.HIRED, days_ago(10), by=staff)

    with pytest.raises(Conflict) as refused:
        record_step(hire, StepKind.HIRED, days_ago(8), by=staff)
    assert refused.value.field == "step"

    void_step(first, "日期填错", by=staff)
    record_step(hire, StepKind.HIRED, days_ago(8), by=staff)
    assert hire.hired_on == days_ago(8)


def test_the_employer_records_for_its_own_positions_only(
    db, make_intent, make_position, make_user, staff
):
    owner = make_user(Role.EMPLOYER)
    other = make_user(Role.EMPLOYER)
    hire = make_intent(fair_days_ago=20, position=make_position(employer=owner.employer))

    step = record_step(hire, StepKind.HIRED, days_ago(10), by=owner)
    assert step.recorded_by_id == owner.id
    with pytest.raises(NotFound):
        record_step(hire, StepKind.STARTED, days_ago(5), by=other)
    with pytest.raises(Forbidden):
        record_step(hire, StepKind.UNREACHABLE, TODAY, by=owner, milestone=30)


def test_read_only_employers_and_viewers_record_nothing(db, make_intent, make_position, make_user):
    reader = make_user(Role.EMPLOYER, employer_role=EmployerRole.READONLY)
    hire = make_intent(fair_days_ago=20, position=make_position(employer=reader.employer))

    with pytest.raises(Forbidden):
        record_step(hire, StepKind.HIRED, days_ago(10), by=reader)
    with pytest.raises(Forbidden):
        record_step(hire, StepKind.HIRED, days_ago(10), by=make_user(Role.VIEWER))


def test_a_county_organizer_reaches_only_its_fairs(db, make_intent, make_user):
    liling = make_user(Role.ORGANIZER, region_code="430281")
    elsewhere = make_intent(fair_days_ago=20, region="430211")
    at_home = make_intent(fair_days_ago=20, region="430281")

    with pytest.raises(NotFound):
        record_step(elsewhere, StepKind.HIRED, days_ago(10), by=liling)
    assert record_step(at_home, StepKind.HIRED, days_ago(10), by=liling).id


def test_an_employer_voids_its_own_steps_but_not_staffs(
    db, make_intent, make_position, make_user, staff
):
    owner = make_user(Role.EMPLOYER)
    hire = make_intent(fair_days_ago=20, position=make_position(employer=owner.employer))
    own = record_step(hire, StepKind.HIRED, days_ago(10), by=owner)
    theirs = record_step(hire, StepKind.STARTED, days_ago(5), by=staff)

    with pytest.raises(Forbidden):
        void_step(theirs, "误录", by=owner)
    void_step(own, "误录", by=owner)
    # Staff correct anyone's step.
    void_step(theirs, "误录", by=staff)
    assert (hire.hired_on, hire.started_on, hire.outcome) == (None, None, Outcome.INTENT)


def test_an_intent_written_without_steps_gets_them_from_its_dates(db, make_intent, staff):
    # Bulk loaders (demo data, older rows) write the dates only: the first step adopts them.
    hire = make_intent(
        fair_days_ago=60,
        outcome=Outcome.STARTED,
        hired_on=days_ago(50),
        started_on=days_ago(45),
        outcome_on=days_ago(45),
    )

    record_step(hire, StepKind.RETAINED_30, days_ago(5), by=staff)

    kinds = [(s.step, s.on) for s in history(hire)]
    assert kinds == [
        (StepKind.HIRED, days_ago(50)),
        (StepKind.STARTED, days_ago(45)),
        (StepKind.RETAINED_30, days_ago(5)),
    ]
    assert (hire.hired_on, hire.started_on, hire.outcome) == (
        days_ago(50),
        days_ago(45),
        Outcome.STARTED,
    )
    adopt_dates(hire)  # once only
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(HireStep).where(HireStep.hire_id == hire.id)
        )
        == 3
    )

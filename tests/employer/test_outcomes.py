"""The employer sees the intents made for its positions and records their outcomes."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.actors import system
from recruit.errors import Conflict, Invalid
from recruit.formatting import local_today
from recruit.hires.models import Outcome, TentativeHire
from recruit.hires.outcomes import record_outcome
from tests.employer.helpers import make_hire

#: Who records outcomes in the service-level tests below.
BY = system("tests.outcomes")


def test_the_list_shows_name_and_phone_but_never_the_id_number(
    client, db, signed_in, make_position, make_fair
):
    hire = make_hire(make_fair, make_position(employer=signed_in.employer, title="窑炉工"))
    make_hire(make_fair, make_position(title="别家岗位"), seeker_name="李四")

    page = client.get("/employer/outcomes").get_data(as_text=True)

    assert "张三" in page and "13912345678" in page and "窑炉工" in page
    assert hire.seeker_id_number not in page
    assert "11010519" not in page
    assert "李四" not in page and "别家岗位" not in page


def test_record_hired_then_started(client, db, signed_in, make_position, make_fair):
    hire = make_hire(make_fair, make_position(employer=signed_in.employer))
    hired_on = local_today() - timedelta(days=5)
    started_on = local_today() - timedelta(days=1)

    client.post(
        f"/employer/outcomes/{hire.id}", data={"outcome": "hired", "on": hired_on, "confirm": "1"}
    )
    assert (hire.outcome, hire.hired_on, hire.outcome_on) == (Outcome.HIRED, hired_on, hired_on)

    client.post(
        f"/employer/outcomes/{hire.id}",
        data={"outcome": "started", "on": started_on, "confirm": "1"},
    )
    assert hire.outcome is Outcome.STARTED
    assert (hire.hired_on, hire.started_on) == (hired_on, started_on)


def test_started_without_hired_sets_both_dates(db, make_position, make_fair):
    hire = make_hire(make_fair, make_position())
    day = local_today() - timedelta(days=2)

    record_outcome(hire, Outcome.STARTED, day, by=BY)

    assert (hire.hired_on, hire.started_on, hire.outcome_on) == (day, day, day)


def test_declined_or_withdrawn_after_hired_still_reached_hired(db, make_position, make_fair):
    # Issue 18 point 1: 未录用 after 已录用 is the last word, but the intent reached 录用.
    first = make_hire(make_fair, make_position())
    second = make_hire(make_fair, make_position())
    day = local_today() - timedelta(days=3)
    for hire in (first, second):
        record_outcome(hire, Outcome.HIRED, day, by=BY)

    record_outcome(first, Outcome.DECLINED, local_today(), by=BY)
    record_outcome(second, Outcome.WITHDRAWN, local_today(), by=BY)

    assert (first.outcome, first.hired_on, first.outcome_on) == (
        Outcome.DECLINED,
        day,
        local_today(),
    )
    assert (second.outcome, second.hired_on, second.outcome_on) == (
        Outcome.WITHDRAWN,
        day,
        local_today(),
    )
    assert first.reached_hired and second.reached_hired
    reached = db.session.scalars(
        sa.select(TentativeHire.id).where(
            TentativeHire.id.in_([first.id, second.id]), TentativeHire.reached_hired
        )
    ).all()
    assert sorted(reached) == sorted([first.id, second.id])


def test_hired_after_started_keeps_the_start(db, make_position, make_fair):
    hire = make_hire(make_fair, make_position())
    started = local_today() - timedelta(days=4)
    record_outcome(hire, Outcome.STARTED, started, by=BY)

    record_outcome(hire, Outcome.HIRED, local_today(), by=BY)

    assert (hire.outcome, hire.hired_on, hire.started_on) == (Outcome.HIRED, started, started)
    assert hire.reached_started


def test_recording_the_same_outcome_twice_is_a_conflict(db, make_position, make_fair):
    hire = make_hire(make_fair, make_position())
    record_outcome(hire, Outcome.HIRED, local_today() - timedelta(days=2), by=BY)

    with pytest.raises(Conflict, match="请先作废原记录"):
        record_outcome(hire, Outcome.HIRED, local_today(), by=BY)


@pytest.mark.parametrize(
    ("outcome", "days_from_today", "message"),
    [
        (Outcome.HIRED, 1, "不能晚于今天"),
        (Outcome.HIRED, -30, "不能早于招聘会当天"),
        (Outcome.INTENT, 0, "请选择"),
    ],
)
def test_impossible_outcomes_are_refused(
    db, make_position, make_fair, outcome, days_from_today, message
):
    hire = make_hire(make_fair, make_position(), days_ago=10)

    with pytest.raises(Invalid, match=message):
        record_outcome(hire, outcome, local_today() + timedelta(days=days_from_today), by=BY)
    assert hire.outcome is Outcome.INTENT


def test_a_refused_outcome_is_shown_to_the_employer(
    client, db, signed_in, make_position, make_fair
):
    hire = make_hire(make_fair, make_position(employer=signed_in.employer))
    db.session.commit()
    tomorrow = local_today() + timedelta(days=1)

    page = client.post(
        f"/employer/outcomes/{hire.id}",
        data={"outcome": "hired", "on": tomorrow, "confirm": "1"},
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "张三：日期：不能晚于今天" in page
    assert hire.outcome is Outcome.INTENT


def test_no_outcome_chosen_is_refused_without_a_confirmation_first(
    client, db, signed_in, make_position, make_fair
):
    hire = make_hire(make_fair, make_position(employer=signed_in.employer))
    db.session.commit()

    page = client.post(
        f"/employer/outcomes/{hire.id}",
        data={"outcome": "", "on": local_today()},
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "确定登记" not in page
    assert "张三：结果：请选择" in page
    assert hire.outcome is Outcome.INTENT


def test_the_list_filters_by_outcome(client, db, signed_in, make_position, make_fair):
    position = make_position(employer=signed_in.employer)
    make_hire(make_fair, position, seeker_name="王五", outcome=Outcome.DECLINED)
    make_hire(make_fair, position, seeker_name="赵六")

    page = client.get("/employer/outcomes?outcome=intent").get_data(as_text=True)

    assert "赵六" in page and "王五" not in page


def _disclosures(db):
    return db.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "hire.view_pii").order_by(AuditLog.id)
    ).all()


def test_the_phones_on_the_list_are_disclosed_through_the_audited_gate(
    client, db, signed_in, make_position, make_fair
):
    position = make_position(employer=signed_in.employer)
    hires = [make_hire(make_fair, position), make_hire(make_fair, position, seeker_name="李四")]

    client.get("/employer/outcomes")

    (entry,) = _disclosures(db)
    assert entry.user_id == signed_in.id
    assert entry.summary["ids"] == sorted(h.id for h in hires)
    assert entry.summary["purpose"] == "outcome_follow_up"
    assert entry.summary["fields"] == ["seeker_phone"]


def test_an_empty_list_discloses_nothing(client, db, signed_in):
    client.get("/employer/outcomes")

    assert _disclosures(db) == []

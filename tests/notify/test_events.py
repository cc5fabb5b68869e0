"""What is sent: the events write their messages in their own transaction, preferences hold."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from jobs.notify import fair_reminders_job, review_digests_job
from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.employers.models import EmployerStatus
from recruit.employers.review import review_employer
from recruit.errors import Conflict
from recruit.extensions import db
from recruit.fairs.models import Participation, ParticipationStatus
from recruit.fairs.participations import assign_booth, review_participation
from recruit.formatting import local_today
from recruit.hires.models import TentativeHire
from recruit.notify.digests import remind_fairs_tomorrow, send_review_digests
from recruit.notify.models import Notification, NotificationOptOut, NotifyChannel
from recruit.notify.services import preference_choices, send, set_preferences
from recruit.notify.templates import render
from recruit.positions.models import PositionStatus
from recruit.positions.review import review_position
from recruit.reminders.services import remind_intents_awaiting_outcome
from recruit.uow import unit_of_work


def _rows(template: str | None = None) -> list[Notification]:
    query = sa.select(Notification).order_by(Notification.id)
    if template:
        query = query.where(Notification.template == template)
    return list(db.session.scalars(query))


def _hr(make_user, employer, n: int = 1, **kwargs):
    return make_user(
        Role.EMPLOYER,
        employer=employer,
        mobile=f"1391234000{n}",
        email=f"hr{n}@example.com",
        **kwargs,
    )


@pytest.fixture
def staff(make_user):
    return make_user(Role.ADMIN)


# --- the send() contract --------------------------------------------------------------------


def test_send_to_addresses_and_refusals(make_user):
    rows = send(
        "outcome_reminder", {"employer": "甲", "count": "3", "url": "u"}, mobile="13700000000"
    )
    assert [(r.channel, r.address, r.user_id) for r in rows] == [
        (NotifyChannel.SMS, "13700000000", None)
    ]
    # An SMS-less template sends nothing to a mobile; a user without contact gets nothing.
    assert (
        send(
            "staff_review_digest",
            dict.fromkeys(("total", "employers", "positions", "participations", "url"), "1"),
            mobile="13700000000",
        )
        == []
    )
    assert (
        send(
            "outcome_reminder",
            {"employer": "甲", "count": "3", "url": "u"},
            user=make_user(Role.EMPLOYER),
        )
        == []
    )
    with pytest.raises(ValueError, match="count"):
        send("outcome_reminder", {"employer": "甲"}, mobile="13700000000")
    with pytest.raises(ValueError, match="Unknown"):
        send("no_such_template", {}, mobile="13700000000")
    text = render("outcome_reminder", NotifyChannel.SMS, {"count": "3"})
    assert text.body == "您有3条意向录用登记已超过14天未填写结果，请登录平台填写。"


# --- events ---------------------------------------------------------------------------------


def test_registration_approval_reaches_every_account_of_the_employer(
    make_employer, make_user, staff
):
    employer = make_employer(status=EmployerStatus.PENDING)
    first, second = _hr(make_user, employer, 1), _hr(make_user, employer, 2)
    _hr(make_user, employer, 3, active=False)
    other = _hr(make_user, make_employer(), 4)
    with unit_of_work():
        review_employer(employer, True, by=staff)
    rows = _rows("employer_registration_approved")
    assert {(r.user_id, r.channel) for r in rows} == {
        (first.id, NotifyChannel.SMS),
        (first.id, NotifyChannel.EMAIL),
        (second.id, NotifyChannel.SMS),
        (second.id, NotifyChannel.EMAIL),
    }
    assert other.id not in {r.user_id for r in rows}
    assert rows[0].params["employer"] == employer.name


def test_registration_rejection_carries_the_reason(make_employer, make_user, staff):
    employer = make_employer(status=EmployerStatus.PENDING)
    _hr(make_user, employer)
    with unit_of_work():
        review_employer(employer, False, by=staff, note="营业执照照片不清晰")
    sms, email = _rows("employer_registration_rejected")
    assert "原因：营业执照照片不清晰" in render(sms.template, sms.channel, sms.params).body
    assert "营业执照照片不清晰" in render(email.template, email.channel, email.params).body


def test_messages_roll_back_with_their_event(make_employer, make_user, staff):
    employer = make_employer(status=EmployerStatus.PENDING)
    _hr(make_user, employer)
    db.session.commit()
    with pytest.raises(Conflict), unit_of_work():
        review_employer(employer, True, by=staff)
        assert len(_rows()) == 2  # written in the event's transaction …
        raise Conflict("something later in the same unit of work refused")
    assert _rows() == []  # … and gone with it
    assert employer.status is EmployerStatus.PENDING


def test_position_review_results(make_position, make_user, staff):
    position = make_position(status=PositionStatus.PENDING, title="数控车工")
    _hr(make_user, position.employer)
    with unit_of_work():
        review_position(position, True, by=staff)
    assert {r.params["position"] for r in _rows("position_approved")} == {"数控车工"}

    other = make_position(status=PositionStatus.PENDING, employer=position.employer)
    with unit_of_work():
        review_position(other, False, by=staff, note="薪资写法不规范")
    rows = _rows("position_rejected")
    assert len(rows) == 2 and rows[0].params["reason"] == "薪资写法不规范"


def test_fair_signup_results_and_the_booth(make_fair, make_employer, make_user, staff):
    fair = make_fair(venue="株洲国际会展中心")
    employer = make_employer()
    _hr(make_user, employer)
    part = Participation(fair=fair, employer=employer, status=ParticipationStatus.REQUESTED)
    db.session.add(part)
    db.session.flush()
    with unit_of_work():
        review_participation(part, True, by=staff)
    sms = next(r for r in _rows("participation_approved") if r.channel is NotifyChannel.SMS)
    assert sms.params["booth"] == "待定" and sms.params["fair"] == fair.title
    with unit_of_work():
        assign_booth(part, "a-12", by=staff)
    booth = _rows("participation_booth")
    assert len(booth) == 2 and booth[0].params["booth"] == "A-12"
    assert "株洲国际会展中心" in render(booth[1].template, booth[1].channel, booth[1].params).body

    refused = Participation(
        fair=fair, employer=make_employer(), status=ParticipationStatus.REQUESTED
    )
    db.session.add(refused)
    db.session.flush()
    _hr(make_user, refused.employer, 2)
    with unit_of_work():
        review_participation(refused, False, by=staff, note="展位已满")
    assert [r.params["reason"] for r in _rows("participation_rejected")] == ["展位已满"] * 2


def test_fair_reminder_the_day_before_once_per_participation(
    app, make_fair, make_employer, make_user
):
    tomorrow = local_today() + timedelta(days=1)
    fair = make_fair(day=tomorrow)
    later = make_fair(day=tomorrow + timedelta(days=1))
    going, asked, late = make_employer(), make_employer(), make_employer()
    for n, employer in enumerate((going, asked, late), 1):
        _hr(make_user, employer, n)
    db.session.add_all(
        [
            Participation(
                fair=fair, employer=going, status=ParticipationStatus.APPROVED, booth="B1"
            ),
            Participation(fair=fair, employer=asked, status=ParticipationStatus.REQUESTED),
            Participation(fair=later, employer=late, status=ParticipationStatus.APPROVED),
        ]
    )
    db.session.commit()

    assert fair_reminders_job(app) == 1
    assert fair_reminders_job(app) == 0  # the job ran twice: nothing more
    rows = _rows("fair_reminder")
    assert len(rows) == 2 and {r.params["booth"] for r in rows} == {"B1"}
    with unit_of_work():
        assert remind_fairs_tomorrow(tomorrow - timedelta(days=1), by=system("test")) == 0


def test_weekly_outcome_reminder_goes_through_the_outbox(make_fair, make_position, make_user):
    position = make_position()
    _hr(make_user, position.employer)
    fair = make_fair(day=date.today() - timedelta(days=30))
    db.session.add(
        TentativeHire(
            fair=fair,
            position=position,
            seeker_name="王建华",
            seeker_phone="13873310001",
            recorded_at=utcnow() - timedelta(days=15),
        )
    )
    db.session.flush()
    with unit_of_work():
        assert remind_intents_awaiting_outcome("2026-W48") == 1
    with unit_of_work():
        assert remind_intents_awaiting_outcome("2026-W48") == 0  # once a week
    rows = _rows("outcome_reminder")
    assert len(rows) == 2 and rows[0].params["count"] == "1"


def test_staff_digest_lists_their_queue_and_nothing_when_nothing_waits(
    app, make_employer, make_position, make_user
):
    city = make_user(Role.ADMIN, email="admin@example.com", mobile="13600000001")
    liling = make_user(Role.ORGANIZER, region_code="430281", email="liling@example.com")
    make_user(Role.ORGANIZER, email="nobody-home@example.com", active=False)
    make_employer(status=EmployerStatus.PENDING, region_code="430211")
    make_position(status=PositionStatus.PENDING)
    db.session.commit()
    city_id, liling_id = city.id, liling.id  # the job ends the session: keep the ids

    assert review_digests_job(app) == 1
    [row] = _rows("staff_review_digest")
    assert row.user_id == city_id and row.channel is NotifyChannel.EMAIL  # e-mail only
    assert row.params["employers"] == "1" and row.params["positions"] == "1"
    assert row.params["employer_changes"] == "0" and row.params["total"] == "2"
    assert liling_id not in {r.user_id for r in _rows()}  # nothing in 醴陵's scope
    assert review_digests_job(app) == 0  # once a day
    with unit_of_work():
        assert send_review_digests(local_today() + timedelta(days=1), by=system("t")) == 1


# --- preferences ----------------------------------------------------------------------------


def test_optional_messages_can_be_turned_off_mandatory_ones_cannot(make_position, make_user, staff):
    position = make_position(status=PositionStatus.PENDING)
    hr = _hr(make_user, position.employer)
    keys = {key for key, _label, _on in preference_choices(hr)}
    assert "position_approved" in keys and "staff_review_digest" not in keys
    assert "employer_registration_approved" not in keys  # mandatory
    with unit_of_work():
        set_preferences(hr, keys - {"position_approved"}, by=hr)
    assert set(
        db.session.scalars(
            sa.select(NotificationOptOut.template).where(NotificationOptOut.user_id == hr.id)
        )
    ) == {"position_approved", "position_rejected"}  # one switch for approved and rejected
    assert ("position_approved", "岗位审核结果", False) in preference_choices(hr)

    with unit_of_work():
        review_position(position, True, by=staff)
    assert _rows("position_approved") == []
    mandatory = send("employer_registration_approved", {"employer": "甲", "url": "u"}, user=hr)
    assert len(mandatory) == 2

    with unit_of_work():
        set_preferences(hr, keys, by=hr)
    assert preference_choices(hr)[0][2] is True


def test_the_account_page_switches(client, login_as, make_user, staff):
    hr = make_user(Role.EMPLOYER, mobile="13912340001")
    login_as(hr)
    page = client.get("/account").get_data(as_text=True)
    assert "消息通知" in page and 'value="fair_reminder"' in page and "13912340001" in page
    response = client.post("/account/notifications", data={"on": ["position_approved"]})
    assert response.status_code == 302
    off = set(
        db.session.scalars(
            sa.select(NotificationOptOut.template).where(NotificationOptOut.user_id == hr.id)
        )
    )
    assert "fair_reminder" in off and "position_approved" not in off
    page = client.get("/account").get_data(as_text=True)
    assert 'value="fair_reminder" id="notify-fair_reminder">' in page  # unchecked now

    viewer = make_user(Role.VIEWER)
    client.post("/logout")
    login_as(viewer)
    assert "没有可以关闭的消息" in client.get("/account").get_data(as_text=True)
    client.post("/logout")
    login_as(staff)
    assert 'value="staff_review_digest"' in client.get("/account").get_data(as_text=True)

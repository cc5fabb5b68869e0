"""The seekers' rules (DESIGN §7), called as every door calls them."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.errors import Conflict, Forbidden, Invalid, NotFound
from recruit.fairs.models import FairStatus
from recruit.hires.intents import SeekerData as HireData
from recruit.hires.intents import register_intent
from recruit.hires.models import HireSource, TentativeHire
from recruit.notify.models import Notification
from recruit.refdata.codes import FairMode
from recruit.seekers import services
from recruit.seekers.models import (
    Application,
    ApplicationSource,
    ApplicationState,
    Entry,
    EntrySource,
    Seeker,
)
from recruit.seekers.services import SeekerThrottled
from tests.seekers.conftest import entry_values

ADDRESS = "10.0.0.1"


def enter(fair, **changes):
    return services.enter_fair(fair, entry_values(**changes), address=ADDRESS)


def test_an_entry_counts_once_per_seeker_and_fair_and_gives_a_proven_token(running_fair):
    setup = running_fair()
    first = enter(setup.fair)
    assert first.first_entry and first.new_seeker and first.secret.startswith("sk_")
    assert first.token.proven
    assert first.entry.source is EntrySource.SCAN
    again = enter(setup.fair)
    assert again.first_entry is False and again.seeker.id == first.seeker.id
    # A stranger typing the same mobile gets a token that shows nothing.
    assert not again.token.proven
    with pytest.raises(Forbidden):
        services.own_applications(again.token)
    # The phone that kept its cookie keeps its token.
    kept = services.enter_fair(
        setup.fair, entry_values(), address=ADDRESS, token_secret=first.secret
    )
    assert kept.secret is None and kept.token.id == first.token.id
    assert services.entry_at(setup.fair, first.seeker) is not None
    count = services.db.session.scalar(sa.select(sa.func.count(Entry.id)))
    assert count == 1
    seeker = first.seeker
    assert seeker.seeker_phone == "13907331234" and seeker.consent_version
    assert seeker.consent_purposes == ["entry", "apply", "follow_up"]


def test_an_entry_needs_consent_and_valid_fields_named_in_chinese(running_fair):
    setup = running_fair()
    with pytest.raises(Invalid) as refused:
        enter(setup.fair, consent=False, phone="1234", name="")
    assert set(refused.value.errors) == {"consent", "phone", "name"}
    assert refused.value.errors["phone"].startswith("手机号：")
    assert services.db.session.scalar(sa.select(sa.func.count(Seeker.id))) == 0


@pytest.mark.parametrize("status", [FairStatus.PLANNED, FairStatus.CLOSED, FairStatus.CANCELLED])
def test_entries_are_taken_only_while_the_fair_runs(running_fair, status):
    setup = running_fair()
    setup.fair.status = status
    with pytest.raises(Conflict):
        enter(setup.fair)


def test_entries_open_two_hours_before_the_start(make_fair, db):
    soon = make_fair(status=FairStatus.OPEN)
    soon.starts_at = utcnow() + timedelta(hours=3)
    soon.ends_at = soon.starts_at + timedelta(hours=3)
    with pytest.raises(Conflict) as refused:
        enter(soon)
    assert "入场登记从" in refused.value.message
    soon.starts_at = utcnow() + timedelta(hours=1)
    assert enter(soon).first_entry


def test_applications_reach_the_position_once_and_only_at_the_fair(running_fair, make_position):
    setup = running_fair()
    token = enter(setup.fair).token
    application = services.apply(token, setup.fair, setup.positions[0].id)
    assert application.state is ApplicationState.SUBMITTED
    assert application.source is ApplicationSource.BOOTH
    assert application.employer_id == setup.positions[0].employer_id
    assert application.verified is False
    with pytest.raises(Conflict):
        services.apply(token, setup.fair, setup.positions[0].id)
    with pytest.raises(Invalid) as refused:
        services.apply(token, setup.fair, make_position().id)
    assert refused.value.field == "position_id"
    services.apply(token, setup.fair, setup.positions[2].id)
    assert len(services.own_applications(token)) == 2


def test_an_offline_fair_wants_the_entry_first_an_online_one_counts_it(running_fair):
    offline = running_fair()
    other = running_fair()
    token = enter(offline.fair).token
    with pytest.raises(Conflict):
        services.apply(token, other.fair, other.positions[0].id)
    online = running_fair(mode=FairMode.ONLINE)
    application = services.apply(token, online.fair, online.positions[0].id)
    assert application.source is ApplicationSource.ONLINE
    entry = services.entry_at(online.fair, token.seeker)
    assert entry.source is EntrySource.ONLINE
    hybrid = running_fair(mode=FairMode.HYBRID)
    services.enter_fair(hybrid.fair, entry_values(), address=ADDRESS, token_secret=None)
    # At a hybrid fair the door says which way the application came.
    online_there = services.apply(
        token, hybrid.fair, hybrid.positions[1].id, source=ApplicationSource.ONLINE
    )
    assert online_there.source is ApplicationSource.ONLINE


def test_when_verification_is_required_an_application_waits_for_the_code(running_fair, app):
    setup = running_fair()
    app.config["SEEKER_PHONE_VERIFICATION"] = "on"
    try:
        token = enter(setup.fair).token
        with pytest.raises(Forbidden):
            services.apply(token, setup.fair, setup.positions[0].id)
        services.send_code(token, address=ADDRESS)
        sent = services.db.session.scalars(
            sa.select(Notification).where(Notification.template == "seeker_verify_code")
        ).one()
        assert sent.address == "13907331234"
        assert services.confirm_code(token, "000000x").field == "code"
        assert services.confirm_code(token, sent.params["code"]) is None
        application = services.apply(token, setup.fair, setup.positions[0].id)
        assert application.verified is True
    finally:
        app.config["SEEKER_PHONE_VERIFICATION"] = "auto"


def test_an_intent_becomes_the_tentative_hire_recorded_by_the_employer(running_fair, make_user):
    setup = running_fair()
    token = enter(setup.fair).token
    application = services.apply(token, setup.fair, setup.positions[0].id)
    hr = make_user(Role.EMPLOYER, employer=setup.positions[0].employer)
    stranger = make_user(Role.EMPLOYER)
    with pytest.raises(NotFound):
        services.get_application(stranger, application.id)
    assert services.get_application(hr, application.id) is application
    services.decide(application, "intent", by=hr)
    hire = application.hire
    assert hire.seeker_id == token.seeker_id and hire.recorded_by_id == hr.id
    assert hire.source is HireSource.BOOTH and hire.seeker_phone == "13907331234"
    with pytest.raises(Conflict):
        services.decide(application, "declined", by=hr)
    with pytest.raises(Invalid):
        services.decide(services.apply(token, setup.fair, setup.positions[1].id), "maybe", by=hr)


def test_declined_may_become_an_intent_and_links_an_intent_staff_typed(running_fair, make_user):
    setup = running_fair()
    organizer = make_user(Role.ORGANIZER)
    typed = register_intent(
        setup.fair,
        HireData(seeker_name="张三", seeker_phone="13907331234", position_id=setup.positions[0].id),
        by=organizer,
    )
    token = enter(setup.fair).token
    assert typed.seeker_id == token.seeker_id
    application = services.apply(token, setup.fair, setup.positions[0].id)
    services.decide(application, "declined", by=organizer)
    assert application.state is ApplicationState.DECLINED
    services.decide(application, "intent", by=organizer)
    assert application.hire_id == typed.id
    assert services.db.session.scalar(sa.select(sa.func.count(TentativeHire.id))) == 1


def test_a_county_organizer_sees_only_its_fairs_applications(running_fair, make_user):
    setup = running_fair()
    token = enter(setup.fair).token
    application = services.apply(token, setup.fair, setup.positions[0].id)
    liling = make_user(Role.ORGANIZER, region_code="430281")
    with pytest.raises(NotFound):
        services.get_application(liling, application.id)
    with pytest.raises(NotFound):
        services.fair_applications(liling, setup.fair)
    hr = make_user(Role.EMPLOYER, employer=setup.positions[2].employer)
    mine = services.db.session.scalars(services.fair_applications(hr, setup.fair)).all()
    assert mine == []


def test_deleting_keeps_every_count_and_drops_the_person(running_fair, make_user):
    setup = running_fair()
    result = enter(setup.fair)
    application = services.apply(result.token, setup.fair, setup.positions[0].id)
    hr = make_user(Role.EMPLOYER, employer=setup.positions[0].employer)
    services.decide(application, "intent", by=hr)
    services.delete_seeker(result.token)
    seeker = services.db.session.get(Seeker, result.seeker.id)
    assert seeker.name is None and seeker.seeker_phone is None and seeker.seeker_phone_hash is None
    assert services.token_for(result.secret) is None
    hire = application.hire
    services.db.session.refresh(hire)
    assert hire.seeker_phone is None and hire.seeker_name == "（已清除）"
    counts = [
        services.db.session.scalar(sa.select(sa.func.count(model.id)))
        for model in (Entry, Application, TentativeHire)
    ]
    assert counts == [1, 1, 1]
    # The same mobile may register again, as a new person.
    assert enter(setup.fair).new_seeker


def test_a_seeker_corrects_their_fields_and_their_intents_follow(running_fair, make_user):
    setup = running_fair()
    result = enter(setup.fair)
    application = services.apply(result.token, setup.fair, setup.positions[0].id)
    services.decide(application, "intent", by=make_user(Role.ADMIN))
    services.correct_profile(
        result.token, {"name": "张叁", "gender": "male", "priority_groups": ["graduate"]}
    )
    assert application.hire.seeker_name == "张叁"
    assert application.hire.priority_groups == ["graduate"]
    with pytest.raises(Invalid) as refused:
        services.correct_profile(result.token, {"name": "", "id_number": "123"})
    assert set(refused.value.errors) == {"name", "id_number"}


def test_entries_are_rate_limited_per_mobile_and_per_address(running_fair, app):
    setup = running_fair()
    app.config.update(SEEKER_ENTRIES_PER_PHONE=2, SEEKER_ENTRIES_PER_ADDRESS=3)
    try:
        enter(setup.fair)
        enter(setup.fair)
        with pytest.raises(SeekerThrottled) as refused:
            enter(setup.fair)
        assert int(refused.value.headers["Retry-After"]) > 0
        enter(setup.fair, phone="13907339999")
        with pytest.raises(SeekerThrottled):
            enter(setup.fair, phone="13907338888")
    finally:
        app.config.update(SEEKER_ENTRIES_PER_PHONE=10, SEEKER_ENTRIES_PER_ADDRESS=3000)


def test_tokens_expire(running_fair):
    setup = running_fair()
    result = enter(setup.fair)
    result.token.expires_at = utcnow() - timedelta(seconds=1)
    assert services.token_for(result.secret) is None
    assert services.token_for("sk_nonsense") is None
    assert services.token_for(None) is None


def test_a_correction_changes_only_the_fields_given(running_fair):
    setup = running_fair()
    result = services.enter_fair(
        setup.fair, entry_values(id_number="11010519491231002X"), address=ADDRESS
    )
    services.correct_profile(result.token, {"gender": "female"})
    seeker = result.seeker
    assert seeker.seeker_id_number == "11010519491231002X" and seeker.name == "张三"
    assert seeker.education.value == "junior_college"
    services.correct_profile(result.token, {"id_number": ""})
    assert seeker.seeker_id_number is None

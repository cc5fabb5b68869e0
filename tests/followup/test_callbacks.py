"""The 待回访 work list: who is due a call-back at 30 / 90 / 180 days, in whose scope."""

from datetime import timedelta

import pytest

from recruit.auth.models import Role
from recruit.errors import Forbidden, Invalid
from recruit.formatting import local_today
from recruit.hires.callbacks import answer_callback, callback_fairs, callback_page
from recruit.hires.models import StepKind
from recruit.hires.steps import history, record_step, void_step

TODAY = local_today()


def due(actor, **filters) -> dict[int, int]:
    """Return {hire id: milestone due} of the actor's whole list."""
    page = callback_page(actor, per_page=100, **filters)
    return {item.hire.id: item.milestone for item in page.items}


@pytest.mark.parametrize(
    ("started_days_ago", "milestone"),
    [(29, None), (30, 30), (35, 30), (89, 30), (90, 90), (95, 90), (180, 180), (400, 180)],
)
def test_an_intent_is_due_at_the_latest_milestone_its_start_reached(
    db, make_started, staff, started_days_ago, milestone
):
    hire = make_started(started_days_ago)

    assert due(staff).get(hire.id) == milestone


def test_intents_that_never_started_are_never_due(db, make_intent, staff):
    hire = make_intent(fair_days_ago=200)
    record_step(hire, StepKind.HIRED, TODAY - timedelta(days=190), by=staff)

    assert hire.id not in due(staff)


def test_an_answer_takes_the_intent_off_until_the_next_milestone(db, make_started, staff):
    early = make_started(35)
    later = make_started(95)
    record_step(early, StepKind.RETAINED_30, TODAY, by=staff)
    record_step(later, StepKind.RETAINED_30, TODAY - timedelta(days=60), by=staff)

    found = due(staff)

    assert early.id not in found
    assert found[later.id] == 90  # answered at 30, due again at 90


def test_a_later_milestone_answers_the_earlier_ones(db, make_started, staff):
    hire = make_started(200)
    record_step(hire, StepKind.RETAINED_180, TODAY, by=staff)

    assert hire.id not in due(staff)


def test_a_left_step_ends_the_follow_up(db, make_started, staff):
    hire = make_started(35)
    answer_callback(hire, "left", 30, on=TODAY - timedelta(days=2), by=staff)

    assert hire.id not in due(staff)
    # Nor does it come back at a later milestone.
    assert hire.id not in due(staff, milestone=90)


def test_unreachable_stays_due_after_the_untried_with_its_tries(db, make_started, staff):
    tried = make_started(40)
    untried = make_started(35)
    answer_callback(tried, "unreachable", 30, by=staff)
    answer_callback(tried, "unreachable", 30, by=staff)

    page = callback_page(staff, per_page=100)
    ids = [item.hire.id for item in page.items]

    assert ids.index(untried.id) < ids.index(tried.id)
    row = page.items[ids.index(tried.id)]
    assert (row.milestone, row.tries) == (30, 2)
    assert row.last_try is not None
    assert page.items[ids.index(untried.id)].tries == 0


def test_tries_at_an_earlier_milestone_do_not_count_at_the_next(db, make_started, staff):
    hire = make_started(95)
    record_step(hire, StepKind.UNREACHABLE, TODAY - timedelta(days=60), by=staff, milestone=30)

    (row,) = [i for i in callback_page(staff, per_page=100).items if i.hire.id == hire.id]

    assert (row.milestone, row.tries) == (90, 0)


def test_retained_answers_today_and_voiding_it_puts_the_intent_back(db, make_started, staff):
    hire = make_started(100)
    step = answer_callback(hire, "retained", 90, by=staff)
    assert (step.step, step.on) == (StepKind.RETAINED_90, TODAY)
    assert hire.id not in due(staff)

    void_step(step, "误录", by=staff)

    assert due(staff)[hire.id] == 90


def test_a_voided_start_is_no_start(db, make_started, staff):
    hire = make_started(40)
    (started,) = [s for s in history(hire) if s.step is StepKind.STARTED]

    void_step(started, "误录", by=staff)

    assert hire.id not in due(staff)


def test_filters_by_milestone_and_by_fair(db, make_started, staff):
    thirty = make_started(40)
    ninety = make_started(100)

    assert set(due(staff, milestone=30)) >= {thirty.id}
    assert ninety.id not in due(staff, milestone=30)
    assert set(due(staff, fair_id=ninety.fair_id)) == {ninety.id}
    with pytest.raises(Invalid):
        callback_page(staff, milestone=45)


def test_a_county_organizer_sees_only_its_fairs(db, make_started, make_user):
    liling = make_user(Role.ORGANIZER, region_code="430281")
    at_home = make_started(40, region="430281")
    elsewhere = make_started(40, region="430211")

    found = due(liling)

    assert at_home.id in found and elsewhere.id not in found
    assert [f.id for f in callback_fairs(liling)] == [at_home.fair_id]


def test_only_staff_see_the_list(db, make_user):
    for role in (Role.VIEWER, Role.EMPLOYER):
        with pytest.raises(Forbidden):
            callback_page(make_user(role))


def test_the_list_is_paginated(db, make_started, staff):
    hires = [make_started(40 + n) for n in range(3)]

    first = callback_page(staff, per_page=2, page=1)
    second = callback_page(staff, per_page=2, page=2)

    assert first.total == second.total == 3 and first.pages == 2
    assert {i.hire.id for i in first.items + second.items} == {h.id for h in hires}
    assert first.has_next and not second.has_next


def test_an_unknown_answer_is_refused(db, make_started, staff):
    hire = make_started(40)

    with pytest.raises(Invalid) as refused:
        answer_callback(hire, "maybe", 30, by=staff)
    assert refused.value.field == "answer"

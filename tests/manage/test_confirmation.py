"""Irreversible actions ask first, on the server: an early click never acts unconfirmed."""

import pytest

from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.fairs.models import FairStatus, ParticipationStatus
from recruit.positions.models import PositionStatus
from tests.employer.helpers import make_hire


def _asks(response) -> bool:
    return response.status_code == 200 and 'data-testid="confirm-step"' in response.get_data(
        as_text=True
    )


def test_closing_a_fair_asks_first_then_closes(client, login_as, city_organizer, open_fair):
    setup = open_fair()
    login_as(city_organizer)
    url = f"/manage/fairs/{setup.fair.id}/close"
    first = client.post(url)
    assert _asks(first) and setup.fair.status is FairStatus.OPEN
    assert 'name="confirm" value="1"' in first.get_data(as_text=True)
    client.post(url, data={"confirm": "1"})
    assert setup.fair.status is FairStatus.CLOSED


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("day/{pid}/check-in", {"undo": "1"}),
        ("participants/{pid}/review", {"decision": "withdraw"}),
        ("status", {"status": "cancelled", "reason": "场地维修"}),
    ],
)
def test_organizer_actions_that_cannot_be_undone_ask_first(
    db, client, login_as, city_organizer, open_fair, path, data
):
    setup = open_fair()
    setup.part.checked_in_at = utcnow()
    db.session.flush()
    login_as(city_organizer)
    url = f"/manage/fairs/{setup.fair.id}/" + path.format(pid=setup.part.id)
    assert _asks(client.post(url, data=data))
    assert setup.part.checked_in_at is not None
    assert setup.part.status is ParticipationStatus.APPROVED
    assert setup.fair.status is FairStatus.OPEN


def test_an_employer_confirms_closing_a_position_and_an_outcome(
    client, login_as, make_user, make_position, make_fair
):
    hr = make_user(Role.EMPLOYER)
    position = make_position(employer=hr.employer)
    hire = make_hire(make_fair, position)
    login_as(hr)
    assert _asks(client.post(f"/employer/positions/{position.id}/close"))
    assert position.status is PositionStatus.OPEN
    on = hire.fair.starts_at.date().isoformat()
    asked = client.post(f"/employer/outcomes/{hire.id}", data={"outcome": "hired", "on": on})
    assert _asks(asked) and "已录用" in asked.get_data(as_text=True)
    assert hire.hired_on is None


def test_the_outcome_list_preselects_nothing(client, login_as, make_user, make_position, make_fair):
    hr = make_user(Role.EMPLOYER)
    make_hire(make_fair, make_position(employer=hr.employer))
    login_as(hr)
    page = client.get("/employer/outcomes").get_data(as_text=True)
    assert '<option value="" selected>请选择结果</option>' in page
    assert 'value="hired" selected' not in page

"""Fixtures of the follow-up tests: staff, and intents that started some days ago."""

from datetime import timedelta

import pytest

from recruit.auth.models import Role
from recruit.fairs.models import FairStatus
from recruit.formatting import local_today
from recruit.hires.models import StepKind
from recruit.hires.steps import record_step
from tests.employer.helpers import make_hire


@pytest.fixture
def staff(make_user):
    """A city-level organizer (430200: every county in scope)."""
    return make_user(Role.ORGANIZER)


@pytest.fixture
def make_intent(make_fair, make_position):
    """Return a factory: an intent at a closed fair held fair_days_ago (in region)."""

    def factory(fair_days_ago: int = 250, region: str = "430211", position=None, **kwargs):
        fair = kwargs.pop("fair", None) or make_fair(
            day=local_today() - timedelta(days=fair_days_ago),
            status=FairStatus.CLOSED,
            region_code=region,
        )
        return make_hire(make_fair, position or make_position(), fair=fair, **kwargs)

    return factory


@pytest.fixture
def make_started(make_intent, staff):
    """Return a factory: an intent whose started step (by staff) lies days_ago in the past."""

    def factory(days_ago: int, **kwargs):
        hire = make_intent(fair_days_ago=max(days_ago + 5, 10), **kwargs)
        record_step(hire, StepKind.STARTED, local_today() - timedelta(days=days_ago), by=staff)
        return hire

    return factory

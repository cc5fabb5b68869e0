"""Fixtures of the organizer workspace tests: organizers of two scopes and a fair in progress."""

from dataclasses import dataclass

import pytest

from recruit.auth.models import Role
from recruit.fairs.models import Fair, FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.positions.models import Position


@pytest.fixture
def city_organizer(make_user):
    return make_user(Role.ORGANIZER, region_code="430200")


@pytest.fixture
def liling_organizer(make_user):
    return make_user(Role.ORGANIZER, region_code="430281")


@dataclass
class FairSetup:
    fair: Fair
    part: Participation
    position: Position


@pytest.fixture
def open_fair(db, make_fair, make_position):
    """Return an open offline fair with one approved employer offering one position."""

    def factory(**kwargs) -> FairSetup:
        kwargs.setdefault("status", FairStatus.OPEN)
        if "day" not in kwargs and "starts_at" not in kwargs:
            # Under way now: the day's records (check-ins, counts, intents) are open.
            kwargs["live"] = True
        fair = make_fair(**kwargs)
        position = make_position()
        part = Participation(
            fair=fair, employer=position.employer, status=ParticipationStatus.APPROVED
        )
        part.fair_positions.append(FairPosition(position=position, openings=3))
        db.session.add(part)
        db.session.flush()
        return FairSetup(fair, part, position)

    return factory

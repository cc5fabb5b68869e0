"""Factories of hand-built report data: fairs with attendances, tallies and intents."""

from datetime import date

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
from recruit.hires.models import Outcome, TentativeHire

MARCH_DAY = date(2026, 3, 10)


@pytest.fixture
def fair(make_fair):
    """Return a factory of fairs held on a local day (status held unless told)."""

    def factory(day: date = MARCH_DAY, **kwargs):
        kwargs.setdefault("status", FairStatus.HELD)
        return make_fair(day, **kwargs)

    return factory


@pytest.fixture
def attend(make_employer, make_position):
    """Return a function adding an employer's participation, offering positions with openings."""

    def factory(
        fair, status=ParticipationStatus.ATTENDED, openings=(), employer=None, **position_kw
    ) -> Participation:
        employer = employer or make_employer()
        positions = [make_position(employer=employer, **position_kw) for _ in openings]
        part = Participation(fair=fair, employer=employer, status=status)
        db.session.add(part)
        for position, n in zip(positions, openings, strict=True):
            part.fair_positions.append(FairPosition(position=position, openings=n))
        db.session.flush()
        return part

    return factory


@pytest.fixture
def tally():
    def factory(fair, count: int, reason: str | None = None) -> SeekerTally:
        row = SeekerTally(fair=fair, count=count, source=TallySource.GATE, reason=reason)
        db.session.add(row)
        db.session.flush()
        return row

    return factory


@pytest.fixture
def hire(make_position):
    """Return a function registering a tentative hire at a fair with an outcome."""

    def factory(
        fair, outcome=Outcome.INTENT, hired_on=None, started_on=None, position=None, **kw
    ) -> TentativeHire:
        row = TentativeHire(
            fair=fair,
            position=position or make_position(),
            seeker_name=kw.pop("seeker_name", "李海燕"),
            seeker_phone="13873310002",
            outcome=outcome,
            hired_on=hired_on,
            started_on=started_on,
            **kw,
        )
        db.session.add(row)
        db.session.flush()
        return row

    return factory

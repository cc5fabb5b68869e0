"""A fair under way with two booths, for the seekers' tests (services, pages, API)."""

from dataclasses import dataclass

import pytest

from recruit.fairs.models import (
    Fair,
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
)
from recruit.positions.models import Position
from recruit.refdata.codes import FairMode


@dataclass
class RunningFair:
    fair: Fair
    parts: list[Participation]
    positions: list[Position]

    def booth(self, n: int) -> Participation:
        return self.parts[n]


def entry_values(**changes) -> dict:
    """The values a seeker types at the gate (codes, as the API takes them)."""
    values = {
        "name": "张三",
        "phone": "13907331234",
        "consent": True,
        "education": "junior_college",
    }
    values.update(changes)
    return values


@pytest.fixture
def running_fair(db, make_fair, make_position, make_employer):
    """Return a factory of fairs under way now with booths A01, A02 (two positions each)."""

    def factory(mode: FairMode = FairMode.OFFLINE, status=FairStatus.HELD) -> RunningFair:
        fair = make_fair(live=True, status=status, mode=mode)
        parts, positions = [], []
        for n in (1, 2):
            employer = make_employer()
            part = Participation(
                fair=fair,
                employer=employer,
                status=ParticipationStatus.APPROVED,
                booth=f"A0{n}" if mode is not FairMode.ONLINE else None,
            )
            db.session.add(part)
            db.session.flush()
            for title in ("普工", "质检员"):
                position = make_position(employer=employer, title=f"{title}{n}")
                db.session.add(FairPosition(participation=part, position=position, openings=3))
                positions.append(position)
            parts.append(part)
        db.session.flush()
        return RunningFair(fair, parts, positions)

    return factory

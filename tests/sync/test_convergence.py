"""Done when: with a receiver failing a fifth of its requests, at most three runs converge."""

import random

import sqlalchemy as sa

from recruit.positions.models import Position, PositionStatus
from recruit.positions.services import set_position_status
from recruit.positions.signals import position_changed
from recruit.sync.sandbox import Faults
from recruit.sync.services import run_channel_sync
from tests.sync.conftest import ACTOR


def test_three_runs_against_a_flaky_receiver_leave_exactly_the_open_positions(
    db, channel, sandbox, make_position
):
    sandbox.state.faults = Faults(fail_rate=0.1, drop_rate=0.05, throttle_rate=0.05, retry_after=0)
    sandbox.state.random = random.Random(2026)  # the same fault sequence on every run
    positions = []
    for i in range(40):
        position = make_position(status=PositionStatus.PENDING, title=f"焊工{i}")
        set_position_status(position, PositionStatus.OPEN, by=ACTOR)
        positions.append(position)
    run_channel_sync(channel, by=ACTOR)

    # Between runs the world moves on: some close, some are edited.
    for position in positions[:6]:
        set_position_status(position, PositionStatus.CLOSED, by=ACTOR)
    for position in positions[6:12]:
        position.openings += 1
        position.revision += 1
        db.session.flush()
        position_changed.send(position, reason="revised")

    runs = 1
    while runs < 3:
        run_channel_sync(channel, by=ACTOR)
        runs += 1

    open_now = db.session.scalars(
        sa.select(Position).where(
            Position.id.in_([p.id for p in positions]), Position.status == PositionStatus.OPEN
        )
    ).all()
    held = sandbox.state.postings
    assert set(held) == {p.ref for p in open_now}
    assert all(held[p.ref]["revision"] == p.revision for p in open_now)
    applied = [r["key"] for r in sandbox.state.writes("PUT", applied_only=True)]
    assert len(applied) == len(set(applied))
    assert len(sandbox.state.writes()) > len(applied)  # the faults really happened

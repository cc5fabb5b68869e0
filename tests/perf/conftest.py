"""Fixtures of the query-count tests: a counter of SQL statements and a world that grows."""

import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.auth.models import Role, User
from recruit.channels.models import (
    Channel,
    ChannelKind,
    ChannelPosting,
    Desired,
    PostingState,
    SyncRun,
    SyncStatus,
    SyncTrigger,
)
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import (
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
    TallySource,
)
from recruit.formatting import LOCAL_TZ, local_today
from recruit.hires.models import Outcome, TentativeHire

_serial = itertools.count(1)


@pytest.fixture
def count_queries(app):
    """Return a context manager that counts the SQL statements the engine runs inside it."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting


@dataclass
class World:
    """Rows of every list page, added k at a time; the employer account owns some of each."""

    make_employer: object
    make_position: object
    make_fair: object
    home_id: int
    admin_id: int
    held_day: date
    rows: int = 0
    users: dict = field(default_factory=dict)

    def grow(self, k: int) -> None:
        """Add k more rows to every list, with the related rows each list shows."""
        home = db.session.get(Employer, self.home_id)
        for _ in range(k):
            n = next(_serial)
            other = self.make_employer()
            for employer in (home, other):
                position = self.make_position(employer=employer, title=f"岗位{n}")
                upcoming = self.make_fair(
                    local_today() + timedelta(days=3 + n % 20), status=FairStatus.OPEN
                )
                held = self.make_fair(self.held_day, status=FairStatus.HELD)
                for fair in (upcoming, held):
                    part = Participation(
                        fair=fair, employer=employer, status=ParticipationStatus.ATTENDED
                    )
                    part.fair_positions.append(FairPosition(position=position, openings=3))
                    db.session.add(part)
                db.session.add(
                    SeekerTally(fair=held, count=10, source=TallySource.GATE, recorded_by_id=None)
                )
                db.session.add(
                    TentativeHire(
                        fair=held,
                        position=position,
                        seeker_name="李海燕",
                        seeker_phone="13873310002",
                        outcome=Outcome.HIRED,
                        hired_on=self.held_day,
                    )
                )
            channel = Channel(
                code=f"c{n}", name=f"渠道{n}", kind=ChannelKind.XLSX_EXPORT, enabled=True
            )
            db.session.add(channel)
            db.session.flush()
            for code in ("jycs", channel.code):
                target = db.session.scalar(sa.select(Channel).where(Channel.code == code))
                db.session.add(
                    SyncRun(
                        channel=target,
                        trigger=SyncTrigger.MANUAL,
                        status=SyncStatus.COMPLETED,
                        started_by_id=self.admin_id,
                        finished_at=datetime.now(LOCAL_TZ),
                    )
                )
                db.session.add(
                    ChannelPosting(
                        channel=target,
                        position=position,
                        desired=Desired.PUBLISHED,
                        state=PostingState.FAILED,
                        last_error="门户拒绝",
                        failed_revision=1,
                    )
                )
            record_audit("position.revised", position, by=_viewer(n))
        self.rows += k
        db.session.flush()
        # Requests must load what they show, not find it in this test's identity map.
        db.session.expunge_all()


def _viewer(n: int) -> User:
    user = User(username=f"perf{n}", role=Role.VIEWER)
    user.set_password("perf-pass-123")
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture
def world(make_employer, make_position, make_fair, make_user):
    admin = make_user(Role.ADMIN)
    home = make_employer(region_code="430211")
    employer_user = make_user(Role.EMPLOYER, employer=home)
    built = World(
        make_employer=make_employer,
        make_position=make_position,
        make_fair=make_fair,
        home_id=home.id,
        admin_id=admin.id,
        held_day=local_today() - timedelta(days=1),
        users={"admin": admin, "employer": employer_user},
    )
    return built

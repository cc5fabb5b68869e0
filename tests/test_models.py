"""The rules the database itself enforces, on SQLite and PostgreSQL alike, and the migrations.

Each refusal is checked with a flush, so the database (not Python) must say no. The per-test
session runs inside a SAVEPOINT: after an IntegrityError, db.session.rollback() returns to it.
Tests that go on after a refusal commit their set-up first, so the rollback keeps it.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from recruit.auth.models import Role, User
from recruit.channels.models import Channel, SyncRun, SyncTrigger
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.models import (
    Fair,
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
    SeekerTally,
    TallySource,
)
from recruit.formatting import LOCAL_TZ
from recruit.hires.models import Outcome, TentativeHire
from recruit.positions.models import Position


def assert_refused(*objects) -> None:
    """Add the objects and assert that the database refuses the flush; then roll back."""
    db.session.add_all(objects)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def assert_accepted(*objects) -> None:
    db.session.add_all(objects)
    db.session.flush()


def participation(fair, employer, **kwargs) -> Participation:
    return Participation(fair=fair, employer=employer, **kwargs)


# --- uniqueness -----------------------------------------------------------------------------


def test_duplicate_uscc_is_refused(make_employer):
    first = make_employer()
    db.session.commit()
    assert_refused(
        Employer(
            name="另一家公司",
            uscc=first.uscc,
            region_code="430211",
            industry_section="C",
        )
    )
    assert db.session.scalar(sa.select(sa.func.count()).where(Employer.uscc == first.uscc)) == 1


def test_duplicate_username_is_refused(make_user):
    make_user(Role.VIEWER, username="same-name")
    db.session.commit()
    assert_refused(User(username="same-name", role=Role.VIEWER, password_hash="x"))


def test_an_employer_takes_part_in_a_fair_only_once(make_fair, make_employer):
    fair, employer = make_fair(), make_employer()
    db.session.add(participation(fair, employer))
    db.session.commit()
    assert_refused(participation(fair, employer, status=ParticipationStatus.APPROVED))


def test_a_booth_is_given_once_per_fair(make_fair, make_employer):
    fair = make_fair()
    db.session.add(participation(fair, make_employer(), booth="A01"))
    db.session.commit()
    assert_refused(participation(fair, make_employer(), booth="A01"))


def test_many_participations_may_have_no_booth_yet(make_fair, make_employer):
    fair = make_fair()
    employers = [make_employer() for _ in range(3)]
    assert_accepted(*(participation(fair, employer, booth=None) for employer in employers))
    assert len(fair.participations) == 3


def test_the_same_booth_number_may_be_used_at_different_fairs(make_fair, make_employer):
    employer, first, second = make_employer(), make_fair(), make_fair()
    assert_accepted(
        participation(first, employer, booth="A01"),
        participation(second, employer, booth="A01"),
    )


def test_a_position_is_offered_once_per_participation(make_fair, make_position):
    position = make_position()
    part = participation(make_fair(), position.employer)
    part.fair_positions.append(FairPosition(position=position, openings=2))
    db.session.add(part)
    db.session.commit()
    assert_refused(FairPosition(participation=part, position=position, openings=3))


def test_scheduled_sync_runs_are_unique_per_channel_and_week_but_manual_runs_are_not():
    channel = db.session.scalar(sa.select(Channel).where(Channel.code == "jycs"))
    assert_accepted(
        SyncRun(channel=channel, trigger=SyncTrigger.MANUAL, week=None),
        SyncRun(channel=channel, trigger=SyncTrigger.MANUAL, week=None),
        SyncRun(channel=channel, trigger=SyncTrigger.SCHEDULE, week="2026-W10"),
    )
    db.session.commit()
    assert_refused(SyncRun(channel=channel, trigger=SyncTrigger.CATCH_UP, week="2026-W10"))


# --- checks ---------------------------------------------------------------------------------


def test_position_needs_at_least_one_opening(make_position):
    position = make_position()
    db.session.commit()
    position.openings = 0
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "values",
    [
        {"openings": 0},
        {"openings": -3},
        {"salary_min": 7000, "salary_max": 6000},
        {"salary_min": -1, "salary_max": None},
        {"occupation_major_group": 0},
        {"occupation_major_group": 9},
    ],
    ids=[
        "no-openings",
        "negative-openings",
        "min-above-max",
        "negative-salary",
        "group-0",
        "group-9",
    ],
)
def test_position_values_outside_the_rules_are_refused(make_employer, values):
    employer = make_employer()
    fields = dict(
        employer=employer,
        title="普工",
        occupation_major_group=6,
        openings=5,
        salary_min=4000,
        salary_max=6000,
        work_region_code="430211",
        valid_until=date(2026, 12, 31),
    )
    fields.update(values)
    assert_refused(Position(**fields))


def test_position_salary_may_be_equal_or_negotiable(make_position):
    assert_accepted(
        make_position(salary_min=5000, salary_max=5000),
        make_position(salary_min=None, salary_max=None, salary_negotiable=True),
        make_position(salary_min=5000, salary_max=None),
    )


def test_seeker_tally_of_zero_is_refused(make_fair):
    assert_refused(SeekerTally(fair=make_fair(), count=0, source=TallySource.GATE))


def test_negative_seeker_tally_needs_a_reason(make_fair):
    fair = make_fair()
    db.session.commit()
    assert_refused(SeekerTally(fair=fair, count=-5, source=TallySource.GATE))
    assert_accepted(
        SeekerTally(fair=fair, count=-5, source=TallySource.GATE, reason="入口重复计数更正")
    )


def test_fair_position_needs_at_least_one_opening(make_fair, make_position):
    position = make_position()
    part = participation(make_fair(), position.employer)
    db.session.add(part)
    db.session.commit()
    assert_refused(FairPosition(participation=part, position=position, openings=0))


def test_fair_cannot_end_before_it_starts(make_fair):
    start = datetime(2026, 3, 5, 9, tzinfo=LOCAL_TZ)
    with pytest.raises(sa.exc.IntegrityError):
        make_fair(starts_at=start, ends_at=start - timedelta(minutes=1))
    db.session.rollback()


def test_fair_may_end_when_it_starts(make_fair):
    start = datetime(2026, 3, 5, 9, tzinfo=LOCAL_TZ)
    fair = make_fair(starts_at=start, ends_at=start)
    assert fair.id is not None


def test_negative_booth_capacity_is_refused(make_fair):
    with pytest.raises(sa.exc.IntegrityError):
        make_fair(booth_capacity=-1)
    db.session.rollback()


def test_organizer_without_region_is_refused():
    assert_refused(User(username="no-region", role=Role.ORGANIZER, password_hash="x"))


def test_employer_account_without_employer_is_refused():
    assert_refused(User(username="no-employer", role=Role.EMPLOYER, password_hash="x"))


def test_started_hire_must_have_been_hired(make_fair, make_position):
    fair, position = make_fair(), make_position()
    db.session.commit()
    fields = dict(fair=fair, position=position, seeker_name="王建华", seeker_phone="13873310001")
    assert_refused(TentativeHire(**fields, outcome=Outcome.STARTED, started_on=date(2026, 3, 20)))
    assert_accepted(
        TentativeHire(
            **fields,
            outcome=Outcome.STARTED,
            hired_on=date(2026, 3, 12),
            started_on=date(2026, 3, 20),
        )
    )


def test_foreign_keys_are_enforced(make_employer):
    employer = make_employer()
    db.session.commit()
    assert_refused(Participation(fair_id=987654321, employer_id=employer.id))
    assert_refused(
        Employer(
            name="无区划", uscc="91430211MA4TYYYY9X", region_code="999999", industry_section="C"
        )
    )


# --- optimistic locking ---------------------------------------------------------------------


def _bump_version_behind_the_orms_back(table: str, row_id: int) -> None:
    db.session.connection().execute(
        sa.text(f"UPDATE {table} SET version = version + 1 WHERE id = :id"), {"id": row_id}
    )


def test_position_saved_from_a_stale_version_is_refused(make_position):
    position = make_position()
    db.session.commit()
    version = position.version

    _bump_version_behind_the_orms_back("positions", position.id)
    position.title = "陶瓷成型工"

    with pytest.raises(sa.orm.exc.StaleDataError):
        db.session.flush()
    db.session.rollback()
    db.session.expire_all()
    fresh = db.session.get(Position, position.id)
    assert fresh.title == "普工"
    assert fresh.version == version


def test_fair_saved_from_a_stale_version_is_refused(make_fair):
    fair = make_fair()
    db.session.commit()

    _bump_version_behind_the_orms_back("fairs", fair.id)
    fair.status = FairStatus.CANCELLED

    with pytest.raises(sa.orm.exc.StaleDataError):
        db.session.flush()
    db.session.rollback()


def test_every_save_increases_the_version(make_position):
    position = make_position()
    db.session.commit()
    first = position.version
    position.openings = 7
    db.session.commit()
    assert position.version == first + 1


# --- timestamps -----------------------------------------------------------------------------


def test_timestamps_round_trip_as_aware_utc(make_fair):
    local_start = datetime(2026, 3, 31, 23, 30, tzinfo=LOCAL_TZ)
    fair = make_fair(starts_at=local_start, ends_at=local_start + timedelta(hours=2))
    db.session.commit()
    fair_id = fair.id
    db.session.expire_all()

    loaded = db.session.get(Fair, fair_id)

    assert loaded.starts_at.tzinfo is not None
    assert loaded.starts_at.utcoffset() == timedelta(0)
    assert loaded.starts_at == local_start
    assert loaded.starts_at == datetime(2026, 3, 31, 15, 30, tzinfo=UTC)
    assert loaded.created_at.utcoffset() == timedelta(0)


def test_timestamps_are_stored_as_utc_wall_time(make_fair):
    local_start = datetime(2026, 3, 31, 23, 30, tzinfo=LOCAL_TZ)
    fair = make_fair(starts_at=local_start, ends_at=local_start + timedelta(hours=2))
    raw = db.session.connection().execute(
        sa.text("SELECT starts_at FROM fairs WHERE id = :id"), {"id": fair.id}
    )
    stored = raw.scalar_one()
    # SQLite returns the text it stored, PostgreSQL a naive datetime: both in UTC.
    assert str(stored).startswith("2026-03-31 15:30:00")


def test_naive_datetimes_are_refused(make_fair):
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        make_fair(starts_at=datetime(2026, 3, 5, 9), ends_at=datetime(2026, 3, 5, 12))
    db.session.rollback()


# --- migrations -----------------------------------------------------------------------------


def test_migrations_match_the_models(app):
    """Autogenerate finds nothing to do: the migrated database is what the models describe.

    Types are compared too (UTCDateTime and the VARCHAR enums compare cleanly). Alembic never
    compares CHECK constraints, which is why the tests above prove each one on the database.
    """
    migrate_config = app.extensions["migrate"].configure_args
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "render_as_batch": migrate_config.get("render_as_batch", False),
            },
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []

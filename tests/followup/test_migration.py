"""Migration 0024: the dates older intents carry become their first steps."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from recruit import create_app
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db as _db
from recruit.fairs.models import Fair, FairStatus
from recruit.formatting import LOCAL_TZ
from recruit.hires.models import Outcome, TentativeHire
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.services import load_refdata
from recruit.validators import uscc_check_char

#: (id, outcome, hired_on, started_on, outcome_on) as the intents stood before 0024.
OLD_ROWS = [
    (1, "intent", None, None, None),
    (2, "hired", "2026-03-10", None, "2026-03-10"),
    (3, "started", "2026-03-10", "2026-03-15", "2026-03-15"),
    (4, "withdrawn", "2026-03-10", None, "2026-03-20"),
    (5, "declined", None, None, "2026-03-12"),
]


def _old_intents() -> list[TentativeHire]:
    body = "91430211MA4T99999"
    employer = Employer(
        name="迁移测试企业",
        uscc=body + uscc_check_char(body),
        region_code="430211",
        industry_section="C",
        status=EmployerStatus.APPROVED,
    )
    position = Position(
        employer=employer,
        title="普工",
        occupation_major_group=6,
        openings=1,
        work_region_code="430211",
        valid_until=date(2026, 6, 30),
        status=PositionStatus.OPEN,
    )
    start = datetime(2026, 3, 1, 9, tzinfo=LOCAL_TZ)
    fair = Fair(
        title="迁移测试招聘会",
        type=FairType.COMPREHENSIVE,
        mode=FairMode.OFFLINE,
        region_code="430211",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        organizer_unit="株洲市公共就业服务中心",
        status=FairStatus.CLOSED,
    )
    day = {None: None} | {d: date.fromisoformat(d) for row in OLD_ROWS for d in row[2:] if d}
    return [
        TentativeHire(
            id=hire_id,
            fair=fair,
            position=position,
            seeker_name="张三",
            outcome=Outcome(outcome),
            hired_on=day[hired],
            started_on=day[started],
            outcome_on=day[on],
        )
        for hire_id, outcome, hired, started, on in OLD_ROWS
    ]


@pytest.mark.ownsdb
def test_the_backfill_turns_old_dates_into_steps(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade(revision="0023")
        load_refdata()
        _db.session.add_all(_old_intents())
        _db.session.commit()
        upgrade(revision="0024")
        steps = _db.session.execute(
            sa.text('SELECT hire_id, step, "on", voided_at FROM hire_steps ORDER BY hire_id, "on"')
        ).all()
        downgrade(revision="0023")
        tables = sa.inspect(_db.engine).get_table_names()
        _db.session.remove()
        _db.engine.dispose()
    assert [(h, s, str(on)) for h, s, on, _voided in steps] == [
        (2, "hired", "2026-03-10"),
        (3, "hired", "2026-03-10"),
        (3, "started", "2026-03-15"),
        (4, "hired", "2026-03-10"),
        (4, "withdrawn", "2026-03-20"),
        (5, "declined", "2026-03-12"),
    ]
    assert all(voided is None for *_rest, voided in steps)
    assert "hire_steps" not in tables

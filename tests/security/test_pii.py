"""Seekers' phone and ID numbers: encrypted at rest, hashed for duplicates, rotated, purged,
exported only after a fresh password, and never readable from the disk or the logs."""

import logging
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from flask_migrate import upgrade

from recruit import create_app
from recruit.auth.access import SIGNED_IN_AT
from recruit.auth.actors import system
from recruit.auth.models import Role, User
from recruit.auth.tokens import create_token
from recruit.extensions import db as _db
from recruit.fairs.models import FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import LOCAL_TZ, local_today
from recruit.hires.models import TentativeHire
from recruit.hires.privacy import REMOVED_NAME, purge_personal_data, rotate_pii_keys
from recruit.refdata.services import load_refdata
from recruit.reports.metrics import compute_metrics

PHONE = "13876543210"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def hire(db, make_fair, make_position):
    fair = make_fair(live=True, status=FairStatus.HELD)
    position = make_position()
    part = Participation(fair=fair, employer=position.employer, status=ParticipationStatus.ATTENDED)
    part.fair_positions.append(FairPosition(position=position, openings=3))
    hire = TentativeHire(
        fair=fair,
        position=position,
        seeker_name="王五",
        seeker_phone=PHONE,
        seeker_id_number=ID_NUMBER,
    )
    db.session.add_all([part, hire])
    db.session.flush()
    return hire


def _raw(db, hire_id):
    return db.session.execute(
        sa.text(
            "SELECT seeker_phone, seeker_id_number, seeker_phone_hash FROM tentative_hires "
            "WHERE id = :id"
        ),
        {"id": hire_id},
    ).one()


def test_phone_and_id_number_are_stored_encrypted_with_a_keyed_hash(db, hire):
    phone, id_number, phone_hash = _raw(db, hire.id)
    assert PHONE not in phone and ID_NUMBER not in id_number
    assert phone.startswith("gAAAAA") and len(phone_hash) == 64
    db.session.expire_all()
    assert db.session.get(TentativeHire, hire.id).seeker_phone == PHONE


def test_keys_rotate_so_an_old_key_can_be_retired(app, db, hire, monkeypatch):
    old_keys = list(app.config["PII_KEYS"])
    new_key = Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "PII_KEYS", [new_key, *old_keys])
    before = _raw(db, hire.id)[0]
    assert rotate_pii_keys(batch=1) >= 1
    after = _raw(db, hire.id)[0]
    assert after != before
    monkeypatch.setitem(app.config, "PII_KEYS", [new_key])  # the old key is gone
    db.session.expire_all()
    assert db.session.get(TentativeHire, hire.id).seeker_phone == PHONE


def test_the_retention_job_removes_personal_data_and_keeps_the_counts(db, make_fair, hire):
    today = local_today()
    hire.fair.starts_at -= timedelta(days=800)
    hire.fair.ends_at -= timedelta(days=800)
    hire.fair.status = FairStatus.CLOSED
    db.session.flush()
    day = (hire.fair.starts_at + timedelta(hours=8)).date()
    counted = compute_metrics(day, day).tentative_hires
    assert purge_personal_data(today, 24, by=system("tests.pii")) == 1
    db.session.expire_all()
    purged = db.session.get(TentativeHire, hire.id)
    assert (purged.seeker_name, purged.seeker_phone, purged.seeker_id_number) == (
        REMOVED_NAME,
        None,
        None,
    )
    assert purged.pii_removed_at is not None
    assert compute_metrics(day, day).tentative_hires == counted == 1
    assert purge_personal_data(today, 24, by=system("tests.pii")) == 0


def test_recent_fairs_keep_their_personal_data(db, hire):
    assert purge_personal_data(local_today(), 24, by=system("tests.pii")) == 0
    assert db.session.get(TentativeHire, hire.id).seeker_phone == PHONE


def test_exporting_personal_data_asks_for_the_password_again(client, db, hire, make_user, login_as):
    organizer = make_user(Role.ORGANIZER)
    db.session.commit()
    login_as(organizer)
    url = f"/manage/fairs/{hire.fair_id}/intents.xlsx"
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = "2020-01-01T00:00:00+00:00"
    response = client.get(url)
    assert response.status_code == 302 and "/reauth" in response.headers["Location"]
    refused = client.post(f"/reauth?next={url}", data={"password": "wrong-pass-1"})
    assert "密码不正确" in refused.get_data(as_text=True)
    confirmed = client.post(f"/reauth?next={url}", data={"password": "test-pass-123"})
    assert confirmed.headers["Location"].endswith(url)
    with client.get(url) as export:
        assert export.status_code == 200
        assert export.mimetype.endswith("spreadsheetml.sheet")
    actions = _db.session.scalars(
        sa.text("SELECT action FROM audit_log WHERE user_id = :u"), {"u": organizer.id}
    ).all()
    assert "user.reauth" in actions and "hire.export" in actions


@pytest.mark.ownsdb
def test_no_phone_or_id_number_in_clear_on_disk_or_in_the_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "disk.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        upgrade()
        load_refdata()
        from tests.conftest import TEST_PASSWORD

        organizer = User(username="disk-org", role=Role.ORGANIZER, region_code="430200")
        organizer.set_password(TEST_PASSWORD)
        _db.session.add(organizer)
        _db.session.commit()
        _token, secret = create_token(organizer, "disk")
        _db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    from tests.api.test_openapi_script import _employer

    # Starts within two hours: the day's records (the intent below) are already open.
    starts = (datetime.now(LOCAL_TZ) + timedelta(hours=1)).replace(second=0, microsecond=0)
    day = starts.date()
    employer = client.post("/api/v1/employers", json=_employer(77)).get_json()
    client.post(
        f"/api/v1/manage/employers/{employer['employer_id']}/review",
        json={"approve": True},
        headers=headers,
    )
    fair = client.post(
        "/api/v1/manage/fairs",
        json={
            "title": "落盘检查招聘会",
            "type": "comprehensive",
            "mode": "offline",
            "region_code": "430211",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=3)).isoformat(),
            "organizer_unit": "株洲市公共就业服务中心",
        },
        headers=headers,
    ).get_json()
    with app.app_context():
        from recruit.positions.models import Position, PositionStatus

        position = Position(
            employer_id=employer["employer_id"],
            title="普工",
            occupation_major_group=6,
            openings=3,
            salary_min=3000,
            salary_max=5000,
            work_region_code="430211",
            valid_until=day + timedelta(days=30),
            status=PositionStatus.OPEN,
        )
        _db.session.add(position)
        _db.session.commit()
        position_id = position.id
    client.post(
        f"/api/v1/manage/fairs/{fair['id']}/participations",
        json={
            "employer_id": employer["employer_id"],
            "offers": [{"position_id": position_id, "openings": 3}],
        },
        headers=headers,
    )
    client.post(
        f"/api/v1/manage/fairs/{fair['id']}/status", json={"status": "held"}, headers=headers
    )
    response = client.post(
        f"/api/v1/manage/fairs/{fair['id']}/hires",
        json={
            "seeker_name": "赵六",
            "seeker_phone": PHONE,
            "seeker_id_number": ID_NUMBER,
            "position_id": position_id,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    duplicate = client.post(
        f"/api/v1/manage/fairs/{fair['id']}/hires",
        json={"seeker_name": "赵六", "seeker_phone": PHONE, "position_id": position_id},
        headers=headers,
    )
    assert duplicate.status_code == 409  # found through the keyed hash
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
    for file in [path, *Path(tmp_path).glob("disk.db-*")]:
        content = file.read_bytes()
        assert PHONE.encode() not in content, file
        assert ID_NUMBER.encode() not in content, file
    assert PHONE not in caplog.text and ID_NUMBER not in caplog.text


@pytest.mark.ownsdb
def test_the_migration_encrypts_rows_written_in_clear_and_its_downgrade_decrypts(tmp_path):
    from flask_migrate import downgrade

    path = tmp_path / "old.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        upgrade()
        from recruit.demo.services import seed_demo

        seed_demo()
        _db.session.commit()
        hire_id = _db.session.scalar(
            sa.select(TentativeHire.id).where(TentativeHire.seeker_id_number.is_not(None))
        )
        phone, id_number = _db.session.execute(
            sa.select(TentativeHire.seeker_phone, TentativeHire.seeker_id_number).where(
                TentativeHire.id == hire_id
            )
        ).one()
        _db.session.remove()

        downgrade(revision="0005")  # back to the schema that kept them in clear
        raw = sqlite3.connect(path)
        assert raw.execute(
            "SELECT seeker_phone, seeker_id_number FROM tentative_hires WHERE id = ?", (hire_id,)
        ).fetchone() == (phone, id_number)
        raw.close()

        upgrade()
        stored = _db.session.execute(
            sa.text(
                "SELECT seeker_phone, seeker_id_number, seeker_phone_hash FROM tentative_hires "
                "WHERE id = :id"
            ),
            {"id": hire_id},
        ).one()
        assert stored[0].startswith("gAAAAA") and stored[1].startswith("gAAAAA")
        assert stored[2] is not None
        assert _db.session.get(TentativeHire, hire_id).seeker_id_number == id_number
        _db.session.remove()
        _db.engine.dispose()


def test_retention_cutoff_counts_calendar_months():
    from recruit.hires.privacy import retention_cutoff

    assert retention_cutoff(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert retention_cutoff(date(2026, 1, 15), 24) == date(2024, 1, 15)

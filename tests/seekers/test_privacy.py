"""Seekers' personal data over time: key rotation and the retention period cover them too."""

from datetime import timedelta

import sqlalchemy as sa
from cryptography.fernet import Fernet

from recruit.auth.actors import system
from recruit.fairs.models import FairStatus
from recruit.formatting import local_today
from recruit.hires.privacy import purge_personal_data, rotate_pii_keys
from recruit.seekers import services
from recruit.seekers.models import Entry, Seeker
from tests.seekers.conftest import entry_values


def _raw_phone(db, seeker_id):
    return db.session.execute(
        sa.text("SELECT seeker_phone FROM seekers WHERE id = :id"), {"id": seeker_id}
    ).scalar_one()


def test_a_seekers_mobile_is_stored_encrypted_and_rotates_with_the_keys(
    app, db, running_fair, monkeypatch
):
    setup = running_fair()
    seeker = services.enter_fair(setup.fair, entry_values(), address="-").seeker
    before = _raw_phone(db, seeker.id)
    assert before.startswith("gAAAAA") and "13907331234" not in before
    new_key = Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "PII_KEYS", [new_key, *app.config["PII_KEYS"]])
    assert rotate_pii_keys() >= 1
    assert _raw_phone(db, seeker.id) != before
    monkeypatch.setitem(app.config, "PII_KEYS", [new_key])
    db.session.expire_all()
    assert db.session.get(Seeker, seeker.id).seeker_phone == "13907331234"


def test_the_retention_period_removes_quiet_seekers_and_keeps_their_entries(db, running_fair):
    old = running_fair()
    quiet = services.enter_fair(old.fair, entry_values(), address="-").seeker
    busy = services.enter_fair(old.fair, entry_values(phone="13907330000"), address="-").seeker
    recent = running_fair()
    services.enter_fair(recent.fair, entry_values(phone="13907330000"), address="-")
    for row in (old.fair,):
        row.starts_at -= timedelta(days=800)
        row.ends_at -= timedelta(days=800)
        row.status = FairStatus.CLOSED
    quiet.created_at -= timedelta(days=800)
    busy.created_at -= timedelta(days=800)
    db.session.flush()
    assert purge_personal_data(local_today(), 24, by=system("tests.pii")) == 1
    db.session.expire_all()
    gone = db.session.get(Seeker, quiet.id)
    assert gone.deleted_at is not None and gone.seeker_phone is None and gone.name is None
    assert db.session.get(Seeker, busy.id).seeker_phone == "13907330000"
    assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 3

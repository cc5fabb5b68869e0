"""Real processes against one database: a run killed half-way, two schedulers at once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from flask_migrate import upgrade

from recruit import create_app
from recruit.channels.models import Channel, SyncRun, SyncStatus
from recruit.channels.services import seed_channels
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db as _db
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.services import load_refdata
from recruit.sync.desired import refresh_all
from recruit.sync.sandbox import Faults, SandboxState, start_sandbox
from recruit.validators import uscc_check_char

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "t5-process-token"


@pytest.fixture(autouse=True)
def db():
    """These tests commit for real, into a database of their own (not the rolled-back one)."""
    yield None


@pytest.fixture
def shared_db(tmp_path):
    """A fresh migrated database other processes can open: a SQLite file or a PG schema."""
    base = os.environ.get("TEST_DATABASE_URL")
    schema = None
    if base:
        schema = f"t5_proc_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(base)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine.dispose()
        joiner = "&" if "?" in base else "?"
        url = f"{base}{joiner}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'shared.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        upgrade()
        load_refdata()
        seed_channels()
        _db.session.commit()
        _db.session.remove()
    try:
        yield app, url
    finally:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        if schema:
            engine = sa.create_engine(base)
            with engine.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            engine.dispose()


def seed(app, base_url: str, n: int) -> list[str]:
    """Commit n open positions and point 湘就业 at the receiver; return their refs."""
    with app.app_context():
        body = "91430211MA4TP0001"
        employer = Employer(
            name="株洲测试制造有限公司",
            uscc=body + uscc_check_char(body),
            region_code="430211",
            industry_section="C",
            status=EmployerStatus.APPROVED,
        )
        _db.session.add(employer)
        positions = [
            Position(
                employer=employer,
                title=f"装配工{i}",
                occupation_major_group=6,
                openings=3,
                work_region_code="430211",
                valid_until=date.today() + timedelta(days=30),
                status=PositionStatus.OPEN,
            )
            for i in range(n)
        ]
        _db.session.add_all(positions)
        channel = _db.session.scalar(sa.select(Channel).where(Channel.code == "xjy"))
        channel.base_url = base_url
        channel.token_env = "RECRUIT_CHANNEL_XJY_TOKEN"
        channel.enabled = True
        # Only the channel under test is scheduled.
        for other in _db.session.scalars(sa.select(Channel).where(Channel.code != "xjy")):
            other.enabled = False
        _db.session.flush()
        refresh_all()
        _db.session.commit()
        refs = [p.ref for p in positions]
        _db.session.remove()
        return refs


def env_for(url: str, tmp_path: Path, **extra) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)
    env.update(
        DATABASE_URL=url,
        RECRUIT_INSTANCE_PATH=str(tmp_path / "instance"),
        RECRUIT_CHANNEL_XJY_TOKEN=TOKEN,
        SYNC_BACKOFF_BASE="0.01",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def flask(*args) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


@pytest.fixture
def slow_sandbox():
    state = SandboxState(token=TOKEN, faults=Faults(latency=0.05))
    server, thread = start_sandbox(state=state)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_run_killed_half_way_converges_on_the_next_run_without_repeating(
    shared_db, slow_sandbox, tmp_path
):
    app, url = shared_db
    refs = seed(app, slow_sandbox.base_url, 200)
    state = slow_sandbox.state

    first = subprocess.Popen(
        flask("sync", "run", "--channel", "xjy"),
        cwd=ROOT,
        env=env_for(url, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(state.writes(applied_only=True)) >= 15, 60, "15 PUTs")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    delivered_before = len(state.postings)
    assert 15 <= delivered_before < 200

    # The killed run's heartbeat goes stale after a second; the next run takes the channel.
    time.sleep(1.2)
    second = subprocess.run(
        flask("sync", "run", "--channel", "xjy"),
        cwd=ROOT,
        env=env_for(url, tmp_path, SYNC_STALE_AFTER="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr

    assert set(state.postings) == set(refs)
    applied = [r["key"] for r in state.writes("PUT", applied_only=True)]
    assert len(applied) == len(set(applied)) == 200  # no ref PUT twice for the same revision
    with app.app_context():
        runs = _db.session.scalars(sa.select(SyncRun).order_by(SyncRun.id)).all()
        assert [r.status for r in runs] == [SyncStatus.FAILED, SyncStatus.COMPLETED]
        # The items answered but not yet recorded when killed may be sent again: at most the
        # run's window, twice the channel's 8 (eight travelling, eight more planned or
        # answered and waiting to be recorded). The receiver replays them by their
        # Idempotency-Key instead of applying them twice.
        assert 0 <= runs[1].created - (200 - delivered_before) <= 2 * 8
        _db.session.remove()
    assert slow_sandbox.state.stats()["conflicts"] == 0


def test_two_scheduler_processes_run_the_weekly_sync_once(shared_db, slow_sandbox, tmp_path):
    app, url = shared_db
    refs = seed(app, slow_sandbox.base_url, 20)
    env = env_for(url, tmp_path)
    schedulers = [
        subprocess.Popen(
            flask("jobs", "run"),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]

    def completed() -> bool:
        with app.app_context():
            try:
                return bool(
                    _db.session.scalar(
                        sa.select(sa.func.count())
                        .select_from(SyncRun)
                        .where(SyncRun.status == SyncStatus.COMPLETED)
                    )
                )
            finally:
                _db.session.remove()

    try:
        wait_for(completed, 60, "the catch-up run to complete")
        time.sleep(1.5)  # give the other scheduler every chance to run it again
        assert all(p.poll() is None for p in schedulers), "a scheduler exited early"
    finally:
        for process in schedulers:
            process.terminate()
        for process in schedulers:
            process.wait(10)

    with app.app_context():
        runs = _db.session.scalars(sa.select(SyncRun)).all()
        assert len(runs) == 1
        assert runs[0].week is not None and runs[0].created == 20
        _db.session.remove()
    puts = slow_sandbox.state.writes("PUT")
    assert sorted(r["ref"] for r in puts) == sorted(refs)


def test_portal_sandbox_command_serves_protocol_v1_on_loopback(tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = env_for(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path)
    server = subprocess.Popen(
        flask("portal-sandbox", "--port", str(port), "--token", "abc"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            try:
                requests.get(f"{base}/postings", timeout=1).close()
                return True
            except requests.ConnectionError:
                return False

        wait_for(up, 30, "the sandbox to listen")
        with requests.Session() as session:
            denied = session.put(f"{base}/postings/ZZ-P000001", json={"ref": "ZZ-P000001"})
            assert denied.status_code == 401
            # The listing, the counters and the read-back check the token too.
            for path in ("/postings", "/stats", "/postings/ZZ-P000001"):
                assert session.get(f"{base}{path}").status_code == 401
            session.headers["Authorization"] = "Bearer abc"
            created = session.put(
                f"{base}/postings/ZZ-P000001",
                json={"ref": "ZZ-P000001", "title": "电工", "revision": 1},
                headers={"Idempotency-Key": "ZZ-P000001:1"},
            )
            assert created.status_code == 201 and created.json()["id"]
            listing = session.get(f"{base}/postings").json()
            assert [p["ref"] for p in listing["postings"]] == ["ZZ-P000001"]
            held = session.get(f"{base}/postings/ZZ-P000001").json()
            assert held["ref"] == "ZZ-P000001" and held["revision"] == 1
            assert len(held["content_hash"]) == 64
            assert session.delete(f"{base}/postings/ZZ-P000001").status_code == 204
            assert session.delete(f"{base}/postings/ZZ-P000001").status_code == 404
    finally:
        server.terminate()
        server.wait(10)

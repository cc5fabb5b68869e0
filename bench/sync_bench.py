"""Benchmark of the weekly sync (DESIGN §6): 5,000 postings to the reference receiver.

Measures, on each database asked for:
  * the first sync of N open positions to a receiver on loopback (goal ≤ 15 s),
  * a plain requests.Session loop of the same PUTs in the same run, and the ratio (goal ≤ 1.5×),
  * a no-change re-sync of the N postings, forced to re-check every row (goal ≤ 2 s, 0 requests).

Usage (from the repository root):
  .venv/bin/python bench/sync_bench.py --n 5000 --databases sqlite,postgresql --record

PostgreSQL uses the database recruit_t5_bench (created if missing, emptied on every run) at
BENCH_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/recruit_t5_bench).
"""

import argparse
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from recruit import create_app  # noqa: E402
from recruit.auth.actors import system  # noqa: E402
from recruit.channels.models import Channel  # noqa: E402
from recruit.channels.services import seed_channels  # noqa: E402
from recruit.employers.models import Employer, EmployerStatus  # noqa: E402
from recruit.extensions import db  # noqa: E402
from recruit.positions.models import Position, PositionStatus  # noqa: E402
from recruit.refdata.services import load_refdata  # noqa: E402
from recruit.sync.desired import refresh_desired  # noqa: E402
from recruit.sync.documents import (  # noqa: E402
    build_document,
    document_hash,
    encode_document,
    fairs_of,
)
from recruit.sync.services import run_channel_sync  # noqa: E402

BENCH = system("bench.sync")
from recruit.validators import uscc_check_char  # noqa: E402

PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/recruit_t5_bench"
)
TOKEN = "bench-token"
REGIONS = ["430202", "430203", "430204", "430211", "430212", "430223", "430281"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_receiver(latency_ms: float = 0, **faults) -> tuple[subprocess.Popen, str]:
    """Start the reference receiver in its own process, as an integrator would.

    It answers latency_ms late and injects the given faults (recruit.sync.sandbox.Faults).
    """
    port = free_port()
    options = "".join(f", {k}={v!r}" for k, v in faults.items())
    code = (
        "from recruit.sync.sandbox import Faults, SandboxServer, SandboxState;"
        f"faults = Faults(latency={latency_ms / 1000!r}{options});"
        f"SandboxServer(('127.0.0.1', {port}), SandboxState({TOKEN!r}, faults)).serve_forever()"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    # Importing the app takes seconds on a busy machine: wait for it, but not forever.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            requests.get(f"{url}/stats", timeout=1).close()  # any answer: it listens
            return process, url
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("receiver did not start")


def stats(url: str) -> dict:
    # The receiver checks its token on every request, its counters included.
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with requests.get(f"{url}/stats", headers=headers, timeout=5) as response:
        return response.json()


def fresh_database(kind: str, folder: Path, pg_url: str = PG_URL) -> str:
    """Return the URL of an empty database: a file in `folder`, or `pg_url` emptied."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}"
    server_url = pg_url.rsplit("/", 1)[0] + "/postgres"
    name = pg_url.rsplit("/", 1)[1]
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return pg_url


def record(title: str, notes: list[str], header: list[str], rows: list[str], load: str) -> None:
    """Append one run to bench/README.md: title, machine, load, the command, notes, the table."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    script = Path(sys.argv[0]).resolve().relative_to(ROOT).as_posix()
    command = " ".join([f".venv/bin/python {script}", *sys.argv[1:]])
    block = [
        "",
        f"### {title} · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {commit}",
        "",
        f"Machine: {machine()}, load average before the run {load}  ",
        f"Command: `{command}`" + ("  " if notes else ""),
        *notes,
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *rows,
        "",
    ]
    with open(ROOT / "bench" / "README.md", "a", encoding="utf-8") as handle:
        handle.write("\n".join(block))


def seed(n: int) -> None:
    """Insert n open positions of n/10 approved employers, committed."""
    employers = []
    for i in range(max(1, n // 10)):
        body = f"91430200MA4B{i:05d}"
        employers.append(
            Employer(
                name=f"株洲基准测试企业{i}有限公司",
                uscc=body + uscc_check_char(body),
                region_code=REGIONS[i % len(REGIONS)],
                industry_section="C",
                status=EmployerStatus.APPROVED,
            )
        )
    db.session.add_all(employers)
    db.session.flush()
    today = date.today()
    db.session.execute(
        sa.insert(Position),
        [
            {
                "employer_id": employers[i % len(employers)].id,
                "title": f"数控车工（{i}号岗）",
                "occupation_major_group": 6,
                "openings": 1 + i % 9,
                "salary_min": 4000,
                "salary_max": 7000,
                "work_region_code": employers[i % len(employers)].region_code,
                "work_address": "株洲市天元区株洲大道 1 号",
                "description": "负责数控车床操作与日常维护，五险一金，包食宿。" * 3,
                "contact_name": "王女士",
                "contact_phone": "0731-22880000",
                "valid_until": today + timedelta(days=90),
                "status": PositionStatus.OPEN.value,
                "published_at": datetime.now(UTC),
            }
            for i in range(n)
        ],
    )
    db.session.commit()


def plain_loop(url: str) -> float:
    """PUT the same documents with a bare requests.Session loop; return the seconds taken."""
    positions = db.session.scalars(sa.select(Position).order_by(Position.id)).all()
    fairs = fairs_of([p.id for p in positions])
    bodies = [
        (p.ref, p.revision, encode_document(build_document(p, fairs[p.id]))) for p in positions
    ]
    db.session.rollback()
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "Content-Type": "application/json; charset=utf-8",
    }
    started = time.perf_counter()
    with requests.Session() as session:
        for ref, revision, body in bodies:
            digest = document_hash(body)
            response = session.put(
                f"{url}/postings/{ref}",
                data=body,
                headers={**headers, "Idempotency-Key": f"{ref}:{revision}:{digest[:16]}"},
                timeout=(5, 30),
            )
            response.raise_for_status()
            response.close()
    return time.perf_counter() - started


def bench(kind: str, n: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(kind, Path(folder))
        os.environ["RECRUIT_CHANNEL_XJY_TOKEN"] = TOKEN
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
        app.instance_path = folder
        baseline_receiver, baseline_url = start_receiver()
        receiver, receiver_url = start_receiver()
        try:
            with app.app_context():
                upgrade()
                load_refdata()
                seed_channels()
                db.session.commit()
                seed(n)
                channel = db.session.scalar(sa.select(Channel).where(Channel.code == "xjy"))
                channel.base_url = receiver_url
                channel.token_env = "RECRUIT_CHANNEL_XJY_TOKEN"
                channel.enabled = True
                refresh_desired(channel)
                db.session.commit()

                plain = plain_loop(baseline_url)

                started = time.perf_counter()
                run = run_channel_sync(channel, by=BENCH)
                first = time.perf_counter() - started
                first_counts = (run.created, run.failed, run.status.value)
                after_first = stats(receiver_url)

                started = time.perf_counter()
                again = run_channel_sync(channel, by=BENCH, force=True)
                resync = time.perf_counter() - started
                after_resync = stats(receiver_url)
                again_unchanged = again.unchanged  # read before the session goes
                db.session.remove()
                db.engine.dispose()
        finally:
            for process in (baseline_receiver, receiver):
                process.terminate()
                process.wait(10)
    assert first_counts == (n, 0, "completed"), first_counts
    assert after_first["held"] == n
    return {
        "database": kind,
        "n": n,
        "first": first,
        "plain": plain,
        "ratio": first / plain,
        "resync": resync,
        "resync_requests": after_resync["writes"] - after_first["writes"],
        "resync_unchanged": again_unchanged,
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{system}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


LOAD_BEFORE = ""


def main() -> None:
    global LOAD_BEFORE
    LOAD_BEFORE = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--record", action="store_true", help="append the results to bench/README.md"
    )
    args = parser.parse_args()
    results = [bench(kind, args.n) for kind in args.databases.split(",")]
    lines = []
    for r in results:
        lines.append(
            f"| {r['database']} | {r['n']} | {r['first']:.2f} s | {r['plain']:.2f} s | "
            f"{r['ratio']:.2f}× | {r['resync']:.2f} s | {r['resync_requests']} |"
        )
    print("\n".join(lines))
    if args.record:
        header = [
            "database",
            "postings",
            "first sync",
            "plain Session loop",
            "ratio",
            "no-change re-sync",
            "requests on re-sync",
        ]
        record("Loopback", [], header, lines, LOAD_BEFORE)


if __name__ == "__main__":
    main()

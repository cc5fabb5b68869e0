"""Benchmark of the weekly sync against a flaky portal, unattended (issue 13, "Done when").

The half-year's 5,000 open positions, a reference receiver that fails a fifth of its requests
(5 % each: 500, 429 with Retry-After: 1, a reply lost after the change was applied, a 1.5 s
stall), and the scheduler process (`flask jobs run`) alone: its catch-up starts the week's run,
its watcher runs the follow-ups of an unfinished week. Nobody presses a button. Recorded:
each attempt of the week (status, acknowledged, failed for now, pending, time), how many
attempts published everything, and the receiver's counters (nothing applied twice, no key
reused for another body, never two requests for one ref at once).

The follow-up delays are shortened to seconds (SYNC_FOLLOW_UPS, default 5,15,60,240 here;
the product's are 300,900,3600,14400): the attempts are the same, the waits between them are
not measured.

Usage (from the repository root):
  .venv/bin/python bench/sync_flaky_bench.py --n 5000 --databases sqlite,postgresql --record
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from bench import sync_bench  # noqa: E402
from bench.sync_bench import TOKEN, seed, start_receiver, stats  # noqa: E402
from recruit import create_app  # noqa: E402
from recruit.channels.models import Channel, SyncRun  # noqa: E402
from recruit.channels.services import seed_channels  # noqa: E402
from recruit.extensions import db  # noqa: E402
from recruit.refdata.services import load_refdata  # noqa: E402
from recruit.sync.desired import refresh_desired  # noqa: E402

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/x")
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/recruit_t13_flaky"
FAULTS = {
    "fail_rate": 0.05,
    "throttle_rate": 0.05,
    "retry_after": 1.0,
    "lost_reply_rate": 0.05,
    "stall_rate": 0.05,
    "stall": 1.5,
    "seed": 13,
}


def fresh_database(kind: str, folder: Path) -> str:
    return sync_bench.fresh_database(kind, folder, PG_URL)


def prepare(url: str, folder: str, n: int, receiver_url: str) -> None:
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    app.instance_path = folder
    with app.app_context():
        upgrade()
        load_refdata()
        seed_channels()
        db.session.commit()
        seed(n)
        for channel in db.session.scalars(sa.select(Channel)):
            channel.enabled = channel.code == "xjy"
        channel = db.session.scalar(sa.select(Channel).where(Channel.code == "xjy"))
        channel.base_url = receiver_url
        channel.token_env = "RECRUIT_CHANNEL_XJY_TOKEN"
        refresh_desired(channel)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


ATTEMPT = sa.select(
    SyncRun.status,
    SyncRun.follow_ups,
    (SyncRun.created + SyncRun.updated).label("acknowledged"),
    SyncRun.failed,
    SyncRun.pending,
    SyncRun.sent,
    SyncRun.started_at,
    SyncRun.finished_at,
).where(SyncRun.week.is_not(None))


def watch(url: str, timeout: float) -> list[dict]:
    """Follow the week's ledger row until it completes; return each attempt as it ended."""
    engine = sa.create_engine(url)
    attempts: list[dict] = []
    seen = set()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                row = conn.execute(ATTEMPT).mappings().first()
            status = None if row is None else row["status"].value
            if status is not None and status not in ("running", "queued"):
                key = (row["follow_ups"], status)
                if key not in seen:
                    seen.add(key)
                    attempt = {**row, "status": status}
                    attempts.append(attempt)
                    seconds = (row["finished_at"] - row["started_at"]).total_seconds()
                    print(
                        f"  attempt {row['follow_ups'] + 1}: {status}, acknowledged "
                        f"{row['acknowledged']}, failed for now {row['failed']}, pending "
                        f"{row['pending']}, {seconds:.0f} s",
                        flush=True,
                    )
                if status == "completed":
                    return attempts
            time.sleep(0.5)
    finally:
        engine.dispose()
    raise RuntimeError(f"the week did not complete within {timeout:.0f} s: {attempts}")


def bench(kind: str, n: int, latency: float, follow_ups: str, timeout: float) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(kind, Path(folder))
        receiver, receiver_url = start_receiver(latency, **FAULTS)
        scheduler = None
        try:
            prepare(url, folder, n, receiver_url)
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "RECRUIT_INSTANCE_PATH": folder,
                "RECRUIT_CHANNEL_XJY_TOKEN": TOKEN,
                "SYNC_FOLLOW_UPS": follow_ups,
                "SYNC_WATCH_SECONDS": "2",
            }
            started = time.perf_counter()
            with open(Path(folder) / "scheduler.log", "w") as log:
                scheduler = subprocess.Popen(
                    [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                attempts = watch(url, timeout)
            elapsed = time.perf_counter() - started
            counters = stats(receiver_url)
        finally:
            if scheduler is not None:
                scheduler.terminate()
                scheduler.wait(30)
            receiver.terminate()
            receiver.wait(10)
    assert counters["held"] == n, counters
    assert counters["applied"] == n and counters["conflicts"] == 0, counters
    return {
        "database": kind,
        "n": n,
        "latency": latency,
        "attempts": attempts,
        "elapsed": elapsed,
        "stats": counters,
    }


def lines(r: dict) -> list[str]:
    tries = len(r["attempts"])
    out = []
    for number, a in enumerate(r["attempts"], start=1):
        seconds = (a["finished_at"] - a["started_at"]).total_seconds()
        out.append(
            f"| {r['database']} | {r['n']} | {r['latency']:g} ms | {number} of {tries} "
            f"| {a['status']} | {a['acknowledged']} | {a['failed']} | {a['pending']} "
            f"| {seconds:.0f} s |"
        )
    s = r["stats"]
    out.append(
        f"| {r['database']} | | | **week completed unattended in {r['elapsed']:.0f} s** | "
        f"receiver: held {s['held']}, applied {s['applied']}, replays {s['replays']}, "
        f"conflicting replays {s['conflicts']}, requests for one ref at once {s['overlaps']}, "
        f"most in flight {s['max_in_flight']} | | | | |"
    )
    return out


def main() -> None:
    load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.0, help="added latency in ms")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--follow-ups", default="5,15,60,240", help="SYNC_FOLLOW_UPS (seconds)")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--record", action="store_true", help="append to bench/README.md")
    args = parser.parse_args()
    results = []
    for kind in args.databases.split(","):
        print(f"{kind}:", flush=True)
        results.append(bench(kind, args.n, args.latency, args.follow_ups, args.timeout))
    table = [line for r in results for line in lines(r)]
    print("\n".join(table))
    if not args.record:
        return
    notes = [
        "Receiver faults: 5 % each of 500, 429 (Retry-After: 1), reply lost after the change "
        "was applied, 1.5 s stall; the scheduler process alone runs the week.",
    ]
    header = [
        "database",
        "postings",
        "latency",
        "attempt",
        "status",
        "acknowledged",
        "failed for now",
        "pending after",
        "time",
    ]
    sync_bench.record("Flaky portal, unattended", notes, header, table, load_before)


if __name__ == "__main__":
    main()

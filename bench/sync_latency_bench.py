"""Benchmark of the weekly sync against a distant portal (issue 13, DESIGN §6).

For each database and each added latency (the reference receiver answers every request that
many milliseconds late, `portal-sandbox --latency-ms`), in one run:
  * the sequential floor: N × latency, what one request at a time can never beat;
  * a raw concurrent loop: the same N PUTs from a thread pool of the channel's concurrency,
    one keep-alive requests.Session per thread, nothing else (no database, no documents);
  * the product: the first sync of the N open positions (`run_channel_sync`);
  * a no-change re-sync, which must send 0 requests.
Goals: product ≤ 0.30 × the floor, and ≤ 1.3 × the raw loop.

Usage (from the repository root):
  .venv/bin/python bench/sync_latency_bench.py --n 5000 --latency 20,50 \
      --databases sqlite,postgresql --record

PostgreSQL uses the database recruit_t13_latency (created if missing, emptied on every run) at
BENCH_PG_URL's server (default postgresql+psycopg://postgres@127.0.0.1:5432/...).
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from bench import sync_bench  # noqa: E402
from bench.sync_bench import TOKEN, seed, start_receiver, stats  # noqa: E402
from recruit import create_app  # noqa: E402
from recruit.auth.actors import system  # noqa: E402
from recruit.channels.models import Channel, ChannelPosting, PostingState  # noqa: E402
from recruit.channels.services import seed_channels  # noqa: E402
from recruit.extensions import db  # noqa: E402
from recruit.positions.models import Position  # noqa: E402
from recruit.refdata.services import load_refdata  # noqa: E402
from recruit.sync.delivery import document_of, idempotency_key  # noqa: E402
from recruit.sync.desired import refresh_desired  # noqa: E402
from recruit.sync.documents import fairs_of  # noqa: E402
from recruit.sync.services import run_channel_sync  # noqa: E402

BENCH = system("bench.sync_latency")
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/x")
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/recruit_t13_latency"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def fresh_database(kind: str, folder: Path) -> str:
    return sync_bench.fresh_database(kind, folder, PG_URL)


def bodies(channel: Channel) -> list[tuple[str, str, bytes]]:
    """Return (ref, Idempotency-Key, body) of every position, as the product would send."""
    positions = db.session.scalars(sa.select(Position).order_by(Position.id)).all()
    fairs = fairs_of([p.id for p in positions])
    found = []
    for position in positions:
        body, digest = document_of(channel, position, fairs[position.id])
        found.append((position.ref, idempotency_key(position.ref, position.revision, digest), body))
    db.session.rollback()
    return found


def raw_loop(url: str, items: list[tuple[str, str, bytes]], workers: int) -> float:
    """PUT every body from `workers` threads, one keep-alive Session each; return seconds."""
    local = threading.local()
    sessions = []

    def put(item) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            session.headers.update(AUTH)
            sessions.append(session)
        ref, key, body = item
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key}
        with session.put(
            f"{url}/postings/{ref}", data=body, headers=headers, timeout=(5, 30)
        ) as response:
            response.raise_for_status()

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(put, items))
    elapsed = time.perf_counter() - started
    for session in sessions:
        session.close()
    return elapsed


def forget_delivery(channel: Channel) -> None:
    """Set every row back to never delivered, for the next latency's first sync."""
    db.session.execute(
        sa.update(ChannelPosting)
        .where(ChannelPosting.channel_id == channel.id)
        .values(state=PostingState.PENDING, payload_hash=None, delivered_revision=None)
    )
    db.session.commit()


def bench(kind: str, n: int, latencies: list[float]) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(kind, Path(folder))
        os.environ["RECRUIT_CHANNEL_XJY_TOKEN"] = TOKEN
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
        app.instance_path = folder
        with app.app_context():
            upgrade()
            load_refdata()
            seed_channels()
            db.session.commit()
            seed(n)
            channel = db.session.scalar(sa.select(Channel).where(Channel.code == "xjy"))
            channel.token_env = "RECRUIT_CHANNEL_XJY_TOKEN"
            channel.enabled = True
            refresh_desired(channel)
            db.session.commit()
            workers = channel.concurrency
            items = bodies(channel)
            for latency in latencies:
                raw_receiver, raw_url = start_receiver(latency)
                receiver, receiver_url = start_receiver(latency)
                try:
                    raw = raw_loop(raw_url, items, workers)
                    channel = db.session.scalar(sa.select(Channel).where(Channel.code == "xjy"))
                    channel.base_url = receiver_url
                    db.session.commit()
                    started = time.perf_counter()
                    run = run_channel_sync(channel, by=BENCH)
                    product = time.perf_counter() - started
                    outcome = (run.created, run.failed, run.status.value)
                    after_first = stats(receiver_url)
                    started = time.perf_counter()
                    again = run_channel_sync(channel, by=BENCH)
                    resync = time.perf_counter() - started
                    resync_requests = stats(receiver_url)["writes"] - after_first["writes"]
                    unchanged = again.unchanged
                    forget_delivery(channel)
                finally:
                    for process in (raw_receiver, receiver):
                        process.terminate()
                        process.wait(10)
                assert outcome == (n, 0, "completed"), outcome
                assert after_first["held"] == n and after_first["overlaps"] == 0
                floor = n * latency / 1000
                results.append(
                    {
                        "database": kind,
                        "n": n,
                        "latency": latency,
                        "concurrency": workers,
                        "floor": floor,
                        "raw": raw,
                        "product": product,
                        "max_in_flight": after_first["max_in_flight"],
                        "resync": resync,
                        "resync_requests": resync_requests,
                        "unchanged": unchanged,
                    }
                )
                print(row(results[-1]), flush=True)
            db.session.remove()
            db.engine.dispose()
    return results


def row(r: dict) -> str:
    floor_ratio = r["product"] / r["floor"]
    raw_ratio = r["product"] / r["raw"]
    verdict = "met" if floor_ratio <= 0.30 and raw_ratio <= 1.3 else "NOT met"
    return (
        f"| {r['database']} | {r['n']} | {r['latency']:g} ms | {r['concurrency']} | "
        f"{r['floor']:.1f} s | {r['raw']:.2f} s | {r['product']:.2f} s | "
        f"{floor_ratio:.2f} | {raw_ratio:.2f} | {r['max_in_flight']} | "
        f"{r['resync']:.2f} s / {r['resync_requests']} | {verdict} |"
    )


def main() -> None:
    load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--latency", default="20,50", help="added latencies in ms, comma-separated")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--record", action="store_true", help="append to bench/README.md")
    args = parser.parse_args()
    latencies = [float(x) for x in args.latency.split(",")]
    results = [r for kind in args.databases.split(",") for r in bench(kind, args.n, latencies)]
    if not args.record:
        return
    header = [
        "database",
        "postings",
        "latency",
        "in flight (N)",
        "sequential floor",
        "raw loop, N threads",
        "product",
        "÷ floor (≤ 0.30)",
        "÷ raw (≤ 1.3)",
        "most in flight at the receiver",
        "no-change re-sync / requests",
        "goal",
    ]
    sync_bench.record("Distant portal", [], header, [row(r) for r in results], load_before)


if __name__ == "__main__":
    main()

"""Load test of the hour a fair opens (issue 16): seekers scan in and apply through the API.

5,000 entries (distinct mobiles, plus ~5 % repeat scans) and 3,000 applications (by ~2,000 of
those seekers, to random positions offered at the fair, plus ~2 % repeats that must answer 409)
go through gunicorn on PostgreSQL at a fixed rate from a pool of concurrent clients: the hour's
8,000-odd requests compressed into a few minutes. `make bench-seekers` runs this. Everything
listens on 127.0.0.1 only, and every process it starts is stopped by its own id at the end.

1. empties the PostgreSQL database (default recruit_seeker_bench), migrates it, writes the demo
   seed and (unless --no-half-year) the generated half-year of this year;
2. adds a fair under way now (held, started an hour ago, offline) with --booths employers at
   their booths offering --positions positions between them;
3. starts gunicorn (production settings; 4 sync workers unless told otherwise) with the
   per-address entry limit raised, since every simulated phone comes from 127.0.0.1;
4. runs the seekers' journeys: each seeker's entry (`POST /api/v1/fairs/{id}/entries`), then
   its repeat scan and applications (`POST /api/v1/seeker/applications`, bearer token) in order,
   every request paced by one clock at --rate requests/s over --clients threads;
5. afterwards reports count, errors and p50/p95/p99/max per operation and checks the database:
   entries = distinct mobiles, applications = the 201s, no duplicate rows, no traceback in
   gunicorn's log, p95 under 300 ms. With --record it prints a Markdown section for
   bench/README.md.

    .venv/bin/python bench/seeker_bench.py [--rate 40] [--clients 40] [--record]
"""

import argparse
import math
import os
import platform
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import flask, reset_database, stop, wait_for  # noqa: E402

from recruit import create_app  # noqa: E402
from recruit.db_types import utcnow  # noqa: E402
from recruit.employers.models import Employer, EmployerStatus  # noqa: E402
from recruit.extensions import db  # noqa: E402
from recruit.fairs.models import (  # noqa: E402
    Fair,
    FairPosition,
    FairStatus,
    Participation,
    ParticipationStatus,
)
from recruit.hires.models import TentativeHire  # noqa: E402
from recruit.pii import pii_hash  # noqa: E402
from recruit.positions.models import Position, PositionStatus  # noqa: E402
from recruit.refdata.codes import Education, FairMode, FairType  # noqa: E402
from recruit.seekers.models import Application, Entry, Seeker  # noqa: E402
from recruit.validators import uscc_check_char  # noqa: E402

#: The issue's goal: p95 under this many milliseconds, with zero errors.
P95_GOAL_MS = 300
#: The operations, in the order the report lists them, and the status each must answer.
EXPECTED = {
    "entry": 201,
    "repeat entry": 200,
    "application": 201,
    "duplicate application": 409,
}
REGIONS = ["430202", "430203", "430204", "430211", "430212", "430223", "430281"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅"
EDUCATIONS = [e.value for e in Education if e is not Education.NONE]
TITLES = ["普工", "数控车工", "焊工", "电工", "仓管员", "质检员", "叉车司机", "销售代表", "会计"]


# --- the plan: who scans in, who applies where -------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One request of a seeker's journey: `kind` is a key of EXPECTED."""

    kind: str
    seeker: int
    position_id: int | None = None


def mobile(n: int) -> str:
    """Return the n-th simulated mobile (138 0733 xxxx…, distinct for n < 10,000,000)."""
    return f"1387{n:07d}"


def seeker_name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)]


def plan_journeys(
    *,
    entries: int,
    applications: int,
    applicants: int,
    position_ids: list[int],
    repeat_share: float = 0.05,
    duplicate_share: float = 0.02,
    per_seeker_limit: int = 30,
    seed: int = 16,
) -> list[list[Step]]:
    """Return each seeker's requests in order (entry first), the seekers shuffled.

    `applications` distinct (seeker, position) pairs are spread over `applicants` seekers (one
    each, the rest at random, at most `per_seeker_limit` and the positions there are); a
    `repeat_share` of the seekers scan twice; a `duplicate_share` of the applications is sent
    again right after the first.
    """
    rng = random.Random(seed)
    cap = min(per_seeker_limit, len(position_ids))
    if not 0 < applicants <= entries or applications < applicants:
        raise ValueError("需要 0 < 投递人数 ≤ 入场人数，且投递数 ≥ 投递人数")
    if applications > applicants * cap:
        raise ValueError(f"每人最多投递 {cap} 个岗位，投递数过多")
    chosen = rng.sample(range(entries), applicants)
    counts = dict.fromkeys(chosen, 1)
    extra = applications - applicants
    while extra:
        seeker = rng.choice(chosen)
        if counts[seeker] < cap:
            counts[seeker] += 1
            extra -= 1
    journeys: dict[int, list[Step]] = {n: [Step("entry", n)] for n in range(entries)}
    applied: list[tuple[int, int]] = []
    for seeker, count in counts.items():
        for position_id in rng.sample(position_ids, count):
            journeys[seeker].append(Step("application", seeker, position_id))
            applied.append((seeker, position_id))
    for seeker, position_id in rng.sample(applied, round(applications * duplicate_share)):
        steps = journeys[seeker]
        at = steps.index(Step("application", seeker, position_id))
        steps.insert(at + 1, Step("duplicate application", seeker, position_id))
    for seeker in rng.sample(range(entries), round(entries * repeat_share)):
        steps = journeys[seeker]
        steps.insert(rng.randint(1, len(steps)), Step("repeat entry", seeker))
    order = list(journeys.values())
    rng.shuffle(order)
    return order


def entry_body(n: int) -> dict:
    """Return the entry the n-th seeker types: name, mobile, consent, education for most."""
    body = {"name": seeker_name(n), "phone": mobile(n), "consent": True}
    if n % 3:
        body["education"] = EDUCATIONS[n % len(EDUCATIONS)]
    return body


# --- the run: journeys over a pool of clients, paced by one clock ------------------------------


@dataclass
class Result:
    kind: str
    status: int  # 0 when no answer came (connection error, timeout)
    ms: float
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == EXPECTED[self.kind]


class Pacer:
    """Hand out request start times `1/rate` apart, to every thread from one clock."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate
        self.lock = threading.Lock()
        self.next_at = time.perf_counter()

    def wait(self) -> None:
        with self.lock:
            now = time.perf_counter()
            at = max(self.next_at, now)
            self.next_at = at + self.interval
        if at > now:
            time.sleep(at - now)


class HttpClient:
    """A requests session against the server; answers (status, JSON body or {})."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def post(self, path: str, body: dict, token: str | None = None) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with self.session.post(self.base + path, json=body, headers=headers, timeout=30) as r:
            try:
                payload = r.json()
            except ValueError:
                payload = {}
            return r.status_code, payload if isinstance(payload, dict) else {}

    def close(self) -> None:
        self.session.close()


def run_journey(client, fair_id: int, steps: list[Step], pacer: Pacer) -> list[Result]:
    """Send one seeker's requests in order; the entry's token carries the applications."""
    results = []
    token = None
    for step in steps:
        if step.kind in ("entry", "repeat entry"):
            path, body = f"/api/v1/fairs/{fair_id}/entries", entry_body(step.seeker)
        elif token is None:
            results.append(Result(step.kind, 0, 0.0, "no token: the entry failed"))
            continue
        else:
            path = "/api/v1/seeker/applications"
            body = {"fair_id": fair_id, "position_id": step.position_id}
        pacer.wait()
        started = time.perf_counter()
        try:
            status, payload = client.post(path, body, token if "application" in step.kind else None)
        except requests.RequestException as error:
            status, payload = 0, {"error": type(error).__name__}
        ms = (time.perf_counter() - started) * 1000
        note = "" if status == EXPECTED[step.kind] else str(payload)[:200]
        results.append(Result(step.kind, status, ms, note))
        if step.kind == "entry" and payload.get("seeker_token"):
            token = payload["seeker_token"]
    return results


def run_load(journeys, fair_id: int, make_client, *, rate: float, clients: int) -> dict:
    """Run the journeys over `clients` threads (inline for one); return results and seconds."""
    work: queue.Queue = queue.Queue()
    for steps in journeys:
        work.put(steps)
    pacer = Pacer(rate)
    results: list[Result] = []
    lock = threading.Lock()

    def worker() -> None:
        client = make_client()
        try:
            while True:
                try:
                    steps = work.get_nowait()
                except queue.Empty:
                    return
                done = run_journey(client, fair_id, steps, pacer)
                with lock:
                    results.extend(done)
        finally:
            if hasattr(client, "close"):
                client.close()

    started = time.perf_counter()
    if clients <= 1:
        worker()
    else:
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return {"results": results, "seconds": time.perf_counter() - started}


# --- the figures -------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Return the nearest-rank q-th percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Figures:
    kind: str
    count: int
    errors: int
    statuses: Counter = field(default_factory=Counter)
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    max: float = 0.0


def figures(results: list[Result], kind: str | None = None) -> Figures:
    """Return count, errors, statuses and latency percentiles of one operation (or all)."""
    chosen = [r for r in results if kind is None or r.kind == kind]
    answered = [r.ms for r in chosen if r.status]
    return Figures(
        kind=kind or "all",
        count=len(chosen),
        errors=sum(not r.ok for r in chosen),
        statuses=Counter(r.status for r in chosen),
        p50=percentile(answered, 50),
        p95=percentile(answered, 95),
        p99=percentile(answered, 99),
        max=max(answered, default=0.0),
    )


def table(results: list[Result], seconds: float) -> list[str]:
    """Return the Markdown table of the operations and the total."""
    lines = [
        "| operation | requests | expected | statuses | errors | p50 ms | p95 ms | p99 ms | max ms"
        " | per s |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in [*EXPECTED, None]:
        f = figures(results, kind)
        expected = str(EXPECTED[kind]) if kind else "—"
        statuses = ", ".join(f"{s or 'none'}×{n}" for s, n in sorted(f.statuses.items()))
        name = f.kind if kind else "**all**"
        lines.append(
            f"| {name} | {f.count} | {expected} | {statuses} | {f.errors} | {f.p50:.0f}"
            f" | {f.p95:.0f} | {f.p99:.0f} | {f.max:.0f} | {f.count / seconds:.1f} |"
        )
    return lines


def server_times(access_log: str) -> dict[str, list[float]]:
    """Return gunicorn's own time (ms) per endpoint from its access log (`%(U)s %(D)s` lines).

    The clients' latency less this is the time a request waited for a free worker.
    """
    times: dict[str, list[float]] = {"entries": [], "applications": []}
    for line in access_log.splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[0] != "POST" or not parts[2].isdigit():
            continue
        path, micros = parts[1], int(parts[2])
        if path.endswith("/entries"):
            times["entries"].append(micros / 1000)
        elif path == "/api/v1/seeker/applications":
            times["applications"].append(micros / 1000)
    return times


# --- the set-up: the fair under way, its booths and positions ---------------------------------


def build_fair(booths: int, positions: int, *, title: str = "基准测试·开场一小时招聘会") -> int:
    """Add a fair under way now with `booths` employers offering `positions` positions; flush.

    The fair is held and offline, started an hour ago and ends in three; every booth is
    attended. Return the fair's id.
    """
    if not 0 < booths <= positions:
        raise ValueError("需要 0 < 展位数 ≤ 岗位数")
    now = utcnow()
    fair = Fair(
        title=title,
        type=FairType.COMPREHENSIVE,
        mode=FairMode.OFFLINE,
        region_code="430211",
        venue="株洲市人力资源市场一楼大厅",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        organizer_unit="株洲市公共就业服务中心",
        status=FairStatus.HELD,
    )
    db.session.add(fair)
    taken = set(db.session.scalars(sa.select(Employer.uscc)))
    employers = []
    serial = 0
    while len(employers) < booths:
        body = f"91430200MA4K{serial:05d}"
        serial += 1
        uscc = body + uscc_check_char(body)
        if uscc in taken:
            continue
        employers.append(
            Employer(
                name=f"株洲开场测试企业{len(employers) + 1}有限公司",
                uscc=uscc,
                region_code=REGIONS[len(employers) % len(REGIONS)],
                industry_section="C",
                status=EmployerStatus.APPROVED,
            )
        )
    db.session.add_all(employers)
    db.session.flush()
    parts = []
    for i, employer in enumerate(employers):
        part = Participation(
            fair=fair,
            employer=employer,
            booth=f"{'ABCDEFGH'[i // 20 % 8]}{i % 20 + 1:02d}",
            status=ParticipationStatus.ATTENDED,
            checked_in_at=now - timedelta(minutes=70),
        )
        db.session.add(part)
        parts.append(part)
    today = date.today()
    for i in range(positions):
        part = parts[i % booths]
        position = Position(
            employer=part.employer,
            title=f"{TITLES[i % len(TITLES)]}（{i + 1}号）",
            occupation_major_group=6,
            openings=1 + i % 9,
            salary_min=3500 + 100 * (i % 20),
            salary_max=6000 + 100 * (i % 30),
            work_region_code=part.employer.region_code,
            work_address="株洲市天元区株洲大道 1 号",
            description="负责生产线操作与日常维护，五险一金，包食宿。",
            contact_name="王女士",
            contact_phone="0731-22880000",
            valid_until=today + timedelta(days=90),
            status=PositionStatus.OPEN,
            published_at=now - timedelta(days=3),
        )
        part.fair_positions.append(FairPosition(position=position, openings=position.openings))
    db.session.flush()
    return fair.id


def offered_position_ids(fair_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(FairPosition.position_id)
            .join(Participation, FairPosition.participation_id == Participation.id)
            .where(Participation.fair_id == fair_id)
            .order_by(FairPosition.position_id)
        )
    )


def data_counts() -> dict[str, int]:
    """Return how many rows of the main kinds the database held before the load."""
    count = db.session.scalar
    return {
        "fairs": count(sa.select(sa.func.count(Fair.id))),
        "employers": count(sa.select(sa.func.count(Employer.id))),
        "positions": count(sa.select(sa.func.count(Position.id))),
        "tentative hires": count(sa.select(sa.func.count(TentativeHire.id))),
        "seekers": count(sa.select(sa.func.count(Seeker.id))),
    }


def check_database(fair_id: int, entries: int, results: list[Result]) -> dict:
    """Read back what the load wrote: entries, seekers, applications and duplicates."""
    count = db.session.scalar
    hashes = [pii_hash(mobile(n)) for n in range(entries)]
    registered = 0
    for start in range(0, len(hashes), 1000):
        registered += count(
            sa.select(sa.func.count(Seeker.id)).where(
                Seeker.seeker_phone_hash.in_(hashes[start : start + 1000])
            )
        )

    def duplicates(*columns) -> int:
        grouped = (
            sa.select(*columns)
            .where(*(column.is_not(None) for column in columns))
            .group_by(*columns)
            .having(sa.func.count() > 1)
            .subquery()
        )
        return count(sa.select(sa.func.count()).select_from(grouped))

    applied = sum(r.kind == "application" and r.status == 201 for r in results)
    found = {
        "entries": count(sa.select(sa.func.count(Entry.id)).where(Entry.fair_id == fair_id)),
        "seekers with the mobiles": registered,
        "applications": count(
            sa.select(sa.func.count(Application.id)).where(Application.fair_id == fair_id)
        ),
        "duplicate entries": duplicates(Entry.fair_id, Entry.seeker_id),
        "duplicate applications": duplicates(
            Application.seeker_id, Application.fair_id, Application.position_id
        ),
        "duplicate seekers": duplicates(Seeker.seeker_phone_hash),
    }
    found["expected"] = {"entries": entries, "applications": applied}
    return found


def database_checks(found: dict) -> dict[str, bool]:
    expected = found["expected"]
    return {
        "entries = distinct mobiles": found["entries"] == expected["entries"],
        "one seeker per mobile": found["seekers with the mobiles"] == expected["entries"],
        "applications = the 201s": found["applications"] == expected["applications"],
        "no duplicate rows": found["duplicate entries"] == 0
        and found["duplicate applications"] == 0
        and found["duplicate seekers"] == 0,
    }


def load_checks(results: list[Result], tracebacks: int) -> dict[str, bool]:
    every = figures(results)
    return {
        "zero errors": every.errors == 0,
        "no 5xx, no 429": not any(r.status >= 500 or r.status == 429 for r in results),
        f"p95 < {P95_GOAL_MS} ms (every operation)": all(
            figures(results, kind).p95 < P95_GOAL_MS for kind in EXPECTED
        )
        and every.p95 < P95_GOAL_MS,
        "no traceback in gunicorn's log": tracebacks == 0,
    }


# --- the whole run -----------------------------------------------------------------------------


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return head + (" (with uncommitted changes)" if dirty else "")


def route_ready(base: str) -> bool:
    """Whether the server documents the seekers' entry endpoint."""
    with requests.get(f"{base}/api/v1/openapi.json", timeout=10) as response:
        if response.status_code != 200:
            return False
        return "/api/v1/fairs/{fair_id}/entries" in response.json().get("paths", {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="recruit_seeker_bench")
    parser.add_argument("--port", type=int, default=5093)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--rate", type=float, default=40.0, help="requests per second")
    parser.add_argument("--clients", type=int, default=40, help="concurrent clients")
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--applications", type=int, default=3000)
    parser.add_argument("--applicants", type=int, default=2000)
    parser.add_argument("--repeat-share", type=float, default=0.05)
    parser.add_argument("--duplicate-share", type=float, default=0.02)
    parser.add_argument("--booths", type=int, default=60)
    parser.add_argument("--positions", type=int, default=150)
    parser.add_argument("--half-year", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--record", action="store_true", help="print a section for the README")
    options = parser.parse_args()

    load_start = load_average()
    url = reset_database(options.database)
    work = Path(tempfile.mkdtemp(prefix="recruit-seeker-bench-"))
    base = f"http://127.0.0.1:{options.port}"
    pii_key, hash_key = Fernet.generate_key().decode(), "seeker-bench-hash-key"
    address_limit = 10 * (options.entries + options.applications)
    env = {
        **os.environ,
        "RECRUIT_ENV": "production",
        "SECRET_KEY": "seeker-bench-not-secret",
        "RECRUIT_PII_KEYS": pii_key,
        "RECRUIT_PII_HASH_KEY": hash_key,
        "DATABASE_URL": url,
        "RECRUIT_INSTANCE_PATH": str(work / "instance"),
        "PUBLIC_BASE_URL": base,
        # Messages stay in the outbox (nothing is sent), so a mobile needs no code to apply.
        "RECRUIT_NOTIFY_OUTBOX_OK": "1",
        "SEEKER_PHONE_VERIFICATION": "off",
        # Every simulated phone comes from 127.0.0.1: the per-address limit would stop them.
        "SEEKER_ENTRIES_PER_ADDRESS": str(address_limit),
    }
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "demo", "seed", "--if-empty")
    if options.half_year:
        flask(env, "demo", "generate", "--profile", "half-year")
    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=url,
        PII_KEYS=[pii_key],
        PII_HASH_KEY=hash_key,
        EMBED_SCHEDULER=False,
    )
    with app.app_context():
        before = data_counts()
        fair_id = build_fair(options.booths, options.positions)
        db.session.commit()
        position_ids = offered_position_ids(fair_id)
        db.session.remove()
    print(f"data ready in {time.perf_counter() - started:.0f} s: {before}", flush=True)
    journeys = plan_journeys(
        entries=options.entries,
        applications=options.applications,
        applicants=options.applicants,
        position_ids=position_ids,
        repeat_share=options.repeat_share,
        duplicate_share=options.duplicate_share,
        seed=options.seed,
    )
    planned = Counter(step.kind for steps in journeys for step in steps)
    total = sum(planned.values())

    gunicorn_log = work / "gunicorn.log"
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(options.workers)]
    if options.worker_class == "gthread":
        command += ["--worker-class", "gthread", "--threads", str(options.threads)]
    command += ["--bind", f"127.0.0.1:{options.port}", "--error-logfile", str(gunicorn_log)]
    # The access log holds each request's time inside the worker, in microseconds.
    access_log = work / "access.log"
    command += ["--access-logfile", str(access_log), "--access-logformat", "%(m)s %(U)s %(D)s"]
    server = None
    try:
        with open(work / "gunicorn.out", "w") as out:
            server = subprocess.Popen(
                [*command, "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        wait_for(f"{base}/api/v1/fairs")
        if not route_ready(base):
            raise SystemExit("服务未提供 POST /api/v1/fairs/{fair_id}/entries（求职者接口未就绪）")
        for _ in range(4 * options.workers):  # every worker has loaded the app and the fair
            with requests.get(f"{base}/api/v1/fairs/{fair_id}", timeout=10) as response:
                if response.status_code != 200:
                    raise SystemExit(f"/api/v1/fairs/{fair_id}: {response.status_code}")
        load_before = load_average()
        print(
            f"load: {total} requests ({dict(planned)}) at {options.rate:g}/s over"
            f" {options.clients} clients, ~{total / options.rate:.0f} s",
            flush=True,
        )
        run = run_load(
            journeys,
            fair_id,
            lambda: HttpClient(base),
            rate=options.rate,
            clients=options.clients,
        )
        load_after = load_average()
    finally:
        stop(server)
    results, seconds = run["results"], run["seconds"]
    with app.app_context():
        found = check_database(fair_id, options.entries, results)
        db.session.remove()
        db.engine.dispose()
    log_text = gunicorn_log.read_text(errors="replace") if gunicorn_log.exists() else ""
    out_text = (work / "gunicorn.out").read_text(errors="replace")
    tracebacks = (log_text + out_text).count("Traceback")
    checks = {**load_checks(results, tracebacks), **database_checks(found)}
    inside = server_times(access_log.read_text() if access_log.exists() else "")
    inside_text = "; ".join(
        f"{name} p50 {percentile(values, 50):.0f} ms, p95 {percentile(values, 95):.0f} ms,"
        f" p99 {percentile(values, 99):.0f} ms"
        for name, values in inside.items()
    )

    real_rate = total / 3600
    worker_text = (
        f"{options.workers} sync workers"
        if options.worker_class == "sync"
        else f"{options.workers} gthread workers × {options.threads} threads"
    )
    data_text = "demo seed" + (" + generated half-year" if options.half_year else "")
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {commit()}",
        "",
        f"- machine: {platform.system()} {platform.release()}, {os.cpu_count()} cores, Python"
        f" {platform.python_version()}, shared with other work; load average (1/5/15 min):"
        f" {load_start} at the start, {load_before} before the load, {load_after} at its end",
        "- command: `.venv/bin/python bench/seeker_bench.py " + " ".join(sys.argv[1:]) + "`",
        f"- set-up: gunicorn {worker_text} (production settings) on PostgreSQL"
        f" `{options.database}`, all on 127.0.0.1; the clients in the same machine (Python"
        f" requests sessions in {options.clients} threads); SEEKER_ENTRIES_PER_ADDRESS"
        f"={address_limit} (every simulated phone comes from 127.0.0.1),"
        " SEEKER_PHONE_VERIFICATION=off (no SMS gateway), other limits at their defaults",
        f"- data: {data_text} ({', '.join(f'{v} {k}' for k, v in before.items())} before the"
        f" load); the fair under way (held, offline, started an hour ago) with"
        f" {options.booths} booths offering {len(position_ids)} positions",
        f"- load: {options.entries} entries (distinct mobiles) + {planned['repeat entry']} repeat"
        f" scans, {planned['application']} applications by {options.applicants} seekers +"
        f" {planned['duplicate application']} repeats; each seeker's requests in order (entry"
        f" first), {total} requests paced at {options.rate:g}/s over {options.clients} clients:"
        f" {seconds:.0f} s, {total / seconds:.1f} requests/s achieved; the same requests over a"
        f" real hour are {real_rate:.1f}/s, so this is the hour compressed"
        f" {options.rate / real_rate:.0f}×",
        "",
        *table(results, seconds),
        "",
        f"- time inside gunicorn's workers (its access log, warm-up excluded): {inside_text};"
        " the rest of the clients' latency is the wait for a free worker",
        f"- database after the load: {found['entries']} entries at the fair"
        f" (expected {found['expected']['entries']}), {found['seekers with the mobiles']} seekers"
        f" with the bench's mobiles, {found['applications']} applications (expected"
        f" {found['expected']['applications']} = the 201s); duplicate rows: entries"
        f" {found['duplicate entries']}, applications {found['duplicate applications']},"
        f" seekers {found['duplicate seekers']}; tracebacks in gunicorn's log: {tracebacks}",
        "- checks: " + ", ".join(f"{k} {'✓' if ok else '✗'}" for k, ok in checks.items()),
        "",
    ]
    if options.record:
        print("\n".join(lines))
    else:
        print("\n".join(table(results, seconds)))
        print(lines[-2])
    failures = [r for r in results if not r.ok]
    for result in failures[:10]:
        print(f"unexpected: {result.kind} {result.status} {result.ms:.0f} ms {result.note}")
    if not all(checks.values()):
        print("失败的检查：" + "、".join(k for k, ok in checks.items() if not ok))
        print(f"日志保留在 {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Load test of the scaled set-up (DESIGN §6): gunicorn with 4 workers on PostgreSQL, the scheduler
process, and 50 concurrent users on the public pages, the search and the API, for a fixed time.

`make load` runs this. Everything listens on 127.0.0.1 only, and every process it starts is
stopped by its own id at the end. Steps:

1. empties the PostgreSQL database (default recruit_t9_load), migrates it, writes the demo seed
   and the generated half-year of this year;
2. starts the reference receiver (`flask portal-sandbox`) and points channel xjy (http_json) at it;
3. starts gunicorn (4 workers, production settings) and waits until it answers;
4. runs wrk (50 connections, 2 threads, bench/load.lua) for --duration seconds over a mix of
   public pages, searches and API reads; 3 s in, starts the scheduler (`flask jobs run`), whose
   start-up catch-up runs this week's sync of every enabled channel while the load goes on;
   half-way, `flask sync run --channel xjy --force` asks for a manual run as well;
5. afterwards checks: no request errors, no failed or stopped run, no two weekly runs of one
   channel and week, the receiver holds exactly the postings the database marks as synced, no
   traceback in gunicorn's log; prints the figures and, with --record, appends them to
   bench/README.md.

    .venv/bin/python bench/load.py [--duration 60] [--connections 50] [--record]
"""

import argparse
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
import sqlalchemy as sa
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_BASE = os.environ.get("BENCH_PG_BASE", "postgresql+psycopg://postgres@127.0.0.1:5432")
TOKEN = "load-test-token"


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def reset_database(name: str) -> str:
    """Create the database if missing and empty it; return its URL."""
    admin = sa.create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ):
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    url = f"{PG_BASE}/{name}"
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
    return url


def flask(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with requests.get(url, timeout=10) as response:
                if response.status_code < 500:
                    return
        except requests.RequestException:  # not listening yet, or still starting
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen | None) -> None:
    """Stop one process this script started, by its id."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def load_paths(url: str) -> list[str]:
    """Return the mix of GET paths the simulated users walk: pages, searches and API reads."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            fairs = conn.scalars(sa.text("SELECT id FROM fairs ORDER BY starts_at DESC LIMIT 6"))
            fairs = list(fairs)
            positions = list(
                conn.scalars(
                    sa.text("SELECT id FROM positions WHERE status = 'open' ORDER BY id LIMIT 6")
                )
            )
            employers = list(
                conn.scalars(
                    sa.text(
                        "SELECT id FROM employers WHERE status = 'approved' ORDER BY id LIMIT 4"
                    )
                )
            )
    finally:
        engine.dispose()
    paths = [
        "/",
        "/fairs/",
        "/fairs/?when=past",
        "/fairs/?when=past&page=3",
        "/positions/",
        "/positions/?q=%E6%99%AE%E5%B7%A5",  # 普工
        "/positions/?region=430281",
        "/positions/?region=430281&min_salary=4000",
        "/positions/?page=3",
        "/api/v1/fairs",
        "/api/v1/fairs?when=past&per_page=50",
        "/api/v1/positions",
        "/api/v1/positions?q=%E6%99%AE%E5%B7%A5&per_page=50",
        "/api/v1/positions?region=430281",
    ]
    paths += [f"/fairs/{n}" for n in fairs]
    paths += [f"/positions/{n}" for n in positions]
    paths += [f"/api/v1/positions/{n}" for n in positions[:3]]
    paths += [f"/employers/{n}" for n in employers]
    paths += [f"/api/v1/employers/{n}" for n in employers[:2]]
    paths += [f"/api/v1/fairs/{n}" for n in fairs[:3]]
    return paths


def parse_wrk(output: str) -> dict:
    found = re.search(r"^RESULT (.*)$", output, re.M)
    if not found:
        raise SystemExit(f"wrk printed no result:\n{output}")
    values = dict(item.split("=") for item in found.group(1).split())
    return {k: float(v) for k, v in values.items()}


def check_runs(url: str, sandbox: str) -> dict:
    """Read the sync ledger after the load: statuses, duplicates, what the receiver holds."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            runs = conn.execute(
                sa.text(
                    "SELECT c.code, r.trigger, r.week, r.status, r.created, r.updated,"
                    " r.withdrawn, r.unchanged, r.failed FROM sync_runs r"
                    " JOIN channels c ON c.id = r.channel_id ORDER BY r.id"
                )
            ).all()
            duplicates = conn.execute(
                sa.text(
                    "SELECT channel_id, week, count(*) FROM sync_runs"
                    " WHERE trigger IN ('schedule', 'catch_up') AND week IS NOT NULL"
                    " GROUP BY channel_id, week HAVING count(*) > 1"
                )
            ).all()
            synced = conn.scalar(
                sa.text(
                    "SELECT count(*) FROM channel_postings p JOIN channels c ON c.id = p.channel_id"
                    " WHERE c.code = 'xjy' AND p.state = 'synced'"
                )
            )
    finally:
        engine.dispose()
    with requests.get(
        f"{sandbox}/stats", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    ) as response:
        stats = response.json()
    return {"runs": runs, "duplicates": duplicates, "synced": synced, "stats": stats}


def wait_runs_done(url: str, seconds: float = 180) -> None:
    engine = sa.create_engine(url)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                running = conn.scalar(
                    sa.text("SELECT count(*) FROM sync_runs WHERE status = 'running'")
                )
                runs = conn.scalar(sa.text("SELECT count(*) FROM sync_runs"))
            if runs and not running:
                return
            time.sleep(1)
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="recruit_t9_load")
    parser.add_argument("--port", type=int, default=5090)
    parser.add_argument("--sandbox-port", type=int, default=5091)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (bounded)")
    parser.add_argument("--record", action="store_true", help="append to bench/README.md")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make load does it)")
    options.duration = max(5, min(options.duration, 600))

    load_start = load()
    url = reset_database(options.database)
    work = Path(tempfile.mkdtemp(prefix="recruit-load-"))
    base = f"http://127.0.0.1:{options.port}"
    sandbox = f"http://127.0.0.1:{options.sandbox_port}"
    env = {
        **os.environ,
        "RECRUIT_ENV": "production",
        "SECRET_KEY": "load-test-not-secret",
        # Production refuses to start without its own PII keys; a fresh pair per run.
        "RECRUIT_PII_KEYS": Fernet.generate_key().decode(),
        "RECRUIT_PII_HASH_KEY": "load-test-hash-key",
        "DATABASE_URL": url,
        "RECRUIT_INSTANCE_PATH": str(work / "instance"),
        "PUBLIC_BASE_URL": base,
        "RECRUIT_CHANNEL_XJY_TOKEN": TOKEN,
        # Production sends channel tokens over https only, but to hosts named here.
        "CHANNEL_ALLOWED_HOSTS": "127.0.0.1",
    }
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "demo", "seed", "--if-empty")
    flask(env, "demo", "generate", "--profile", "half-year")
    print(f"data ready in {time.perf_counter() - started:.0f} s", flush=True)

    processes: list[subprocess.Popen] = []
    scheduler = None
    try:
        with open(work / "sandbox.log", "w") as log:
            processes.append(
                subprocess.Popen(
                    [str(BIN / "flask"), "--app", "wsgi", "portal-sandbox"]
                    + ["--port", str(options.sandbox_port), "--token", TOKEN],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        wait_for(f"{sandbox}/stats")
        flask(
            env,
            *("channels", "set", "xjy", "--base-url", sandbox),
            *("--token-env", "RECRUIT_CHANNEL_XJY_TOKEN", "--enable"),
        )
        gunicorn_log = work / "gunicorn.log"
        processes.append(
            subprocess.Popen(
                [str(BIN / "gunicorn"), "--workers", str(options.workers)]
                + ["--bind", f"127.0.0.1:{options.port}", "--error-logfile", str(gunicorn_log)]
                + ["wsgi:app"],
                cwd=ROOT,
                env=env,
            )
        )
        wait_for(f"{base}/fairs/")
        paths = load_paths(url)
        (work / "paths.txt").write_text("\n".join(paths) + "\n")
        for path in paths:  # every path answers before the clock starts
            with requests.get(base + path, timeout=10) as response:
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code}")

        load_before = load()
        wrk = subprocess.Popen(
            ["wrk", "-t2", f"-c{options.connections}", f"-d{options.duration}s", "--timeout", "10s"]
            + ["-s", str(ROOT / "bench" / "load.lua"), base, "--", str(work / "paths.txt")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(wrk)
        time.sleep(3)
        scheduler_log = open(work / "scheduler.log", "w")  # noqa: SIM115 - closed below
        scheduler = subprocess.Popen(
            [str(BIN / "flask"), "--app", "wsgi", "jobs", "run"],
            cwd=ROOT,
            env=env,
            stdout=scheduler_log,
            stderr=subprocess.STDOUT,
        )
        time.sleep(max(options.duration / 2 - 3, 1))
        manual = flask(env, "sync", "run", "--channel", "xjy", "--force", check=False)
        load_during = load()
        output, _ = wrk.communicate(timeout=options.duration + 60)
        result = parse_wrk(output)
        wait_runs_done(url)
        with requests.get(
            f"{sandbox}/stats", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
        ) as response:
            writes_before = response.json()["writes"]
        # After the load: a forced manual run finds nothing changed and sends nothing.
        after = flask(env, "sync", "run", "--channel", "xjy", "--force", check=False)
        ledger = check_runs(url, sandbox)
    finally:
        stop(scheduler)
        for process in reversed(processes):
            stop(process)
        if scheduler is not None:
            scheduler_log.close()

    errors = int(sum(result[k] for k in ("connect", "read", "write", "status", "timeout")))
    seconds = result["duration_us"] / 1e6
    tracebacks = gunicorn_log.read_text(errors="replace").count("Traceback")
    scheduler_text = (work / "scheduler.log").read_text(errors="replace")
    bad_runs = [r for r in ledger["runs"] if r.status not in ("completed",)]
    manual_refused = manual.returncode != 0 and "正在同步中" in (manual.stdout + manual.stderr)
    resent = ledger["stats"]["writes"] - writes_before
    checks = {
        "request errors": errors == 0,
        "no failed or stopped sync run": not bad_runs,
        "no duplicate weekly run": not ledger["duplicates"],
        "receiver holds the synced postings": ledger["stats"]["held"] == ledger["synced"],
        "no traceback in gunicorn or the scheduler": tracebacks == 0
        and "Traceback" not in scheduler_text,
        "manual run completed or refused by the lock": manual.returncode == 0 or manual_refused,
        "forced run after the load completed and sent nothing": after.returncode == 0
        and resent == 0,
    }
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {commit()}",
        "",
        f"- machine: {platform.system()} {platform.release()}, {os.cpu_count()} cores, Python"
        f" {platform.python_version()}, shared with other work; load average (1/5/15 min):"
        f" {load_start} at the start, {load_before} before the load, {load_during} half-way",
        f"- set-up: gunicorn {options.workers} workers (sync) on PostgreSQL `{options.database}`"
        f" (demo seed + generated half-year), the scheduler process (`flask jobs run`), the"
        f" reference receiver; all on 127.0.0.1; wrk 2 threads, {options.connections}"
        f" connections for {seconds:.0f} s over {len(paths)} paths (pages, searches, API)",
        f"- throughput: {result['requests'] / seconds:.0f} requests/s"
        f" ({int(result['requests'])} requests)",
        f"- latency: p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms,"
        f" p99 {result['p99']:.0f} ms, max {result['max']:.0f} ms",
        f"- errors: {errors} (connect {int(result['connect'])}, read {int(result['read'])},"
        f" write {int(result['write'])}, HTTP ≥ 400 {int(result['status'])},"
        f" timeout {int(result['timeout'])})",
        "- sync during the load: "
        + "; ".join(
            f"{r.code} {r.trigger} {r.week or ''} {r.status}"
            f" (created {r.created}, updated {r.updated}, unchanged {r.unchanged},"
            f" failed {r.failed})"
            for r in ledger["runs"]
        )
        + f"; manual `sync run --channel xjy --force` exit {manual.returncode}"
        + (" (refused: the weekly run held the lock)" if manual_refused else "")
        + f"; after the load, a forced run exit {after.returncode}, {resent} requests sent",
        f"- receiver: holds {ledger['stats']['held']} postings, {ledger['stats']['writes']}"
        f" writes, {ledger['stats'].get('replays', 0)} replays; database: {ledger['synced']}"
        f" xjy postings synced; duplicate weekly runs: {len(ledger['duplicates'])}",
        "- checks: " + ", ".join(f"{k} {'✓' if ok else '✗'}" for k, ok in checks.items()),
        "",
    ]
    print("\n".join(lines))
    if options.record:
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text(encoding="utf-8")
        if "\n## make load\n" not in text:
            text = text.rstrip("\n") + "\n\n## make load\n\n" + INTRO + "\n"
        readme.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines), encoding="utf-8")
    if not all(checks.values()):
        print("失败的检查：" + "、".join(k for k, ok in checks.items() if not ok))
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


def commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


INTRO = (
    "`make load` (`bench/load.py` + `bench/load.lua`, wrk from Debian) runs the scaled set-up of"
    " DESIGN §6 on PostgreSQL: gunicorn with 4 workers, the scheduler process and the reference"
    " receiver, all on 127.0.0.1, and 50 concurrent connections for a fixed time over public"
    " pages, searches and API reads, while this week's sync runs (the scheduler's start-up"
    " catch-up) plus one manual forced run. It then checks the ledger: no failed run, no"
    " duplicate weekly run, the receiver holds what the database says is synced."
)

if __name__ == "__main__":
    raise SystemExit(main())

"""Run every benchmark on SQLite and PostgreSQL and set the DESIGN §6 figures side by side.

`make bench` runs this. It runs the existing scripts one after another (each appends its own
section to bench/README.md where it can), reads their printed figures and appends one table
to the section "## make bench": each §6 target, the figure on each database and the ratio
figure/target (≤ 1.00 means met), with the machine, the date, the commit and the load average.

PostgreSQL databases (created if missing; the search and sync ones are EMPTIED every run):
  BENCH_PG_BASE (default postgresql+psycopg://postgres@127.0.0.1:5432) + /recruit_t9_bench,
  /recruit_t9_search, /recruit_t9_sync.

    .venv/bin/python bench/run_all.py [--scale 10] [--no-record]
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PG_BASE = os.environ.get("BENCH_PG_BASE", "postgresql+psycopg://postgres@127.0.0.1:5432")


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def ensure_pg_database(name: str) -> None:
    """Create the PostgreSQL database if it does not exist yet."""
    import sqlalchemy as sa

    engine = sa.create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()


def empty_database(url: str) -> None:
    """Start a bench database from nothing: remove the SQLite file or empty the schema."""
    import sqlalchemy as sa

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


def run(args: list[str], env: dict | None = None) -> str:
    """Run a bench script, echo its output and return it."""
    print(f"$ {' '.join(args)}  (load average {load()})", flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr[-4000:])
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}")
    print(f"  … {time.perf_counter() - started:.0f} s", flush=True)
    return done.stdout


def number(pattern: str, text: str) -> float | None:
    found = re.search(pattern, text)
    return float(found.group(1)) if found else None


def report_figures(output: str) -> dict:
    return {
        "generate": number(r"generated \d+× H1 up to \d+ in ([\d.]+) s", output),
        "summary": number(r"build_report`\): median ([\d.]+) ms", output),
        "summary_p95": number(r"build_report`\): median [\d.]+ ms, p95 ([\d.]+) ms", output),
        "hand": number(
            r"hand-written SQL aggregate of the headline numbers: median ([\d.]+)", output
        ),
        "page": number(r"`/reports/` \(viewer, test client\): median ([\d.]+) ms", output),
    }


def search_figures(output: str) -> dict:
    rows = re.findall(r"^\s*([\d.]+) ms  p95\s+([\d.]+) ms  (\S+)$", output, re.M)
    pages = [(float(m), float(p)) for m, p, path in rows if path.startswith("/positions/")]
    bare = [(float(m), float(p)) for m, p, path in rows if path == "/_bench/bare"]
    return {
        "search": max(m for m, _ in pages),
        "search_p95": max(p for _, p in pages),
        "bare": bare[0][0] if bare else None,
    }


def sync_figures(output: str) -> dict:
    found = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0] in ("sqlite", "postgresql"):
            found[cells[0]] = {
                "first": float(cells[2].rstrip(" s")),
                "plain": float(cells[3].rstrip(" s")),
                "resync": float(cells[5].rstrip(" s")),
                "requests": int(cells[6]),
            }
    return found


def ratio(value, target) -> str:
    if value is None:
        return "—"
    return f"{value / target:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="generator scale for the report")
    parser.add_argument("--sync-n", type=int, default=5000)
    parser.add_argument("--no-record", action="store_true")
    options = parser.parse_args()
    load_start = load()
    suffix = "" if options.scale == 1 else f"_x{options.scale}"
    for name in (f"recruit_t9_bench{suffix}", "recruit_t9_search", "recruit_t9_sync"):
        ensure_pg_database(name)

    record = [] if options.no_record else ["--append"]
    scale = [] if options.scale == 1 else ["--scale", str(options.scale)]
    figures: dict[str, dict] = {"sqlite": {}, "postgresql": {}}
    loads: dict[str, list[str]] = {"sqlite": [], "postgresql": []}

    for db_name, url in (
        ("sqlite", f"sqlite:////tmp/recruit-t9-report-bench{suffix}.db"),
        ("postgresql", f"{PG_BASE}/recruit_t9_bench{suffix}"),
    ):
        empty_database(url)  # so the generation is timed on every run
        loads[db_name].append(load())
        out = run(
            [PYTHON, "bench/report_bench.py", "--database-url", url, "--repeat", "30"]
            + scale
            + record
        )
        figures[db_name].update(report_figures(out))

    for db_name, env in (
        ("sqlite", {}),
        ("postgresql", {"BENCH_DATABASE_URL": f"{PG_BASE}/recruit_t9_search"}),
    ):
        loads[db_name].append(load())
        out = run(
            [PYTHON, "-m", "bench.position_search"],
            env={**env, "BENCH_SCALE": str(options.scale)},
        )
        figures[db_name].update(search_figures(out))

    if options.scale == 1:
        for db_name in ("sqlite", "postgresql"):
            loads[db_name].append(load())
        out = run(
            [PYTHON, "bench/sync_bench.py", "--n", str(options.sync_n)]
            + ([] if options.no_record else ["--record"]),
            env={"BENCH_PG_URL": f"{PG_BASE}/recruit_t9_sync"},
        )
        for db_name, values in sync_figures(out).items():
            figures[db_name].update(values)

    # The import of 32,000 intents from .xlsx (issue 3), on a fresh database each time.
    for db_name, url in (
        ("sqlite", "sqlite:////tmp/recruit-t9-import-bench.db"),
        ("postgresql", f"{PG_BASE}/recruit_import_bench"),
    ):
        if db_name == "postgresql":
            ensure_pg_database("recruit_import_bench")
        out = run([PYTHON, "bench/import_bench.py", "--database-url", url])
        figures[db_name]["import"] = number(r"import: ([\d.]+) s", out)

    table = summary_table(figures, options.scale)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    cpu = platform.machine()
    command = " ".join([".venv/bin/python bench/run_all.py", *sys.argv[1:]])
    block = [
        "",
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {commit}"
        + (" (with uncommitted changes)" if dirty else "")
        + (f" · scale {options.scale}× the half-year" if options.scale != 1 else ""),
        "",
        f"Machine: {platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}; shared with other work.  ",
        f"Load average (1/5/15 min) at the start {load_start}; before each step: SQLite "
        f"{'; '.join(loads['sqlite'])} · PostgreSQL {'; '.join(loads['postgresql'])}; "
        f"at the end {load()}.  ",
        f"Command: `make bench` (`{command}`)",
        "",
        *table,
        "",
    ]
    print("\n".join(block))
    if not options.no_record:
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text(encoding="utf-8")
        if "\n## make bench\n" not in text:
            text = text.rstrip("\n") + "\n\n## make bench\n\n" + INTRO + "\n"
        readme.write_text(text.rstrip("\n") + "\n" + "\n".join(block), encoding="utf-8")
    return 0


INTRO = (
    "`make bench` (`bench/run_all.py`) runs `report_bench.py`, `position_search.py` and"
    " `sync_bench.py` on SQLite and PostgreSQL and sets each DESIGN §6 target beside the"
    " figures: *ratio* is figure ÷ target, so ≤ 1.00 means the target is met. The search figure"
    " is the slowest median of the seven typical searches; *vs bare* compares it with a bare Flask"
    " route reading the same number of rows (test client, no HTTP). The machine is a shared"
    " 2-core VM: the load average is written with every run."
)


def summary_table(figures: dict, scale: int) -> list[str]:
    s, p = figures["sqlite"], figures["postgresql"]

    def cell(values: dict, key: str, unit: str, target: float | None, extra: str = "") -> str:
        value = values.get(key)
        if value is None:
            return "— | —"
        shown = f"{value:.1f} {unit}" if unit == "ms" else f"{value:.2f} {unit}"
        return f"{shown}{extra} | {ratio(value, target) if target else '—'}"

    def vs(values: dict, key: str, base: str) -> str:
        if values.get(key) is None or not values.get(base):
            return ""
        return f" ({values[key] / values[base]:.1f}× vs {'bare' if base == 'bare' else 'SQL'})"

    lines = [
        "| figure | target | SQLite | ratio | PostgreSQL | ratio |",
        "|---|---|---|---|---|---|",
        f"| generate the data set (scale {scale}) | — | {cell(s, 'generate', 's', None)} "
        f"| {cell(p, 'generate', 's', None)} |",
        f"| report summary, median | ≤ 150 ms | "
        f"{cell(s, 'summary', 'ms', 150, vs(s, 'summary', 'hand'))} | "
        f"{cell(p, 'summary', 'ms', 150, vs(p, 'summary', 'hand'))} |",
        f"| report summary p95 | ≤ 150 ms | {cell(s, 'summary_p95', 'ms', 150)} "
        f"| {cell(p, 'summary_p95', 'ms', 150)} |",
        f"| reports dashboard page, median | ≤ 300 ms | {cell(s, 'page', 'ms', 300)} "
        f"| {cell(p, 'page', 'ms', 300)} |",
        f"| position search page, slowest median | ≤ 50 ms | "
        f"{cell(s, 'search', 'ms', 50, vs(s, 'search', 'bare'))} | "
        f"{cell(p, 'search', 'ms', 50, vs(p, 'search', 'bare'))} |",
        f"| position search page, slowest p95 | ≤ 50 ms | {cell(s, 'search_p95', 'ms', 50)} "
        f"| {cell(p, 'search_p95', 'ms', 50)} |",
    ]
    if "first" in s or "first" in p:
        lines += [
            f"| 5,000 postings first sync | ≤ 15 s | "
            f"{cell(s, 'first', 's', 15, _plain(s))} | {cell(p, 'first', 's', 15, _plain(p))} |",
            f"| no-change re-sync: requests sent | 0 | {s.get('requests', '—')} | "
            f"{'met' if s.get('requests') == 0 else '—'} | {p.get('requests', '—')} | "
            f"{'met' if p.get('requests') == 0 else '—'} |",
            f"| no-change re-sync time | ≤ 2 s | {cell(s, 'resync', 's', 2)} "
            f"| {cell(p, 'resync', 's', 2)} |",
        ]
    lines.append(
        f"| import of 32,000 intents from .xlsx (issue 3) | — | "
        f"{cell(s, 'import', 's', None) if 'import' in s else 'not measured | —'} | "
        f"{cell(p, 'import', 's', None) if 'import' in p else 'not measured | —'} |"
    )
    return lines


def _plain(values: dict) -> str:
    if not values.get("plain"):
        return ""
    return f" ({values['first'] / values['plain']:.2f}× a bare Session loop)"


if __name__ == "__main__":
    raise SystemExit(main())

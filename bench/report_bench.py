"""Benchmark the reports on the generated half-year data set.

Measures, in one run on one database:
- the summary with all breakdowns (`build_report`: headline metrics, sentence, the five
  breakdowns, funnel, occupations), median and p95 over repeated calls;
- one hand-written SQL aggregate of the headline numbers over the same database, for the ratio;
- the dashboard page `/reports/` for the demo viewer through the test client.

Usage (from the repository root):
    .venv/bin/python bench/report_bench.py                       # SQLite file in /tmp
    .venv/bin/python bench/report_bench.py --database-url postgresql+psycopg://…/recruit_bench
    … --append                                                   # add the result to bench/README.md
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HAND_WRITTEN = """
SELECT
  (SELECT count(*) FROM fairs f WHERE {counted}) AS fairs,
  (SELECT count(*) FROM participations p JOIN fairs f ON f.id = p.fair_id
     WHERE p.status = 'attended' AND {counted}) AS employer_attendances,
  (SELECT coalesce(sum(fp.openings), 0) FROM fair_positions fp
     JOIN participations p ON p.id = fp.participation_id JOIN fairs f ON f.id = p.fair_id
     WHERE p.status = 'attended' AND {counted}) AS positions_offered,
  (SELECT coalesce(sum(t.count), 0) FROM seeker_tallies t JOIN fairs f ON f.id = t.fair_id
     WHERE {counted})
  + (SELECT count(*) FROM fair_entries e JOIN fairs f ON f.id = e.fair_id
     WHERE {counted}) AS seeker_entries,
  (SELECT count(*) FROM tentative_hires h JOIN fairs f ON f.id = h.fair_id
     WHERE {counted}) AS tentative_hires
"""
COUNTED = "f.status IN ('held', 'closed') AND f.starts_at >= :begin AND f.starts_at < :stop"


def timed(fn, repeat: int) -> tuple[float, float]:
    """Return (median, p95) in milliseconds over repeat calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/recruit-report-bench.db")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--scale", type=int, default=1, help="N half-years of data ending with --year"
    )
    parser.add_argument(
        "--append", action="store_true", help="append the result to bench/README.md"
    )
    options = parser.parse_args()
    load = os.getloadavg()[0]

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from recruit import create_app
    from recruit.auth.actors import system
    from recruit.demo.services import DEMO_PASSWORD, is_seeded, seed_demo
    from recruit.extensions import db
    from recruit.formatting import local_day_bounds
    from recruit.reports.metrics import ReportFilter
    from recruit.reports.services import build_report

    os.environ.setdefault("RECRUIT_INSTANCE_PATH", "/tmp/recruit-report-bench")
    app = create_app(
        "development", SQLALCHEMY_DATABASE_URI=options.database_url, WTF_CSRF_ENABLED=False
    )
    from recruit.demo.generate import generate_half_year, is_generated, scaled_years

    year = options.year
    report = ReportFilter(date(year, 1, 1), date(year, 6, 30))
    actor = system("bench.report")
    with app.app_context():
        dialect = db.engine.dialect.name
        upgrade()
        if not is_seeded():
            seed_demo()
            db.session.commit()
        missing = [y for y in scaled_years(year, options.scale) if not is_generated(y)]
        if missing:
            t0 = time.perf_counter()
            for one_year in missing:
                generate_half_year(one_year)
                db.session.commit()
            if dialect == "postgresql":
                # What autovacuum does for a live database after a bulk load: statistics, and
                # the visibility map that lets the covering indexes answer without the table.
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    c.exec_driver_sql("VACUUM ANALYZE")
            print(f"generated {len(missing)}× H1 up to {year} in {time.perf_counter() - t0:.1f} s")
        begin, stop = local_day_bounds(report.start, report.end)
        naive = {
            "begin": begin.astimezone(UTC).replace(tzinfo=None),
            "stop": stop.astimezone(UTC).replace(tzinfo=None),
        }
        hand_sql = sa.text(HAND_WRITTEN.format(counted=COUNTED))
        headline = db.session.execute(hand_sql, naive).one()
        built = build_report(actor, report)
        assert tuple(headline) == tuple(built.metrics.as_dict().values())[:5], (headline, built)
        print(built.sentence)

        summary = timed(lambda: build_report(actor, report), options.repeat)
        hand = timed(lambda: db.session.execute(hand_sql, naive).one(), options.repeat)
        db.session.remove()

    client = app.test_client()
    client.post("/login", data={"username": "viewer", "password": DEMO_PASSWORD})
    url = f"/reports/?preset=custom&start={report.start}&end={report.end}"
    assert client.get(url).status_code == 200

    def dashboard():
        response = client.get(url)
        assert response.status_code == 200
        response.close()

    page = timed(dashboard, options.repeat)
    with app.app_context():
        db.engine.dispose()

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    cpu = platform.processor() or platform.machine()
    machine = (
        f"{platform.node()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f"; shared with other work: load average {load:.1f} at the start"
    )
    command = "python bench/report_bench.py " + " ".join(
        a if "@" not in a else a.split("@")[0].split("//")[0] + "//…@" + a.split("@")[1]
        for a in sys.argv[1:]
    )
    ratio = summary[0] / hand[0]
    lines = [
        f"### {dialect} · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {commit}",
        "",
        f"- machine: {machine}",
        f"- command: `{command.strip()}`",
        f"- data: generated half-year {year} (219 fairs, 5248 attendances, 32000 intents)"
        + (
            f", in a database of {options.scale} such half-years ({year - options.scale + 1}"
            f"–{year}, scale {options.scale})"
            if options.scale > 1
            else ""
        )
        + " + demo seed",
        f"- summary with all breakdowns (`build_report`): median {summary[0]:.1f} ms,"
        f" p95 {summary[1]:.1f} ms (target ≤ 150 ms)",
        f"- one hand-written SQL aggregate of the headline numbers: median {hand[0]:.1f} ms,"
        f" p95 {hand[1]:.1f} ms; ratio summary/hand-written {ratio:.1f}×",
        f"- dashboard page `/reports/` (viewer, test client): median {page[0]:.1f} ms,"
        f" p95 {page[1]:.1f} ms (target ≤ 300 ms)",
        f"- repeats: {options.repeat}",
        "",
    ]
    print("\n".join(lines))
    if options.append:
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
        if "## Reports" not in text:
            text = text.rstrip("\n") + "\n\n## Reports\n\n" + REPORTS_INTRO + "\n"
        # Keep this section's results together: insert before the next section, if any.
        head, _, tail = text.partition("## Reports\n")
        next_section = tail.find("\n## ")
        if next_section == -1:
            tail = tail.rstrip("\n") + "\n\n" + "\n".join(lines)
        else:
            tail = (
                tail[:next_section].rstrip("\n") + "\n\n" + "\n".join(lines) + tail[next_section:]
            )
        readme.write_text(head + "## Reports\n" + tail, encoding="utf-8")
    return 0


REPORTS_INTRO = (
    "`bench/report_bench.py` measures, on the generated half-year data set (`flask demo generate"
    " --profile half-year`), the report summary with all breakdowns, one hand-written SQL aggregate"
    " over the same database in the same run (the ratio shows what the query layer costs), and the"
    " dashboard page. Targets (DESIGN §6, issue 6): summary ≤ 150 ms on SQLite, page ≤ 300 ms."
)

if __name__ == "__main__":
    raise SystemExit(main())

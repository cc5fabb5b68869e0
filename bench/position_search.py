"""Time the public position search at the half-year scale of DESIGN §6.

Builds a throwaway database (SQLite in a temporary folder, or BENCH_DATABASE_URL, which is
EMPTIED first: never point it at a database you need) with about
600 employers and 12,000 positions of which 6,000 are open, then requests /positions/ with
typical filters and prints the median and p95 time of each, and of a bare Flask route
reading the same number of rows (the baseline of the ratio). The target is 50 ms a page.

    .venv/bin/python -m bench.position_search
"""

import os
import random
import statistics
import tempfile
import time
from datetime import timedelta

import sqlalchemy as sa
from flask_migrate import upgrade

from recruit import create_app
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db
from recruit.formatting import local_today
from recruit.positions.models import Position, PositionStatus
from recruit.refdata.codes import Education
from recruit.refdata.models import IndustryChain
from recruit.refdata.services import load_refdata
from recruit.validators import uscc_check_char

REGIONS = ["430202", "430203", "430204", "430211", "430212", "430223", "430224", "430225", "430281"]
TITLES = ["普工", "窑炉工", "陶瓷彩绘工", "数控车工", "电工", "质检员", "仓管员", "会计"]
QUERIES = [
    "",
    "?page=50",
    "?q=窑炉",
    "?region=430281",
    "?region=430281&chain=1&education=junior_college",
    "?min_salary=6000",
    "?q=工&region=430211&min_salary=4000&page=3",
]
BARE = "/_bench/bare"
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def build(app, employers: int = 600, per_employer: int = 20) -> None:
    rng = random.Random(7)
    today = local_today()
    with app.app_context():
        upgrade()
        load_refdata()
        chains = [c.id for c in db.session.query(IndustryChain)]
        now = utcnow()
        for n in range(employers):
            region = rng.choice(REGIONS)
            body = f"91{region}MA4B{n:05d}"
            employer = Employer(
                name=f"基准企业{n}有限公司",
                uscc=body + uscc_check_char(body),
                region_code=region,
                industry_section="C",
                industry_chain_id=rng.choice(chains + [None]),
                status=EmployerStatus.APPROVED,
            )
            db.session.add(employer)
            for k in range(per_employer):
                low = rng.randrange(2200, 8000, 100)
                db.session.add(
                    Position(
                        employer=employer,
                        title=rng.choice(TITLES),
                        description="岗位职责：" + "负责生产线相关工作。" * rng.randint(3, 20),
                        occupation_major_group=rng.randint(2, 6),
                        openings=rng.randint(1, 30),
                        salary_min=low,
                        salary_max=low + rng.randrange(0, 4000, 100),
                        education=rng.choice(list(Education)),
                        work_region_code=region,
                        valid_until=today + timedelta(days=rng.randint(-30, 200)),
                        status=PositionStatus.OPEN if k % 2 == 0 else PositionStatus.CLOSED,
                        published_at=now - timedelta(minutes=rng.randint(0, 260_000)),
                    )
                )
            if n % 100 == 99:
                db.session.commit()
        db.session.commit()


def main() -> None:
    folder = tempfile.mkdtemp(prefix="bench-search-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    app.instance_path = folder
    started = time.perf_counter()
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    # BENCH_SCALE=10 (make bench at --scale 10) builds ten times the employers and positions.
    build(app, employers=600 * int(os.environ.get("BENCH_SCALE", "1")))
    with app.app_context(), db.engine.begin() as conn:
        # Production has autovacuum's statistics; a bulk load needs them gathered by hand.
        conn.exec_driver_sql("ANALYZE")
    print(f"built in {time.perf_counter() - started:.1f} s ({url})")

    # The baseline: a bare Flask route that reads the same number of open positions and returns
    # them as text, without the search's filters, counting or template.
    def bare():
        rows = db.session.scalars(
            sa.select(Position)
            .where(Position.status == PositionStatus.OPEN)
            .order_by(Position.published_at.desc())
            .limit(app.config["PAGE_SIZE"])
        ).all()
        return "\n".join(f"{p.id} {p.title}" for p in rows)

    app.add_url_rule("/_bench/bare", "bench_bare", bare)
    client = app.test_client()
    for query in QUERIES + [BARE]:
        client.get(query if query == BARE else f"/positions/{query}").close()  # warm up
        times = []
        path = query if query == BARE else f"/positions/{query}"
        for _ in range(REPEAT):
            began = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
            response.close()
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  {path}")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()

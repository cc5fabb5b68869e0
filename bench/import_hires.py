"""Time a 32,000-row tentative-hire import (DESIGN: "well under a minute").

Usage: DATABASE_URL=... python bench/import_hires.py [rows]
Needs the demo data (flask demo seed); imports into the open 醴陵 demo fair and rolls back.
"""

import io
import random
import sys
import time

import openpyxl
import sqlalchemy as sa

from recruit import create_app
from recruit.auth.actors import system
from recruit.extensions import db
from recruit.fairs.models import Fair, FairStatus
from recruit.fairs.summary import offered_position_ids
from recruit.hires.imports import TEMPLATE_COLUMNS, import_hires
from recruit.refdata.codes import Education, PriorityGroup


def build_file(position_ids: list[int], rows: int) -> io.BytesIO:
    """Write a valid import file with `rows` distinct seekers."""
    rng = random.Random(32000)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("就业意向")
    sheet.append(list(TEMPLATE_COLUMNS))
    educations = [e.label for e in Education]
    groups = [g.label for g in PriorityGroup]
    for n in range(rows):
        sheet.append(
            [
                f"求职者{n:05d}",
                rng.choice(["男", "女", ""]),
                f"139{n:08d}",
                "",
                rng.choice(educations),
                "、".join(rng.sample(groups, k=n % 3)),
                rng.choice(position_ids),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def time_import(app, rows: int) -> tuple[float, float, int, int]:
    """Import `rows` intents into the first open fair and roll back.

    Returns (seconds to build the file, seconds to check and insert, imported, errors).
    """
    with app.app_context():
        fair = db.session.scalar(
            sa.select(Fair).where(Fair.status == FairStatus.OPEN).order_by(Fair.id)
        )
        if fair is None:
            sys.exit("没有报名中的招聘会：请先运行 flask --app wsgi demo seed")
        started = time.perf_counter()
        data = build_file(sorted(offered_position_ids(fair)), rows)
        built = time.perf_counter()
        result = import_hires(fair, data, by=system("bench.import_hires"))
        db.session.flush()
        done = time.perf_counter()
        db.session.rollback()
        return built - started, done - built, result.imported, len(result.errors)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 32_000
    app = create_app()
    built, took, imported, errors = time_import(app, rows)
    print(
        f"{app.extensions['sqlalchemy'].engine.dialect.name}: file of {rows} rows built in "
        f"{built:.1f}s, checked and inserted {imported} rows ({errors} errors) in {took:.1f}s"
    )


if __name__ == "__main__":
    main()

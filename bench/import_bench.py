"""Time the import of 32,000 tentative hires from .xlsx on a fresh database (for make bench).

Usage: python bench/import_bench.py --database-url URL [--rows 32000]
The database is emptied first, migrated, given the demo data, and the import is rolled back.
Prints "import: <seconds> s" (checking and inserting; building the file is not counted).
"""

import argparse
import sys
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_hires import time_import

from recruit import create_app
from recruit.demo.services import seed_demo
from recruit.extensions import db


def fresh_database(url: str) -> None:
    """Drop everything in the bench database so the run starts from nothing."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=32_000)
    options = parser.parse_args()
    fresh_database(options.database_url)
    app = create_app("development", SQLALCHEMY_DATABASE_URI=options.database_url)
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
    built, took, imported, errors = time_import(app, options.rows)
    print(f"rows: {imported} imported, {errors} errors; file built in {built:.1f} s")
    print(f"import: {took:.2f} s")


if __name__ == "__main__":
    main()

"""python -m jobs: the scheduler process, same as flask --app wsgi jobs run."""

import logging

from jobs import run_scheduler
from recruit import create_app

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run_scheduler(create_app())

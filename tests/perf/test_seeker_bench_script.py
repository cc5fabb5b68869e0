"""The fair-opening benchmark's pieces (bench/seeker_bench.py), fast: the plan, the figures,
the fair it builds, and a small run through the API with the test client."""

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from recruit.seekers.services import clean_entry
from recruit.validators import mobile_error

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "seeker_bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("seeker_bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_plan_holds_the_asked_entries_repeats_applications_and_duplicates(bench):
    journeys = bench.plan_journeys(
        entries=60, applications=50, applicants=20, position_ids=list(range(100, 112))
    )

    kinds = Counter(step.kind for steps in journeys for step in steps)
    assert kinds == {
        "entry": 60,
        "repeat entry": 3,
        "application": 50,
        "duplicate application": 1,
    }
    assert sorted(steps[0].seeker for steps in journeys) == list(range(60))
    assert all(steps[0].kind == "entry" for steps in journeys)
    assert all(len({step.seeker for step in steps}) == 1 for steps in journeys)
    firsts = [(s.seeker, s.position_id) for j in journeys for s in j if s.kind == "application"]
    assert len(set(firsts)) == 50
    assert len({s.seeker for j in journeys for s in j if s.kind == "application"}) == 20
    for steps in journeys:  # a duplicate comes right after the application it repeats
        for before, step in zip(steps, steps[1:], strict=False):
            if step.kind == "duplicate application":
                assert before.kind == "application" and before.position_id == step.position_id


def test_the_plan_is_the_same_for_the_same_seed_and_refuses_impossible_numbers(bench):
    first = bench.plan_journeys(entries=30, applications=20, applicants=10, position_ids=[1, 2, 3])
    again = bench.plan_journeys(entries=30, applications=20, applicants=10, position_ids=[1, 2, 3])
    assert first == again
    with pytest.raises(ValueError):
        bench.plan_journeys(entries=10, applications=40, applicants=10, position_ids=[1, 2, 3])
    with pytest.raises(ValueError):
        bench.plan_journeys(entries=10, applications=5, applicants=20, position_ids=[1, 2])


def test_the_simulated_seekers_type_valid_entries_with_distinct_mobiles(bench):
    numbers = [0, 1, 2, 4999, 9_999_999]
    assert len({bench.mobile(n) for n in numbers}) == len(numbers)
    for n in numbers:
        assert mobile_error(bench.mobile(n)) is None
        assert clean_entry(bench.entry_body(n)).phone == bench.mobile(n)


def test_percentiles_are_nearest_rank_and_the_table_counts_unexpected_statuses(bench):
    values = [float(n) for n in range(1, 101)]
    assert bench.percentile(values, 50) == 50
    assert bench.percentile(values, 95) == 95
    assert bench.percentile(values, 99) == 99
    assert bench.percentile([], 95) == 0
    results = [
        bench.Result("entry", 201, 10.0),
        bench.Result("entry", 500, 30.0),
        bench.Result("repeat entry", 200, 5.0),
        bench.Result("application", 0, 0.0, "no token: the entry failed"),
        bench.Result("duplicate application", 409, 7.0),
    ]

    every = bench.figures(results)
    assert (every.count, every.errors, every.max) == (5, 2, 30.0)
    assert bench.figures(results, "entry").p50 == 10.0
    lines = bench.table(results, seconds=1.0)
    assert lines[2].startswith("| entry | 2 | 201 | 201×1, 500×1 | 1 |")
    assert "none×1" in lines[4]
    checks = bench.load_checks(results, tracebacks=0)
    assert checks["zero errors"] is False and checks["no 5xx, no 429"] is False


class ClientAdapter:
    """The benchmark's client interface over Flask's test client."""

    def __init__(self, client):
        self.client = client

    def post(self, path, body, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.post(path, json=body, headers=headers)
        return response.status_code, response.get_json(silent=True) or {}


def test_a_small_run_through_the_api_answers_as_expected_and_the_database_agrees(bench, client):
    fair_id = bench.build_fair(4, 10)
    positions = bench.offered_position_ids(fair_id)
    assert len(positions) == 10
    journeys = bench.plan_journeys(
        entries=20,
        applications=12,
        applicants=8,
        position_ids=positions,
        repeat_share=0.1,
        duplicate_share=0.1,
    )

    run = bench.run_load(journeys, fair_id, lambda: ClientAdapter(client), rate=10_000, clients=1)

    results = run["results"]
    assert [r for r in results if not r.ok] == []
    assert Counter(r.kind for r in results) == {
        "entry": 20,
        "repeat entry": 2,
        "application": 12,
        "duplicate application": 1,
    }
    found = bench.check_database(fair_id, 20, results)
    assert found["entries"] == 20 and found["applications"] == 12
    assert all(bench.database_checks(found).values())


def test_the_time_inside_gunicorn_is_read_per_endpoint_from_its_access_log(bench):
    log = "\n".join(
        [
            "POST /api/v1/fairs/7/entries 12000",
            "POST /api/v1/seeker/applications 25500",
            "GET /api/v1/fairs/7 3000",
            "[2026-11-30 04:00:00 +0000] [1] [INFO] Booting worker",
            "POST /api/v1/fairs/7/entries 8000",
        ]
    )

    assert bench.server_times(log) == {"entries": [12.0, 8.0], "applications": [25.5]}

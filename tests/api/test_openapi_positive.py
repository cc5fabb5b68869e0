"""What the document admits, the server takes (schemathesis' ST202, positive data refused).

The contract test lets positive data meet 422 for the rules a schema cannot hold. Here the two
bodies with the most codes in them (an employer's registration and a position) are generated
from the document, only those rules are put right (the USCC checksum, a strong password, dates
relative to today, salary minimum ≤ maximum, the occupation code under its major group), and
every request must then be accepted: regions, chains, phones, user names, enums and lengths
are all stated by the document itself.
"""

import itertools
from datetime import date, timedelta

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from recruit.auth.models import Role
from recruit.validators import uscc_check_char
from tests.api.test_openapi_contract import _typeable_case

BUDGET = settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _operation(app, method: str, path: str):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema[path][method]


_serial = itertools.count(1)


def _registration(case):
    """Put the checksum and password right; a serial keeps the USCC and user name new."""
    body = case.body
    n = next(_serial)
    first17 = body["uscc"][:8] + f"{n:09d}"
    body["uscc"] = first17 + uscc_check_char(first17)
    body["username"] = f"{body['username'][:56]}-{n}"
    body["password"] = "瓷都-招聘-2026-green-kiln"
    return case


def test_a_registration_the_document_admits_is_accepted(app, db):
    operation = _operation(app, "POST", "/api/v1/employers")
    strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)

    @given(case=strategy.map(_typeable_case).map(_registration))
    @BUDGET
    def register(case):
        response = case.call()
        assert response.status_code == 201, (case.body, response.json())

    register()


def _position(case):
    body = case.body
    body["valid_until"] = (date.today() + timedelta(days=30)).isoformat()
    low, high = body.get("salary_min"), body.get("salary_max")
    if low is None or high is None:
        body.update(salary_min=None, salary_max=None, salary_negotiable=True)
    else:
        # At least the city's minimum wage, minimum ≤ maximum.
        body.update(salary_min=3000 + min(low, high) % 10_000, salary_max=None)
        body["salary_max"] = body["salary_min"] + abs(high - low) % 10_000
    if body.get("occupation_code"):
        body["occupation_code"] = f"{body['occupation_major_group']}{body['occupation_code'][1:]}"
    return case


def test_a_position_the_document_admits_is_accepted(app, db, make_user, bearer):
    headers = bearer(make_user(Role.EMPLOYER))
    db.session.commit()
    operation = _operation(app, "POST", "/api/v1/employer/positions")
    strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)

    @given(case=strategy.map(_typeable_case).map(_position))
    @BUDGET
    def create(case):
        response = case.call(headers=headers)
        assert response.status_code == 201, (case.body, response.json())

    create()

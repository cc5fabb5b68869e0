"""Schemathesis over the whole OpenAPI document with every check (the CLI's `--checks all`).

Each operation is fuzzed with valid and invalid (negative) data, anonymously and with a token
of each role; schemathesis' coverage phase (boundary values, missing or extra parts, methods
the document does not list) runs anonymously and as an admin. Every registered check runs
(no 5xx, status codes, content types, headers, response schemas, negative data refused,
positive data accepted, Allow on 405 and OPTIONS, auth not ignored …). What is adjusted, and
why, is written down here and nowhere else:

- positive data may meet 422: the document states formats (patterns, enums of today's region
  and chain codes, phone ranges, bounds) but not the rules a schema cannot hold: USCC and ID
  checksums, a password's strength, salary minimum ≤ maximum, an occupation code under its
  major group, dates relative to today or within the years fairs are held, an end after its
  start, the caller's region. The service refuses those with 422 naming the field, as on the
  page; tests/api/test_openapi_positive.py shows that nothing else is refused.
- positive examples are text a person can type: the product refuses C0 control characters
  (but tab and newline), lone surrogates and U+FFFE/U+FFFF in every text (one rule in
  recruit/security.py), which JSON Schema could only say by repeating a pattern on each string.
- negative_data_rejection runs for anonymous calls only: a generated "invalid" request may be
  invalid only for lacking the Authorization header the loop adds for the roles.

The budget is fixed: 15 fuzzed examples per operation and mode, derandomized, so CI runs the
same cases every time.
"""

import re

import hypothesis
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.specs.openapi.checks import negative_data_rejection

from recruit.auth.models import Role
from recruit.auth.tokens import create_token
from recruit.security import FORBIDDEN_CHARACTERS

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
#: What positive data may be answered with (schemathesis' default plus 422, see above).
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
EXAMPLES = 15
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same cases every run: CI must not flake
    suppress_health_check=list(HealthCheck),
)


def _role_headers(db, make_user) -> dict[str, dict[str, str]]:
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in Role:
        _token, secret = create_token(make_user(role), "schemathesis")
        headers[role.value] = {"Authorization": f"Bearer {secret}"}
    # Committed (a savepoint of the test's transaction): a refused request rolls back its own.
    db.session.commit()
    return headers


def _schema(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.checks.positive_data_acceptance.expected_statuses = POSITIVE_STATUSES
    return schema


def test_every_operation_answers_within_its_documented_schema(app, db, make_user):
    schema = _schema(app)
    callers = _role_headers(db, make_user)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the OpenAPI document lists no operations"
    for operation in operations:
        secured = bool(operation.definition.raw.get("security"))
        reaching = list(callers.values()) if secured else [callers["anonymous"]]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, reaching)


def test_the_coverage_phase_finds_nothing(app, db, make_user):
    """Boundary values, missing parts and unlisted methods: 405 with Allow, never a 5xx."""
    schema = _schema(app)
    callers = _role_headers(db, make_user)
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        def exercise(case):
            nonlocal sent
            for headers in (callers["anonymous"], callers[Role.ADMIN.value]):
                checks = ALL_CHECKS if not headers else _without_negative_rejection()
                case.call_and_validate(headers=headers, checks=checks)
                sent += 1

        config = HypothesisTestConfig(
            project=schema.config,
            modes=[HypothesisTestMode.COVERAGE],
            settings=hypothesis.settings(BUDGET, max_examples=1),
        )
        create_test(operation=operation, test_func=exercise, config=config)()
    assert sent > 1000  # the phase really generated its cases


def _without_negative_rejection() -> list:
    return [check for check in ALL_CHECKS if check is not negative_data_rejection]


def _typeable(value):
    """Replace the characters the product refuses in every text (see the module docstring)."""
    if isinstance(value, str):
        return FORBIDDEN_CHARACTERS.sub("?", value)
    if isinstance(value, dict):
        return {_typeable(key): _typeable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typeable(item) for item in value]
    return value


def _typeable_case(case):
    if isinstance(case.body, dict | list | str):
        case.body = _typeable(case.body)
    if case.query:
        case.query = _typeable(case.query)
    if case.path_parameters:
        case.path_parameters = _typeable(case.path_parameters)
    return case


def _fuzz(operation, mode: GenerationMode, callers: list[dict[str, str]]) -> None:
    strategy = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.POSITIVE:
        strategy = strategy.map(_typeable_case)

    @given(case=strategy)
    @BUDGET
    def exercise(case):
        for headers in callers:
            checks = ALL_CHECKS if not headers else _without_negative_rejection()
            case.call_and_validate(headers=headers, checks=checks)

    exercise()


def test_every_path_answers_an_unlisted_method_with_405_and_allow(app, client):
    """The Allow header lists exactly the documented methods (with HEAD and OPTIONS)."""
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        documented = {method.upper() for method in item if method != "parameters"}
        url = re.sub(r"{\w+}", "1", path)
        unlisted = sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - documented)
        for method in unlisted:
            response = client.open(url, method=method)
            assert response.status_code == 405, (method, path)
            allowed = {m.strip() for m in response.headers["Allow"].split(",")}
            assert allowed - {"HEAD", "OPTIONS"} == documented, (method, path, allowed)

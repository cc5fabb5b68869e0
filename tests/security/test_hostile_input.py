"""Hostile input: script in every text field comes back escaped; junk files are refused whole."""

import io
import json
import re
import zipfile
from datetime import timedelta
from urllib.parse import quote

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.errors import ServiceError
from recruit.fairs.models import FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import local_today
from recruit.hires.imports import TEMPLATE_COLUMNS, import_hires
from recruit.hires.models import TentativeHire
from recruit.positions.models import PositionStatus
from recruit.validators import uscc_check_char

#: Who uploads the files: the system, so the scope plays no part in what is tested here.
IMPORTER = system("tests.hostile_input")
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(db, make_employer, make_position, make_fair):
    employer = make_employer(name="企业" + PAYLOAD, address=PAYLOAD, contact_name=PAYLOAD[:40])
    position = make_position(employer=employer, title="岗位" + PAYLOAD[:60], description=PAYLOAD)
    pending = make_position(
        employer=employer, title="待审" + PAYLOAD[:60], status=PositionStatus.PENDING
    )
    fair = make_fair(
        live=True,
        title="招聘会" + PAYLOAD[:100],
        venue=PAYLOAD,
        description=PAYLOAD,
        status=FairStatus.HELD,
    )
    part = Participation(
        fair=fair, employer=employer, status=ParticipationStatus.APPROVED, booth="A1"
    )
    part.fair_positions.append(FairPosition(position=position, openings=2))
    hire = TentativeHire(
        fair=fair, position=position, seeker_name=PAYLOAD[:40], seeker_phone="13800001111"
    )
    db.session.add_all([part, hire])
    db.session.commit()
    return employer, position, pending, fair


def test_script_in_text_fields_is_escaped_on_every_page_showing_it(
    client, make_user, login_as, hostile
):
    employer, position, _pending, fair = hostile
    public = [
        "/",
        f"/fairs/{fair.id}",
        "/fairs/",
        f"/positions/{position.id}",
        "/positions/?q=" + PAYLOAD,
        f"/employers/{employer.id}",
    ]
    staff = [
        f"/manage/fairs/{fair.id}",
        f"/manage/fairs/{fair.id}/participants",
        f"/manage/fairs/{fair.id}/intents",
        f"/manage/fairs/{fair.id}/day",
        f"/manage/fairs/{fair.id}/summary",
        "/manage/review",
        "/manage/fairs",
        f"/positions/{position.id}",
    ]
    shown = 0
    for urls, role in ((public, None), (staff, Role.ADMIN)):
        if role:
            login_as(make_user(role))
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            assert "<script>alert" not in body, url
            assert "<img src=x onerror" not in body, url
            shown += "&lt;script&gt;alert" in body
    assert shown >= 8  # the payload really was on those pages, escaped


def _workbook(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "就业意向"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def import_fair(db, make_fair, make_position):
    fair = make_fair(day=local_today() - timedelta(days=1), status=FairStatus.HELD)
    position = make_position()
    part = Participation(fair=fair, employer=position.employer, status=ParticipationStatus.ATTENDED)
    part.fair_positions.append(FairPosition(position=position, openings=2))
    db.session.add(part)
    db.session.flush()
    return fair, position


def _count(db, fair) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(TentativeHire.id)).where(TentativeHire.fair_id == fair.id)
    )


#: Text a spreadsheet can hold (no control characters, which openpyxl cannot write).
printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
cell = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    printable.filter(lambda t: not t.startswith("=")),
    st.sampled_from(["男", "女", "本科", "高校毕业生", "13800001111", "11010519491231002X"]),
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    header=st.one_of(st.lists(printable, max_size=9), st.just(list(TEMPLATE_COLUMNS))),
    rows=st.lists(st.lists(cell, max_size=9), max_size=6),
)
def test_any_malformed_workbook_is_refused_with_a_message_and_writes_nothing(
    db, import_fair, header, rows
):
    fair, _position = import_fair
    before = _count(db, fair)
    try:
        result = import_hires(fair, _workbook([header, *rows]), by=IMPORTER)
    except ServiceError as refusal:
        assert str(refusal)  # a message for the person who uploaded it
    else:
        assert result.errors or result.imported
        if result.errors:
            assert all(error.message for error in result.errors)
            assert _count(db, fair) == before


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(junk=st.binary(max_size=2000))
def test_files_that_are_not_workbooks_are_refused(db, import_fair, junk):
    fair, _position = import_fair
    with pytest.raises(ServiceError, match="文件"):
        import_hires(fair, io.BytesIO(junk), by=IMPORTER)
    assert _count(db, fair) == 0


def test_a_zip_that_is_not_a_workbook_is_refused(db, import_fair):
    fair, _position = import_fair
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    buffer.seek(0)
    with pytest.raises(ServiceError, match="文件"):
        import_hires(fair, buffer, by=IMPORTER)


# --- every JSON operation of the API against hostile values ----------------------------------

#: Values no field should turn into a 500, by the JSON type they replace. Strings go out as JSON
#: escapes ("\ud800" is a lone surrogate), so they reach the server exactly as written.
HOSTILE_STRINGS = ["\ud800", "a\x01b", "\ufffe", "x" * 5000]
HOSTILE_INTEGERS = [2**63, -(2**63) - 1, 10**30]
HOSTILE_DATES = {"date": ["0001-01-01", "9999-12-31"], "date-time": ["0001-01-01T02:00:00"]}
#: Well-formed values by field name, so that the fields beside the hostile one get through.
FIELD_EXAMPLES = {
    "region_code": "430211",
    "work_region_code": "430211",
    "industry_chain": "ceramics",
    "seeker_phone": "13800001111",
    "contact_phone": "13800001111",
    "seeker_id_number": "11010519491231002X",
    "uscc": "91430211MA4T99999" + uscc_check_char("91430211MA4T99999"),
    "username": "hostile-input",
    "salary_min": 3000,
    "salary_max": 6000,
    "scope_regions": [],
    "scope_industry_chains": [],
    "scope_fair_types": [],
    "industry_section": "C",
    "industry_class": "3071",
    "occupation_code": "1-01-01-01",
    "base_url": "https://channel.example.cn/api",
    "schedule": "mon 02:00",
    "password": "长一点的密码-correct-horse-2026",
}
DEEP = "[" * 50_000 + "]" * 50_000


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _example(spec: dict, schema: dict, name: str = ""):
    """Return a plausible value of a schema: the baseline each hostile value is swapped into."""
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    if name in FIELD_EXAMPLES:
        return FIELD_EXAMPLES[name]
    if name == "on":
        return local_today().isoformat()
    if "enum" in schema:
        return next(v for v in schema["enum"] if v is not None)
    if kind == "object":
        return {
            field: _example(spec, prop, field)
            for field, prop in schema.get("properties", {}).items()
            if not prop.get("readOnly")
        }
    if kind == "array":
        return [_example(spec, schema["items"])] if schema.get("items") else []
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return (local_today() + timedelta(days=30)).isoformat()
    if schema.get("format") == "date-time":
        return f"{local_today() + timedelta(days=30)}T09:00:00+08:00"
    return "测试"


def _hostile_bodies(spec: dict, schema: dict, body, path=()):
    """Yield (where, body) with one hostile value swapped in at each field in turn."""
    schema = _resolve(spec, schema)
    if schema.get("type") == "object":
        for name, prop in schema.get("properties", {}).items():
            if name in body:
                for where, value in _hostile_bodies(spec, prop, body[name], (*path, name)):
                    yield where, value
        return
    if schema.get("type") == "array" and body:
        for where, item in _hostile_bodies(spec, schema["items"], body[0], (*path, "0")):
            yield where, item
        return
    for value in _hostile_values(schema):
        yield (*path, repr(value)[:20]), value


def _hostile_values(schema: dict) -> list:
    if schema.get("type") == "integer":
        return HOSTILE_INTEGERS
    if schema.get("type") == "string":
        return HOSTILE_DATES.get(schema.get("format"), []) + HOSTILE_STRINGS
    return []


def _put(body, where: tuple, value):
    """Return a copy of body with the value at the path `where` (its last item is a label)."""
    if len(where) == 1:
        return value
    key = where[0]
    if isinstance(body, list):
        return [_put(body[0], where[1:], value), *body[1:]]
    return {**body, key: _put(body[key], where[1:], value)}


@pytest.fixture
def api_world(db, make_user, make_fair, make_position, bearer):
    """Objects behind every path parameter, and a caller who may reach each operation."""
    admin = make_user(Role.ADMIN)
    employer_user = make_user(Role.EMPLOYER)
    position = make_position(employer=employer_user.employer)
    fair = make_fair(live=True, status=FairStatus.HELD)
    part = Participation(
        fair=fair, employer=position.employer, status=ParticipationStatus.APPROVED, booth="A1"
    )
    part.fair_positions.append(FairPosition(position=position, openings=2))
    hire = TentativeHire(
        fair=fair, position=position, seeker_name="张三", seeker_phone="13800001111"
    )
    db.session.add_all([part, hire])
    db.session.flush()
    ids = {
        "fair_id": fair.id,
        "position_id": position.id,
        "participation_id": part.id,
        "hire_id": hire.id,
        "employer_id": position.employer_id,
        "code": "jycs",
        # Not the callers' own tokens: revoking one would end the sweep.
        "token_id": 2**31 - 1,
    }
    callers = {"staff": bearer(admin), "employer": bearer(employer_user)}
    # Committed (a savepoint of the test's transaction): a refused request rolls back its own.
    db.session.commit()
    return ids, callers


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_no_api_operation_answers_500_to_hostile_values(app, client, api_world, monkeypatch):
    """Every operation × each field swapped for a surrogate, a control character, a huge
    integer or a far date, and a 50,000-deep body: a 4xx or a success, never a 500."""
    # Let a failure answer 500 instead of raising, so one run lists every failing field.
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    spec = client.get("/api/v1/openapi.json").get_json()
    ids, callers = api_world
    failures, sent = [], 0
    for path, method, operation in _operations(spec):
        # Path parameters name real objects (or 1: not found is an answer too).
        url = re.sub(r"{(\w+)}", lambda m: str(ids.get(m.group(1), 1)), path)
        headers = callers["employer" if "/employer/" in path else "staff"]
        requests = []
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            for value in _hostile_values(parameter["schema"]):
                # A query string carries bytes: a lone surrogate goes as its (invalid) UTF-8.
                raw = quote(str(value).encode("utf-8", "surrogatepass"))
                requests.append(
                    (f"{parameter['name']}={raw:.20}", f"{parameter['name']}={raw}", None)
                )
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if content:
            baseline = _example(spec, content["schema"])
            for where, value in _hostile_bodies(spec, content["schema"], baseline):
                requests.append((".".join(where), None, json.dumps(_put(baseline, where, value))))
            requests.append(("50,000 deep", None, DEEP))
        for label, query, body in requests:
            response = client.open(
                url,
                method=method.upper(),
                query_string=query,
                data=body,
                headers={**headers, "Content-Type": "application/json"},
            )
            sent += 1
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {path} {label}: {response.status_code}")
    assert sent > 300  # the sweep really reached the operations fields
    assert not failures, "\n".join(failures)

"""The OpenAPI document as strict clients read it (issue 19, point 4).

Every operation is named once, verb_noun: generated clients name their functions after
operationIds, so each one is published in one table (recruit/api/registry.py OPERATION_IDS) and
never changes; an operation added without an entry still gets a derived name, and a test below
fails until the table lists it. Objects have schemas (the salary too) with `required` lists,
codes have patterns or enums of today's reference data, and the title and version are what
client generators expect.
"""

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from recruit.api.registry import OPERATION_ID, OPERATION_IDS, PREFIX, derive_operation_id
from recruit.api.schemas import MOBILE, PHONE, USCC
from recruit.refdata.models import IndustryChain
from recruit.validators import is_valid_mobile, is_valid_phone, uscc_error

METHODS = {"get", "put", "post", "patch", "delete"}


def _operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def test_every_operation_has_a_unique_verb_noun_operation_id(client):
    ids = [operation.get("operationId") for _m, _p, operation in _operations(client)]
    assert ids and all(isinstance(i, str) and OPERATION_ID.fullmatch(i) for i in ids), ids
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_every_operation_id_is_the_published_one(client):
    """The table lists every operation, and a view's own operationId agrees with it."""
    seen = {}
    for method, path, operation in _operations(client):
        seen[f"{method.upper()} {path.removeprefix(PREFIX)}"] = operation["operationId"]
    unlisted = sorted(set(seen) - set(OPERATION_IDS))
    assert unlisted == [], "add these to OPERATION_IDS in recruit/api/registry.py"
    stale = sorted(set(OPERATION_IDS) - set(seen))
    assert stale == [], "these operations are no longer in the document"
    assert {key: seen[key] for key in OPERATION_IDS} == OPERATION_IDS
    assert all(OPERATION_ID.fullmatch(i) for i in OPERATION_IDS.values())


def test_an_unlisted_operation_is_still_named_verb_noun():
    assert derive_operation_id("get", "/api/v1/widgets") == "list_widgets"
    assert derive_operation_id("post", "/api/v1/widgets") == "create_widgets"
    assert derive_operation_id("get", "/api/v1/widgets/{widget_id}") == "get_widgets"
    assert derive_operation_id("delete", "/api/v1/a/{id}/b/{b_id}") == "delete_a_b"
    assert derive_operation_id("post", "/api/v1/widgets/{widget_id}/send-now") == "send_now_widgets"
    assert derive_operation_id("get", "/api/v1/postings/changes") == "list_postings_changes"
    for method in METHODS:
        assert OPERATION_ID.fullmatch(derive_operation_id(method, "/api/v1/x/{id}/y-z"))


def test_every_operation_has_a_summary_and_a_tag(client):
    for method, path, operation in _operations(client):
        assert operation.get("summary"), (method, path)
        assert operation.get("tags"), (method, path)


def test_the_document_introduces_itself_for_generated_clients(client):
    info = client.get("/api/v1/openapi.json").get_json()["info"]
    assert info["title"].isascii() and re.fullmatch(r"[A-Za-z][A-Za-z ]*", info["title"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", info["version"])
    assert "招聘会" in info["description"]


def _schemas(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]


def test_a_position_documents_its_salary(client, make_position):
    schemas = _schemas(client)
    assert schemas["Position"]["properties"]["salary"] == {"$ref": "#/components/schemas/Salary"}
    salary = schemas["Salary"]
    assert set(salary["required"]) == {"min", "max", "negotiable", "unit", "currency"}
    assert salary["properties"]["min"]["nullable"] is True
    assert salary["properties"]["unit"]["enum"] == ["MONTH"]

    position = make_position(salary_min=4200, salary_max=None, salary_negotiable=True)
    body = client.get(f"/api/v1/positions/{position.id}").get_json()
    assert body["salary"] == {
        "min": 4200,
        "max": None,
        "negotiable": True,
        "unit": "MONTH",
        "currency": "CNY",
    }


def test_what_the_api_writes_lists_every_field_as_required(client):
    """Generated clients then need no "unset" checks; schemathesis checks the answers hold."""
    schemas = _schemas(client)
    for name in ("Fair", "Position", "OwnPosition", "FairPage", "Error", "StaffHire", "Me"):
        assert set(schemas[name]["required"]) == set(schemas[name]["properties"]), name
    # What the API reads keeps the server's own required list.
    assert set(schemas["PositionInput"]["required"]) == {
        "title",
        "description",
        "occupation_major_group",
        "openings",
        "work_region_code",
        "valid_until",
    }
    assert "required" not in schemas["Close"]


def test_codes_are_enums_of_todays_reference_data(client, db):
    db.session.add(IndustryChain(code="old_chain", name="停用产业链", active=False))
    db.session.flush()
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    # A body names a current district of the city (株洲县 430221 was merged in 2018) ...
    districts = schemas["PositionInput"]["properties"]["work_region_code"]["enum"]
    assert {"430200", "430211", "430281"} <= set(districts)
    assert "430221" not in districts and "430000" not in districts
    assert schemas["Registration"]["properties"]["region_code"]["enum"] == districts
    # ... and an active chain (null where the field may be empty).
    chains = schemas["FairInput"]["properties"]["industry_chain"]["enum"]
    assert "ceramics" in chains and None in chains and "old_chain" not in chains

    def query(path: str, name: str) -> dict:
        parameters = document["paths"][path]["get"]["parameters"]
        return next(p["schema"] for p in parameters if p["name"] == name)

    # A report filters on any known code; a public search keeps the pattern (no match, no error).
    assert {"430000", "430221"} <= set(query("/api/v1/reports/summary", "region")["enum"])
    assert "old_chain" in query("/api/v1/reports/summary", "industry_chain")["enum"]
    assert "enum" not in query("/api/v1/fairs", "region")
    assert "enum" not in query("/api/v1/positions", "industry_chain")


def test_phone_and_uscc_patterns_admit_only_what_the_services_accept():
    """Every number the document's patterns admit passes the service's check (phonenumbers)."""

    @settings(max_examples=300, database=None, derandomize=True, deadline=None)
    @given(
        st.from_regex(MOBILE, fullmatch=True),
        st.from_regex(PHONE, fullmatch=True),
        st.from_regex(USCC, fullmatch=True),
    )
    def holds(mobile, phone, uscc):
        assert is_valid_mobile(mobile), mobile
        assert is_valid_phone(phone), phone
        # The checksum is the one rule a pattern cannot state.
        assert uscc_error(uscc) in (None, "校验位不符，请核对营业执照上的 18 位代码"), uscc

    holds()
    for refused in ("14012345678", "15412345678", "19412345678", "07311234567"):
        assert re.fullmatch(PHONE, refused) is None, refused
    assert re.fullmatch(USCC, "9U430281LXG0TEQY7C") is None  # position 2 is a digit


def test_a_nullable_object_keeps_its_type(client):
    """allOf [{$ref}] with nullable: generated clients read Chain | None, not a bare object."""
    schemas = _schemas(client)
    assert schemas["Fair"]["properties"]["industry_chain"] == {
        "allOf": [{"$ref": "#/components/schemas/Chain"}],
        "nullable": True,
    }
    document = client.get("/api/v1/openapi.json").get_data(as_text=True)
    assert '"anyOf"' not in document

"""The API object and its blueprints: mounted on the app by the factory."""

import re
from copy import deepcopy

import sqlalchemy as sa
from apispec import BasePlugin
from flask import Flask, current_app, json
from flask_smorest import Api
from marshmallow import Schema, fields
from marshmallow.utils import missing

from recruit.api import (
    account_routes,
    admin_routes,
    auth_routes,
    employer_account_routes,
    employer_routes,
    followup_routes,
    organizer_routes,
    postings_routes,
    public_routes,
    report_routes,
    seeker_routes,
    shortage_routes,
)
from recruit.api.errors import ErrorSchema
from recruit.api.schemas import CHAIN_CODE, REGION_CODE
from recruit.api.security import register_seeker_security
from recruit.converters import MAX_ID, IdConverter
from recruit.extensions import csrf, db
from recruit.refdata.models import IndustryChain, Region
from recruit.refdata.services import current_regions

PREFIX = "/api/v1"
#: What every operationId looks like: a verb and a noun, lower case (list_fairs, get_fair).
OPERATION_ID = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")

#: The published operationIds ("METHOD /path" below /api/v1 → verb_noun). Generated clients
#: name their functions after these, so an entry never changes once published; a new
#: operation gets its entry here (or `@blp.doc(operationId=...)` on the view), and one that
#: has neither is named by `derive_operation_id`. tests/api/test_openapi_document.py checks that
#: every operation has a unique one.
OPERATION_IDS = {
    # Tokens
    "GET /auth/tokens": "list_tokens",
    "POST /auth/tokens": "create_token",
    "DELETE /auth/tokens/{token_id}": "revoke_token",
    "GET /auth/me": "get_current_user",
    # Public reads
    "GET /fairs": "list_fairs",
    "GET /fairs/{fair_id}": "get_fair",
    "GET /positions": "search_positions",
    "GET /positions/{position_id}": "get_position",
    "GET /employers/{employer_id}": "get_employer",
    # Employers
    "POST /employers": "register_employer",
    "GET /employer/positions": "list_own_positions",
    "POST /employer/positions": "create_position",
    "GET /employer/positions/{position_id}": "get_own_position",
    "PUT /employer/positions/{position_id}": "update_position",
    "POST /employer/positions/{position_id}/submit": "submit_position",
    "POST /employer/positions/{position_id}/close": "close_position",
    "POST /employer/positions/{position_id}/reopen": "reopen_position",
    "GET /employer/fairs": "list_open_fairs",
    "POST /employer/fairs/{fair_id}/signup": "sign_up_for_fair",
    "POST /employer/participations/{participation_id}/withdraw": "withdraw_signup",
    "GET /employer/hires": "list_own_hires",
    "POST /employer/hires/{hire_id}/outcome": "record_hire_outcome",
    "GET /employer/profile": "get_employer_profile",
    "PUT /employer/profile": "update_employer_profile",
    "GET /employer/team": "list_team_members",
    "POST /employer/team/invitations": "invite_team_member",
    "POST /employer/team/members/{user_id}/role": "set_team_member_role",
    "POST /employer/team/members/{user_id}/remove": "remove_team_member",
    # Organizers
    "GET /manage/fairs": "list_managed_fairs",
    "POST /manage/fairs": "create_fair",
    "GET /manage/fairs/{fair_id}": "get_managed_fair",
    "PUT /manage/fairs/{fair_id}": "update_fair",
    "POST /manage/fairs/{fair_id}/status": "change_fair_status",
    "POST /manage/fairs/{fair_id}/close": "close_fair",
    "POST /manage/fairs/{fair_id}/region": "correct_fair_region",
    "GET /manage/fairs/{fair_id}/participations": "list_participations",
    "POST /manage/fairs/{fair_id}/participations": "add_participation",
    "POST /manage/participations/{participation_id}/review": "review_participation",
    "POST /manage/participations/{participation_id}/withdraw": "withdraw_participation",
    "PUT /manage/participations/{participation_id}/booth": "assign_booth",
    "PUT /manage/participations/{participation_id}/positions": "set_offered_positions",
    "POST /manage/participations/{participation_id}/check-in": "check_in",
    "DELETE /manage/participations/{participation_id}/check-in": "undo_check_in",
    "POST /manage/fairs/{fair_id}/tallies": "add_tally",
    "GET /manage/fairs/{fair_id}/hires": "list_hires",
    "POST /manage/fairs/{fair_id}/hires": "create_hire",
    "POST /manage/fairs/{fair_id}/hires/bulk": "create_hires_bulk",
    "GET /manage/hires/{hire_id}/contact": "get_hire_contact",
    # Follow-up: call-backs and the outcome history
    "GET /manage/callbacks": "list_callbacks",
    "GET /manage/hires/{hire_id}/steps": "list_hire_steps",
    "POST /manage/hires/{hire_id}/steps": "record_hire_step",
    "POST /manage/hire-steps/{step_id}/void": "void_hire_step",
    "GET /manage/review/employers": "list_pending_employers",
    "POST /manage/employers/{employer_id}/review": "review_employer",
    "GET /manage/review/positions": "list_pending_positions",
    "POST /manage/positions/{position_id}/review": "review_position",
    "GET /manage/review/employer-changes": "list_pending_employer_changes",
    "POST /manage/employer-changes/{change_id}/review": "review_employer_change",
    # Reports
    "GET /reports/summary": "get_report_summary",
    "GET /reports/funnel": "get_report_funnel",
    "GET /reports/shortage": "get_shortage_index",
    # Channels, sync and admin actions
    "GET /channels": "list_channels",
    "PATCH /channels/{code}": "update_channel",
    "POST /channels/{code}/sync": "queue_channel_sync",
    "GET /channels/{code}/postings": "list_channel_postings",
    "POST /channels/{code}/postings/{posting_id}/retry": "retry_posting",
    "GET /sync/runs": "list_sync_runs",
    "GET /sync/runs/{run_id}": "get_sync_run",
    "POST /admin/employers/{employer_id}/suspend": "suspend_employer",
    "POST /admin/employers/{employer_id}/reinstate": "reinstate_employer",
    "POST /manage/users/{user_id}/send-reset": "send_user_password_reset",
    # The changes feed for integrators
    "GET /postings/changes": "list_posting_changes",
    "GET /postings/snapshot": "get_postings_snapshot",
    # Seekers (the mini program) and the applications that reach employers and staff
    "POST /fairs/{fair_id}/entries": "enter_fair",
    "GET /seeker/applications": "list_own_applications",
    "POST /seeker/applications": "create_application",
    "GET /seeker/me": "get_seeker_profile",
    "PATCH /seeker/me": "correct_seeker_profile",
    "DELETE /seeker/me": "delete_seeker_profile",
    "POST /seeker/verification": "send_seeker_code",
    "POST /seeker/verification/confirm": "confirm_seeker_code",
    "GET /employer/fairs/{fair_id}/applications": "list_received_applications",
    "POST /employer/applications/{application_id}/decision": "decide_application",
    "GET /manage/fairs/{fair_id}/applications": "list_fair_applications",
    "POST /manage/applications/{application_id}/decision": "decide_fair_application",
}

#: How a path's method reads as a verb when no entry names the operation.
_COLLECTION_VERBS = {"get": "list", "post": "create", "put": "replace", "patch": "update"}
_ITEM_VERBS = {"get": "get", "put": "replace", "patch": "update", "delete": "delete"}


def derive_operation_id(method: str, path: str) -> str:
    """Name an operation no entry names: the method as a verb, then the path's words.

    GET /things → list_things, GET /things/{id} → get_things, POST /things/{id}/send →
    send_things, anything else → <verb>_<words>. Only a fallback: OPERATION_IDS is the place.
    """
    words = [w for w in path.removeprefix(PREFIX).split("/") if w and not w.startswith("{")]
    words = [re.sub(r"[^a-z0-9]+", "_", w.lower()).strip("_") for w in words] or ["root"]
    method = method.lower()
    if path.endswith("}"):
        verb = _ITEM_VERBS.get(method, method)
    elif method == "post" and re.search(r"}/[^/{}]+$", path):
        verb, words = words[-1], words[:-1]  # an action on an item: POST /x/{id}/close
    else:
        verb = _COLLECTION_VERBS.get(method, method)
    return "_".join([verb, *words]) if words else f"{verb}_it"


class ContractPlugin(BasePlugin):
    """Finish the generated document for strict clients (openapi-python-client, schemathesis).

    - Every operation gets its stable operationId (OPERATION_IDS, else derived).
    - A nullable nested object is allOf [{$ref}] with nullable (see `_nullable_ref`).
    - A schema the API only writes (no field it would read: none required, none with a
      default) lists every property as required: marshmallow writes each declared field,
      with null where the field allows it, so generated clients need no "unset" checks.
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            if "operationId" not in operation:
                key = f"{method.upper()} {path.removeprefix(PREFIX)}"
                operation["operationId"] = OPERATION_IDS.get(key) or derive_operation_id(
                    method, path
                )

    def schema_helper(self, name, definition, schema=None, **kwargs):
        if schema is None or not definition.get("properties"):
            return None
        for prop_name, prop in definition["properties"].items():
            definition["properties"][prop_name] = _nullable_ref(prop)
        instance = schema() if isinstance(schema, type) else schema
        if not isinstance(instance, Schema) or _reads_input(instance):
            return None
        return {"required": sorted(definition["properties"])}


def _nullable_ref(prop: dict) -> dict:
    """Say "this object or null" so that generators keep the object's type.

    apispec writes a nullable nested object as anyOf [{type: object, nullable}, {$ref}]: a
    generated client then parses every value as the bare object of the first branch (its
    fields lost). allOf [{$ref}] with nullable says the same and is read as "Chain | None".
    """
    branches = prop.get("anyOf") or []
    null = {"type": "object", "nullable": True}
    refs = [branch for branch in branches if set(branch) == {"$ref"}]
    if len(branches) == 2 and null in branches and len(refs) == 1:
        rest = {key: value for key, value in prop.items() if key != "anyOf"}
        return {**rest, "allOf": refs, "nullable": True}
    return prop


def _reads_input(schema: Schema) -> bool:
    """Whether the API reads this schema: one of its fields is required or has a default."""
    if type(schema).__module__.startswith("flask_smorest"):
        return True  # flask-smorest's own (PaginationMetadata): leave as it is
    return any(
        field.required
        or (field.load_default is not missing and not isinstance(field, fields.Constant))
        for field in schema.fields.values()
    )


def reference_codes() -> dict[str, dict[str, list[str]]]:
    """Today's region and chain codes: what a body may name, and what a staff filter may.

    A body names a current district of the city and an active chain (the services refuse
    others); a report filter any known region or chain. Empty when the tables are not there.
    """
    city = current_app.config["CITY_REGION_CODE"]
    try:
        chains = db.session.execute(sa.select(IndustryChain.code, IndustryChain.active)).all()
        regions = list(db.session.scalars(sa.select(Region.code).order_by(Region.code)))
        districts = [region.code for region in current_regions(within=city)]
    except sa.exc.SQLAlchemyError:
        db.session.rollback()  # not migrated yet: the document keeps its patterns
        return {"body": {}, "filter": {}}
    return {
        "body": {REGION_CODE: districts, CHAIN_CODE: sorted(c for c, active in chains if active)},
        "filter": {REGION_CODE: regions, CHAIN_CODE: sorted(c for c, _active in chains)},
    }


def enumerate_codes(document: dict, codes: dict[str, dict[str, list[str]]]) -> dict:
    """Turn region and chain patterns into enums of today's codes, where that is the rule.

    Body properties list what the services accept; query filters of operations that need a
    token list what exists (the reports refuse an unknown code). Public filters keep only the
    pattern: an unknown code there is no error, it finds nothing.
    """
    for schema in document.get("components", {}).get("schemas", {}).values():
        for prop in schema.get("properties", {}).values():
            _enumerate(prop, codes["body"])
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("security"):
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "query":
                        _enumerate(parameter.get("schema", {}), codes["filter"])
    return document


def _enumerate(schema: dict, codes: dict[str, list[str]]) -> None:
    values = codes.get(schema.get("pattern"))
    if values:
        schema["enum"] = [*values, None] if schema.get("nullable") else list(values)


class RecruitApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """Leave errors to the app's own handler: JSON under /api/, pages elsewhere."""

    def document(self) -> dict:
        """The OpenAPI document as served: the spec, with today's codes as enums."""
        return enumerate_codes(deepcopy(self.spec.to_dict()), reference_codes())

    def _openapi_json(self):
        """Serve `document()` at /api/v1/openapi.json."""
        return current_app.response_class(
            json.dumps(self.document(), indent=2, sort_keys=False),
            mimetype="application/json",
        )


api = RecruitApi(
    spec_kwargs={
        "info": {
            "description": (
                "株洲市招聘会服务平台接口：招聘会、岗位、参会、入场计数、就业意向、报表与渠道同步。"
                "写操作需要 Bearer 令牌（POST /api/v1/auth/tokens 获取）。"
            )
        },
        "extra_plugins": [ContractPlugin()],
    }
)


def register_api(app: Flask) -> None:
    """Mount the API blueprints and exempt them from CSRF: they take bearer tokens only."""
    api.init_app(app)
    api.register_converter(
        IdConverter, lambda _converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "rk_…"}
    )
    postings_routes.register_security(api)
    register_seeker_security(api)
    modules = (
        auth_routes,
        public_routes,
        employer_routes,
        employer_account_routes,
        organizer_routes,
        followup_routes,
        report_routes,
        shortage_routes,
        admin_routes,
        account_routes,
        postings_routes,
        seeker_routes,
    )
    for module in modules:
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)

"""Employer writes: registration, own positions, fair sign-up, intent outcomes (own only).

Thin doors: each handler parses, calls the service with the caller (api_user()) and presents
the result; refusals reach the app's handler, which answers them by type (422/409/404/403).
"""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from recruit.api.errors import ErrorSchema
from recruit.api.followup_schemas import StepSchema
from recruit.api.schemas import (
    CHAIN_CODE,
    EMAIL,
    MOBILE,
    PASSWORD_MIN_LENGTH,
    PHONE,
    REGION_CODE,
    REQUIRABLE_EDUCATIONS,
    USCC,
    USERNAME,
    FairSchema,
    LabelledSchema,
    OfferSchema,
    PageArgsSchema,
    PositionSchema,
    Text,
    limit,
    page_body,
    page_schema,
    pattern,
)
from recruit.api.security import api_user, secured_by
from recruit.auth.models import Role
from recruit.employers.services import register_employer
from recruit.extensions import db
from recruit.fairs.participations import (
    get_participation,
    open_fairs_query,
    sign_up,
    withdraw_participation,
)
from recruit.fairs.queries import get_fair_for_employer
from recruit.hires.contact import Contact, disclose_contact, disclose_contacts
from recruit.hires.intents import employer_hires, get_hire
from recruit.hires.models import Outcome, TentativeHire
from recruit.hires.outcomes import RECORDABLE, record_outcome
from recruit.hires.steps import histories, history
from recruit.positions.models import MAX_OPENINGS, Position, PositionStatus
from recruit.positions.rules import MAX_DESCRIPTION, MAX_EXPLANATION, MAX_TITLE
from recruit.positions.services import (
    close_position,
    create_position,
    employer_positions,
    get_position,
    reopen_position,
    submit_position,
    update_position,
)
from recruit.refdata import codes
from recruit.uow import transactional

blp = Blueprint(
    "api_employer",
    __name__,
    url_prefix="/api/v1",
    description="用人单位：注册、岗位、报名、意向结果",
)
EMPLOYER = (Role.EMPLOYER,)
#: Why the intent list discloses phones (named in the audit log), as on the employer's page.
FOLLOW_UP = "outcome_follow_up"


class RegistrationSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=120))
    uscc = fields.String(
        required=True, validate=validate.Length(min=1, max=30), metadata=pattern(USCC)
    )
    region_code = fields.String(
        required=True, validate=validate.Length(equal=6), metadata=pattern(REGION_CODE)
    )
    industry_section = fields.String(
        required=True, validate=validate.Length(equal=1), metadata=pattern(r"^[A-T]$")
    )
    industry_class = fields.String(
        load_default=None, allow_none=True, metadata=pattern(r"^[0-9]{4}$")
    )
    industry_chain = fields.String(load_default=None, allow_none=True, metadata=pattern(CHAIN_CODE))
    size = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([s.value for s in codes.EmployerSize]),
    )
    address = Text(required=True, validate=validate.Length(min=1, max=200))
    contact_name = Text(required=True, validate=validate.Length(min=1, max=40))
    contact_phone = fields.String(
        required=True, validate=validate.Length(min=1, max=20), metadata=pattern(MOBILE)
    )
    username = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata=pattern(USERNAME)
    )
    password = fields.String(
        required=True,
        validate=validate.Length(min=1, max=128),
        metadata={"minLength": PASSWORD_MIN_LENGTH},
    )
    account_mobile = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=20),
        metadata=pattern(MOBILE, description="登录账号的手机号（找回密码用），不填则用联系电话"),
    )
    account_email = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=254),
        metadata=pattern(EMAIL, description="登录账号的邮箱（选填）"),
    )


class RegisteredSchema(Schema):
    employer_id = fields.Integer()
    username = fields.String()
    status = fields.Nested(LabelledSchema)


class PositionInputSchema(Schema):
    title = Text(required=True, metadata=limit(max_length=MAX_TITLE))
    description = Text(required=True, metadata=limit(max_length=MAX_DESCRIPTION))
    occupation_major_group = fields.Integer(required=True, metadata=limit(1, 8))
    occupation_code = fields.String(
        load_default=None, allow_none=True, metadata=pattern(r"^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}$")
    )
    openings = fields.Integer(required=True, metadata=limit(1, MAX_OPENINGS))
    salary_min = fields.Integer(load_default=None, allow_none=True, metadata=limit(0))
    salary_max = fields.Integer(load_default=None, allow_none=True, metadata=limit(0))
    salary_negotiable = fields.Boolean(load_default=False)
    education = fields.String(load_default="none", validate=validate.OneOf(REQUIRABLE_EDUCATIONS))
    experience = fields.String(
        load_default="none", validate=validate.OneOf([e.value for e in codes.Experience])
    )
    employment_type = fields.String(
        load_default="full_time", validate=validate.OneOf([e.value for e in codes.EmploymentType])
    )
    work_region_code = fields.String(
        required=True, validate=validate.Length(equal=6), metadata=pattern(REGION_CODE)
    )
    work_address = Text(load_default=None, allow_none=True)
    contact_name = Text(load_default=None, allow_none=True)
    contact_phone = fields.String(load_default=None, allow_none=True, metadata=pattern(PHONE))
    valid_until = fields.Date(required=True)


class PositionUpdateSchema(PositionInputSchema):
    version = fields.Integer(
        required=True, metadata={"description": "读取时的 version；他人已修改时返回 409"}
    )


class OwnPositionSchema(PositionSchema):
    status = fields.Nested(LabelledSchema)
    review_note = fields.String(allow_none=True)
    version = fields.Integer()
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)


class SubmitResultSchema(Schema):
    position = fields.Nested(OwnPositionSchema)
    warnings = fields.List(fields.String(), metadata={"description": "交审核人参考的提醒"})


class SubmitSchema(Schema):
    explanation = Text(
        load_default=None,
        allow_none=True,
        metadata={
            **limit(max_length=MAX_EXPLANATION),
            "description": "筛查提示用语时，说明为何不构成就业歧视（交审核人判断）",
        },
    )


class CloseSchema(Schema):
    filled = fields.Boolean(load_default=False, metadata={"description": "true 表示已招满"})


class PositionListArgs(PageArgsSchema):
    status = fields.String(validate=validate.OneOf([s.value for s in PositionStatus]))


class SignupSchema(Schema):
    offers = fields.List(fields.Nested(OfferSchema), required=True, validate=validate.Length(min=1))


class ParticipationSchema(Schema):
    id = fields.Integer()
    fair = fields.Nested(FairSchema)
    booth = fields.String(allow_none=True)
    status = fields.Nested(LabelledSchema)
    offers = fields.Function(
        lambda p: [
            {"position_id": fp.position_id, "openings": fp.openings} for fp in p.fair_positions
        ],
        metadata={"type": "array", "items": {"type": "object"}},
    )


class HireSchema(Schema):
    """An intent as its employer sees it; the name and phone come from the disclosure gate."""

    id = fields.Integer()
    fair_id = fields.Integer()
    position_id = fields.Integer()
    seeker_name = fields.String()
    seeker_phone = fields.String(metadata={"description": "求职者手机号（回访用）；不提供身份证号"})
    outcome = fields.Nested(LabelledSchema)
    hired_on = fields.Date(allow_none=True)
    started_on = fields.Date(allow_none=True)
    outcome_on = fields.Date(allow_none=True)
    steps = fields.List(
        fields.Nested(StepSchema), metadata={"description": "结果记录，按日期先后；含已作废的更正"}
    )


class OutcomeSchema(Schema):
    outcome = fields.String(
        required=True,
        validate=validate.OneOf([o.value for o in RECORDABLE]),
        metadata={"description": "hired 已录用，started 已到岗，declined 未录用，withdrawn 放弃"},
    )
    on = fields.Date(required=True)


class HireListArgs(PageArgsSchema):
    outcome = fields.String(validate=validate.OneOf([o.value for o in Outcome]))


OwnPositionPage = page_schema(OwnPositionSchema, "OwnPositionPage")
OpenFairPage = page_schema(FairSchema, "OpenFairPage")
HirePage = page_schema(HireSchema, "HirePage")

#: The intent's own fields HireSchema shows; the seeker's come from a Contact.
_HIRE_FIELDS = ("id", "fair_id", "position_id", "outcome", "hired_on", "started_on", "outcome_on")


def _hire_body(hire: TentativeHire, contact: Contact, steps: list | None = None) -> dict:
    """Present an intent with the contact details disclosed for it, and its history."""
    body = {name: getattr(hire, name) for name in _HIRE_FIELDS}
    body.update(seeker_name=contact.seeker_name, seeker_phone=contact.seeker_phone)
    body["steps"] = history(hire) if steps is None else steps
    return body


secured = secured_by(blp, *EMPLOYER)


@blp.route("/employers")
class Registration(MethodView):
    @blp.arguments(RegistrationSchema)
    @blp.response(201, RegisteredSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data):
        """Register an employer and its first account; it waits for an organizer's review."""
        data["password_confirm"] = data["password"]
        user = register_employer(data)
        return {
            "employer_id": user.employer_id,
            "username": user.username,
            "status": user.employer.status,
        }


@blp.route("/employer/positions")
class OwnPositions(MethodView):
    @secured
    @blp.arguments(PositionListArgs, location="query", unknown=RAISE)
    @blp.response(200, OwnPositionPage)
    def get(self, args):
        """List the caller's positions, newest first."""
        status = PositionStatus(args["status"]) if args.get("status") else None
        query = employer_positions(api_user(), status).order_by(None).order_by(Position.id.desc())
        return page_body(
            db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
        )

    @secured
    @blp.arguments(PositionInputSchema)
    @blp.response(201, OwnPositionSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data):
        """Create a draft position."""
        return create_position(data, by=api_user())


@blp.route("/employer/positions/<id:position_id>")
class OwnPosition(MethodView):
    @secured
    @blp.response(200, OwnPositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, position_id):
        """Return one of the caller's positions."""
        return get_position(api_user(), position_id)

    @secured
    @blp.arguments(PositionUpdateSchema)
    @blp.response(200, OwnPositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def put(self, data, position_id):
        """Edit a position; a stale version is refused with 409 and nothing changes."""
        position = get_position(api_user(), position_id)
        version = data.pop("version")
        update_position(position, data, version=version, by=api_user())
        return position


@blp.route("/employer/positions/<id:position_id>/submit")
class SubmitPosition(MethodView):
    @secured
    @blp.arguments(SubmitSchema, required=False)
    @blp.response(200, SubmitResultSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, position_id):
        """Send a draft to review; discriminatory wording is refused (422) unless explained."""
        position = get_position(api_user(), position_id)
        warnings = submit_position(position, explanation=data.get("explanation"), by=api_user())
        return {"position": position, "warnings": [flag.message() for flag in warnings]}


@blp.route("/employer/positions/<id:position_id>/close")
class ClosePosition(MethodView):
    @secured
    @blp.arguments(CloseSchema)
    @blp.response(200, OwnPositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, data, position_id):
        """Stop recruiting (closed, or filled with {"filled": true} for an open position)."""
        position = get_position(api_user(), position_id)
        close_position(position, filled=data["filled"], by=api_user())
        return position


@blp.route("/employer/positions/<id:position_id>/reopen")
class ReopenPosition(MethodView):
    @secured
    @blp.response(200, OwnPositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, position_id):
        """Reopen a closed, filled or expired position."""
        position = get_position(api_user(), position_id)
        reopen_position(position, by=api_user())
        return position


@blp.route("/employer/fairs")
class OpenFairs(MethodView):
    @secured
    @blp.arguments(PageArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, OpenFairPage)
    def get(self, args):
        """List the fairs taking sign-ups now, soonest first."""
        return page_body(
            db.paginate(
                open_fairs_query(), page=args["page"], per_page=args["per_page"], error_out=False
            )
        )


@blp.route("/employer/fairs/<id:fair_id>/signup")
class FairSignup(MethodView):
    @secured
    @blp.arguments(SignupSchema)
    @blp.response(201, ParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, fair_id):
        """Sign up for a fair with positions and openings (status requested)."""
        fair = get_fair_for_employer(api_user(), fair_id)
        offers = {offer["position_id"]: offer["openings"] for offer in data["offers"]}
        return sign_up(fair, offers, by=api_user())


@blp.route("/employer/participations/<id:participation_id>/withdraw")
class Withdraw(MethodView):
    @secured
    @blp.response(200, ParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, participation_id):
        """Withdraw a sign-up while sign-ups are open."""
        participation = get_participation(api_user(), participation_id)
        withdraw_participation(participation, by=api_user())
        return participation


@blp.route("/employer/hires")
class OwnHires(MethodView):
    @secured
    @blp.arguments(HireListArgs, location="query", unknown=RAISE)
    @blp.response(200, HirePage)
    @transactional
    def get(self, args):
        """List intents made for the caller's positions (phone shown, never the ID number).

        Showing the phones is a disclosure: one audit entry per page.
        """
        outcome = Outcome(args["outcome"]) if args.get("outcome") else None
        page = db.paginate(
            employer_hires(api_user(), outcome),
            page=args["page"],
            per_page=args["per_page"],
            error_out=False,
        )
        contacts = disclose_contacts(api_user(), page.items, purpose=FOLLOW_UP)
        body = page_body(page)
        steps = histories(page.items)
        body["items"] = [_hire_body(h, contacts[h.id], steps[h.id]) for h in page.items]
        return body


@blp.route("/employer/hires/<id:hire_id>/outcome")
class HireOutcome(MethodView):
    @secured
    @blp.arguments(OutcomeSchema)
    @blp.response(200, HireSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data, hire_id):
        """Record 已录用 / 已到岗 / 未录用 / 放弃 with its date."""
        hire = get_hire(api_user(), hire_id)
        record_outcome(hire, data["outcome"], data["on"], by=api_user())
        return _hire_body(hire, disclose_contact(api_user(), hire, purpose=FOLLOW_UP))

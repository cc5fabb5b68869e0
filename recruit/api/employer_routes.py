"""Employer writes: registration, own positions, fair sign-up, intent outcomes (own only)."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from recruit.api.errors import ApiError, ErrorSchema
from recruit.api.schemas import (
    EDUCATIONS,
    FairSchema,
    LabelledSchema,
    OfferSchema,
    PageArgsSchema,
    PositionSchema,
    page_body,
    page_schema,
)
from recruit.api.security import api_user, secured_by
from recruit.api.service_errors import refusal
from recruit.auth.models import Role
from recruit.employers.fair_signup import (
    SignupError,
    open_fairs_query,
    sign_up_for_fair,
    withdraw_participation,
)
from recruit.employers.services import RegistrationError, register_employer
from recruit.extensions import db
from recruit.fairs.models import Fair, Participation
from recruit.hires.models import Outcome
from recruit.hires.outcomes import (
    OutcomeError,
    employer_hires_query,
    get_employer_hire,
    record_outcome,
)
from recruit.positions.models import Position, PositionStatus
from recruit.positions.services import (
    PositionError,
    close_position,
    create_position,
    reopen_position,
    submit_position,
    update_position,
)
from recruit.refdata import codes
from recruit.refdata.services import get_industry_chain

blp = Blueprint(
    "api_employer",
    __name__,
    url_prefix="/api/v1",
    description="用人单位：注册、岗位、报名、意向结果",
)
EMPLOYER = (Role.EMPLOYER,)


class RegistrationSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    uscc = fields.String(required=True, validate=validate.Length(min=1, max=30))
    region_code = fields.String(required=True, validate=validate.Length(equal=6))
    industry_section = fields.String(required=True, validate=validate.Length(equal=1))
    industry_class = fields.String(load_default=None, allow_none=True)
    industry_chain = fields.String(load_default=None, allow_none=True)
    size = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([s.value for s in codes.EmployerSize]),
    )
    address = fields.String(required=True, validate=validate.Length(min=1, max=200))
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    contact_phone = fields.String(required=True, validate=validate.Length(min=1, max=20))
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=128))


class RegisteredSchema(Schema):
    employer_id = fields.Integer()
    username = fields.String()
    status = fields.Nested(LabelledSchema)


class PositionInputSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(max=80))
    description = fields.String(required=True, validate=validate.Length(max=5000))
    occupation_major_group = fields.Integer(required=True, validate=validate.Range(min=1, max=8))
    occupation_code = fields.String(load_default=None, allow_none=True)
    openings = fields.Integer(required=True, validate=validate.Range(min=1, max=9999))
    salary_min = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    salary_max = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    salary_negotiable = fields.Boolean(load_default=False)
    education = fields.String(load_default="none", validate=validate.OneOf(EDUCATIONS))
    experience = fields.String(
        load_default="none", validate=validate.OneOf([e.value for e in codes.Experience])
    )
    employment_type = fields.String(
        load_default="full_time", validate=validate.OneOf([e.value for e in codes.EmploymentType])
    )
    work_region_code = fields.String(required=True, validate=validate.Length(equal=6))
    work_address = fields.String(load_default=None, allow_none=True)
    contact_name = fields.String(load_default=None, allow_none=True)
    contact_phone = fields.String(load_default=None, allow_none=True)
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
    id = fields.Integer()
    fair_id = fields.Integer()
    position_id = fields.Integer()
    seeker_name = fields.String()
    seeker_phone = fields.String(metadata={"description": "求职者手机号（回访用）；不提供身份证号"})
    outcome = fields.Nested(LabelledSchema)
    hired_on = fields.Date(allow_none=True)
    started_on = fields.Date(allow_none=True)
    outcome_on = fields.Date(allow_none=True)


class OutcomeSchema(Schema):
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(["hired", "started", "declined", "withdrawn"]),
        metadata={"description": "hired 已录用，started 已到岗，declined 未录用，withdrawn 放弃"},
    )
    on = fields.Date(required=True)


class HireListArgs(PageArgsSchema):
    outcome = fields.String(validate=validate.OneOf([o.value for o in Outcome]))


OwnPositionPage = page_schema(OwnPositionSchema, "OwnPositionPage")
OpenFairPage = page_schema(FairSchema, "OpenFairPage")
HirePage = page_schema(HireSchema, "HirePage")


def _own_position(position_id: int) -> Position:
    position = db.session.get(Position, position_id)
    if position is None or position.employer_id != api_user().employer_id:
        raise ApiError(404, "岗位不存在。")
    return position


secured = secured_by(blp, *EMPLOYER)


@blp.route("/employers")
class Registration(MethodView):
    @blp.arguments(RegistrationSchema)
    @blp.response(201, RegisteredSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def post(self, data):
        """Register an employer and its first account; it waits for an organizer's review."""
        chain_code = data.pop("industry_chain", None)
        if chain_code:
            chain = get_industry_chain(chain_code)
            if chain is None:
                raise ApiError(422, None, {"industry_chain": ["所属产业链：不存在。"]})
            data["industry_chain_id"] = str(chain.id)
        data["password_confirm"] = data["password"]
        try:
            user = register_employer(data)
        except RegistrationError as error:
            db.session.rollback()
            raise refusal(error) from None
        db.session.commit()
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
        query = (
            sa.select(Position)
            .where(Position.employer_id == api_user().employer_id)
            .order_by(Position.id.desc())
        )
        if args.get("status"):
            query = query.where(Position.status == PositionStatus(args["status"]))
        return page_body(
            db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
        )

    @secured
    @blp.arguments(PositionInputSchema)
    @blp.response(201, OwnPositionSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data):
        """Create a draft position."""
        user = api_user()
        try:
            position = create_position(user.employer, data, by=user)
        except PositionError as error:
            db.session.rollback()
            raise refusal(error) from None
        db.session.commit()
        return position


@blp.route("/employer/positions/<id:position_id>")
class OwnPosition(MethodView):
    @secured
    @blp.response(200, OwnPositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, position_id):
        """Return one of the caller's positions."""
        return _own_position(position_id)

    @secured
    @blp.arguments(PositionUpdateSchema)
    @blp.response(200, OwnPositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def put(self, data, position_id):
        """Edit a position; a stale version is refused with 409 and nothing changes."""
        position = _own_position(position_id)
        version = data.pop("version")
        try:
            update_position(position, data, version=version, by=api_user())
        except PositionError as error:
            db.session.rollback()
            raise refusal(error) from None
        db.session.commit()
        return position


def _position_action(position_id: int, action) -> tuple[Position, object]:
    position = _own_position(position_id)
    try:
        result = action(position)
    except PositionError as error:
        db.session.rollback()
        raise refusal(error) from None
    db.session.commit()
    return position, result


@blp.route("/employer/positions/<id:position_id>/submit")
class SubmitPosition(MethodView):
    @secured
    @blp.response(200, SubmitResultSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def post(self, position_id):
        """Send a draft to review; screening refuses discriminatory wording (422)."""
        position, warnings = _position_action(
            position_id, lambda p: submit_position(p, by=api_user())
        )
        return {"position": position, "warnings": [flag.message() for flag in warnings]}


@blp.route("/employer/positions/<id:position_id>/close")
class ClosePosition(MethodView):
    @secured
    @blp.arguments(CloseSchema)
    @blp.response(200, OwnPositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, position_id):
        """Stop recruiting (closed, or filled with {"filled": true})."""
        position, _ = _position_action(
            position_id, lambda p: close_position(p, filled=data["filled"], by=api_user())
        )
        return position


@blp.route("/employer/positions/<id:position_id>/reopen")
class ReopenPosition(MethodView):
    @secured
    @blp.response(200, OwnPositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def post(self, position_id):
        """Reopen a closed, filled or expired position."""
        position, _ = _position_action(position_id, lambda p: reopen_position(p, by=api_user()))
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
    def post(self, data, fair_id):
        """Sign up for a fair with positions and openings (status requested)."""
        fair = db.session.get(Fair, fair_id)
        if fair is None:
            raise ApiError(404, "招聘会不存在。")
        offers: dict[int, int] = {}
        for offer in data["offers"]:
            offers[offer["position_id"]] = offer["openings"]
        user = api_user()
        try:
            participation = sign_up_for_fair(user.employer, fair, offers, by=user)
        except SignupError as error:
            db.session.rollback()
            raise refusal(error) from None
        db.session.commit()
        return participation


@blp.route("/employer/participations/<id:participation_id>/withdraw")
class Withdraw(MethodView):
    @secured
    @blp.response(200, ParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, participation_id):
        """Withdraw a sign-up before the registration deadline."""
        participation = db.session.get(Participation, participation_id)
        if participation is None or participation.employer_id != api_user().employer_id:
            raise ApiError(404, "报名记录不存在。")
        try:
            withdraw_participation(participation, by=api_user())
        except SignupError as error:
            db.session.rollback()
            raise refusal(error) from None
        db.session.commit()
        return participation


@blp.route("/employer/hires")
class OwnHires(MethodView):
    @secured
    @blp.arguments(HireListArgs, location="query", unknown=RAISE)
    @blp.response(200, HirePage)
    def get(self, args):
        """List intents made for the caller's positions (phone shown, never the ID number)."""
        outcome = Outcome(args["outcome"]) if args.get("outcome") else None
        query = employer_hires_query(api_user().employer, outcome)
        return page_body(
            db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
        )


@blp.route("/employer/hires/<id:hire_id>/outcome")
class HireOutcome(MethodView):
    @secured
    @blp.arguments(OutcomeSchema)
    @blp.response(200, HireSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, hire_id):
        """Record 已录用 / 已到岗 / 未录用 / 放弃 with its date."""
        user = api_user()
        hire = get_employer_hire(user.employer, hire_id)
        if hire is None:
            raise ApiError(404, "就业意向不存在。")
        try:
            record_outcome(hire, data["outcome"], data["on"], by=user)
        except OutcomeError as error:
            db.session.rollback()
            raise refusal(error) from None
        db.session.commit()
        return hire

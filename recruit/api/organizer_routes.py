"""Organizer writes inside the region scope: fairs, participations, booths, check-ins,
seeker tallies, tentative hires (single and bulk), closing, and reviews."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from recruit.api.errors import ApiError, ErrorSchema
from recruit.api.schemas import (
    EDUCATIONS,
    FAIR_MODES,
    FAIR_TYPES,
    EmployerBriefSchema,
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
from recruit.auth.scope import in_scope
from recruit.employers.models import Employer
from recruit.employers.review import ReviewError, pending_employers, review_employer
from recruit.extensions import db
from recruit.fairs import services as fairs
from recruit.fairs.models import FairStatus, Participation, TallySource
from recruit.formatting import LOCAL_TZ
from recruit.hires.services import (
    BulkHireError,
    HireError,
    clean_seeker,
    fair_hires,
    register_intent,
    register_intents,
)
from recruit.positions.models import Position
from recruit.positions.review import pending_positions, review_position
from recruit.refdata.codes import FairMode, FairType, Gender, PriorityGroup
from recruit.refdata.services import get_industry_chain

blp = Blueprint(
    "api_manage",
    __name__,
    url_prefix="/api/v1/manage",
    description="组织者：招聘会、参会、展位、签到、入场计数、就业意向、闭会、审核（限本人辖区）",
)
STAFF = (Role.ADMIN, Role.ORGANIZER)


secured = secured_by(blp, *STAFF)


class LocalDateTime(fields.DateTime):
    """An ISO 8601 time; one without an offset is read as Asia/Shanghai."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=LOCAL_TZ)
        if not 1900 <= moment.year <= 9000:
            raise ValidationError("时间超出范围。")
        return moment


class FairInputSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    type = fields.String(required=True, validate=validate.OneOf(FAIR_TYPES))
    mode = fields.String(required=True, validate=validate.OneOf(FAIR_MODES))
    region_code = fields.String(required=True, validate=validate.Length(equal=6))
    venue = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    organizer_unit = fields.String(required=True, validate=validate.Length(min=1, max=120))
    industry_chain = fields.String(load_default=None, allow_none=True)
    booth_capacity = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=0, max=100_000)
    )
    registration_deadline = LocalDateTime(load_default=None, allow_none=True)
    description = fields.String(load_default="", validate=validate.Length(max=5000))

    @post_load
    def _to_model_values(self, data, **_kwargs):
        data["type"] = FairType(data["type"])
        data["mode"] = FairMode(data["mode"])
        code = data.pop("industry_chain", None)
        chain = get_industry_chain(code) if code else None
        if code and chain is None:
            raise ValidationError("产业链不存在。", "industry_chain")
        data["industry_chain_id"] = chain.id if chain else None
        return data


class FairUpdateSchema(FairInputSchema):
    version = fields.Integer(required=True)


class StaffFairSchema(FairSchema):
    version = fields.Integer()
    description = fields.String()


class MetricsSchema(Schema):
    fairs = fields.Integer()
    employer_attendances = fields.Integer()
    positions_offered = fields.Integer()
    seeker_entries = fields.Integer()
    tentative_hires = fields.Integer()
    hired = fields.Integer()
    started = fields.Integer()


class FairWithMetricsSchema(StaffFairSchema):
    metrics = fields.Nested(MetricsSchema)


class StatusSchema(Schema):
    status = fields.String(
        required=True, validate=validate.OneOf(["planned", "open", "held", "cancelled"])
    )
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class CloseResultSchema(Schema):
    attended = fields.Integer()
    no_show = fields.Integer()
    blocked = fields.Function(
        lambda r: [{"employer_id": e.id, "until": d.isoformat()} for e, d in r.blocked],
        metadata={"type": "array", "items": {"type": "object"}},
    )


class StaffParticipationSchema(Schema):
    id = fields.Integer()
    fair_id = fields.Integer()
    employer = fields.Nested(EmployerBriefSchema)
    booth = fields.String(allow_none=True)
    status = fields.Nested(LabelledSchema)
    checked_in_at = fields.DateTime(allow_none=True)
    review_note = fields.String(allow_none=True)
    offers = fields.Function(
        lambda p: [
            {"position_id": fp.position_id, "openings": fp.openings} for fp in p.fair_positions
        ],
        metadata={"type": "array", "items": {"type": "object"}},
    )


class AddStaffParticipationSchema(Schema):
    employer_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    offers = fields.List(fields.Nested(OfferSchema), load_default=list)


class ReviewSchema(Schema):
    approve = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class BoothSchema(Schema):
    booth = fields.String(required=True, allow_none=True, validate=validate.Length(max=20))


class OffersSchema(Schema):
    offers = fields.List(fields.Nested(OfferSchema), required=True)


class TallyInputSchema(Schema):
    count = fields.Integer(required=True, validate=validate.Range(min=-100_000, max=100_000))
    source = fields.String(
        load_default="gate", validate=validate.OneOf([s.value for s in TallySource])
    )
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class TallySchema(Schema):
    id = fields.Integer()
    count = fields.Integer()
    source = fields.Nested(LabelledSchema)
    reason = fields.String(allow_none=True)
    recorded_at = fields.DateTime()


class HireInputSchema(Schema):
    seeker_name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    seeker_phone = fields.String(required=True, validate=validate.Length(min=1, max=20))
    seeker_id_number = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=18)
    )
    gender = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf([g.value for g in Gender])
    )
    education = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(EDUCATIONS)
    )
    priority_groups = fields.List(
        fields.String(validate=validate.OneOf([g.value for g in PriorityGroup])),
        load_default=list,
    )
    position_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class BulkHiresSchema(Schema):
    items = fields.List(
        fields.Nested(HireInputSchema), required=True, validate=validate.Length(min=1, max=50_000)
    )


class StaffHireSchema(Schema):
    id = fields.Integer()
    fair_id = fields.Integer()
    position_id = fields.Integer()
    seeker_name = fields.String()
    seeker_phone = fields.String()
    seeker_id_number = fields.String(allow_none=True)
    gender = fields.Nested(LabelledSchema, allow_none=True)
    education = fields.Nested(LabelledSchema, allow_none=True)
    priority_groups = fields.List(fields.String())
    outcome = fields.Nested(LabelledSchema)
    recorded_at = fields.DateTime()


class BulkResultSchema(Schema):
    created = fields.Integer()


class FairListArgs(PageArgsSchema):
    status = fields.String(validate=validate.OneOf([s.value for s in FairStatus]))
    region = fields.String(validate=validate.Length(equal=6))
    type = fields.String(validate=validate.OneOf(FAIR_TYPES))
    mode = fields.String(validate=validate.OneOf(FAIR_MODES))
    q = fields.String(validate=validate.Length(max=50))


class ReviewedEmployerSchema(EmployerBriefSchema):
    status = fields.Nested(LabelledSchema)
    review_note = fields.String(allow_none=True)


class ReviewedPositionSchema(PositionSchema):
    status = fields.Nested(LabelledSchema)
    review_note = fields.String(allow_none=True)


StaffFairPage = page_schema(StaffFairSchema, "StaffFairPage")
HirePageSchema = page_schema(StaffHireSchema, "StaffHirePage")
PendingEmployerPage = page_schema(ReviewedEmployerSchema, "PendingEmployerPage")
PendingPositionPage = page_schema(ReviewedPositionSchema, "PendingPositionPage")


def _fair(fair_id: int):
    fair = fairs.get_scoped_fair(api_user(), fair_id)
    if fair is None:
        raise ApiError(404, "招聘会不存在或不在您的管辖范围内。")
    return fair


def _participation(participation_id: int) -> Participation:
    part = db.session.get(Participation, participation_id)
    if part is None or fairs.get_scoped_fair(api_user(), part.fair_id) is None:
        raise ApiError(404, "参会记录不存在或不在您的管辖范围内。")
    return part


def _scoped(model, object_id: int, region_column, label: str):
    """Return the record if it exists and its region lies in the caller's scope, else 404."""
    record = db.session.get(model, object_id)
    if record is None or not in_scope(api_user(), getattr(record, region_column.key)):
        raise ApiError(404, f"{label}不存在或不在您的管辖范围内。")
    return record


def _apply(action):
    """Run a service call, turning its refusal into 409/422 and committing on success."""
    try:
        result = action()
    except (fairs.FairError, HireError, ReviewError) as error:
        db.session.rollback()
        if isinstance(error, fairs.StaleFairError):
            raise ApiError(409, "该招聘会已被他人修改，请重新读取后再保存。") from None
        raise refusal(error) from None
    db.session.commit()
    return result


def _paged(query, args):
    return page_body(
        db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    )


@blp.route("/fairs")
class Fairs(MethodView):
    @secured
    @blp.arguments(FairListArgs, location="query", unknown=RAISE)
    @blp.response(200, StaffFairPage)
    def get(self, args):
        """List the fairs in the caller's scope, newest first, with filters."""
        filters = fairs.FairFilters(
            region=args.get("region"),
            type=args.get("type"),
            mode=args.get("mode"),
            status=args.get("status"),
            q=args.get("q"),
        )
        return _paged(fairs.filter_fairs(api_user(), filters), args)

    @secured
    @blp.arguments(FairInputSchema)
    @blp.response(201, StaffFairSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data):
        """Create a fair (planned) in the caller's scope."""
        return _apply(lambda: fairs.create_fair(data, by=api_user()))


@blp.route("/fairs/<id:fair_id>")
class FairItem(MethodView):
    @secured
    @blp.response(200, FairWithMetricsSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, fair_id):
        """Return a fair with its version and live metrics."""
        fair = _fair(fair_id)
        fair.metrics = fairs.fair_metrics(fair)
        return fair

    @secured
    @blp.arguments(FairUpdateSchema)
    @blp.response(200, StaffFairSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def put(self, data, fair_id):
        """Save an edit made on `version`; a stale version gets 409 and nothing changes."""
        fair = _fair(fair_id)
        version = data.pop("version")
        return _apply(lambda: fairs.update_fair(fair, data, version=version, by=api_user()))


@blp.route("/fairs/<id:fair_id>/status")
class FairStatusChange(MethodView):
    @secured
    @blp.arguments(StatusSchema)
    @blp.response(200, StaffFairSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, fair_id):
        """Open registration, stop it, start the fair or cancel it (with a reason)."""
        fair = _fair(fair_id)
        status = FairStatus(data["status"])
        _apply(lambda: fairs.set_fair_status(fair, status, by=api_user(), reason=data["reason"]))
        return fair


@blp.route("/fairs/<id:fair_id>/close")
class CloseFair(MethodView):
    @secured
    @blp.response(200, CloseResultSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, fair_id):
        """Close the fair: online → attended; offline not checked in → no_show."""
        fair = _fair(fair_id)
        return _apply(lambda: fairs.close_fair(fair, by=api_user()))


@blp.route("/fairs/<id:fair_id>/participations")
class Participations(MethodView):
    @secured
    @blp.response(200, StaffParticipationSchema(many=True))
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, fair_id):
        """List the fair's participations (bounded by its booths)."""
        return fairs.fair_participations(_fair(fair_id))

    @secured
    @blp.arguments(AddStaffParticipationSchema)
    @blp.response(201, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, fair_id):
        """Add an approved employer to the fair, optionally with its positions."""
        fair = _fair(fair_id)
        employer = db.session.get(Employer, data["employer_id"])
        if employer is None:
            raise ApiError(404, "企业不存在。")
        user = api_user()

        def add():
            part = fairs.add_participation(fair, employer, by=user)
            if data["offers"]:
                offers = {o["position_id"]: o["openings"] for o in data["offers"]}
                fairs.set_fair_positions(part, offers, by=user)
            return part

        return _apply(add)


@blp.route("/participations/<id:participation_id>/review")
class ReviewParticipation(MethodView):
    @secured
    @blp.arguments(ReviewSchema)
    @blp.response(200, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, participation_id):
        """Approve or reject (with a reason) an employer's sign-up."""
        part = _participation(participation_id)
        _apply(
            lambda: fairs.review_participation(
                part, data["approve"], by=api_user(), note=data["note"]
            )
        )
        return part


@blp.route("/participations/<id:participation_id>/booth")
class Booth(MethodView):
    @secured
    @blp.arguments(BoothSchema)
    @blp.response(200, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def put(self, data, participation_id):
        """Assign (or clear with null) a booth number, unique in the fair."""
        part = _participation(participation_id)
        _apply(lambda: fairs.assign_booth(part, data["booth"], by=api_user()))
        return part


@blp.route("/participations/<id:participation_id>/positions")
class ParticipationPositions(MethodView):
    @secured
    @blp.arguments(OffersSchema)
    @blp.response(200, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def put(self, data, participation_id):
        """Set which positions the employer offers at the fair, with openings."""
        part = _participation(participation_id)
        offers = {o["position_id"]: o["openings"] for o in data["offers"]}
        _apply(lambda: fairs.set_fair_positions(part, offers, by=api_user()))
        return part


@blp.route("/participations/<id:participation_id>/check-in")
class CheckIn(MethodView):
    @secured
    @blp.response(200, StaffParticipationSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, participation_id):
        """Record that the employer arrived (time stamped now)."""
        part = _participation(participation_id)
        _apply(lambda: fairs.check_in(part, by=api_user()))
        return part


@blp.route("/fairs/<id:fair_id>/tallies")
class Tallies(MethodView):
    @secured
    @blp.arguments(TallyInputSchema)
    @blp.response(201, TallySchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, fair_id):
        """Add seeker entries; a negative count is a correction and needs a reason."""
        fair = _fair(fair_id)
        return _apply(
            lambda: fairs.add_tally(
                fair, data["count"], data["source"], by=api_user(), reason=data["reason"]
            )
        )


def _seeker(item: dict):
    return clean_seeker(
        name=item["seeker_name"],
        phone=item["seeker_phone"],
        id_number=item.get("seeker_id_number"),
        gender=item.get("gender"),
        education=item.get("education"),
        priority_groups=item.get("priority_groups"),
        position_id=item["position_id"],
    )


@blp.route("/fairs/<id:fair_id>/hires")
class Hires(MethodView):
    @secured
    @blp.arguments(PageArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, HirePageSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, args, fair_id):
        """List the fair's tentative hires (in full: the caller's scope only)."""
        return _paged(fair_hires(_fair(fair_id)), args)

    @secured
    @blp.arguments(HireInputSchema)
    @blp.response(201, StaffHireSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, fair_id):
        """Register one tentative hire; a duplicate (same seeker, position, fair) is refused."""
        fair = _fair(fair_id)
        return _apply(lambda: register_intent(fair, _seeker(data), by=api_user()))


@blp.route("/fairs/<id:fair_id>/hires/bulk")
class BulkHires(MethodView):
    @secured
    @blp.arguments(BulkHiresSchema)
    @blp.response(201, BulkResultSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, fair_id):
        """Register many hires, all or nothing; errors name the item and the field."""
        fair = _fair(fair_id)
        errors: dict[str, list[str]] = {}
        seekers = []
        for number, item in enumerate(data["items"]):
            try:
                seekers.append(_seeker(item))
            except HireError as error:
                errors[f"items.{number}"] = [str(error)]
        if errors:
            raise ApiError(422, "有数据不符合要求，未登记任何一条。", errors)
        try:
            created = register_intents(fair, seekers, by=api_user())
        except BulkHireError as error:
            db.session.rollback()
            items = {f"items.{n}": [message] for n, message in error.errors.items()}
            raise ApiError(422, str(error), items) from None
        except HireError as error:
            db.session.rollback()
            raise refusal(error) from None
        db.session.commit()
        return {"created": created}


@blp.route("/review/employers")
class PendingEmployers(MethodView):
    @secured
    @blp.arguments(PageArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, PendingEmployerPage)
    def get(self, args):
        """List employers waiting for review in the caller's scope."""
        return _paged(pending_employers(api_user()), args)


@blp.route("/employers/<id:employer_id>/review")
class ReviewEmployer(MethodView):
    @secured
    @blp.arguments(ReviewSchema)
    @blp.response(200, ReviewedEmployerSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, employer_id):
        """Approve or reject (with a reason the employer sees) a registration."""
        employer = _scoped(Employer, employer_id, Employer.region_code, "企业")
        _apply(lambda: review_employer(employer, data["approve"], by=api_user(), note=data["note"]))
        return employer


@blp.route("/review/positions")
class PendingPositions(MethodView):
    @secured
    @blp.arguments(PageArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, PendingPositionPage)
    def get(self, args):
        """List positions waiting for review in the caller's scope."""
        return _paged(pending_positions(api_user()), args)


@blp.route("/positions/<id:position_id>/review")
class ReviewPosition(MethodView):
    @secured
    @blp.arguments(ReviewSchema)
    @blp.response(200, ReviewedPositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    def post(self, data, position_id):
        """Publish a pending position, or send it back to draft with a reason."""
        position = _scoped(Position, position_id, Position.work_region_code, "岗位")
        _apply(lambda: review_position(position, data["approve"], by=api_user(), note=data["note"]))
        return position

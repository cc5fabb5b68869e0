"""Public reads: fairs, one fair with its employers, position search, positions, employers."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, fields, validate

from recruit.api.errors import ApiError, ErrorSchema
from recruit.api.schemas import (
    EDUCATIONS,
    FAIR_MODES,
    FAIR_TYPES,
    EmployerProfileSchema,
    FairDetailSchema,
    FairSchema,
    PageArgsSchema,
    PositionSchema,
    chain_arg,
    page_body,
    page_schema,
    region_arg,
)
from recruit.employers.models import Employer
from recruit.extensions import db
from recruit.fairs.queries import (
    FairFilters,
    fair_participants,
    get_public_fair,
    public_fairs_query,
)
from recruit.positions.models import Position
from recruit.positions.search import SearchFilters, search_positions_query
from recruit.refdata.services import get_industry_chain

blp = Blueprint("api_public", __name__, url_prefix="/api/v1", description="公开查询（无需令牌）")


class FairArgsSchema(PageArgsSchema):
    when = fields.String(load_default="upcoming", validate=validate.OneOf(["upcoming", "past"]))
    region = region_arg(metadata={"description": "含下级"})
    type = fields.String(validate=validate.OneOf(FAIR_TYPES))
    mode = fields.String(validate=validate.OneOf(FAIR_MODES))
    industry_chain = chain_arg()
    start = fields.Date()
    end = fields.Date()


class PositionArgsSchema(PageArgsSchema):
    q = fields.String(validate=validate.Length(max=50), metadata={"description": "关键词"})
    region = region_arg(metadata={"description": "工作地区，含下级"})
    industry_chain = chain_arg()
    education = fields.String(validate=validate.OneOf(EDUCATIONS))
    min_salary = fields.Integer(validate=validate.Range(min=0, max=1_000_000))
    fair = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


FairPage = page_schema(FairSchema, "FairPage")
PositionPage = page_schema(PositionSchema, "PositionPage")


@blp.route("/fairs")
class Fairs(MethodView):
    @blp.arguments(FairArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, FairPage)
    def get(self, args):
        """List upcoming (soonest first) or past (newest first) fairs."""
        chain = get_industry_chain(args["industry_chain"]) if args.get("industry_chain") else None
        filters = FairFilters(
            region=args.get("region"),
            type=args.get("type"),
            mode=args.get("mode"),
            industry_chain_id=(chain.id if chain else -1) if args.get("industry_chain") else None,
            start=args.get("start"),
            end=args.get("end"),
        )
        query = public_fairs_query(args["when"], filters)
        return page_body(
            db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
        )


@blp.route("/fairs/<id:fair_id>")
class FairItem(MethodView):
    @blp.response(200, FairDetailSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, fair_id):
        """Return a fair with its accepted employers, booths and the positions they offer."""
        fair = get_public_fair(fair_id)
        fair.participants = fair_participants(fair)
        return fair


@blp.route("/positions")
class Positions(MethodView):
    @blp.arguments(PositionArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, PositionPage)
    def get(self, args):
        """Search open positions, newest first, with the filters of the public search page."""
        chain = get_industry_chain(args["industry_chain"]) if args.get("industry_chain") else None
        filters = SearchFilters(
            q=(args.get("q") or "").strip(),
            region=args.get("region") or "",
            chain=chain.id if chain else (-1 if args.get("industry_chain") else None),
            education=args.get("education") or "",
            min_salary=args.get("min_salary"),
            fair=args.get("fair"),
        )
        query = search_positions_query(filters)
        return page_body(
            db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
        )


@blp.route("/positions/<id:position_id>")
class PositionItem(MethodView):
    @blp.response(200, PositionSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, position_id):
        """Return an open position; closed, expired or unreviewed ones are not found."""
        position = db.session.get(Position, position_id)
        if position is None or not position.is_public:
            raise ApiError(404, "岗位不存在或已结束招聘。")
        return position


@blp.route("/employers/<id:employer_id>")
class EmployerItem(MethodView):
    @blp.response(200, EmployerProfileSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, employer_id):
        """Return an approved employer's public profile with its open positions."""
        employer = db.session.get(Employer, employer_id)
        if employer is None or not employer.is_public:
            raise ApiError(404, "企业不存在。")
        query = search_positions_query(SearchFilters()).where(Position.employer_id == employer.id)
        employer.positions_public = list(db.session.scalars(query.limit(200)))
        return employer

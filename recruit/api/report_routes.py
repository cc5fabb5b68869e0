"""GET /api/v1/reports/summary: the metrics of DESIGN §2.5 by their English names."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from recruit.api.errors import ApiError, ErrorSchema
from recruit.api.schemas import FAIR_MODES, FAIR_TYPES
from recruit.api.security import BEARER, api_user, token_required
from recruit.auth.models import Role
from recruit.auth.scope import in_scope
from recruit.extensions import db
from recruit.refdata.models import Region
from recruit.refdata.services import get_industry_chain
from recruit.reports.services import ReportFilter, bureau_sentence, compute_metrics

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports", description="统计报表")


class SummaryArgsSchema(Schema):
    start = fields.Date(required=True, metadata={"description": "开始日期（含），按招聘会开始日"})
    end = fields.Date(required=True, metadata={"description": "结束日期（含）"})
    region = fields.String(validate=validate.Length(equal=6), metadata={"description": "含下级"})
    industry_chain = fields.String(validate=validate.Length(max=40))
    fair_type = fields.String(validate=validate.OneOf(FAIR_TYPES))
    mode = fields.String(validate=validate.OneOf(FAIR_MODES))

    @validates_schema
    def _period(self, data, **_kwargs):
        if "start" in data and "end" in data and data["end"] < data["start"]:
            raise ValidationError("结束日期不能早于开始日期。", "end")


class SummarySchema(Schema):
    start = fields.Date()
    end = fields.Date()
    region = fields.String(allow_none=True)
    industry_chain = fields.String(allow_none=True)
    fair_type = fields.String(allow_none=True)
    mode = fields.String(allow_none=True)
    fairs = fields.Integer(metadata={"description": "招聘会场次"})
    employer_attendances = fields.Integer(metadata={"description": "用工企业家次"})
    positions_offered = fields.Integer(metadata={"description": "提供岗位个次"})
    seeker_entries = fields.Integer(metadata={"description": "入场求职人次"})
    tentative_hires = fields.Integer(metadata={"description": "初步达成就业意向人次"})
    hired = fields.Integer(metadata={"description": "录用"})
    started = fields.Integer(metadata={"description": "到岗"})
    sentence = fields.String(metadata={"description": "局里的表述"})


@blp.route("/summary")
class Summary(MethodView):
    @token_required(Role.ADMIN, Role.ORGANIZER, Role.VIEWER)
    @blp.doc(security=BEARER)
    @blp.arguments(SummaryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, SummarySchema)
    @blp.alt_response(401, schema=ErrorSchema)
    @blp.alt_response(403, schema=ErrorSchema)
    def get(self, args):
        """Return the metrics of a period and scope, and the bureau's sentence."""
        user = api_user()
        region = args.get("region")
        if user.role is Role.ORGANIZER:
            region = region or user.region_code
            if not in_scope(user, region):
                raise ApiError(403, f"只能查询本账号负责的地区（{user.region_code}）及其下级。")
        if region and db.session.get(Region, region) is None:
            raise ApiError(422, None, {"region": [f"没有这个地区代码：{region}"]})
        chain = args.get("industry_chain")
        if chain and get_industry_chain(chain) is None:
            raise ApiError(422, None, {"industry_chain": [f"没有这个产业链代码：{chain}"]})
        report = ReportFilter(
            args["start"], args["end"], region, args.get("fair_type"), args.get("mode"), chain
        )
        metrics = compute_metrics(report.start, report.end, **report.kwargs())
        return {
            "start": report.start,
            "end": report.end,
            **report.kwargs(),
            **metrics.as_dict(),
            "sentence": bureau_sentence(report, metrics),
        }

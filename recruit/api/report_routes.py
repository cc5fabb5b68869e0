"""GET /api/v1/reports/summary: the metrics of DESIGN §2.5 by their English names."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from recruit.api.errors import ErrorSchema
from recruit.api.schemas import FAIR_MODES, FAIR_TYPES, chain_arg, region_arg
from recruit.api.security import BEARER, api_user, token_required
from recruit.reports.metrics import ReportFilter
from recruit.reports.scope import REPORT_ROLES
from recruit.reports.services import summarize

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports", description="统计报表")


class SummaryArgsSchema(Schema):
    start = fields.Date(required=True, metadata={"description": "开始日期（含），按招聘会开始日"})
    end = fields.Date(required=True, metadata={"description": "结束日期（含）"})
    region = region_arg(metadata={"description": "含下级"})
    industry_chain = chain_arg()
    fair_type = fields.String(validate=validate.OneOf(FAIR_TYPES))
    mode = fields.String(validate=validate.OneOf(FAIR_MODES))


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
    @token_required(*REPORT_ROLES)
    @blp.doc(security=BEARER)
    @blp.arguments(SummaryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, SummarySchema)
    @blp.alt_response(401, schema=ErrorSchema)
    @blp.alt_response(403, schema=ErrorSchema)
    def get(self, args):
        """Return the metrics of a period and scope, and the bureau's sentence."""
        report = ReportFilter(
            args["start"],
            args["end"],
            args.get("region"),
            args.get("fair_type"),
            args.get("mode"),
            args.get("industry_chain"),
        )
        summary = summarize(api_user(), report)
        return {
            "start": summary.filter.start,
            "end": summary.filter.end,
            **summary.filter.kwargs(),
            **summary.metrics.as_dict(),
            "sentence": summary.sentence,
        }

"""GET /api/v1/reports/summary and /funnel: the metrics of DESIGN §2.5 and §7 by their English
names, and the follow-up funnel."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from recruit.api.compare_schemas import (
    COMPARE_ARG,
    FunnelCompareSchema,
    FunnelRowCompareSchema,
    SummaryCompareSchema,
)
from recruit.api.errors import ErrorSchema
from recruit.api.schemas import FAIR_MODES, FAIR_TYPES, chain_arg, region_arg
from recruit.api.security import BEARER, api_user, token_required
from recruit.metrics import FUNNEL_STEPS
from recruit.reports.breakdowns import FUNNEL_BREAKDOWNS
from recruit.reports.compare import compare_document, compare_follow_up, compare_summary
from recruit.reports.metrics import ReportFilter
from recruit.reports.scope import REPORT_ROLES
from recruit.reports.services import figure_fields, follow_up_funnel, summarize

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports", description="统计报表")


class SummaryArgsSchema(Schema):
    start = fields.Date(required=True, metadata={"description": "开始日期（含），按招聘会开始日"})
    end = fields.Date(required=True, metadata={"description": "结束日期（含）"})
    region = region_arg(metadata={"description": "含下级；region_exact=true 时只含本级"})
    region_exact = fields.Boolean(
        metadata={"description": "只统计在该地区本级举办的招聘会（市本级），不含下级地区"}
    )
    industry_chain = chain_arg(metadata={"description": "产业链代码；none 为未指定产业链"})
    fair_type = fields.String(validate=validate.OneOf(FAIR_TYPES))
    mode = fields.String(validate=validate.OneOf(FAIR_MODES))
    compare = COMPARE_ARG


class IntentsBySourceSchema(Schema):
    typed = fields.Integer(metadata={"description": "现场登记的意向人次"})
    imported = fields.Integer(metadata={"description": "导入的意向人次（表格导入、接口）"})
    booth = fields.Integer(metadata={"description": "扫码投递达成的意向人次"})
    online = fields.Integer(metadata={"description": "在线投递达成的意向人次"})


class SummarySchema(Schema):
    start = fields.Date()
    end = fields.Date()
    region = fields.String(allow_none=True)
    region_exact = fields.Boolean(metadata={"description": "是否只统计该地区本级"})
    industry_chain = fields.String(allow_none=True)
    fair_type = fields.String(allow_none=True)
    mode = fields.String(allow_none=True)
    fairs = fields.Integer(metadata={"description": "招聘会场次"})
    employer_attendances = fields.Integer(metadata={"description": "用工企业家次"})
    positions_offered = fields.Integer(metadata={"description": "提供岗位个次"})
    seeker_entries = fields.Integer(
        metadata={"description": "入场求职人次：入口计数之和 + 扫码/线上入场登记条数"}
    )
    tentative_hires = fields.Integer(metadata={"description": "初步达成就业意向人次"})
    hired = fields.Integer(metadata={"description": "录用"})
    started = fields.Integer(metadata={"description": "到岗"})
    distinct_seekers = fields.Integer(
        metadata={"description": "入场求职人数：扫码/线上入场登记的不同求职者（按人去重）"}
    )
    applications = fields.Integer(metadata={"description": "投递人次"})
    intents_by_source = fields.Nested(
        IntentsBySourceSchema, metadata={"description": "初步就业意向人次，按来源"}
    )
    retained_90 = fields.Integer(metadata={"description": "稳定就业90天人次（回访记录，作废不计）"})
    retained_180 = fields.Integer(
        metadata={"description": "稳定就业180天人次（回访记录，作废不计）"}
    )
    sentence = fields.String(metadata={"description": "局里的表述"})
    compare = fields.Nested(
        SummaryCompareSchema,
        allow_none=True,
        metadata={"description": "同比 / 环比；未请求 compare 时为 null"},
    )


def _report_filter(args) -> ReportFilter:
    return ReportFilter(
        args["start"],
        args["end"],
        args.get("region"),
        args.get("fair_type"),
        args.get("mode"),
        args.get("industry_chain"),
        args.get("region_exact", False),
    )


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
        summary = summarize(api_user(), _report_filter(args), figures=True)
        document = {
            "start": summary.filter.start,
            "end": summary.filter.end,
            **summary.filter.kwargs(),
            **summary.metrics.as_dict(),
            **figure_fields(summary.figures),
            "sentence": summary.sentence,
            "compare": None,
        }
        if args.get("compare"):
            base = compare_summary(api_user(), summary.filter, args["compare"])
            document["compare"] = compare_document(
                args["compare"],
                base.filter,
                {**summary.metrics.as_dict(), **figure_fields(summary.figures)},
                {**base.metrics.as_dict(), **figure_fields(base.figures)},
            )
        return document


def _rate_field(label: str):
    return fields.Float(
        allow_none=True,
        metadata={"description": f"{label}占意向的百分比，一位小数；无意向时为 null"},
    )


class FunnelRowSchema(Schema):
    key = fields.String(
        allow_none=True,
        metadata={"description": "地区代码、招聘会类型或产业链代码；合计行为 null"},
    )
    label = fields.String(metadata={"description": "名称"})
    tentative_hires = fields.Integer(metadata={"description": "意向人次"})
    hired = fields.Integer(metadata={"description": "录用人次"})
    started = fields.Integer(metadata={"description": "到岗人次"})
    retained_90 = fields.Integer(metadata={"description": "稳定就业90天人次"})
    retained_180 = fields.Integer(metadata={"description": "稳定就业180天人次"})
    hired_rate = _rate_field("录用")
    started_rate = _rate_field("到岗")
    retained_90_rate = _rate_field("稳定就业90天")
    retained_180_rate = _rate_field("稳定就业180天")
    compare = fields.Nested(
        FunnelRowCompareSchema,
        allow_none=True,
        metadata={"description": "该行的同比 / 环比；未请求 compare 时为 null"},
    )


class FunnelSchema(Schema):
    start = fields.Date()
    end = fields.Date()
    region = fields.String(allow_none=True)
    region_exact = fields.Boolean(metadata={"description": "是否只统计该地区本级"})
    industry_chain = fields.String(allow_none=True)
    fair_type = fields.String(allow_none=True)
    mode = fields.String(allow_none=True)
    total = fields.Nested(FunnelRowSchema, metadata={"description": "合计"})
    by_county = fields.List(fields.Nested(FunnelRowSchema), metadata={"description": "按县市区"})
    by_fair_type = fields.List(
        fields.Nested(FunnelRowSchema), metadata={"description": "按招聘会类型"}
    )
    by_industry_chain = fields.List(
        fields.Nested(FunnelRowSchema),
        metadata={"description": "按产业链（未指定产业链的招聘会 key 为 null）"},
    )
    compare = fields.Nested(
        FunnelCompareSchema,
        allow_none=True,
        metadata={
            "description": "同比 / 环比的对比时段，未请求 compare 时为 null；各行的 compare 为该行"
            "对比时段的人次与增减，只在对比时段出现的行排在最后、本期记 0"
        },
    )


def _funnel_row(row) -> dict:
    # The total and fairs without an industry chain have no key.
    key = None if row.key in ("total", "") else row.key
    document = {"key": key, "label": row.label, **row.counts}
    for step in list(FUNNEL_STEPS)[1:]:
        document[f"{step}_rate"] = row.rate(step)
    document["compare"] = None
    return document


@blp.route("/funnel")
class Funnel(MethodView):
    @token_required(*REPORT_ROLES)
    @blp.doc(security=BEARER)
    @blp.arguments(SummaryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, FunnelSchema)
    @blp.alt_response(401, schema=ErrorSchema)
    @blp.alt_response(403, schema=ErrorSchema)
    def get(self, args):
        """Return the follow-up funnel intent → hired → started → retained 90 / 180 days, with
        each step's rate of the intents, in total and per county, fair type and industry chain.
        """
        funnel = follow_up_funnel(api_user(), _report_filter(args))
        if args.get("compare"):
            return _compared_funnel(funnel, args["compare"])
        return {
            "start": funnel.filter.start,
            "end": funnel.filter.end,
            **funnel.filter.kwargs(),
            "total": _funnel_row(funnel.tables["total"][0]),
            **{
                f"by_{by}": [_funnel_row(row) for row in funnel.tables[by]]
                for by in FUNNEL_BREAKDOWNS
            },
            "compare": None,
        }


def _compared_funnel(funnel, kind: str) -> dict:
    """Return the funnel with each row's compared counts and change (compare=yoy|pop)."""
    compared = compare_follow_up(api_user(), funnel, kind)

    def row(pair) -> dict:
        document = _funnel_row(pair.row)
        whole = compare_document(kind, compared.filter, pair.row.counts, pair.base)
        document["compare"] = {k: whole[k] for k in ("figures", "change", "change_pct")}
        return document

    return {
        "start": funnel.filter.start,
        "end": funnel.filter.end,
        **funnel.filter.kwargs(),
        "total": row(compared.tables["total"][0]),
        **{f"by_{by}": [row(pair) for pair in compared.tables[by]] for by in FUNNEL_BREAKDOWNS},
        "compare": {
            "kind": kind,
            "period": {"start": compared.filter.start, "end": compared.filter.end},
        },
    }

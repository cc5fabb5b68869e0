"""GET /api/v1/reports/shortage: the shortage index (紧缺工种) of a quarter, per occupation."""

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from recruit.api.errors import ErrorSchema
from recruit.api.schemas import FAIR_MODES, FAIR_TYPES, chain_arg, region_arg
from recruit.api.security import BEARER, api_user, token_required
from recruit.formatting import FIRST_YEAR, LAST_YEAR
from recruit.reports.scope import REPORT_ROLES
from recruit.reports.shortage import (
    FIGURES,
    ShortageRow,
    shortage_index,
)

blp = Blueprint("api_shortage", __name__, url_prefix="/api/v1/reports", description="统计报表")

FILTERS = ("region", "fair_type", "mode", "industry_chain")


class ShortageArgsSchema(Schema):
    year = fields.Integer(
        validate=validate.Range(min=FIRST_YEAR, max=LAST_YEAR),
        metadata={
            "description": "年份；year 和 quarter 都不填时为上一个完整季度，只填 quarter 时为今年"
        },
    )
    quarter = fields.Integer(
        validate=validate.Range(min=1, max=4),
        metadata={"description": "季度 1–4；只填 year 时为一季度"},
    )
    region = region_arg(metadata={"description": "含下级"})
    industry_chain = chain_arg()
    fair_type = fields.String(validate=validate.OneOf(FAIR_TYPES))
    mode = fields.String(validate=validate.OneOf(FAIR_MODES))


class DrillUrlsSchema(Schema):
    openings = fields.String(metadata={"description": "提供岗位明细页面"})
    applications = fields.String(metadata={"description": "投递明细页面"})
    intents = fields.String(metadata={"description": "初步就业意向明细页面"})
    hires = fields.String(metadata={"description": "录用明细页面"})


class ShortageRowSchema(Schema):
    code = fields.String(
        allow_none=True,
        metadata={"description": "职业分类大典细类编码（如 6-04-01-00）或大类 1–8；合计为 null"},
    )
    level = fields.String(
        allow_none=True,
        metadata={
            "description": "full：细类编码；major：该大类中未填细类编码的岗位；"
            "group：整个大类（按大类表）；合计为 null"
        },
    )
    major_group = fields.Integer(allow_none=True, metadata={"description": "职业大类 1–8"})
    name = fields.String(metadata={"description": "职业大类名称（细类名称未收录）"})
    openings = fields.Integer(metadata={"description": "提供岗位个次"})
    applications = fields.Integer(metadata={"description": "投递人次"})
    intents = fields.Integer(metadata={"description": "初步达成就业意向人次"})
    hires = fields.Integer(metadata={"description": "录用人次（达到录用即计）"})
    ratio = fields.Float(
        allow_none=True,
        metadata={"description": "求人倍率 = 提供岗位 ÷ 意向，两位小数；无意向时为 null"},
    )
    gap = fields.Integer(metadata={"description": "缺口 = 提供岗位 − 意向"})
    rank = fields.Integer(
        allow_none=True, metadata={"description": "按缺口排名（仅 rows 与 top 中有）"}
    )
    urls = fields.Nested(DrillUrlsSchema, metadata={"description": "每个数字的明细页面"})


class QuarterCellSchema(Schema):
    quarter = fields.Integer(metadata={"description": "季度 1–4"})
    openings = fields.Integer()
    intents = fields.Integer()
    ratio = fields.Float(allow_none=True)
    gap = fields.Integer()


class TopRowSchema(ShortageRowSchema):
    quarters = fields.List(
        fields.Nested(QuarterCellSchema), metadata={"description": "本年四个季度的岗位与意向"}
    )


class ShortageSchema(Schema):
    year = fields.Integer()
    quarter = fields.Integer()
    start = fields.Date()
    end = fields.Date()
    region = fields.String(allow_none=True)
    industry_chain = fields.String(allow_none=True)
    fair_type = fields.String(allow_none=True)
    mode = fields.String(allow_none=True)
    top = fields.List(
        fields.Nested(TopRowSchema), metadata={"description": "缺口最大的 20 个职业（缺口 > 0）"}
    )
    rows = fields.List(
        fields.Nested(ShortageRowSchema), metadata={"description": "各职业（细类或大类），按排名"}
    )
    by_major_group = fields.List(
        fields.Nested(ShortageRowSchema), metadata={"description": "按职业大类"}
    )
    total = fields.Nested(ShortageRowSchema, metadata={"description": "合计"})


def _row(row: ShortageRow, args: dict) -> dict:
    occupation = row.occupation
    narrow = occupation.narrow() if occupation else {}
    return {
        "code": occupation.key if occupation else None,
        "level": occupation.level if occupation else None,
        "major_group": occupation.group if occupation else None,
        "name": occupation.name if occupation else "合计",
        **row.figures(),
        "ratio": None if row.ratio is None else float(row.ratio),
        "gap": row.gap,
        "rank": row.rank,
        "urls": {
            kind: url_for("reports.shortage_rows_page", kind=kind, _external=True, **args, **narrow)
            for kind in FIGURES
        },
    }


@blp.route("/shortage")
class Shortage(MethodView):
    @token_required(*REPORT_ROLES)
    @blp.doc(security=BEARER)
    @blp.arguments(ShortageArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, ShortageSchema)
    @blp.alt_response(401, schema=ErrorSchema)
    @blp.alt_response(403, schema=ErrorSchema)
    def get(self, args):
        """Return the shortage index of a quarter: per occupation openings, applications,
        intents, hires, the ratio openings / intents and the gap; the 20 largest gaps."""
        filters = {k: args[k] for k in FILTERS if args.get(k)}
        index = shortage_index(api_user(), args.get("year"), args.get("quarter"), filters)
        year, quarter = index.year, index.quarter
        scoped = {k: v for k, v in index.filter.kwargs().items() if v}
        link = {"year": year, "quarter": quarter, **scoped}
        top = []
        for row in index.top:
            document = _row(row, link)
            cells = index.quarters.get(row.occupation.key, {})
            document["quarters"] = [
                {
                    "quarter": q,
                    "openings": cell.openings,
                    "intents": cell.intents,
                    "ratio": None if cell.ratio is None else float(cell.ratio),
                    "gap": cell.gap,
                }
                for q, cell in sorted(cells.items())
            ]
            top.append(document)
        return {
            "year": year,
            "quarter": quarter,
            "start": index.filter.start,
            "end": index.filter.end,
            **index.filter.kwargs(),
            "top": top,
            "rows": [_row(row, link) for row in index.rows],
            "by_major_group": [_row(row, link) for row in index.groups],
            "total": _row(index.totals, link),
        }

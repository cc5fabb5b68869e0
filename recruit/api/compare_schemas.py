"""The `compare` objects of the report API (同比 / 环比, issue 18.5): additive fields of
GET /api/v1/reports/summary and /funnel when compare=yoy|pop is asked."""

from marshmallow import Schema, fields, validate

from recruit.metrics import FUNNEL_STEPS, METRIC_NAMES
from recruit.reports.compare import COMPARE_KINDS

COMPARE_ARG = fields.String(
    validate=validate.OneOf(list(COMPARE_KINDS)),
    metadata={
        "description": (
            "对比：yoy 同比（上年同期：整月的时段比上年同样的月份，其他时段各日期提前一年，"
            "2月29日记为2月28日）；pop 环比（上期：整月的时段比紧接在前的同样月数，"
            "如月比上月、季度比上季度、半年比上半年、年比上年；其他时段比紧接在前的同样天数）"
        )
    },
)

SOURCES = ("typed", "imported", "booth", "online")
FIGURE_KEYS = ("distinct_seekers", "applications", "retained_90", "retained_180")


def _integers(names, what: str) -> dict:
    return {name: fields.Integer(metadata={"description": f"{name}：{what}"}) for name in names}


def _percents(names) -> dict:
    return {
        name: fields.Float(
            allow_none=True,
            metadata={
                "description": f"{name}：增减占对比时段的百分比，一位小数；对比时段为 0 时为 null"
            },
        )
        for name in names
    }


class ComparePeriodSchema(Schema):
    start = fields.Date(metadata={"description": "对比时段开始日期（含）"})
    end = fields.Date(metadata={"description": "对比时段结束日期（含）"})


SourceCountsSchema = Schema.from_dict(
    _integers(SOURCES, "初步就业意向人次，按来源"), name="CompareSourceCountsSchema"
)
SourcePercentsSchema = Schema.from_dict(_percents(SOURCES), name="CompareSourcePercentsSchema")

SummaryCountsSchema = Schema.from_dict(
    {
        **_integers((*METRIC_NAMES, *FIGURE_KEYS), "人次、场次等，与本期同名字段同口径"),
        "intents_by_source": fields.Nested(SourceCountsSchema),
    },
    name="CompareSummaryCountsSchema",
)
SummaryPercentsSchema = Schema.from_dict(
    {
        **_percents((*METRIC_NAMES, *FIGURE_KEYS)),
        "intents_by_source": fields.Nested(SourcePercentsSchema),
    },
    name="CompareSummaryPercentsSchema",
)


class SummaryCompareSchema(Schema):
    kind = fields.String(metadata={"description": "yoy 同比 / pop 环比"})
    period = fields.Nested(ComparePeriodSchema, metadata={"description": "对比时段"})
    figures = fields.Nested(SummaryCountsSchema, metadata={"description": "对比时段的数字"})
    change = fields.Nested(SummaryCountsSchema, metadata={"description": "增减：本期减对比时段"})
    change_pct = fields.Nested(
        SummaryPercentsSchema, metadata={"description": "增减%：增减占对比时段的百分比"}
    )


class FunnelCompareSchema(Schema):
    kind = fields.String(metadata={"description": "yoy 同比 / pop 环比"})
    period = fields.Nested(ComparePeriodSchema, metadata={"description": "对比时段"})


FunnelCountsSchema = Schema.from_dict(
    _integers(FUNNEL_STEPS, "人次"), name="CompareFunnelCountsSchema"
)
FunnelPercentsSchema = Schema.from_dict(_percents(FUNNEL_STEPS), name="CompareFunnelPercentsSchema")


class FunnelRowCompareSchema(Schema):
    figures = fields.Nested(FunnelCountsSchema, metadata={"description": "对比时段的人次"})
    change = fields.Nested(FunnelCountsSchema, metadata={"description": "增减：本期减对比时段"})
    change_pct = fields.Nested(
        FunnelPercentsSchema, metadata={"description": "增减%：增减占对比时段的百分比"}
    )

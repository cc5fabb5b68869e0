"""Schemas of the outcome history and the 待回访 list: what the API reads and writes."""

from marshmallow import Schema, fields, validate

from recruit.api.schemas import LabelledSchema, PageArgsSchema, Text, limit, page_schema
from recruit.converters import MAX_ID
from recruit.hires.models import StepKind
from recruit.hires.steps import MAX_TEXT, MILESTONES


class StepSchema(Schema):
    """One dated step of an intent; a voided one (a correction) no longer counts."""

    id = fields.Integer()
    hire_id = fields.Integer()
    step = fields.Nested(LabelledSchema)
    on = fields.Date(metadata={"description": "发生日期（本地日期）"})
    milestone = fields.Integer(allow_none=True, metadata={"description": "回访节点：30/90/180天"})
    note = fields.String(allow_none=True)
    recorded_at = fields.DateTime()
    recorded_by_id = fields.Integer(allow_none=True)
    voided_at = fields.DateTime(allow_none=True)
    void_reason = fields.String(
        allow_none=True, metadata={"description": "更正原因，如“更正：误录”"}
    )


class StepInputSchema(Schema):
    step = fields.String(
        required=True,
        metadata={
            "enum": [k.value for k in StepKind],
            "description": "、".join(f"{k.value} {k.label}" for k in StepKind),
        },
    )
    on = fields.Date(required=True, metadata={"description": "发生日期，不晚于今天"})
    milestone = fields.Integer(
        allow_none=True,
        load_default=None,
        metadata={"enum": [*MILESTONES, None], "description": "回访节点（联系不上时必填）"},
    )
    note = Text(allow_none=True, load_default=None, metadata=limit(max_length=MAX_TEXT))


class VoidInputSchema(Schema):
    reason = Text(required=True, metadata=limit(max_length=MAX_TEXT, example="更正：误录"))


class CallbackSchema(Schema):
    """An intent due a call-back; the phone masked (the full one through /contact, audited)."""

    hire_id = fields.Function(lambda c: c.hire.id, metadata={"type": "integer"})
    seeker_name = fields.Function(lambda c: c.hire.seeker_name, metadata={"type": "string"})
    seeker_phone = fields.Function(
        lambda c: c.hire.masked_phone,
        metadata={
            "type": "string",
            "description": "脱敏手机号；完整号码见 /manage/hires/{id}/contact",
        },
    )
    fair_id = fields.Function(lambda c: c.hire.fair_id, metadata={"type": "integer"})
    fair_title = fields.Function(lambda c: c.hire.fair.title, metadata={"type": "string"})
    position_id = fields.Function(lambda c: c.hire.position_id, metadata={"type": "integer"})
    position_title = fields.Function(lambda c: c.hire.position.title, metadata={"type": "string"})
    employer_name = fields.Function(
        lambda c: c.hire.position.employer.name, metadata={"type": "string"}
    )
    started_on = fields.Function(
        lambda c: c.hire.started_on.isoformat(), metadata={"type": "string", "format": "date"}
    )
    days_since_start = fields.Integer()
    milestone = fields.Integer(metadata={"description": "应回访节点：30/90/180天"})
    tries = fields.Integer(metadata={"description": "本节点“联系不上”的次数"})
    last_try = fields.DateTime(allow_none=True)


class CallbackArgs(PageArgsSchema):
    milestone = fields.Integer(validate=validate.OneOf(MILESTONES))
    fair_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))


CallbackPage = page_schema(CallbackSchema, "CallbackPage")

"""Schemas of the organizer API: what it reads and writes, limits taken from the services."""

from marshmallow import Schema, ValidationError, fields, post_load, validate

from recruit.api.schemas import (
    CHAIN_CODE,
    EDUCATIONS,
    FAIR_MODES,
    FAIR_TYPES,
    ID_NUMBER,
    MOBILE,
    REGION_CODE,
    EmployerBriefSchema,
    FairSchema,
    LabelledSchema,
    OfferSchema,
    PageArgsSchema,
    PositionSchema,
    Text,
    limit,
    page_schema,
    pattern,
    region_arg,
)
from recruit.fairs.lifecycle import (
    MAX_BOOTH_CAPACITY,
    MAX_CANCEL_REASON,
    MAX_CORRECTION_REASON,
    MAX_DESCRIPTION,
    MAX_ORGANIZER_UNIT,
    MAX_TITLE,
    MAX_VENUE,
)
from recruit.fairs.models import FairStatus
from recruit.fairs.onsite import MAX_LATE_REASON, MAX_REASON, MAX_TALLY, TALLY_SOURCES
from recruit.fairs.participations import MAX_BOOTH, MAX_NOTE
from recruit.formatting import LOCAL_TZ
from recruit.hires.intents import MAX_BULK, MAX_NAME
from recruit.refdata.codes import Gender, PriorityGroup
from recruit.refdata.services import get_industry_chain


class LocalDateTime(fields.DateTime):
    """An ISO 8601 time; one without an offset is read as Asia/Shanghai.

    The years a fair may use are the fair service's rule (FIRST_YEAR–LAST_YEAR of
    recruit.formatting): it refuses others in the same words as on the page.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=LOCAL_TZ)
        return moment


class FairInputSchema(Schema):
    title = Text(required=True, metadata=limit(max_length=MAX_TITLE))
    type = fields.String(required=True, validate=validate.OneOf(FAIR_TYPES))
    mode = fields.String(required=True, validate=validate.OneOf(FAIR_MODES))
    region_code = fields.String(
        required=True, validate=validate.Length(equal=6), metadata=pattern(REGION_CODE)
    )
    venue = Text(load_default=None, allow_none=True, metadata=limit(max_length=MAX_VENUE))
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    organizer_unit = Text(required=True, metadata=limit(max_length=MAX_ORGANIZER_UNIT))
    industry_chain = fields.String(load_default=None, allow_none=True, metadata=pattern(CHAIN_CODE))
    booth_capacity = fields.Integer(
        load_default=None, allow_none=True, metadata=limit(0, MAX_BOOTH_CAPACITY)
    )
    registration_deadline = LocalDateTime(load_default=None, allow_none=True)
    description = Text(load_default="", metadata=limit(max_length=MAX_DESCRIPTION))

    @post_load
    def _to_model_values(self, data, **_kwargs):
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
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in FairStatus]))
    reason = Text(load_default=None, allow_none=True, metadata=limit(max_length=MAX_CANCEL_REASON))


class RegionCorrectionSchema(Schema):
    """An admin's correction of the region a fair is recorded in, with the reason."""

    region_code = fields.String(
        required=True,
        validate=validate.Length(equal=6),
        metadata={**pattern(REGION_CODE), "description": "更正后的举办地区（现行区划代码）"},
    )
    reason = Text(required=True, metadata=limit(max_length=MAX_CORRECTION_REASON))


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
    note = Text(load_default="", metadata=limit(max_length=MAX_NOTE))


class BoothSchema(Schema):
    booth = Text(required=True, allow_none=True, metadata=limit(max_length=MAX_BOOTH))


class OffersSchema(Schema):
    offers = fields.List(fields.Nested(OfferSchema), required=True)


def late_reason_field() -> fields.String:
    """Return the optional reason of a late entry (after the fair's day, before closing)."""
    return Text(
        load_default=None,
        allow_none=True,
        metadata={
            **limit(max_length=MAX_LATE_REASON),
            "description": "补录原因：招聘会结束后（结束招聘会之前）补录时必填",
        },
    )


class TallyInputSchema(Schema):
    late_reason = late_reason_field()
    count = fields.Integer(required=True, metadata=limit(-MAX_TALLY, MAX_TALLY))
    source = fields.String(
        load_default=TALLY_SOURCES[0].value,
        validate=validate.OneOf([s.value for s in TALLY_SOURCES]),
    )
    reason = Text(load_default=None, allow_none=True, metadata=limit(max_length=MAX_REASON))


class LateEntrySchema(Schema):
    late_reason = late_reason_field()


class TallySchema(Schema):
    id = fields.Integer()
    count = fields.Integer()
    source = fields.Nested(LabelledSchema)
    reason = fields.String(allow_none=True)
    recorded_at = fields.DateTime()


class HireInputSchema(Schema):
    seeker_name = Text(required=True, metadata=limit(max_length=MAX_NAME))
    seeker_phone = fields.String(
        required=True, validate=validate.Length(min=1, max=20), metadata=pattern(MOBILE)
    )
    seeker_id_number = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=18),
        metadata=pattern(ID_NUMBER),
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


class HireCreateSchema(HireInputSchema):
    late_reason = late_reason_field()


class BulkHiresSchema(Schema):
    items = fields.List(
        fields.Nested(HireInputSchema), required=True, validate=validate.Length(min=1, max=MAX_BULK)
    )


class StaffHireSchema(Schema):
    id = fields.Integer()
    fair_id = fields.Integer()
    position_id = fields.Integer()
    seeker_name = fields.String()
    seeker_phone = fields.String(
        attribute="masked_phone", metadata={"description": "脱敏手机号；完整信息见 /contact"}
    )
    seeker_id_number = fields.String(
        attribute="masked_id_number", metadata={"description": "脱敏身份证号（未填写时为空）"}
    )
    gender = fields.Nested(LabelledSchema, allow_none=True)
    education = fields.Nested(LabelledSchema, allow_none=True)
    priority_groups = fields.List(fields.String())
    outcome = fields.Nested(LabelledSchema)
    recorded_at = fields.DateTime()


class BulkResultSchema(Schema):
    created = fields.Integer()


class FairListArgs(PageArgsSchema):
    status = fields.String(validate=validate.OneOf([s.value for s in FairStatus]))
    region = region_arg()
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


class EmployerChangeSchema(Schema):
    """A change of an employer's name, USCC or region, with the values before and after."""

    id = fields.Integer()
    employer_id = fields.Integer()
    status = fields.Nested(LabelledSchema)
    old_name = fields.String()
    old_uscc = fields.String()
    old_region_code = fields.String()
    name = fields.String()
    uscc = fields.String()
    region_code = fields.String()
    fields_changed = fields.List(fields.String(), attribute="changed_fields")
    requested_at = fields.DateTime()
    reviewed_at = fields.DateTime(allow_none=True)
    review_note = fields.String(allow_none=True)


PendingEmployerChangePage = page_schema(EmployerChangeSchema, "PendingEmployerChangePage")


class ContactSchema(Schema):
    hire_id = fields.Integer()
    seeker_name = fields.String()
    seeker_phone = fields.String(allow_none=True)
    seeker_id_number = fields.String(allow_none=True)


StaffFairPage = page_schema(StaffFairSchema, "StaffFairPage")
HirePageSchema = page_schema(StaffHireSchema, "StaffHirePage")
PendingEmployerPage = page_schema(ReviewedEmployerSchema, "PendingEmployerPage")
PendingPositionPage = page_schema(ReviewedPositionSchema, "PendingPositionPage")

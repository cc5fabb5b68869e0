"""Marshmallow schemas shared by the API blueprints."""

from marshmallow import Schema, ValidationError, fields, validate

from recruit.positions.models import MAX_OPENINGS
from recruit.refdata import codes
from recruit.security import MAX_PAGE


def limit(minimum=None, maximum=None, *, max_length=None, **extra) -> dict:
    """Document a limit the service enforces, without checking it here a second time.

    The service's refusal names the field in the same words on the page and in the API; the
    document still tells integrators the bounds (OpenAPI minimum / maximum / maxLength).
    """
    bounds = {"minimum": minimum, "maximum": maximum, "maxLength": max_length}
    return {**{k: v for k, v in bounds.items() if v is not None}, **extra}


#: Formats the services accept, documented as OpenAPI patterns for integrators. In bodies the
#: service checks them (same words as on the page); query filters are checked here (422).
REGION_CODE = r"^[0-9]{6}$"
#: Industry chains are reference data an admin may extend: lower-case codes like "ceramics".
CHAIN_CODE = r"^[a-z][a-z0-9_]{0,39}$"
MOBILE = r"^(\+86|0086)?1[3-9][0-9]{9}$"
#: A mobile number, or a landline with its area code (0731-28888888).
PHONE = r"^((\+86|0086)?1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$"
ID_NUMBER = r"^([0-9]{17}[0-9Xx]|[0-9]{15})$"
USCC = r"^[0-9A-HJ-NPQRTUWXY]{18}$"


def pattern(regex: str, **extra) -> dict:
    """Document a format the service checks (OpenAPI pattern), without checking it here."""
    return {"pattern": regex, **extra}


class Matches(validate.Regexp):
    """Check that the whole value matches (Python's "$" also matches before a final newline)."""

    def __call__(self, value: str) -> str:
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


def region_arg(**kwargs) -> fields.String:
    """A region code filter: six digits (GB/T 2260), refused here otherwise."""
    return fields.String(
        validate=Matches(REGION_CODE, error="须为 6 位数字的行政区划代码。"), **kwargs
    )


def chain_arg(**kwargs) -> fields.String:
    """An industry chain code filter (e.g. ceramics), refused here when malformed."""
    return fields.String(
        validate=Matches(CHAIN_CODE, error="须为产业链代码（小写字母、数字和下划线）。"), **kwargs
    )


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """Return a schema for a page of items: items, total, page, per_page."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "total": fields.Integer(metadata={"description": "符合条件的总数"}),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
        },
        name=name,
    )


def page_body(pagination) -> dict:
    """Turn a Flask-SQLAlchemy pagination into the page document."""
    return {
        "items": pagination.items,
        "total": pagination.total,
        "page": pagination.page,
        "per_page": pagination.per_page,
    }


class RegionSchema(Schema):
    code = fields.String()
    name = fields.String()


class ChainSchema(Schema):
    code = fields.String()
    name = fields.String()


class LabelledSchema(Schema):
    value = fields.String()
    label = fields.String()


class FairSchema(Schema):
    id = fields.Integer()
    ref = fields.String()
    title = fields.String()
    type = fields.Nested(LabelledSchema, attribute="type")
    mode = fields.Nested(LabelledSchema, attribute="mode")
    status = fields.Nested(LabelledSchema, attribute="status")
    region = fields.Nested(RegionSchema)
    venue = fields.String(allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    organizer_unit = fields.String()
    industry_chain = fields.Nested(ChainSchema, allow_none=True)
    registration_deadline = fields.DateTime(allow_none=True)
    booth_capacity = fields.Integer(allow_none=True)
    url = fields.Function(lambda fair: f"/fairs/{fair.id}", metadata={"type": "string"})


class EmployerBriefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    uscc = fields.String()
    region = fields.Nested(RegionSchema)
    industry_section = fields.String()


class PositionSchema(Schema):
    id = fields.Integer()
    ref = fields.String()
    title = fields.String()
    employer = fields.Nested(EmployerBriefSchema)
    occupation_major_group = fields.Integer()
    occupation_code = fields.String(allow_none=True)
    openings = fields.Integer()
    salary = fields.Function(
        lambda p: {
            "min": p.salary_min,
            "max": p.salary_max,
            "negotiable": p.salary_negotiable,
            "unit": "MONTH",
            "currency": "CNY",
        },
        metadata={"type": "object"},
    )
    education = fields.Nested(LabelledSchema)
    experience = fields.Nested(LabelledSchema)
    employment_type = fields.Nested(LabelledSchema)
    work_region = fields.Nested(RegionSchema)
    work_address = fields.String(allow_none=True)
    description = fields.String()
    valid_until = fields.Date()
    published_at = fields.DateTime(allow_none=True)
    revision = fields.Integer()
    url = fields.Function(lambda p: f"/positions/{p.id}", metadata={"type": "string"})


class OfferedPositionSchema(Schema):
    position_id = fields.Integer()
    title = fields.Function(lambda fp: fp.position.title, metadata={"type": "string"})
    openings = fields.Integer(metadata={"description": "本场提供的岗位数"})


class FairParticipantSchema(Schema):
    booth = fields.String(allow_none=True)
    status = fields.Nested(LabelledSchema)
    employer = fields.Nested(EmployerBriefSchema)
    positions = fields.List(fields.Nested(OfferedPositionSchema), attribute="fair_positions")


class FairDetailSchema(FairSchema):
    description = fields.String()
    participants = fields.List(fields.Nested(FairParticipantSchema))


class EmployerProfileSchema(EmployerBriefSchema):
    industry_chain = fields.Nested(ChainSchema, allow_none=True)
    size = fields.Nested(LabelledSchema, allow_none=True)
    address = fields.String(allow_none=True)
    positions = fields.List(fields.Nested(PositionSchema), attribute="positions_public")


class OfferSchema(Schema):
    position_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    openings = fields.Integer(required=True, metadata=limit(1, MAX_OPENINGS))


FAIR_TYPES = [t.value for t in codes.FairType]
FAIR_MODES = [m.value for m in codes.FairMode]
EDUCATIONS = [e.value for e in codes.Education]

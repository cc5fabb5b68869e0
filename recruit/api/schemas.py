"""Marshmallow schemas shared by the API blueprints."""

import phonenumbers
from marshmallow import Schema, ValidationError, fields, validate

from config import Config
from recruit.auth.contact import EMAIL_RE
from recruit.auth.services import USERNAME_RE
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
#: The number ranges the services accept are phonenumbers' (region CN), so the document states
#: the same ranges: a mobile in service, and a landline with its area code, digits only. (The
#: services also take separators, 0731-2888 8888, and store a landline as 0731-28888888; the
#: pattern names only the form it can state exactly: every number it admits is accepted.)
_CN = phonenumbers.PhoneMetadata.metadata_for_region("CN")


def _ascii(regex: str) -> str:
    """Say digits as [0-9]: JSON Schema's \\d is ASCII only, Python's any Unicode digit."""
    return regex.replace("\\d", "[0-9]")


_MOBILE = f"(?:\\+86|0086)?(?:{_ascii(_CN.mobile.national_number_pattern)})"
_LANDLINE = f"0(?:{_ascii(_CN.fixed_line.national_number_pattern)})"
MOBILE = f"^{_MOBILE}$"
#: A mobile number, or a landline with its area code.
PHONE = f"^(?:{_MOBILE}|{_LANDLINE})$"
ID_NUMBER = r"^([0-9]{17}[0-9Xx]|[0-9]{15})$"
#: An account's user name and the shortest password the services take (the strength check,
#: zxcvbn, is a rule no schema can state).
USERNAME = USERNAME_RE.pattern
#: An e-mail address as the services take it (recruit.auth.contact).
EMAIL = EMAIL_RE.pattern
PASSWORD_MIN_LENGTH = Config.PASSWORD_MIN_LENGTH
#: GB 32100: registration authority (1–9, A, N, Y), entity type (a digit), the region's six
#: digits, then ten characters of the code alphabet (no I, O, S, V, Z); the last is a checksum
#: the service checks.
USCC = r"^[1-9ANY][0-9]{7}[0-9A-HJ-NPQRTUWXY]{10}$"


def pattern(regex: str, **extra) -> dict:
    """Document a format the service checks (OpenAPI pattern), without checking it here."""
    return {"pattern": regex, **extra}


class Matches(validate.Regexp):
    """Check that the whole value matches (Python's "$" also matches before a final newline)."""

    def __call__(self, value: str) -> str:
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


#: Free text as the request guard takes it in a JSON body (recruit/security.py): no C0 control
#: but tab and line feed, no U+FFFE/U+FFFF (nor a lone surrogate, which a pattern cannot name).
TEXT = r"^[^\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]*$"
#: The same, for a required text: the services strip it, and refuse it when nothing is left.
FILLED_TEXT = (
    r"^[^\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]*"
    r"[^\s\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF][^\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]*$"
)


class Text(fields.String):
    """A free-text field of a request body, documented with the characters it may not hold.

    Like limit() and pattern(), it documents without checking: the request guard refuses such
    a character in any field before the handler runs (422 naming the field), and read_text
    refuses it wherever text reaches a service another way.
    """

    def __init__(self, *args, metadata: dict | None = None, **kwargs):
        text = FILLED_TEXT if kwargs.get("required") else TEXT
        super().__init__(*args, metadata={"pattern": text, **(metadata or {})}, **kwargs)


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


class Whole(fields.Nested):
    """A nested object built from attributes of the object itself (a position's salary)."""

    def get_value(self, obj, attr, accessor=None, default=None):
        return obj


class SalarySchema(Schema):
    """Monthly pay in yuan; min and max both null with negotiable true means 面议."""

    min = fields.Integer(attribute="salary_min", allow_none=True, metadata={"minimum": 0})
    max = fields.Integer(attribute="salary_max", allow_none=True, metadata={"minimum": 0})
    negotiable = fields.Boolean(attribute="salary_negotiable")
    unit = fields.Constant("MONTH", metadata={"type": "string", "enum": ["MONTH"]})
    currency = fields.Constant("CNY", metadata={"type": "string", "enum": ["CNY"]})


class PositionSchema(Schema):
    id = fields.Integer()
    ref = fields.String()
    title = fields.String()
    employer = fields.Nested(EmployerBriefSchema)
    occupation_major_group = fields.Integer()
    occupation_code = fields.String(allow_none=True)
    openings = fields.Integer()
    salary = Whole(SalarySchema)
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
#: What a position may require: 小学 is a seeker's level, not a requirement (positions.rules).
REQUIRABLE_EDUCATIONS = [value for value, _label in codes.Education.requirement_choices()]

"""The employer's own profile and HR team over the API: the same services as the pages.

A read-only account reads everything here and changes nothing (403 from the service); team
changes are for the employer's administrators.
"""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from recruit.api.errors import ErrorSchema
from recruit.api.schemas import CHAIN_CODE, MOBILE, LabelledSchema, RegionSchema, pattern
from recruit.api.security import api_user, secured_by
from recruit.auth.models import EmployerRole, Role
from recruit.employers.profile import own_employer, pending_change, update_profile
from recruit.employers.team import (
    get_member,
    invite_colleague,
    remove_member,
    set_member_role,
    team_members,
)
from recruit.refdata import codes
from recruit.uow import transactional

blp = Blueprint(
    "api_employer_account",
    __name__,
    url_prefix="/api/v1/employer",
    description="用人单位：单位资料（名称、信用代码、地区的变更需审核）与同事账号",
)
secured = secured_by(blp, Role.EMPLOYER)
ROLES = [r.value for r in EmployerRole]


class ChangeSchema(Schema):
    id = fields.Integer()
    status = fields.Nested(LabelledSchema)
    name = fields.String()
    uscc = fields.String()
    region_code = fields.String()
    requested_at = fields.DateTime()


class ProfileSchema(Schema):
    id = fields.Integer()
    name = fields.String(metadata={"description": "对外显示的名称（变更审核通过前为原名称）"})
    uscc = fields.String()
    region = fields.Nested(RegionSchema)
    status = fields.Nested(LabelledSchema)
    address = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    size = fields.Function(
        lambda e: e.size.value if e.size else None,
        metadata={"type": "string", "nullable": True},
    )
    industry_chain = fields.Function(
        lambda e: e.industry_chain.code if e.industry_chain else None,
        metadata={"type": "string", "nullable": True},
    )
    pending_change = fields.Function(
        lambda e: ChangeSchema().dump(c) if (c := pending_change(e)) else None,
        metadata={"type": "object", "nullable": True, "description": "待审核的变更"},
    )


class ProfileInputSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    uscc = fields.String(required=True, validate=validate.Length(min=1, max=30))
    region_code = fields.String(required=True, validate=validate.Length(equal=6))
    address = fields.String(required=True, validate=validate.Length(min=1, max=200))
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    contact_phone = fields.String(
        required=True, validate=validate.Length(min=1, max=20), metadata=pattern(MOBILE)
    )
    size = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([s.value for s in codes.EmployerSize]),
    )
    industry_chain = fields.String(
        load_default=None,
        allow_none=True,
        metadata={**pattern(CHAIN_CODE), "description": "产业链代码；null 表示不属于任何产业链"},
    )


class MemberSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String(allow_none=True)
    role = fields.Function(
        lambda u: {"value": u.employer_role.value, "label": u.employer_role.label},
        metadata={"type": "object"},
    )
    active = fields.Boolean()
    last_login_at = fields.DateTime(allow_none=True)


class TeamSchema(Schema):
    items = fields.List(fields.Nested(MemberSchema))


class InviteSchema(Schema):
    address = fields.String(
        required=True,
        validate=validate.Length(min=1, max=254),
        metadata={"description": "同事的手机号或邮箱；邀请链接 7 天内有效，只能使用一次"},
    )
    role = fields.String(load_default="full", validate=validate.OneOf(ROLES))


class InvitationSchema(Schema):
    id = fields.Integer()
    role = fields.Nested(LabelledSchema)
    address = fields.String()
    expires_at = fields.DateTime()


class RoleSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


@blp.route("/profile")
class Profile(MethodView):
    @secured
    @blp.response(200, ProfileSchema)
    def get(self):
        """Return the caller's employer as the public sees it, and any change under review."""
        return own_employer(api_user())

    @secured
    @blp.arguments(ProfileInputSchema)
    @blp.response(200, ProfileSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def put(self, data):
        """Edit the profile: contact, address, size, chain at once; name, USCC, region to review."""
        employer = own_employer(api_user())
        update_profile(employer, data, by=api_user())
        return employer


@blp.route("/team")
class Team(MethodView):
    @secured
    @blp.response(200, TeamSchema)
    def get(self):
        """List the accounts of the caller's employer."""
        return {"items": team_members(api_user())}


@blp.route("/team/invitations")
class Invitations(MethodView):
    @secured
    @blp.arguments(InviteSchema)
    @blp.response(201, InvitationSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    @transactional
    def post(self, data):
        """Invite a colleague (administrators): the link goes by SMS or e-mail, never here."""
        invitation, _token = invite_colleague(data["address"], data["role"], by=api_user())
        return invitation


@blp.route("/team/members/<id:user_id>/role")
class MemberRole(MethodView):
    @secured
    @blp.arguments(RoleSchema)
    @blp.response(200, MemberSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, data, user_id):
        """Set a colleague's role (administrators); the last administrator stays one."""
        member = get_member(api_user(), user_id)
        set_member_role(member, data["role"], by=api_user())
        return member


@blp.route("/team/members/<id:user_id>/remove")
class RemoveMember(MethodView):
    @secured
    @blp.response(200, MemberSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, user_id):
        """Remove a colleague (administrators): deactivated, every session and token ended."""
        member = get_member(api_user(), user_id)
        remove_member(member, by=api_user())
        return member

"""POST /api/v1/auth/tokens and the caller's own tokens."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from recruit.api.errors import ApiError, ErrorSchema, service_error_response
from recruit.api.security import BEARER, api_user, token_required
from recruit.auth.devices import MAX_DEVICE_TOKEN_LENGTH, remember_device
from recruit.auth.passwords import MAX_PASSWORD_LENGTH
from recruit.auth.services import authenticate
from recruit.auth.throttle import Throttled
from recruit.auth.tokens import create_token, list_tokens, revoke_token
from recruit.uow import transactional, unit_of_work

blp = Blueprint("api_auth", __name__, url_prefix="/api/v1/auth", description="登录与访问令牌")

DEVICE_TOKEN_DOC = (
    "设备令牌：本客户端上次成功换取访问令牌时收到的 device_token，原样带回。"
    "带着有效设备令牌的客户端不受“该账号失败次数过多、暂停登录”的影响，只按它自己的失败次数限制；"
    "没有设备令牌的新客户端仍会被暂停。无效或过期的设备令牌视同没有。"
)


@blp.errorhandler(Throttled)
def throttled(refusal: Throttled):
    """Answer a paused sign-in with 429 and Retry-After (seconds)."""
    response = service_error_response(refusal)
    response.headers.update(refusal.headers)
    return response


class TokenRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(
        required=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH)
    )
    name = fields.String(load_default="API", validate=validate.Length(max=64))
    device_token = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=MAX_DEVICE_TOKEN_LENGTH),
        metadata={"description": DEVICE_TOKEN_DOC},
    )
    days = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=365),
        metadata={"description": "有效天数，默认 90，最多 365"},
    )


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "令牌开头几位，便于辨认"})
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "令牌本身，只在此时返回一次"})
    device_token = fields.String(
        metadata={"description": "设备令牌：请保存，下次换取令牌时放在请求的 device_token 中"}
    )


class MeSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String(allow_none=True)
    role = fields.String()
    region_code = fields.String(allow_none=True)
    employer_id = fields.Integer(allow_none=True)


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(TokenRequestSchema)
    @blp.response(201, NewTokenSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="用户名或密码错误")
    @blp.alt_response(
        429,
        schema=ErrorSchema,
        description="失败次数过多，暂停登录；Retry-After 头给出需等待的秒数",
        headers={"Retry-After": {"description": "需等待的秒数", "schema": {"type": "integer"}}},
    )
    def post(self, data):
        """Exchange a username and password for a bearer token (and a device token)."""
        device = data["device_token"]
        # A failure is kept (committed) for the throttle, like a new token.
        with unit_of_work():
            user = authenticate(data["username"], data["password"], device=device)
            if user is not None:
                token, secret = create_token(user, data["name"], data["days"])
        if user is None:
            raise ApiError(401, "用户名或密码错误，或账号已停用。")
        token.token = secret  # shown this once, never stored
        token.device_token = remember_device(user.username, device)
        return token

    @token_required()
    @blp.doc(security=BEARER)
    @blp.response(200, TokenSchema(many=True))
    @blp.alt_response(401, schema=ErrorSchema)
    def get(self):
        """List the caller's tokens (never the tokens themselves)."""
        return list_tokens(api_user())


@blp.route("/tokens/<id:token_id>")
class TokenItem(MethodView):
    @token_required()
    @blp.doc(security=BEARER)
    @blp.response(204)
    @blp.alt_response(401, schema=ErrorSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @transactional
    def delete(self, token_id):
        """Revoke one of the caller's tokens."""
        revoke_token(api_user(), token_id)


@blp.route("/me")
class Me(MethodView):
    @token_required()
    @blp.doc(security=BEARER)
    @blp.response(200, MeSchema)
    @blp.alt_response(401, schema=ErrorSchema)
    def get(self):
        """Return who the token belongs to: role, region scope, employer."""
        return api_user()

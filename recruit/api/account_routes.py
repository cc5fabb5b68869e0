"""POST /api/v1/manage/users/{user_id}/send-reset: staff send a password reset to an account.

Admins reach every account, organizers the employer accounts in their region scope (the reset
service's rule, as on /staff/accounts and /admin/users). The code and the link go only to the
account's verified mobile and e-mail; the caller never sees them.
"""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from recruit.api.errors import ErrorSchema
from recruit.api.security import api_user, secured_by
from recruit.auth.models import User
from recruit.auth.reset import send_reset_by_staff
from recruit.auth.scope import STAFF
from recruit.extensions import db
from recruit.uow import transactional

blp = Blueprint(
    "api_accounts",
    __name__,
    url_prefix="/api/v1/manage",
    description="账号：工作人员向所管账号发送重置密码（管理员：全部账号；组织者：辖区内企业账号）",
)
secured = secured_by(blp, *STAFF)


class SentResetSchema(Schema):
    username = fields.String()
    channels = fields.List(
        fields.String(),
        metadata={
            "description": "发送方式：sms 短信验证码（已验证手机号）、email 重置链接（已验证邮箱）"
        },
    )


@blp.route("/users/<id:user_id>/send-reset")
class SendReset(MethodView):
    @secured
    @blp.response(200, SentResetSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema)
    @transactional
    def post(self, user_id: int):
        """Send a reset to the account's verified mobile (code) and e-mail (link)."""
        channels = send_reset_by_staff(api_user(), user_id)
        return {"username": db.session.get(User, user_id).username, "channels": channels}

"""Sign-in, account and session forms."""

from wtforms import BooleanField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import AnyOf, EqualTo, InputRequired, Length

from recruit.auth.passwords import MAX_PASSWORD_LENGTH
from recruit.forms import Form


class LoginForm(Form):
    username = StringField(
        "用户名",
        validators=[InputRequired("请填写用户名。"), Length(max=64, message="用户名过长。")],
    )
    password = PasswordField(
        "密码",
        validators=[
            InputRequired("请填写密码。"),
            Length(max=MAX_PASSWORD_LENGTH, message="密码过长。"),
        ],
    )
    remember = BooleanField("记住我")
    submit = SubmitField("登录")


class TokenForm(Form):
    name = StringField(
        "令牌名称",
        validators=[InputRequired("请填写令牌名称。"), Length(max=64, message="名称过长。")],
        description="例如：小程序、数据对接脚本",
    )
    submit = SubmitField("生成令牌")


class PasswordChangeForm(Form):
    current = PasswordField("当前密码", validators=[InputRequired("请填写当前密码。")])
    new = PasswordField(
        "新密码",
        validators=[InputRequired("请填写新密码。")],
        description="至少 8 位，不能是常见或容易猜到的密码。几个不相干的词连在一起"
        "（如 correct horse battery staple）好记又安全，不必非加符号或大写字母。",
        render_kw={"maxlength": MAX_PASSWORD_LENGTH, "autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "再次输入新密码",
        validators=[
            InputRequired("请再次输入新密码。"),
            EqualTo("new", "两次输入的新密码不一致。"),
        ],
    )
    submit = SubmitField("修改密码")


class ReauthForm(Form):
    password = PasswordField("密码", validators=[InputRequired("请填写密码。")])
    submit = SubmitField("确认")


class EndSessionsForm(Form):
    """The 在所有设备上退出 button; the hidden field keeps an empty POST from acting."""

    confirm = HiddenField(
        default="yes",
        validators=[
            InputRequired("请通过页面上的按钮操作。"),
            AnyOf(["yes"], message="请通过页面上的按钮操作。"),
        ],
    )
    submit = SubmitField("在所有设备上退出")


# --- 忘记密码 and contact details (recruit.auth.reset, recruit.auth.contact decide) ---------

_NEW_PASSWORD_HELP = (
    "至少 8 位，不能是常见或容易猜到的密码。几个不相干的词连在一起"
    "（如 correct horse battery staple）好记又安全。"
)


class ForgotForm(Form):
    identifier = StringField(
        "用户名、手机号或邮箱",
        description="手机号、邮箱须是已在“我的账号”中验证过的。",
        render_kw={"maxlength": 254, "autocomplete": "username"},
    )
    submit = SubmitField("获取验证码或重置链接")


class ResetLinkForm(Form):
    password = PasswordField(
        "新密码",
        description=_NEW_PASSWORD_HELP,
        render_kw={"maxlength": MAX_PASSWORD_LENGTH, "autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        "再次输入新密码",
        validators=[EqualTo("password", "再次输入新密码：两次输入的新密码不一致。")],
    )
    submit = SubmitField("重置密码")


class ResetCodeForm(ResetLinkForm):
    """The new password with the account and the code the SMS carried."""

    identifier = StringField(
        "用户名、手机号或邮箱",
        description="与申请时填写的相同。",
        render_kw={"maxlength": 254, "autocomplete": "username"},
    )
    code = StringField(
        "短信验证码",
        render_kw={"inputmode": "numeric", "maxlength": 6, "autocomplete": "one-time-code"},
    )


class ContactForm(Form):
    mobile = StringField(
        "手机号",
        description="11 位手机号；用于找回密码和接收短信通知。留空表示不设置。",
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "maxlength": 20},
    )
    email = StringField(
        "邮箱",
        description="用于找回密码和接收邮件通知。留空表示不设置。",
        render_kw={"type": "email", "autocomplete": "email", "maxlength": 254},
    )
    submit = SubmitField("保存")


class VerifyCodeForm(Form):
    code = StringField(
        "短信验证码",
        render_kw={"inputmode": "numeric", "maxlength": 6, "autocomplete": "one-time-code"},
    )
    submit = SubmitField("验证")


class ButtonForm(Form):
    """A button that acts (send a code, send a reset): carries only the CSRF token."""

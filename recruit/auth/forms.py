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

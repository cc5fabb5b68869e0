"""Sign-in form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length


class LoginForm(FlaskForm):
    username = StringField(
        "用户名",
        validators=[InputRequired("请填写用户名。"), Length(max=64, message="用户名过长。")],
    )
    password = PasswordField(
        "密码",
        validators=[InputRequired("请填写密码。"), Length(max=128, message="密码过长。")],
    )
    remember = BooleanField("记住我")
    submit = SubmitField("登录")


class TokenForm(FlaskForm):
    name = StringField(
        "令牌名称",
        validators=[InputRequired("请填写令牌名称。"), Length(max=64, message="名称过长。")],
        description="例如：小程序、数据对接脚本",
    )
    submit = SubmitField("生成令牌")


class PasswordChangeForm(FlaskForm):
    current = PasswordField("当前密码", validators=[InputRequired("请填写当前密码。")])
    new = PasswordField(
        "新密码",
        validators=[InputRequired("请填写新密码。")],
        description="至少 8 位，须同时包含字母和数字（或符号）。",
    )
    confirm = PasswordField(
        "再次输入新密码",
        validators=[
            InputRequired("请再次输入新密码。"),
            EqualTo("new", "两次输入的新密码不一致。"),
        ],
    )
    submit = SubmitField("修改密码")


class ReauthForm(FlaskForm):
    password = PasswordField("密码", validators=[InputRequired("请填写密码。")])
    submit = SubmitField("确认")

"""Forms of the employer's screens."""

from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import InputRequired

from recruit.forms import Form, choices
from recruit.hires.outcomes import RECORDABLE
from recruit.positions.fields import DateField
from recruit.refdata import codes
from recruit.refdata.codes import EmployerSize


class RegistrationForm(Form):
    """Every rule lives in employers.services.register_employer, which names each bad field."""

    name = StringField("企业名称")
    uscc = StringField(
        "统一社会信用代码",
        description="营业执照上的 18 位代码",
    )
    region_code = SelectField("所在地区", choices=[], validate_choice=False)
    industry_section = SelectField(
        "行业门类",
        choices=choices((k, f"{k} {v}") for k, v in codes.INDUSTRY_SECTIONS.items()),
        default="C",
        validate_choice=False,
    )
    industry_class = StringField("行业小类（选填）", description="GB/T 4754 四位代码，如 3071")
    industry_chain_id = SelectField("所属产业链（选填）", choices=[], validate_choice=False)
    size = SelectField(
        "企业规模",
        choices=choices([("", "请选择"), *EmployerSize.choices()]),
        validate_choice=False,
    )
    address = StringField("单位地址")
    contact_name = StringField("联系人")
    contact_phone = StringField(
        "手机号码", render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}
    )
    account_mobile = StringField(
        "登录手机号（选填）",
        description="用于找回密码和接收审核结果；不填则使用上面的手机号码。登录后在“我的账号”中验证。",
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"},
    )
    account_email = StringField(
        "邮箱（选填）",
        description="用于找回密码和接收邮件通知；登录后在“我的账号”中验证。",
        render_kw={"type": "email", "autocomplete": "email", "maxlength": 254},
    )
    username = StringField(
        "登录用户名",
        description="3–64 位字母、数字、下划线、点或连字符",
    )
    password = PasswordField(
        "密码",
        description=(
            "至少 8 位，不能是常见或容易猜到的密码；几个不相干的词连在一起"
            "（如 correct horse battery staple）好记又安全"
        ),
        render_kw={"maxlength": 128, "autocomplete": "new-password"},
    )
    password_confirm = PasswordField("确认密码")

    def __init__(self, *args, regions=(), chains=(), **kwargs):
        super().__init__(*args, **kwargs)
        # No district preselected: a silent default would register the wrong one.
        self.region_code.choices = choices([("", "请选择"), *((r.code, r.name) for r in regions)])
        self.industry_chain_id.choices = choices(
            [("", "无"), *((str(c.id), c.name) for c in chains)]
        )

    def service_data(self) -> dict:
        """Return the typed values register_employer checks."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class ActionForm(Form):
    """A button that changes something: carries only the CSRF token."""


class OutcomeForm(Form):
    """The outcome of one intent; record_outcome checks the date against the fair."""

    outcome = SelectField("结果", choices=[])
    on = DateField("日期", validators=[InputRequired("日期：请填写日期。")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing chosen at first: one tap must not record a hire by default.
        self.outcome.choices = choices(
            [("", "请选择结果")] + [(o.value, o.label) for o in RECORDABLE]
        )


class ProfileForm(Form):
    """The employer's profile; employers.profile.update_profile decides what applies at once."""

    name = StringField("企业名称", description="变更需经就业服务中心审核，审核通过前仍显示原名称")
    uscc = StringField("统一社会信用代码", description="变更需经审核")
    region_code = SelectField(
        "所在地区", choices=[], validate_choice=False, description="变更需经审核"
    )
    address = StringField("单位地址")
    contact_name = StringField("联系人")
    contact_phone = StringField(
        "手机号码", render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}
    )
    size = SelectField(
        "企业规模",
        choices=choices([("", "请选择"), *EmployerSize.choices()]),
        validate_choice=False,
    )
    industry_chain_id = SelectField("所属产业链（选填）", choices=[], validate_choice=False)

    def __init__(self, *args, regions=(), chains=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = choices([("", "请选择"), *((r.code, r.name) for r in regions)])
        self.industry_chain_id.choices = choices(
            [("", "无"), *((str(c.id), c.name) for c in chains)]
        )

    def fill(self, employer, change=None) -> None:
        """Show the employer's values; name, USCC and region as asked when a change waits."""
        asked = change or employer
        self.name.data = asked.name
        self.uscc.data = asked.uscc
        self.region_code.data = asked.region_code
        self.address.data = employer.address
        self.contact_name.data = employer.contact_name
        self.contact_phone.data = employer.contact_phone
        self.size.data = employer.size.value if employer.size else ""
        self.industry_chain_id.data = str(employer.industry_chain_id or "")

    def service_data(self) -> dict:
        """Return the typed values update_profile checks."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class InviteForm(Form):
    """Invite a colleague; employers.team.invite_colleague checks the address and the role."""

    address = StringField(
        "手机号或邮箱",
        description="邀请链接通过短信或邮件发送，7 天内有效，只能使用一次",
        render_kw={"autocomplete": "off"},
    )
    role = SelectField(
        "权限",
        choices=choices(
            [
                ("full", "全部权限（岗位、报名、意向结果、单位资料）"),
                ("readonly", "只读（只能查看）"),
                ("admin", "管理员（另可管理同事账号）"),
            ]
        ),
        default="full",
        validate_choice=False,
    )


class AcceptInvitationForm(Form):
    """Set up the invited account; employers.team.accept_invitation checks every field."""

    display_name = StringField("姓名", render_kw={"autocomplete": "name"})
    username = StringField(
        "登录用户名",
        description="3–64 位字母、数字、下划线、点或连字符",
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "密码",
        description=(
            "至少 8 位，不能是常见或容易猜到的密码；几个不相干的词连在一起"
            "（如 correct horse battery staple）好记又安全"
        ),
        render_kw={"maxlength": 128, "autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        "确认密码", render_kw={"maxlength": 128, "autocomplete": "new-password"}
    )

    def service_data(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}

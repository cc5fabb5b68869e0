"""The seekers' phone forms: they only carry what was typed; recruit.seekers.services checks it."""

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from recruit.forms import Form, choices
from recruit.refdata.codes import Education, Gender, PriorityGroup
from recruit.seekers.services import MAX_NAME

#: A mobile keyboard with digits only, and the phone's own number offered to fill in.
MOBILE_KEYS = {
    "type": "tel",
    "inputmode": "numeric",
    "autocomplete": "tel",
    "maxlength": 20,
    "placeholder": "11位手机号",
}


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (a phone's multiple select is hard to use)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _education_choices():
    return choices([("", "不填")] + Education.choices())


class ProfileFields(Form):
    """The fields a seeker gives about themselves (besides the mobile)."""

    name = StringField(
        "姓名", render_kw={"maxlength": MAX_NAME, "autocomplete": "name", "placeholder": "真实姓名"}
    )
    gender = RadioField("性别（可不填）", choices=choices(Gender.choices()), validate_choice=False)
    education = SelectField("学历（可不填）", choices=_education_choices(), validate_choice=False)
    priority_groups = CheckboxesField(
        "重点群体（可不填，可多选）",
        choices=choices(PriorityGroup.choices()),
        validate_choice=False,
    )

    def profile_values(self) -> dict:
        """Return the typed values by the services' field names."""
        return {
            "name": self.name.data or "",
            "gender": self.gender.data or None,
            "education": self.education.data or None,
            "priority_groups": list(self.priority_groups.data or []),
        }


class EntryForm(ProfileFields):
    """入场登记: name, mobile, consent to the notice, optional education, gender, groups."""

    phone = StringField("手机号", render_kw=MOBILE_KEYS)
    consent = BooleanField("我已阅读并同意上述个人信息处理说明")
    next = HiddenField()

    def entry_values(self) -> dict:
        return {
            **self.profile_values(),
            "phone": self.phone.data or "",
            "consent": bool(self.consent.data),
        }


class ProfileForm(ProfileFields):
    """我的信息: correct everything but the mobile (a new mobile is a new registration)."""

    id_number = StringField(
        "身份证号（可不填）",
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 18},
    )
    clear_id_number = BooleanField("删除已填写的身份证号")

    def correction_values(self) -> dict:
        return {**self.profile_values(), "id_number": self.id_number.data or ""}


class CodeForm(Form):
    """The 6-digit code sent to the mobile."""

    code = StringField(
        "验证码",
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "maxlength": 6,
            "pattern": "[0-9]*",
            "placeholder": "6位数字",
        },
    )
    next = HiddenField()


class ApplyForm(Form):
    """投递 one position (a button per position; the source says where it was pressed)."""

    position_id = HiddenField()
    source = HiddenField()
    next = HiddenField()


class ActionForm(Form):
    """A button with nothing but its security token (入场, 发送验证码, 删除)."""

    next = HiddenField()

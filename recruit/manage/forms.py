"""Forms of the organizer workspace."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from recruit.fairs.models import TallySource
from recruit.refdata.codes import Education, FairMode, FairType, Gender, PriorityGroup
from recruit.validators import is_valid_id_number, is_valid_mobile

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ManageForm(FlaskForm):
    """A form whose built-in WTForms messages are in Chinese (Flask-Babel is not installed)."""

    class Meta:
        locales = ("zh",)

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


def choices(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into the choice objects WTForms 3.3 expects."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class FairForm(ManageForm):
    title = StringField(
        "招聘会名称",
        validators=[InputRequired("请填写招聘会名称。"), Length(max=120, message="名称过长。")],
    )
    type = SelectField("类型", choices=choices(FairType.choices()))
    mode = SelectField("形式", choices=choices(FairMode.choices()))
    region_code = SelectField("举办地区", validators=[InputRequired("请选择举办地区。")])
    venue = StringField("举办地点", validators=[Optional(), Length(max=200, message="地点过长。")])
    starts_at = DateTimeLocalField(
        "开始时间",
        format=DATETIME_FORMAT,
        validators=[InputRequired("请填写开始时间。")],
    )
    ends_at = DateTimeLocalField(
        "结束时间", format=DATETIME_FORMAT, validators=[InputRequired("请填写结束时间。")]
    )
    organizer_unit = StringField(
        "主办单位",
        validators=[InputRequired("请填写主办单位。"), Length(max=120, message="主办单位过长。")],
    )
    industry_chain_id = SelectField("产业链", coerce=str, validators=[Optional()])
    booth_capacity = IntegerField(
        "展位数量",
        validators=[Optional(), NumberRange(min=0, max=5000, message="展位数量应在0–5000之间。")],
        description="不填表示不限。",
    )
    registration_deadline = DateTimeLocalField(
        "报名截止时间", format=DATETIME_FORMAT, validators=[Optional()]
    )
    description = TextAreaField(
        "介绍", validators=[Optional(), Length(max=5000, message="介绍不能超过5000字。")]
    )
    version = HiddenField()

    def validate_industry_chain_id(self, field):
        if self.type.data == FairType.INDUSTRY_CHAIN.value and not field.data:
            raise ValidationError("产业链专场请选择产业链。")


class CancelForm(ManageForm):
    reason = StringField(
        "取消原因",
        validators=[InputRequired("请填写取消原因。"), Length(max=200, message="原因过长。")],
    )


class AddEmployerForm(ManageForm):
    employer_id = HiddenField(validators=[InputRequired()])


class BoothForm(ManageForm):
    booth = StringField("展位号", validators=[Length(max=20, message="展位号不能超过20个字符。")])


class NoteForm(ManageForm):
    note = TextAreaField("审核意见", validators=[Length(max=500, message="不能超过500个字。")])


class TallyForm(ManageForm):
    count = IntegerField(
        "人数",
        validators=[
            InputRequired("请填写人数。"),
            NumberRange(min=1, max=100000, message="人数应在1–100000之间。"),
        ],
    )
    source = RadioField(
        "来源",
        choices=choices((s.value, s.label) for s in TallySource if s is not TallySource.IMPORT),
        default=TallySource.GATE.value,
    )


class CorrectionForm(ManageForm):
    count = IntegerField(
        "减少人数",
        validators=[
            InputRequired("请填写要减少的人数。"),
            NumberRange(min=1, max=100000, message="人数应在1–100000之间。"),
        ],
    )
    source = SelectField(
        "来源",
        choices=choices((s.value, s.label) for s in TallySource if s is not TallySource.IMPORT),
    )
    reason = StringField(
        "更正原因",
        validators=[InputRequired("请填写更正原因。"), Length(max=200, message="原因过长。")],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IntentForm(ManageForm):
    seeker_name = StringField(
        "求职者姓名",
        validators=[InputRequired("请填写求职者姓名。"), Length(max=40, message="姓名过长。")],
    )
    gender = RadioField("性别", choices=choices(Gender.choices()), validators=[Optional()])
    seeker_phone = StringField("手机号", validators=[InputRequired("请填写手机号。")])
    seeker_id_number = StringField("身份证号（可不填）", validators=[Optional()])
    education = SelectField("学历", choices=choices([("", "请选择")] + Education.choices()))
    priority_groups = MultiCheckboxField("重点群体", choices=choices(PriorityGroup.choices()))
    position_id = SelectField("意向岗位", coerce=str, validators=[InputRequired("请选择岗位。")])

    def validate_seeker_phone(self, field):
        if not is_valid_mobile(field.data or ""):
            raise ValidationError("手机号格式不正确，应为以13-19开头的11位数字。")

    def validate_seeker_id_number(self, field):
        if field.data and field.data.strip() and not is_valid_id_number(field.data):
            raise ValidationError("身份证号无效，请检查位数、出生日期和校验位。")

    def validate_position_id(self, field):
        if not field.data:
            raise ValidationError("请选择意向岗位。")


class ImportForm(ManageForm):
    file = FileField(
        "填好的模板（.xlsx）",
        validators=[
            FileRequired("请选择要上传的文件。"),
            FileAllowed(["xlsx"], "只能上传 .xlsx 文件。"),
        ],
    )

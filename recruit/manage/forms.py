"""Forms of the organizer workspace."""

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
from wtforms.meta import DefaultMeta
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from recruit.fairs.lifecycle import (
    MAX_BOOTH_CAPACITY,
    MAX_CANCEL_REASON,
    MAX_DESCRIPTION,
    MAX_ORGANIZER_UNIT,
    MAX_TITLE,
    MAX_VENUE,
)
from recruit.fairs.onsite import MAX_LATE_REASON, MAX_REASON, MAX_TALLY, TALLY_SOURCES
from recruit.fairs.participations import MAX_BOOTH, MAX_NOTE
from recruit.formatting import FIRST_YEAR, LAST_YEAR
from recruit.forms import Form, choices
from recruit.refdata.codes import Education, FairMode, FairType, Gender, PriorityGroup

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
#: The browser's hint of the years the fair service accepts.
YEARS = {"min": f"{FIRST_YEAR}-01-01T00:00", "max": f"{LAST_YEAR}-12-31T23:59"}


class ManageForm(Form):
    """A form whose built-in WTForms messages are in Chinese (Flask-Babel is not installed)."""

    class Meta:
        locales = ("zh",)

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


class FairForm(ManageForm):
    """The fair's fields as typed; recruit.fairs.lifecycle checks every limit and rule."""

    title = StringField(
        "招聘会名称",
        validators=[InputRequired("请填写招聘会名称。")],
        render_kw={"maxlength": MAX_TITLE},
    )
    type = SelectField("类型", choices=choices(FairType.choices()))
    mode = SelectField("形式", choices=choices(FairMode.choices()))
    # The service refuses a retired or out-of-scope region, in the same words on every door.
    region_code = SelectField(
        "举办地区", validators=[InputRequired("请选择举办地区。")], validate_choice=False
    )
    venue = StringField("举办地点", render_kw={"maxlength": MAX_VENUE})
    starts_at = DateTimeLocalField(
        "开始时间",
        format=DATETIME_FORMAT,
        validators=[InputRequired("请填写开始时间。")],
        render_kw=YEARS,
    )
    ends_at = DateTimeLocalField(
        "结束时间",
        format=DATETIME_FORMAT,
        validators=[InputRequired("请填写结束时间。")],
        render_kw=YEARS,
    )
    organizer_unit = StringField(
        "主办单位",
        validators=[InputRequired("请填写主办单位。")],
        render_kw={"maxlength": MAX_ORGANIZER_UNIT},
    )
    industry_chain_id = SelectField("产业链", coerce=str, validators=[Optional()])
    booth_capacity = IntegerField(
        "展位数量",
        validators=[Optional()],
        description="不填表示不限。",
        render_kw={"min": 0, "max": MAX_BOOTH_CAPACITY},
    )
    registration_deadline = DateTimeLocalField(
        "报名截止时间", format=DATETIME_FORMAT, validators=[Optional()], render_kw=YEARS
    )
    description = TextAreaField("介绍", render_kw={"maxlength": MAX_DESCRIPTION})
    version = HiddenField()


class ActionForm(ManageForm):
    """A button that changes something: carries only the CSRF token."""


class CancelForm(ManageForm):
    """The status buttons; cancelling carries a reason, which the service requires."""

    reason = StringField("取消原因", render_kw={"maxlength": MAX_CANCEL_REASON})


class AddEmployerForm(ManageForm):
    employer_id = HiddenField(validators=[InputRequired()])


class BoothForm(ManageForm):
    booth = StringField("展位号", render_kw={"maxlength": MAX_BOOTH})


class NoteForm(ManageForm):
    note = TextAreaField("审核意见", render_kw={"maxlength": MAX_NOTE})


class TallyForm(ManageForm):
    """Seekers to add: a +1/+5/+10 button (`count`) or a number typed (`other`), one source.

    One form, so the source chosen applies to the typed number too; corrections have their own.
    """

    count = IntegerField("人数", validators=[Optional(), NumberRange(min=1)])
    other = IntegerField(
        "其他人数",
        validators=[Optional(), NumberRange(min=1, message="请填写正整数。")],
        render_kw={"min": 1, "max": MAX_TALLY, "inputmode": "numeric"},
    )
    source = RadioField(
        "来源",
        choices=choices((s.value, s.label) for s in TALLY_SOURCES),
        default=TALLY_SOURCES[0].value,
    )

    #: Set by the 增加 button (and Enter in the number field): add the typed number.
    add = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.added:
            self.other.errors.append("请填写人数。")
            return False
        return True

    @property
    def added(self) -> int | None:
        """Return the seekers to add: the number typed for 增加, else the +N button pressed."""
        return self.other.data if self.add.data else self.count.data


class CorrectionForm(ManageForm):
    """Seekers to take away (typed positive, recorded negative) with the reason."""

    count = IntegerField(
        "减少人数",
        validators=[
            InputRequired("请填写要减少的人数。"),
            NumberRange(min=1, message="请填写正整数。"),
        ],
        render_kw={"min": 1, "max": MAX_TALLY},
    )
    source = SelectField("来源", choices=choices((s.value, s.label) for s in TALLY_SOURCES))
    reason = StringField("更正原因", render_kw={"maxlength": MAX_REASON})


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IntentForm(ManageForm):
    """The seeker's fields as typed; recruit.hires.intents checks them (page and API alike)."""

    seeker_name = StringField("求职者姓名")
    gender = RadioField("性别", choices=choices(Gender.choices()), validate_choice=False)
    seeker_phone = StringField(
        "手机号", render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "off"}
    )
    seeker_id_number = StringField(
        "身份证号（可不填）",
        description="末位是X的，可输入 x 或 X。",
        render_kw={"inputmode": "numeric", "autocomplete": "off", "autocapitalize": "characters"},
    )
    education = SelectField(
        "学历",
        choices=choices([("", "请选择")] + Education.seeker_choices()),
        validate_choice=False,
    )
    priority_groups = MultiCheckboxField(
        "重点群体", choices=choices(PriorityGroup.choices()), validate_choice=False
    )
    position_id = SelectField("意向岗位", coerce=str, validate_choice=False)
    late_reason = StringField(
        "补录原因", description="招聘会结束后补录时填写。", render_kw={"maxlength": MAX_LATE_REASON}
    )


class ImportForm(ManageForm):
    file = FileField(
        "填好的模板（.xlsx）",
        validators=[
            FileRequired("请选择要上传的文件。"),
            FileAllowed(["xlsx"], "只能上传 .xlsx 文件。"),
        ],
    )

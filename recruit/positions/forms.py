"""The employer's position form; the rules live in positions.rules."""

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from recruit.forms import Form, choices
from recruit.positions.fields import DateField, IntegerField
from recruit.positions.rules import EDITABLE_FIELDS
from recruit.refdata import codes
from recruit.refdata.codes import Education, EmploymentType, Experience

OCCUPATION_CHOICES = [
    (str(number), f"{number} {name}") for number, name in codes.OCCUPATION_MAJOR_GROUPS.items()
]


class PositionForm(Form):
    """Parses the input; every rule lives in positions.rules.validate_position_data."""

    title = StringField("岗位名称")
    occupation_major_group = SelectField(
        "职业大类", choices=choices(OCCUPATION_CHOICES), default="6", validate_choice=False
    )
    occupation_code = StringField(
        "职业编码（选填）", description="职业分类大典 2022，如 6-01-02-00"
    )
    openings = IntegerField("招聘人数", validators=[Optional()])
    salary_negotiable = BooleanField("薪资面议")
    salary_min = IntegerField("最低月薪（元）", validators=[Optional()])
    salary_max = IntegerField("最高月薪（元）", validators=[Optional()])
    education = SelectField(
        "学历要求", choices=choices(Education.requirement_choices()), validate_choice=False
    )
    experience = SelectField(
        "工作经验", choices=choices(Experience.choices()), validate_choice=False
    )
    employment_type = SelectField(
        "用工形式", choices=choices(EmploymentType.choices()), validate_choice=False
    )
    work_region_code = SelectField("工作地区", choices=[], validate_choice=False)
    work_address = StringField("工作地址")
    description = TextAreaField("岗位描述", render_kw={"rows": 6})
    contact_name = StringField("联系人")
    contact_phone = StringField(
        "联系电话", render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}
    )
    valid_until = DateField("有效期至", validators=[Optional()])
    #: The version the form was opened on; a save against a newer one is refused.
    version = HiddenField()

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.work_region_code.choices = choices((r.code, r.name) for r in regions)

    def service_data(self) -> dict:
        """Return the typed values the service validates."""
        return {name: getattr(self, name).data for name in EDITABLE_FIELDS}

    def version_read(self) -> int | None:
        """Return the version the form was opened on, if it carries one."""
        raw = (self.version.data or "").strip()
        return int(raw) if raw.isdigit() else None

"""Forms of the outcome history and the 待回访 list (staff): a step, a correction, an answer."""

from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import Optional

from recruit.forms import choices
from recruit.hires.callbacks import ANSWERS
from recruit.hires.models import StepKind
from recruit.hires.steps import MAX_TEXT, MILESTONES
from recruit.manage.forms import ManageForm

MILESTONE_CHOICES = [("", "无")] + [(m, f"{m}天") for m in MILESTONES]


class StepForm(ManageForm):
    """One dated step of an intent; recruit.hires.steps decides what fits the history."""

    step = SelectField("步骤", choices=[])
    on = DateField("日期", validators=[Optional()])
    milestone = SelectField("回访节点", choices=[], validators=[Optional()])
    note = StringField("备注", validators=[Optional()], render_kw={"maxlength": MAX_TEXT})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.step.choices = choices([("", "请选择步骤")] + [(k.value, k.label) for k in StepKind])
        self.milestone.choices = choices(MILESTONE_CHOICES)


class VoidForm(ManageForm):
    """A correction: the reason is required (the service says so when it is missing)."""

    reason = StringField("更正原因", render_kw={"maxlength": MAX_TEXT, "placeholder": "更正：误录"})


class AnswerForm(ManageForm):
    """A call-back's answer from the work list: 在岗, 已离职 (with its day) or 联系不上."""

    answer = SelectField("回访结果", choices=choices(ANSWERS.items()))
    milestone = HiddenField("回访节点")
    on = DateField("离职日期", validators=[Optional()])
    note = StringField("备注", validators=[Optional()], render_kw={"maxlength": MAX_TEXT})

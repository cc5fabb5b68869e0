"""The channel settings form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import Optional

from recruit.channels.models import BASE_URL_MAX, SCHEDULE_MAX, TOKEN_ENV_MAX


class ChannelForm(FlaskForm):
    enabled = BooleanField("启用")
    # The browser stops at the limits; the channels service checks them (and the formats).
    base_url = StringField(
        "接口地址", validators=[Optional()], render_kw={"maxlength": BASE_URL_MAX}
    )
    token_env = StringField(
        "令牌环境变量名",
        validators=[Optional()],
        render_kw={"maxlength": TOKEN_ENV_MAX},
        description="令牌保存在服务器环境变量中，不入库。",
    )
    schedule = StringField(
        "同步时间（上海时间）",
        render_kw={"maxlength": SCHEDULE_MAX},
        description="每周一次，如 mon 02:00（星期用 mon、tue … sun）。",
    )
    scope_regions = SelectMultipleField("范围：地区", validate_choice=False)
    scope_industry_chains = SelectMultipleField("范围：产业链", validate_choice=False)
    scope_fair_types = SelectMultipleField("范围：招聘会类型", validate_choice=False)

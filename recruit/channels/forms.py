"""The channel settings form."""

from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Optional

from recruit.channels.models import (
    BASE_URL_MAX,
    CONSUMER_NAME_MAX,
    DAY_LABELS,
    MAX_CONCURRENCY,
    TOKEN_ENV_MAX,
)
from recruit.forms import Form, choices


class ChannelForm(Form):
    enabled = BooleanField("启用")
    # The browser stops at the limits; the channels service checks them (and the formats).
    base_url = StringField(
        "接口地址",
        validators=[Optional()],
        render_kw={"maxlength": BASE_URL_MAX},
        description="须为 https://；http:// 只能用于 CHANNEL_ALLOWED_HOSTS 列出的主机。",
    )
    token_env = StringField(
        "令牌环境变量名",
        validators=[Optional()],
        render_kw={"maxlength": TOKEN_ENV_MAX},
        description=(
            "令牌保存在服务器环境变量中，不入库；变量名固定为 RECRUIT_CHANNEL_<渠道代码>_TOKEN。"
        ),
    )
    concurrency = StringField(
        "并发请求数",
        render_kw={"type": "number", "min": 1, "max": MAX_CONCURRENCY, "inputmode": "numeric"},
        description=f"同步时同时发出的请求数（1–{MAX_CONCURRENCY}，默认 8）。",
    )
    # A weekday and a time picker; posted as schedule.day and schedule.time, the page joins
    # them into the schedule the API and the command take ("mon 02:00") and the service checks.
    schedule_day = SelectField(
        "同步时间：每周",
        name="schedule.day",
        choices=choices((day, f"星期{label}") for day, label in DAY_LABELS.items()),
        validate_choice=False,
    )
    schedule_time = StringField(
        "时间（上海时间）",
        name="schedule.time",
        render_kw={"type": "time", "step": 60},
        description="每周同步一次；未完成时定时任务会自动补发。",
    )
    scope_regions = SelectMultipleField("范围：地区", validate_choice=False)
    scope_industry_chains = SelectMultipleField("范围：产业链", validate_choice=False)
    scope_fair_types = SelectMultipleField("范围：招聘会类型", validate_choice=False)


class ConsumerForm(Form):
    # The channels' consumers service checks the name; the browser stops at the limit.
    name = StringField(
        "对接方名称",
        render_kw={"maxlength": CONSUMER_NAME_MAX},
        description="如 某招聘平台；令牌只显示一次，请当场交给对接方。",
    )

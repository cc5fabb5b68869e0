"""Channel rules: settings, manual syncs and retries, on /channels, the API and `flask` commands.

Every refusal leaves everything a channel operation could change as it was: the channels'
settings, their postings, the sync runs and the audit log.
"""

import re

import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.actors import system
from recruit.channels.endpoints import http_host_refused, token_env_refused
from recruit.channels.models import BASE_URL_MAX, Channel, ChannelPosting, PostingState, SyncRun
from recruit.channels.services import BAD_CONCURRENCY
from recruit.extensions import db as DB
from recruit.sync.services import run_channel_sync
from tests.parity.rule import Kit, Rule

BAD_URL = "接口地址须以 http:// 或 https:// 开头"
BAD_SCHEDULE = "同步时间格式应为“星期 时:分”，如 mon 02:00（星期用 mon、tue … sun）"
NO_ENDPOINT = "启用接口推送渠道前须先设置接口地址和令牌环境变量名"
NOT_FAILED = "只有失败的岗位可以重试。"
LONG_URL = "https://portal.example.cn/" + "a" * BASE_URL_MAX
XJY_TOKEN = "RECRUIT_CHANNEL_XJY_TOKEN"
BAD_TOKEN_ENV = token_env_refused("xjy")

_SCHEDULE_DAY = re.compile(
    r'<select\b[^>]*\bname="schedule\.day".*?<option\b[^>]*\bselected[^>]*\bvalue="(\w+)"'
    r'|<select\b[^>]*\bname="schedule\.day".*?<option\b[^>]*\bvalue="(\w+)"[^>]*\bselected',
    re.S,
)
_SCHEDULE_TIME = re.compile(r'<input\b[^>]*\bname="schedule\.time"[^>]*\bvalue="([^"]*)"')


def schedule_form(schedule: str) -> dict:
    """Return a schedule as the page posts it: a weekday picked and a time."""
    day, _, at = schedule.partition(" ")
    return {"schedule.day": day, "schedule.time": at}


def channels_as_they_are(r: dict) -> dict:
    """Return everything a channel operation could change."""
    channels = {
        c.code: (
            c.enabled,
            c.base_url,
            c.token_env,
            c.schedule,
            c.scope_regions,
            c.scope_industry_chains,
            c.scope_fair_types,
            c.concurrency,
        )
        for c in DB.session.scalars(sa.select(Channel))
    }
    postings = sorted(
        DB.session.execute(
            sa.select(ChannelPosting.id, ChannelPosting.channel_id, ChannelPosting.state)
        ).all()
    )
    runs = DB.session.scalar(sa.select(sa.func.count()).select_from(SyncRun))
    audit = DB.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    return {"channels": channels, "postings": postings, "runs": runs, "audit": audit}


def nothing(k: Kit) -> dict:
    """Arrange nothing: the seeded channels are the records."""
    return {}


def posting_of_jycs(state: PostingState):
    """Arrange a posting of 就业超市 in this state, after a real sync of one open position."""

    def arrange(k: Kit) -> dict:
        k.make_position()
        jycs = DB.session.scalar(sa.select(Channel).where(Channel.code == "jycs"))
        run_channel_sync(jycs, by=system("tests.parity"))
        row = DB.session.scalar(
            sa.select(ChannelPosting).where(ChannelPosting.channel_id == jycs.id)
        )
        row.state = state
        return {"posting_id": row.id}

    return arrange


def settings(code: str, changes: dict, form: dict, command: list[str] | None = None) -> dict:
    """Change settings: the page posts the whole form, the API and the command the changes."""
    return dict(
        arrange=nothing,
        page=lambda r: (
            "post",
            f"/channels/{code}/settings",
            {
                **schedule_form(form.get("schedule", "mon 02:00")),
                **{name: value for name, value in form.items() if name != "schedule"},
            },
        ),
        api=lambda r: ("patch", f"/api/v1/channels/{code}", changes),
        command=None if command is None else lambda r: ["channels", "set", code, *command],
        effect=channels_as_they_are,
    )


def start_sync(code: str, command: bool) -> dict:
    """Start a channel's sync by hand: a button, a POST, or `flask sync run` when asked."""
    return dict(
        arrange=nothing,
        page=lambda r: ("post", f"/channels/{code}/sync", None),
        api=lambda r: ("post", f"/api/v1/channels/{code}/sync", {}),
        command=(lambda r: ["sync", "run", "--channel", code]) if command else None,
        effect=channels_as_they_are,
    )


def retry(code: str, state: PostingState) -> dict:
    """Retry a posting of 就业超市 in this state, through the channel of this code."""
    return dict(
        arrange=posting_of_jycs(state),
        page=lambda r: ("post", f"/channels/{code}/postings/{r['posting_id']}/retry", None),
        api=lambda r: ("post", f"/api/v1/channels/{code}/postings/{r['posting_id']}/retry", None),
        effect=channels_as_they_are,
    )


def schedule_and_audit(r: dict) -> tuple:
    """Return 就业超市's schedule and who changed it from what to what, by the audit log."""
    entries = DB.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "channel.update").order_by(AuditLog.id)
    )
    channel = DB.session.scalar(sa.select(Channel).where(Channel.code == "jycs"))
    return (
        channel.schedule,
        [(e.user_id == r["actor_id"], e.summary["schedule"]) for e in entries],
    )


def schedule_shown(answer) -> str:
    """Return the schedule the answer shows: the API's field, the page's form control."""
    if answer.door == "api":
        return answer.data["schedule"]
    day = _SCHEDULE_DAY.search(answer.text)
    return f"{day.group(1) or day.group(2)} {_SCHEDULE_TIME.search(answer.text).group(1)}"


def posting_state(r: dict) -> str:
    """Return the state of the arranged posting."""
    return DB.session.get(ChannelPosting, r["posting_id"]).state.value


ROWS = [
    Rule(
        "channel: bad base_url",
        actor="admin",
        **settings(
            "xjy",
            {"base_url": "portal"},
            {"base_url": "portal", "token_env": XJY_TOKEN},
            ["--base-url", "portal"],
        ),
        expect="invalid",
        fields=frozenset({"base_url"}),
        says=BAD_URL,
    ),
    Rule(
        "channel: base_url too long",
        actor="admin",
        **settings(
            "xjy",
            {"base_url": LONG_URL},
            {"base_url": LONG_URL, "token_env": XJY_TOKEN},
            ["--base-url", LONG_URL],
        ),
        expect="invalid",
        fields=frozenset({"base_url"}),
        says=f"接口地址不能超过 {BASE_URL_MAX} 个字符",
    ),
    Rule(
        "channel: bad schedule",
        actor="admin",
        **settings(
            "jycs", {"schedule": "someday"}, {"schedule": "someday"}, ["--schedule", "someday"]
        ),
        expect="invalid",
        fields=frozenset({"schedule"}),
        says=BAD_SCHEDULE,
    ),
    Rule(
        "channel: unknown scope region",
        actor="admin",
        **settings(
            "jycs",
            {"scope_regions": ["999999"]},
            {"scope_regions": ["999999"]},
            ["--scope-region", "999999"],
        ),
        expect="invalid",
        fields=frozenset({"scope_regions"}),
        says="范围地区代码不存在：999999",
    ),
    Rule(
        "channel: enabling http_json without URL",
        actor="admin",
        **settings(
            "xjy",
            {"enabled": True},
            {"enabled": "y", "base_url": "", "token_env": XJY_TOKEN},
            ["--enable"],
        ),
        expect="invalid",
        fields=frozenset({"enabled"}),
        says=NO_ENDPOINT,
    ),
    Rule(
        "channel: county organizer changes settings",
        actor="liling",
        **settings("jycs", {"schedule": "tue 03:00"}, {"schedule": "tue 03:00"}),
        expect="forbidden",
    ),
    Rule(
        "channel: county organizer starts a sync",
        actor="liling",
        **start_sync("jycs", command=False),
        expect="forbidden",
    ),
    Rule(
        "channel: disabled channel sync",
        actor="admin",
        **start_sync("xjy", command=True),
        expect="conflict",
        says="渠道未启用，不能同步。",
    ),
    Rule(
        "channel: retry of another channel's posting",
        actor="city",
        **retry("llzgz", PostingState.FAILED),
        expect="not_found",
    ),
    Rule(
        "channel: a failed posting of this channel is retried",
        actor="city",
        **{**retry("jycs", PostingState.FAILED), "effect": posting_state},
        expect="ok",
        after=PostingState.PENDING.value,
    ),
    Rule(
        "channel: only a failed posting is retried",
        actor="city",
        **retry("jycs", PostingState.PENDING),
        expect="conflict",
        says=NOT_FAILED,
    ),
    Rule(
        "channel: an admin changes a schedule",
        actor="admin",
        arrange=lambda k: {"actor_id": k.actor.id},
        page=lambda r: ("post", "/channels/jycs/settings", schedule_form("tue 03:30")),
        api=lambda r: ("patch", "/api/v1/channels/jycs", {"schedule": "TUE 3:30"}),
        effect=schedule_and_audit,
        expect="ok",
        after=("tue 03:30", [(True, ["mon 02:00", "tue 03:30"])]),
        shows=schedule_shown,
        shown="tue 03:30",
    ),
    Rule(
        "channel: the city organizer changes settings",
        actor="city",
        **settings(
            "xjy",
            {"base_url": "https://collector.example.net/"},
            {"base_url": "https://collector.example.net/", "token_env": XJY_TOKEN},
        ),
        expect="forbidden",
    ),
    Rule(
        "channel: a token variable other than the channel's own",
        actor="admin",
        **settings(
            "xjy",
            {"token_env": "SECRET_KEY"},
            {"base_url": "", "token_env": "SECRET_KEY"},
            ["--token-env", "SECRET_KEY"],
        ),
        expect="invalid",
        fields=frozenset({"token_env"}),
        says=BAD_TOKEN_ENV,
    ),
    Rule(
        "channel: plain http to a host not allowed",
        actor="admin",
        **settings(
            "xjy",
            {"base_url": "http://10.0.0.8:8080/api"},
            {"base_url": "http://10.0.0.8:8080/api", "token_env": XJY_TOKEN},
            ["--base-url", "http://10.0.0.8:8080/api"],
        ),
        expect="invalid",
        fields=frozenset({"base_url"}),
        says=http_host_refused("10.0.0.8"),
    ),
    Rule(
        "channel: concurrency out of bounds",
        actor="admin",
        **settings(
            "xjy",
            {"concurrency": 64},
            {"base_url": "", "token_env": XJY_TOKEN, "concurrency": "64"},
            ["--concurrency", "64"],
        ),
        expect="invalid",
        fields=frozenset({"concurrency"}),
        says=BAD_CONCURRENCY,
    ),
]

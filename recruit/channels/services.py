"""Channel settings: change them and keep the desired state in step."""

import re
from typing import Any

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.channels.models import Channel
from recruit.extensions import db
from recruit.refdata.codes import FairType
from recruit.refdata.models import IndustryChain, Region
from recruit.sync.desired import refresh_desired

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: One day a week: the run ledger holds one scheduled run per channel and ISO week.
_SCHEDULE = re.compile(r"^\s*([a-z]{3})\s+([01]?\d|2[0-3]):([0-5]\d)\s*$")


class ChannelError(ValueError):
    """A channel setting was refused; the message names the field in Chinese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_schedule(text: str) -> tuple[str, int, int]:
    """Return (day name, hour, minute) of a weekly schedule such as "mon 02:00"."""
    match = _SCHEDULE.match((text or "").lower())
    if not match or match.group(1) not in DAY_NAMES:
        raise ChannelError(
            "schedule", "同步时间格式应为“星期 时:分”，如 mon 02:00（星期用 mon、tue … sun）"
        )
    return match.group(1), int(match.group(2)), int(match.group(3))


def get_channel(code: str) -> Channel | None:
    """Return the channel with this code."""
    return db.session.scalar(sa.select(Channel).where(Channel.code == code))


def list_channels() -> list[Channel]:
    """Return all channels in their seeded order."""
    return list(db.session.scalars(sa.select(Channel).order_by(Channel.id)))


def update_channel(channel: Channel, changes: dict[str, Any], *, by=None) -> Channel:
    """Apply setting changes, validated; a scope change rewrites the desired state at once."""
    before = {key: getattr(channel, key) for key in changes}
    if "base_url" in changes:
        url = (changes["base_url"] or "").strip() or None
        if url and not re.match(r"^https?://[^\s/]+", url):
            raise ChannelError("base_url", "接口地址须以 http:// 或 https:// 开头")
        changes["base_url"] = url
    if "token_env" in changes:
        name = (changes["token_env"] or "").strip() or None
        if name and not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            raise ChannelError("token_env", "令牌环境变量名只能包含大写字母、数字和下划线")
        changes["token_env"] = name
    if "schedule" in changes:
        days, hour, minute = parse_schedule(changes["schedule"])
        changes["schedule"] = f"{days} {hour:02d}:{minute:02d}"
    if "scope_regions" in changes:
        codes = [c.strip() for c in changes["scope_regions"] if c.strip()]
        known = set(db.session.scalars(sa.select(Region.code).where(Region.code.in_(codes))))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ChannelError("scope_regions", "范围地区代码不存在：" + "、".join(unknown))
        changes["scope_regions"] = codes
    if "scope_industry_chains" in changes:
        codes = [c.strip() for c in changes["scope_industry_chains"] if c.strip()]
        known = set(
            db.session.scalars(sa.select(IndustryChain.code).where(IndustryChain.code.in_(codes)))
        )
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ChannelError("scope_industry_chains", "范围产业链不存在：" + "、".join(unknown))
        changes["scope_industry_chains"] = codes
    if "scope_fair_types" in changes:
        values = [c.strip() for c in changes["scope_fair_types"] if c.strip()]
        unknown = [c for c in values if c not in {t.value for t in FairType}]
        if unknown:
            raise ChannelError("scope_fair_types", "范围招聘会类型不存在：" + "、".join(unknown))
        changes["scope_fair_types"] = values
    if changes.get("enabled") and channel.kind.value == "http_json":
        base_url = changes.get("base_url", channel.base_url)
        token_env = changes.get("token_env", channel.token_env)
        if not base_url or not token_env:
            raise ChannelError("enabled", "启用接口推送渠道前须先设置接口地址和令牌环境变量名")
    for key, value in changes.items():
        setattr(channel, key, value)
    scope_changed = any(key.startswith("scope_") and before[key] != changes[key] for key in changes)
    db.session.flush()
    if scope_changed:
        refresh_desired(channel)
    record_audit(
        "channel.update",
        channel,
        by=by,
        summary={
            key: [str(before[key]), str(changes[key])]
            for key in changes
            if before[key] != changes[key]
        },
    )
    return channel

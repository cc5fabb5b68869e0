"""Channels: who may see and change them, their settings, their seeded rows, syncs by hand.

Staff (admins and organizers) may look at every channel. Only admins change a channel's
settings (`may_change_channels`, DESIGN §4): the address and the token variable decide where
the product sends a secret. Admins and the city-level organizer run the channels
(`may_run_channels`): start or queue a sync, retry a refused posting, re-send or verify; a run
only sends what the desired state says to the address an admin set. Every door (the channel
pages, the admin API, the `channels` and `sync` commands, the jobs) asks these functions; none
restates the rule.
"""

import re
from typing import Any

import sqlalchemy as sa
from flask import current_app

from recruit.audit.services import record_audit
from recruit.auth.actors import Actor
from recruit.auth.models import Role
from recruit.auth.scope import STAFF, require_role
from recruit.channels.endpoints import URL_TOO_LONG, base_url_problem, token_env_problem
from recruit.channels.models import (
    BASE_URL_MAX,
    MAX_CONCURRENCY,
    TOKEN_ENV_MAX,
    Channel,
    ChannelKind,
    ChannelPosting,
    SyncRun,
    SyncTrigger,
)
from recruit.errors import Conflict, Forbidden, Invalid, NotFound
from recruit.extensions import db
from recruit.positions.models import Position
from recruit.refdata import codes as refcodes
from recruit.refdata.codes import FairType
from recruit.refdata.models import IndustryChain, Region
from recruit.sync.desired import mark_pending, refresh_all, refresh_desired
from recruit.sync.readback import mark_for_resend, verify_channel_rows
from recruit.sync.runs import queue_run
from recruit.sync.services import run_channel_sync

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: One day a week: the run ledger holds one scheduled run per channel and ISO week.
_SCHEDULE = re.compile(r"^\s*([a-z]{3})\s+([01]?\d|2[0-3]):([0-5]\d)\s*$")

FAIR_TYPES = frozenset(t.value for t in FairType)

NOT_ADMIN = "只有系统管理员可以修改渠道设置。"
NOT_OPERATOR = "只有系统管理员和市级组织者可以启动同步、重试、重新发送或核对。"
NOT_FOUND = "渠道不存在。"
DISABLED = "渠道未启用，不能同步。"
NOT_HTTP = "只有接口推送（协议 v1）渠道可以核对。"
PULLED = "拉取接口渠道由对接方按游标读取变更，不需要同步。"
BAD_CONCURRENCY = f"并发请求数须为 1–{MAX_CONCURRENCY} 之间的整数"


# --- who may do what --------------------------------------------------------------------------


def may_change_channels(actor: Actor) -> bool:
    """Return whether the actor may change channel settings: admins (and the system) only."""
    return actor.role is Role.ADMIN


def require_channel_admin(actor: Actor) -> None:
    """Refuse (Forbidden) unless the actor may change channel settings."""
    if not may_change_channels(actor):
        raise Forbidden(NOT_ADMIN)


def may_run_channels(actor: Actor) -> bool:
    """Return whether the actor may start runs, retry, re-send and verify (others only look).

    Admins (and the system) may, and organizers of the whole city (CITY_REGION_CODE); a county
    organizer may look but not act.
    """
    if actor.role is Role.ADMIN:
        return True
    return (
        actor.role is Role.ORGANIZER and actor.region_code == current_app.config["CITY_REGION_CODE"]
    )


def require_channel_operator(actor: Actor) -> None:
    """Refuse (Forbidden) unless the actor may start runs and retry postings."""
    if not may_run_channels(actor):
        raise Forbidden(NOT_OPERATOR)


# --- lookups ----------------------------------------------------------------------------------


def get_channel(actor: Actor, code: str) -> Channel:
    """Return the channel with this code for staff (Forbidden for others, NotFound if none)."""
    require_role(actor, *STAFF)
    channel = db.session.scalar(sa.select(Channel).where(Channel.code == code))
    if channel is None:
        raise NotFound(NOT_FOUND)
    return channel


def list_channels(actor: Actor) -> list[Channel]:
    """Return all channels in their seeded order, for staff."""
    require_role(actor, *STAFF)
    return list(db.session.scalars(sa.select(Channel).order_by(Channel.id)))


def feed_channel(code: str) -> Channel:
    """Return the channel whose public feed this is (NotFound unless an enabled feed)."""
    channel = db.session.scalar(sa.select(Channel).where(Channel.code == code))
    if channel is None or not channel.has_public_feed:
        raise NotFound(NOT_FOUND)
    return channel


def channel_states_for(actor: Actor, position: Position) -> list[dict] | None:
    """Return the position's state on every channel, or None when the actor may not see it.

    Only staff (admins and organizers) see where a position stands on the outside channels.
    """
    if not actor.has_role(*STAFF):
        return None
    rows = {
        row.channel_id: row
        for row in db.session.scalars(
            sa.select(ChannelPosting).where(ChannelPosting.position_id == position.id)
        )
    }
    channels = db.session.scalars(sa.select(Channel).order_by(Channel.id))
    return [{"channel": channel, "row": rows.get(channel.id)} for channel in channels]


# --- settings ---------------------------------------------------------------------------------


def parse_schedule(text: str) -> tuple[str, int, int]:
    """Return (day name, hour, minute) of a weekly schedule such as "mon 02:00"."""
    match = _SCHEDULE.match((text or "").lower())
    if not match or match.group(1) not in DAY_NAMES:
        raise Invalid(
            "同步时间格式应为“星期 时:分”，如 mon 02:00（星期用 mon、tue … sun）",
            field="schedule",
        )
    return match.group(1), int(match.group(2)), int(match.group(3))


def _known(column, values: list[str]) -> set[str]:
    return set(db.session.scalars(sa.select(column).where(column.in_(values))))


def _codes(values) -> list[str]:
    return [value.strip() for value in values or [] if value and value.strip()]


def _normalized(channel: Channel, changes: dict[str, Any]) -> dict[str, Any]:
    """Return the changes cleaned up, or raise Invalid naming every field at fault."""
    clean = dict(changes)
    errors: dict[str, str] = {}
    if "base_url" in clean:
        url = (clean["base_url"] or "").strip() or None
        if url and len(url) > BASE_URL_MAX:
            errors["base_url"] = URL_TOO_LONG
        elif url:
            problem = base_url_problem(url, current_app.config["CHANNEL_ALLOWED_HOSTS"])
            if problem:
                errors["base_url"] = problem
        clean["base_url"] = url
    if "token_env" in clean:
        name = (clean["token_env"] or "").strip() or None
        if name and len(name) > TOKEN_ENV_MAX:
            errors["token_env"] = f"令牌环境变量名不能超过 {TOKEN_ENV_MAX} 个字符"
        elif name and token_env_problem(channel.code, name):
            errors["token_env"] = token_env_problem(channel.code, name)
        clean["token_env"] = name
    if "concurrency" in clean:
        value = clean["concurrency"]
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        whole = isinstance(value, int) and not isinstance(value, bool)
        if not whole or not 1 <= value <= MAX_CONCURRENCY:
            errors["concurrency"] = BAD_CONCURRENCY
        clean["concurrency"] = value
    if "schedule" in clean:
        try:
            day, hour, minute = parse_schedule(clean["schedule"])
        except Invalid as error:
            errors.update(error.errors)
        else:
            clean["schedule"] = f"{day} {hour:02d}:{minute:02d}"
    if "scope_regions" in clean:
        values = _codes(clean["scope_regions"])
        known = _known(Region.code, values)
        unknown = [c for c in values if c not in known]
        # A retired code (株洲县 430221) is not added to a scope: its successor covers it.
        added = [c for c in values if c in known and c not in (channel.scope_regions or [])]
        retired = [c for c in added if not db.session.get(Region, c).is_current]
        if unknown:
            errors["scope_regions"] = "范围地区代码不存在：" + "、".join(unknown)
        elif retired:
            errors["scope_regions"] = "范围地区已撤销，请选择现行地区：" + "、".join(retired)
        clean["scope_regions"] = values
    if "scope_industry_chains" in clean:
        values = _codes(clean["scope_industry_chains"])
        known = _known(IndustryChain.code, values)
        unknown = [c for c in values if c not in known]
        if unknown:
            errors["scope_industry_chains"] = "范围产业链不存在：" + "、".join(unknown)
        clean["scope_industry_chains"] = values
    if "scope_fair_types" in clean:
        values = _codes(clean["scope_fair_types"])
        unknown = [c for c in values if c not in FAIR_TYPES]
        if unknown:
            errors["scope_fair_types"] = "范围招聘会类型不存在：" + "、".join(unknown)
        clean["scope_fair_types"] = values
    if (
        clean.get("enabled")
        and channel.has_endpoint
        and not {"base_url", "token_env"} & set(errors)
    ):
        base_url = clean.get("base_url", channel.base_url)
        token_env = clean.get("token_env", channel.token_env)
        if not base_url or not token_env:
            errors["enabled"] = "启用接口推送渠道前须先设置接口地址和令牌环境变量名"
    if errors:
        raise Invalid(errors=errors)
    return clean


def update_channel(channel: Channel, changes: dict[str, Any], *, by: Actor) -> Channel:
    """Apply setting changes for an admin; a scope change rewrites the desired state at once.

    Raises Forbidden for anyone else, Invalid naming each field at fault.
    """
    require_channel_admin(by)
    changes = _normalized(channel, changes)
    before = {key: getattr(channel, key) for key in changes}
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


_CHANNEL_CODE = re.compile(r"^[a-z][a-z0-9]{1,19}$")


def create_channel(code: str, name: str, kind: str, *, by: Actor) -> Channel:
    """Add a channel (admins only), disabled until its settings are complete and it is enabled.

    Raises Forbidden for anyone else, Invalid naming each field at fault (a code already taken
    included).
    """
    require_channel_admin(by)
    code = (code or "").strip().lower()
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not _CHANNEL_CODE.match(code):
        errors["code"] = "渠道代码须为 2–20 位小写字母或数字，以字母开头"
    elif db.session.scalar(sa.select(Channel.id).where(Channel.code == code)) is not None:
        errors["code"] = f"渠道代码 {code} 已被使用"
    if not name:
        errors["name"] = "请填写渠道名称"
    elif len(name) > 60:
        errors["name"] = "渠道名称不能超过 60 个字符"
    if kind not in {k.value for k in ChannelKind}:
        errors["kind"] = "渠道类型须为以下之一：" + "、".join(k.value for k in ChannelKind)
    if errors:
        raise Invalid(errors=errors)
    channel = Channel(
        code=code,
        name=name,
        kind=ChannelKind(kind),
        enabled=False,
        scope_regions=[],
        scope_industry_chains=[],
        scope_fair_types=[],
        settings={},
    )
    db.session.add(channel)
    db.session.flush()
    record_audit("channel.create", channel, by=by, summary={"code": code, "kind": kind})
    return channel


def seed_channels() -> int:
    """Insert the shipped channels that are missing; return how many.

    Safe to run any number of times: existing rows are left as they are, so an admin's edits
    survive.
    """
    existing = set(db.session.scalars(sa.select(Channel.code)))
    added = 0
    for spec in refcodes.CHANNELS:
        if spec["code"] in existing:
            continue
        db.session.add(
            Channel(
                code=spec["code"],
                name=spec["name"],
                kind=ChannelKind(spec["kind"]),
                enabled=spec["enabled"],
                token_env=spec.get("token_env"),
                scope_regions=spec.get("scope_regions", []),
            )
        )
        added += 1
    db.session.flush()
    return added


# --- syncs by hand ----------------------------------------------------------------------------


def _require_runnable(channel: Channel, by: Actor) -> None:
    require_channel_operator(by)
    if channel.is_pull:
        raise Conflict(PULLED)
    if not channel.enabled:
        raise Conflict(DISABLED)


def sync_now(
    channel: Channel, *, by: Actor, dry_run: bool = False, force: bool = False, progress=None
) -> SyncRun:
    """Run an enabled channel's sync here and now, on the weekly run's lock (the command does).

    Raises Forbidden for an actor who may only look, Conflict for a disabled channel or while
    another run holds it. The run commits as it goes (its ledger row and each item), so the
    caller has nothing to commit.
    """
    _require_runnable(channel, by)
    return run_channel_sync(
        channel, SyncTrigger.MANUAL, by=by, dry_run=dry_run, force=force, progress=progress
    )


def queue_sync(
    channel: Channel, *, by: Actor, dry_run: bool = False, force: bool = False
) -> SyncRun:
    """Queue an enabled channel's sync for the scheduler process (立即同步 on a page or the API).

    A web request never runs the sync itself: a slow portal would outlast it. Raises
    Forbidden for an actor who may only look, Conflict for a disabled channel or when a run
    already waits in the queue.
    """
    _require_runnable(channel, by)
    run = queue_run(channel, by=by, dry_run=dry_run, force=force)
    record_audit(
        "channel.sync",
        channel,
        by=by,
        summary={"run": run.id, "status": run.status.value, "dry_run": dry_run, "force": force},
    )
    return run


def resend_channel(channel: Channel, *, by: Actor) -> int:
    """Set every posting the channel should hold to go out again in full; return how many.

    For a portal that lost its data: the hashes are forgotten and each posting gets a new
    Idempotency-Key revision, so even a portal that remembers old keys applies them again.
    """
    _require_runnable(channel, by)
    count = mark_for_resend(channel)
    record_audit("channel.resend", channel, by=by, summary={"postings": count})
    return count


def verify_channel(channel: Channel, *, by: Actor, progress=None) -> SyncRun:
    """Read back what the portal holds and mark every divergence pending (GET, protocol v1).

    Takes the channel's lock like a run; commits as it goes. Raises Forbidden, Conflict (a
    disabled channel, one that is not http_json, another run holding it).
    """
    _require_runnable(channel, by)
    if channel.kind is not ChannelKind.HTTP_JSON:
        raise Conflict(NOT_HTTP)
    run = verify_channel_rows(channel, by=by, progress=progress)
    record_audit(
        "channel.verify",
        channel,
        by=by,
        summary={"run": run.id, "status": run.status.value, "diverged": run.updated},
    )
    db.session.commit()
    return run


def reconcile_all(*, by: Actor) -> dict[str, int]:
    """Bring every channel's rows to the desired state now; return changes per channel code."""
    require_channel_operator(by)
    return refresh_all()


def retry_posting(actor: Actor, channel: Channel, posting_id: int) -> ChannelPosting:
    """Put a failed posting of this channel back to pending, so the next run sends it again.

    Raises Forbidden for an actor who may only look, NotFound when the posting is not the
    channel's, Conflict when it is not failed (a transient failure retries by itself).
    """
    require_channel_operator(actor)
    row = db.session.scalar(
        sa.select(ChannelPosting).where(
            ChannelPosting.id == posting_id, ChannelPosting.channel_id == channel.id
        )
    )
    if row is None:
        raise NotFound("该渠道没有这条同步记录。")
    if not row.can_retry:
        raise Conflict("只有失败的岗位可以重试。")
    mark_pending(row)
    record_audit("channel_posting.retry", row, by=actor, summary={"channel_id": row.channel_id})
    return row

"""The consumers of pull channels: the tokens we issue them, and what each has read.

A pull channel's integrator presents a token we issued (``rc_`` and 43 random characters,
``Authorization: Bearer …``). Only its SHA-256 is stored: the token is shown once, when an
admin issues it, and cannot be read back; a lost token is revoked and a new one issued. A
random 256-bit secret needs no slow hash: nobody can guess it from its digest. Each token
belongs to one channel, so it reads that channel's scope and nothing else, and each records
the cursor it was last handed and when, shown on the channel's page.
"""

import hashlib
import secrets

import sqlalchemy as sa

from recruit.audit.services import record_audit
from recruit.auth.actors import Actor
from recruit.auth.scope import STAFF, require_role
from recruit.channels.models import (
    CONSUMER_NAME_MAX,
    CONSUMER_TOKEN_PREFIX,
    Channel,
    ChannelConsumer,
)
from recruit.channels.services import require_channel_admin
from recruit.db_types import utcnow
from recruit.errors import Conflict, Forbidden, Invalid, NotFound
from recruit.extensions import db

NOT_PULL = "只有“拉取接口”类型的渠道可以签发对接令牌。"
NOT_ENABLED = "该渠道未启用，暂不能读取岗位变更。"
NOT_THIS_CHANNEL = "该对接令牌不属于所请求的渠道。"


def token_digest(token: str) -> str:
    """Return the SHA-256 of a consumer token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_consumer_token(channel: Channel, name: str, *, by: Actor) -> tuple[ChannelConsumer, str]:
    """Issue a token to a new consumer of a pull channel (admins only); return it once.

    Raises Forbidden for anyone but an admin, Conflict for a channel that is not pulled,
    Invalid for a missing or long name.
    """
    require_channel_admin(by)
    if not channel.is_pull:
        raise Conflict(NOT_PULL)
    name = (name or "").strip()
    if not name:
        raise Invalid("请填写对接方名称", field="name")
    if len(name) > CONSUMER_NAME_MAX:
        raise Invalid(f"对接方名称不能超过 {CONSUMER_NAME_MAX} 个字符", field="name")
    token = CONSUMER_TOKEN_PREFIX + secrets.token_urlsafe(32)
    consumer = ChannelConsumer(
        channel=channel,
        name=name,
        token_hash=token_digest(token),
        prefix=token[:10],
        created_by_id=getattr(by, "id", None),
        reads=0,
    )
    db.session.add(consumer)
    db.session.flush()
    record_audit(
        "channel_consumer.issue", consumer, by=by, summary={"channel": channel.code, "name": name}
    )
    return consumer, token


def revoke_consumer_token(channel: Channel, consumer_id: int, *, by: Actor) -> ChannelConsumer:
    """Revoke a consumer's token at once (admins only); NotFound unless it is this channel's."""
    require_channel_admin(by)
    consumer = db.session.get(ChannelConsumer, consumer_id)
    if consumer is None or consumer.channel_id != channel.id:
        raise NotFound("该渠道没有这个对接方。")
    if consumer.revoked_at is None:
        consumer.revoked_at = utcnow()
        record_audit(
            "channel_consumer.revoke",
            consumer,
            by=by,
            summary={"channel": channel.code, "name": consumer.name},
        )
    return consumer


def list_consumers(actor: Actor, channel: Channel) -> list[ChannelConsumer]:
    """Return the channel's consumers for staff, the newest first."""
    require_role(actor, *STAFF)
    return list(
        db.session.scalars(
            sa.select(ChannelConsumer)
            .where(ChannelConsumer.channel_id == channel.id)
            .order_by(ChannelConsumer.id.desc())
        )
    )


def consumer_for_token(token: str) -> ChannelConsumer | None:
    """Return the active consumer a token was issued to, or None (unknown, revoked, malformed)."""
    if not token or not token.startswith(CONSUMER_TOKEN_PREFIX) or len(token) > 100:
        return None
    consumer = db.session.scalar(
        sa.select(ChannelConsumer).where(ChannelConsumer.token_hash == token_digest(token))
    )
    if consumer is None or consumer.revoked_at is not None:
        return None
    return consumer


def authorize_consumer(consumer: ChannelConsumer, channel_code: str | None = None) -> Channel:
    """Return the channel the consumer may read now; Forbidden when it may not.

    The channel must still be an enabled pull channel; a request naming a channel must name
    the consumer's own.
    """
    channel = consumer.channel
    if channel_code is not None and channel_code != channel.code:
        raise Forbidden(NOT_THIS_CHANNEL)
    if not channel.is_pull:
        raise Forbidden(NOT_PULL)
    if not channel.enabled:
        raise Forbidden(NOT_ENABLED)
    return channel

"""The notifications outbox and the templates each user turned off."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.db_types import LabelledEnum, UTCDateTime, str_enum, utcnow
from recruit.extensions import db


class NotifyChannel(LabelledEnum):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class NotificationState(LabelledEnum):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Notification(db.Model):
    """One message to one address on one channel, written in the event's transaction.

    The worker claims a due row (claim + claimed_until, set by a compare-and-set UPDATE so two
    workers never both win), hands it to the provider after that commit, and records the
    provider's answer. A claim whose worker died expires and the row is tried again.
    """

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_state_due", "state", "next_attempt_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The account it was sent to; none for an address given directly (an invitation).
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    channel: so.Mapped[NotifyChannel] = so.mapped_column(str_enum(NotifyChannel, length=10))
    #: The mobile number or e-mail address, as it was when the message was written.
    address: so.Mapped[str] = so.mapped_column(sa.String(254))
    template: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    params: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    state: so.Mapped[NotificationState] = so.mapped_column(
        str_enum(NotificationState, length=10), default=NotificationState.PENDING
    )
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: The worker holding the row and until when; a claim past its time is free again.
    claim: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    claimed_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    provider: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    provider_message_id: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.template} {self.channel.value} {self.state.value}>"


class NotificationOptOut(db.Model):
    """A user turned an optional template off (on /account); no row means it is on."""

    __tablename__ = "notification_opt_outs"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    template: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class NotificationOnce(db.Model):
    """A message that goes out once per key (one fair reminder per participation, one digest a
    day per person): a job that runs twice finds the key and sends nothing more."""

    __tablename__ = "notification_once"

    key: so.Mapped[str] = so.mapped_column(sa.String(100), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

"""Channels, the desired and delivered state of each posting, and the sync run ledger."""

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.hybrid import hybrid_property

from recruit.db_types import LabelledEnum, UTCDateTime, str_enum, utcnow
from recruit.extensions import db

if TYPE_CHECKING:
    from recruit.positions.models import Position


#: The longest portal address and token variable name a channel keeps.
BASE_URL_MAX = 300
TOKEN_ENV_MAX = 80
#: The longest schedule text, e.g. "mon 02:00" (stored canonical, so well under this).
SCHEDULE_MAX = 40
#: Requests a channel's run keeps in flight at most (DESIGN §4: a bounded number, default 8).
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 32
#: Remote links from a portal are kept only with one of these schemes (never javascript: …).
LINK_SCHEMES = ("http", "https")


def token_env_for(code: str) -> str:
    """Return the one environment variable a channel's token may be read from."""
    return f"RECRUIT_CHANNEL_{code.upper()}_TOKEN"


def safe_link(url: str | None) -> str | None:
    """Return the url when it is an absolute http(s) link, None otherwise."""
    url = (url or "").strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return None
    return url


class ChannelKind(LabelledEnum):
    HTTP_JSON = "http_json", "接口推送（协议 v1）"
    XLSX_EXPORT = "xlsx_export", "Excel 导出"
    FEED = "feed", "数据订阅"
    #: The integrator reads GET /api/v1/postings/changes with a token we issue; never pushed.
    PULL = "pull", "拉取接口"


class Channel(db.Model):
    __tablename__ = "channels"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(60))
    kind: so.Mapped[ChannelKind] = so.mapped_column(str_enum(ChannelKind))
    enabled: so.Mapped[bool] = so.mapped_column(default=False)
    #: Scope: region codes (with their sub-regions), industry chain codes, fair types.
    #: An empty list means no restriction on that dimension.
    scope_regions: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    scope_industry_chains: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    scope_fair_types: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    #: Day names and local time in Asia/Shanghai, e.g. "mon 02:00".
    schedule: so.Mapped[str] = so.mapped_column(sa.String(SCHEDULE_MAX), default="mon 02:00")
    base_url: so.Mapped[str | None] = so.mapped_column(sa.String(BASE_URL_MAX))
    #: The name of the environment variable holding the token; the token is never stored.
    token_env: so.Mapped[str | None] = so.mapped_column(sa.String(TOKEN_ENV_MAX))
    #: Kind-specific settings: field mapping, xlsx column template, feed options.
    settings: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    #: How many requests a run keeps in flight at most (http_json).
    concurrency: so.Mapped[int] = so.mapped_column(
        default=DEFAULT_CONCURRENCY, server_default=str(DEFAULT_CONCURRENCY)
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def schedule_label(self) -> str:
        """Return the schedule for people, e.g. 每周一 02:00（上海时间）."""
        day, _, at = (self.schedule or "").partition(" ")
        name = DAY_LABELS.get(day.lower())
        return f"每周{name} {at}" if name and at else self.schedule

    @property
    def has_endpoint(self) -> bool:
        """Whether the channel pushes to an address (base_url) with a token (token_env)."""
        return self.kind is ChannelKind.HTTP_JSON

    @property
    def token_variable(self) -> str:
        """Return the environment variable this channel's token must be read from."""
        return token_env_for(self.code)

    @property
    def is_pull(self) -> bool:
        """Whether integrators pull the channel's changes (no run ever sends anything)."""
        return self.kind is ChannelKind.PULL

    @property
    def is_scheduled(self) -> bool:
        """Whether the push sync and the scheduler run this channel: enabled and not pulled."""
        return self.enabled and not self.is_pull

    @property
    def has_public_feed(self) -> bool:
        """Whether /feeds/<code>.json and .xml answer: an enabled feed channel."""
        return self.kind is ChannelKind.FEED and self.enabled

    def __repr__(self) -> str:
        return f"<Channel {self.code} {self.kind.value} enabled={self.enabled}>"


#: Weekdays as a schedule names them ("mon 02:00"), and as people read them.
DAY_LABELS = {
    "mon": "一",
    "tue": "二",
    "wed": "三",
    "thu": "四",
    "fri": "五",
    "sat": "六",
    "sun": "日",
}


class Desired(LabelledEnum):
    PUBLISHED = "published", "发布"
    WITHDRAWN = "withdrawn", "撤下"


class PostingState(LabelledEnum):
    PENDING = "pending", "待同步"
    SYNCED = "synced", "已同步"
    FAILED = "failed", "失败"
    WITHDRAWN = "withdrawn", "已撤下"


class ChannelPosting(db.Model):
    """What a channel should show of one position, and what it was last given."""

    __tablename__ = "channel_postings"
    __table_args__ = (
        sa.UniqueConstraint(
            "channel_id", "position_id", name="uq_channel_postings_channel_position"
        ),
        sa.Index("ix_channel_postings_channel_state", "channel_id", "state"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channels.id"))
    position_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("positions.id"), index=True)
    desired: so.Mapped[Desired] = so.mapped_column(str_enum(Desired))
    state: so.Mapped[PostingState] = so.mapped_column(
        str_enum(PostingState), default=PostingState.PENDING
    )
    #: The position revision the channel acknowledged last.
    delivered_revision: so.Mapped[int | None]
    #: SHA-256 of the last acknowledged document; an equal hash means nothing to send.
    payload_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    remote_id: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    remote_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: The revision the portal refused (400/409/422); not retried until the position changes.
    failed_revision: so.Mapped[int | None]
    last_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    synced_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Raised on every change of what the row asks for (desired state, the position's
    #: content); a run records an answer only if the row is still what it planned from.
    desired_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    #: Times the posting was published again after a withdrawal. It raises the revision the
    #: Idempotency-Key names, so a republished posting never reuses a key already answered.
    republications: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    channel: so.Mapped[Channel] = so.relationship()
    position: so.Mapped["Position"] = so.relationship()

    def key_revision(self, position_revision: int) -> int:
        """Return the revision the Idempotency-Key names for this row's next delivery."""
        return position_revision + self.republications

    @property
    def remote_link(self) -> str | None:
        """Return the portal's link to the posting when it is a plain http(s) link."""
        return safe_link(self.remote_url)

    @hybrid_property
    def can_retry(self) -> bool:
        """Whether a manager may send it again by hand: refused by the channel (failed)."""
        return self.state is PostingState.FAILED

    @can_retry.inplace.expression
    @classmethod
    def _can_retry_expression(cls) -> sa.ColumnElement[bool]:
        return cls.state == PostingState.FAILED

    @hybrid_property
    def retried_next_run(self) -> bool:
        """Whether the last tries failed only for now (5xx, timeouts): the next run retries."""
        return self.state is PostingState.PENDING and self.last_error is not None

    @retried_next_run.inplace.expression
    @classmethod
    def _retried_next_run_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.state == PostingState.PENDING, cls.last_error.is_not(None))

    def __repr__(self) -> str:
        return (
            f"<ChannelPosting ch={self.channel_id} pos={self.position_id} "
            f"{self.desired.value}/{self.state.value}>"
        )


class SyncTrigger(LabelledEnum):
    SCHEDULE = "schedule", "定时"
    CATCH_UP = "catch_up", "补跑"
    FOLLOW_UP = "follow_up", "自动重试"
    MANUAL = "manual", "手动"
    VERIFY = "verify", "核对"


class SyncStatus(LabelledEnum):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    COMPLETED = "completed", "已完成"
    #: The pass ended but some items stayed pending (they failed for now, or changed).
    INCOMPLETE = "incomplete", "未完成"
    STOPPED = "stopped", "已中止"
    FAILED = "failed", "失败"


#: A weekly run in one of these states gets a follow-up in the same week's ledger row.
UNFINISHED = (SyncStatus.INCOMPLETE, SyncStatus.STOPPED, SyncStatus.FAILED)


class SyncRun(db.Model):
    """One run of a channel's sync; scheduled runs are unique per ISO week (Asia/Shanghai)."""

    __tablename__ = "sync_runs"
    __table_args__ = (
        sa.UniqueConstraint("channel_id", "week", name="uq_sync_runs_channel_week"),
        sa.Index("ix_sync_runs_channel_started", "channel_id", "started_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channels.id"))
    trigger: so.Mapped[SyncTrigger] = so.mapped_column(str_enum(SyncTrigger))
    #: ISO week such as "2026-W47" for scheduled runs; NULL for manual runs.
    week: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    status: so.Mapped[SyncStatus] = so.mapped_column(
        str_enum(SyncStatus), default=SyncStatus.RUNNING
    )
    dry_run: so.Mapped[bool] = so.mapped_column(default=False)
    #: Re-check the failed rows too (a manual run's option, kept while it waits in the queue).
    force: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    #: When it started (for a queued run: when it was queued, until it starts).
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Refreshed while running; a stale heartbeat lets another process take the run over.
    heartbeat_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    started_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created: so.Mapped[int] = so.mapped_column(default=0)
    updated: so.Mapped[int] = so.mapped_column(default=0)
    withdrawn: so.Mapped[int] = so.mapped_column(default=0)
    unchanged: so.Mapped[int] = so.mapped_column(default=0)
    failed: so.Mapped[int] = so.mapped_column(default=0)
    skipped: so.Mapped[int] = so.mapped_column(default=0)
    #: Progress of this attempt: rows to look at, rows settled, rows a request was sent for.
    total: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    processed: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    sent: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    #: The channel's rows still pending when the attempt ended (read from the table).
    pending: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    #: A weekly run left unfinished tries again at this time, in the same ledger row.
    next_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: How many times the week's run was tried again (follow-ups and takeovers).
    follow_ups: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    #: Why the run stopped early (认证失败, circuit open …) and per-item messages.
    errors: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    #: The workbook an xlsx_export run wrote (a file name under the instance folder).
    output_file: so.Mapped[str | None] = so.mapped_column(sa.String(120))

    channel: so.Mapped[Channel] = so.relationship()

    @property
    def acknowledged(self) -> int:
        """Return how many items the portal acknowledged in this attempt."""
        return self.created + self.updated + self.withdrawn

    @property
    def is_active(self) -> bool:
        """Whether the run waits in the queue or is running."""
        return self.status in (SyncStatus.QUEUED, SyncStatus.RUNNING)

    def __repr__(self) -> str:
        return f"<SyncRun {self.id} ch={self.channel_id} {self.week} {self.status.value}>"


class ChangeAction(LabelledEnum):
    PUBLISHED = "published", "发布"
    CHANGED = "changed", "更新"
    WITHDRAWN = "withdrawn", "撤下"


class ChangeFeed(db.Model):
    """A pull channel's change log head: its last sequence number, and the lock of its writers."""

    __tablename__ = "change_feeds"

    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channels.id"), primary_key=True)
    #: The sequence number of the channel's latest change (0 before the first).
    last_seq: so.Mapped[int] = so.mapped_column(default=0)
    #: Changes up to this number were compacted away; an older cursor has expired (410).
    pruned_through: so.Mapped[int] = so.mapped_column(default=0)
    #: When the log was last compared with the postings the channel should show.
    swept_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<ChangeFeed ch={self.channel_id} seq={self.last_seq}>"


class PostingChange(db.Model):
    """One entry of a pull channel's change log: a posting published, changed or withdrawn."""

    __tablename__ = "posting_changes"
    __table_args__ = (
        sa.UniqueConstraint("channel_id", "seq", name="uq_posting_changes_channel_seq"),
        sa.Index("ix_posting_changes_channel_position", "channel_id", "position_id", "seq"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channels.id"))
    #: Gap-free and increasing within the channel: the cursor a consumer follows.
    seq: so.Mapped[int]
    position_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("positions.id"))
    ref: so.Mapped[str] = so.mapped_column(sa.String(20))
    action: so.Mapped[ChangeAction] = so.mapped_column(str_enum(ChangeAction))
    revision: so.Mapped[int]
    #: The posting document as the channel received it (NULL for a withdrawal).
    document: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    #: SHA-256 of the encoded document: an equal hash means the posting did not change.
    digest: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PostingChange ch={self.channel_id} #{self.seq} {self.ref} {self.action.value}>"


#: The longest consumer name, and the prefix of the tokens issued to consumers.
CONSUMER_NAME_MAX = 60
CONSUMER_TOKEN_PREFIX = "rc_"


class ChannelConsumer(db.Model):
    """An integrator reading a pull channel with a token we issued (stored as its hash)."""

    __tablename__ = "channel_consumers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channels.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(CONSUMER_NAME_MAX))
    #: SHA-256 of the token; the token itself is shown once when issued and never kept.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: The first characters of the token, so people can tell tokens apart.
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The cursor the consumer was last handed (changes or snapshot), and when.
    last_cursor: so.Mapped[int | None]
    last_read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reads: so.Mapped[int] = so.mapped_column(default=0)

    channel: so.Mapped[Channel] = so.relationship()

    @property
    def active(self) -> bool:
        """Whether the token is still accepted."""
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ChannelConsumer {self.id} ch={self.channel_id} {self.prefix}…>"

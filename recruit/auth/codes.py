"""One-time codes and links that prove a person receives messages at an address.

A 6-digit code goes by SMS, a signed link by e-mail. Only a keyed hash of either secret is
stored; a row is spent once (used_at), dies at expires_at, and a code dies after its tries.
Password reset (recruit.auth.reset) and contact verification (recruit.auth.contact) both issue
them. ContactRequest rows count what each client address and each account asked for, so the
rate limits hold across gunicorn workers, and for usernames that name no account alike.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from recruit.auth.models import User
from recruit.db_types import LabelledEnum, UTCDateTime, str_enum, utcnow
from recruit.extensions import db


class CodePurpose(LabelledEnum):
    PASSWORD_RESET = "password_reset", "重置密码"
    VERIFY_MOBILE = "verify_mobile", "验证手机号"
    VERIFY_EMAIL = "verify_email", "验证邮箱"


class CodeChannel(LabelledEnum):
    SMS = "sms", "短信验证码"
    EMAIL = "email", "邮件链接"


class AccountCode(db.Model):
    """A code (SMS) or link (e-mail) sent to one of a user's addresses, stored as a hash."""

    __tablename__ = "account_codes"
    __table_args__ = (sa.Index("ix_account_codes_user_purpose", "user_id", "purpose"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    purpose: so.Mapped[CodePurpose] = so.mapped_column(str_enum(CodePurpose))
    channel: so.Mapped[CodeChannel] = so.mapped_column(str_enum(CodeChannel, length=10))
    #: The mobile or e-mail it went to; a verification counts only while the user still has it.
    target: so.Mapped[str] = so.mapped_column(sa.String(254))
    #: HMAC-SHA256 (keyed with SECRET_KEY) of the code or the link's nonce.
    secret_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: Spent: used once, or replaced by a newer one, or voided by a successful reset.
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: A staff member who sent it (a reset sent from the user lists); None: the person asked.
    sent_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])

    @property
    def is_live(self) -> bool:
        return self.used_at is None and self.expires_at > utcnow()

    def __repr__(self) -> str:
        return f"<AccountCode {self.id} {self.purpose.value} user={self.user_id}>"


class RequestKind(LabelledEnum):
    SEND = "send", "发送"
    WRONG_CODE = "wrong_code", "验证码错误"
    #: A seeker's entry at a fair, by address and by mobile (recruit.seekers.services).
    ENTRY = "entry", "入场登记"
    APPLY = "apply", "投递"


class ContactRequest(db.Model):
    """One request to send a code, or one wrong code typed: what the rate limits count.

    `account` is "user:<id>" for an account found, else the identifier as typed (lower-cased),
    so guessing at names that exist and names that do not is counted the same way.
    """

    __tablename__ = "contact_requests"
    __table_args__ = (
        sa.Index("ix_contact_requests_account_at", "account", "at"),
        sa.Index("ix_contact_requests_address_at", "address", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[RequestKind] = so.mapped_column(str_enum(RequestKind, length=12))
    account: so.Mapped[str] = so.mapped_column(sa.String(254))
    address: so.Mapped[str] = so.mapped_column(sa.String(45))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ContactRequest {self.kind.value} {self.account!r} from {self.address}>"


def digest(secret: str) -> str:
    """Return the keyed hash a code or nonce is stored as."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    """Return a random 6-digit code."""
    return f"{secrets.randbelow(1_000_000):06d}"


def matches(row: AccountCode | None, secret: str) -> bool:
    """Compare a typed secret with a row in constant time (a missing row matches nothing)."""
    expected = row.secret_hash if row is not None else digest("-")
    return hmac.compare_digest(expected, digest(secret or "")) and row is not None


def issue(
    user: User,
    purpose: CodePurpose,
    channel: CodeChannel,
    target: str,
    lifetime: timedelta,
    *,
    sent_by: User | None = None,
) -> tuple[AccountCode, str]:
    """Add a code row and return it with its secret (a code, or a link token to e-mail).

    Earlier live codes of the same purpose and channel are spent: only the newest one works.
    """
    now = utcnow()
    db.session.execute(
        sa.update(AccountCode)
        .where(
            AccountCode.user_id == user.id,
            AccountCode.purpose == purpose,
            AccountCode.channel == channel,
            AccountCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    secret = new_code() if channel is CodeChannel.SMS else secrets.token_urlsafe(24)
    row = AccountCode(
        user_id=user.id,
        purpose=purpose,
        channel=channel,
        target=target,
        secret_hash=digest(secret),
        created_at=now,
        expires_at=now + lifetime,
        sent_by_id=getattr(sent_by, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    if channel is CodeChannel.EMAIL:
        secret = _serializer(purpose).dumps([row.id, secret])
    return row, secret


def live_code(user: User, purpose: CodePurpose, channel: CodeChannel) -> AccountCode | None:
    """Return the user's newest unspent code of this kind (it may have expired), or None."""
    return db.session.scalar(
        sa.select(AccountCode)
        .where(
            AccountCode.user_id == user.id,
            AccountCode.purpose == purpose,
            AccountCode.channel == channel,
            AccountCode.used_at.is_(None),
        )
        .order_by(AccountCode.id.desc())
        .limit(1)
    )


def spend_all(user: User, purpose: CodePurpose) -> None:
    """Spend every unspent code of the user for this purpose (after a reset, say)."""
    db.session.execute(
        sa.update(AccountCode)
        .where(
            AccountCode.user_id == user.id,
            AccountCode.purpose == purpose,
            AccountCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )


class LinkState(LabelledEnum):
    OK = "ok", "有效"
    INVALID = "invalid", "链接无效"
    EXPIRED = "expired", "链接已过期"
    USED = "used", "链接已使用"


def _serializer(purpose: CodePurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"recruit.auth.link.{purpose.value}"
    )


#: Longest link token the doors look at; a real one is about 90 characters.
MAX_LINK_TOKEN = 300


def read_link(token: str, purpose: CodePurpose) -> tuple[LinkState, AccountCode | None]:
    """Return what a link token is worth: its row when OK, and why not otherwise."""
    if not token or len(token) > MAX_LINK_TOKEN:
        return LinkState.INVALID, None
    try:
        # No max_age: the row's own expires_at decides, so a link reads "expired", not "invalid".
        data = _serializer(purpose).loads(token)
    except BadData:
        return LinkState.INVALID, None
    if not (
        isinstance(data, list)
        and len(data) == 2
        and isinstance(data[0], int)
        and isinstance(data[1], str)
    ):
        return LinkState.INVALID, None
    row = db.session.get(AccountCode, data[0])
    if row is None or row.purpose is not purpose or not matches(row, data[1]):
        return LinkState.INVALID, None
    if row.used_at is not None:
        return LinkState.USED, row
    if row.expires_at <= utcnow():
        return LinkState.EXPIRED, row
    return LinkState.OK, row


def window() -> timedelta:
    """Return the window the rate limits count over."""
    return timedelta(minutes=current_app.config["CONTACT_LIMIT_MINUTES"])


def count_requests(*, account: str | None = None, address: str | None = None, kind=None) -> tuple:
    """Return how many requests (of a kind) the account or address made in the window, and
    when the oldest of them was."""
    since = utcnow() - window()
    query = sa.select(sa.func.count(ContactRequest.id), sa.func.min(ContactRequest.at)).where(
        ContactRequest.at > since
    )
    if account is not None:
        query = query.where(ContactRequest.account == account)
    if address is not None:
        query = query.where(ContactRequest.address == address)
    if kind is not None:
        query = query.where(ContactRequest.kind == kind)
    count, oldest = db.session.execute(query).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=since.tzinfo)
    return count, oldest


def note_request(kind: RequestKind, account: str, address: str) -> None:
    """Count a request; the caller commits (even when it then refuses)."""
    db.session.add(ContactRequest(kind=kind, account=account[:254], address=(address or "-")[:45]))


#: Requests are kept this long, well past any window; the daily purge deletes the rest.
REQUESTS_KEPT = timedelta(days=1)
#: Spent and expired codes are kept this long for the record, then deleted.
CODES_KEPT = timedelta(days=30)


def purge_old_codes() -> int:
    """Delete old request counts and long-dead codes; return how many rows (caller commits)."""
    now = utcnow()
    requests = db.session.execute(
        sa.delete(ContactRequest).where(ContactRequest.at < now - REQUESTS_KEPT)
    ).rowcount
    codes = db.session.execute(
        sa.delete(AccountCode).where(AccountCode.expires_at < now - CODES_KEPT)
    ).rowcount
    return (requests or 0) + (codes or 0)

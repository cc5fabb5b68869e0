"""Sign-in throttling kept in the database, so it holds across gunicorn workers.

Three counts, each over the last LOGIN_THROTTLE_MINUTES: failures from one address (any
account), failures for one account from clients it does not know, and failures from one known
device (see recruit.auth.devices). A known device is judged by its own failures only, so guessing
from elsewhere never locks the owner's own browser out.
"""

import math
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from recruit.db_types import UTCDateTime, utcnow
from recruit.errors import ServiceError
from recruit.extensions import db


class LoginAttempt(db.Model):
    """One failed password check, by the username typed, the address and the device."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_address_at", "address", "at"),
        sa.Index("ix_login_attempts_device_at", "device", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: As typed, lower-cased; may name no account (guessing counts too).
    username: so.Mapped[str] = so.mapped_column(sa.String(64))
    address: so.Mapped[str] = so.mapped_column(sa.String(45))
    #: The nonce of the device cookie the client brought for this account; None for a
    #: client the account does not know, whose failures count against the account.
    device: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.username!r} from {self.address}>"


class Throttled(ServiceError):
    """Too many failures: the password is not even checked for `retry_after` more seconds."""

    status = 429

    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        minutes = max(1, math.ceil(self.retry_after / 60))
        super().__init__(f"登录失败次数过多，为保护账号安全已暂停登录，请在 {minutes} 分钟后再试。")

    @property
    def headers(self) -> dict[str, str]:
        """Return the HTTP headers the API answers with (Retry-After, in seconds)."""
        return {"Retry-After": str(self.retry_after)}


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])


def _account(username: str | None) -> str:
    return (username or "").strip().lower()[:64]


def check_throttle(username: str, address: str, device: str | None = None) -> None:
    """Raise Throttled when the address, or the account (device) has failed too often lately.

    `device` is the nonce of a device cookie valid for this account: its own failures count
    instead of the account's.
    """
    config = current_app.config
    since = utcnow() - _window()
    if device is None:
        mine = sa.and_(LoginAttempt.username == _account(username), LoginAttempt.device.is_(None))
    else:
        mine = LoginAttempt.device == device
    for condition, limit in (
        (mine, config["LOGIN_MAX_PER_ACCOUNT"]),
        (LoginAttempt.address == (address or "-"), config["LOGIN_MAX_PER_ADDRESS"]),
    ):
        count, oldest = db.session.execute(
            sa.select(sa.func.count(LoginAttempt.id), sa.func.min(LoginAttempt.at)).where(
                condition, LoginAttempt.at > since
            )
        ).one()
        if count >= limit:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=since.tzinfo)
            raise Throttled((oldest + _window() - utcnow()).total_seconds())


def record_failure(username: str, address: str, device: str | None = None) -> None:
    """Note a failed password check; the caller commits."""
    db.session.add(LoginAttempt(username=_account(username), address=address or "-", device=device))


def clear_failures(username: str) -> None:
    """Forget an account's failures after a successful sign-in, its devices' ones too.

    The owner is back: a client the account does not know may try again, as after the wait.
    """
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == _account(username)))


#: Failures are kept this long, well past any throttle window; the daily job deletes the rest.
ATTEMPTS_KEPT = timedelta(days=1)


def purge_old_attempts() -> int:
    """Delete attempts older than ATTEMPTS_KEPT; return how many (the caller commits)."""
    result = db.session.execute(
        sa.delete(LoginAttempt).where(LoginAttempt.at < utcnow() - ATTEMPTS_KEPT)
    )
    return result.rowcount or 0

"""Sign-in throttling kept in the database, so it holds across gunicorn workers."""

import math
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from recruit.db_types import UTCDateTime, utcnow
from recruit.extensions import db


class LoginAttempt(db.Model):
    """One failed sign-in, by the username typed and the address it came from."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: As typed, lower-cased; may name no account (guessing counts too).
    username: so.Mapped[str] = so.mapped_column(sa.String(64))
    address: so.Mapped[str] = so.mapped_column(sa.String(45))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.username!r} from {self.address}>"


class Throttled(Exception):
    """Too many failures: sign-in refused for `wait` more seconds."""

    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait

    def message(self) -> str:
        minutes = max(1, math.ceil(self.wait / 60))
        return f"登录失败次数过多，为保护账号安全已暂停登录，请在 {minutes} 分钟后再试。"


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])


def check_throttle(username: str, address: str) -> None:
    """Raise Throttled when the account or the address has failed too often lately."""
    config = current_app.config
    since = utcnow() - _window()
    for column, value, limit in (
        (LoginAttempt.username, (username or "").strip().lower(), config["LOGIN_MAX_PER_ACCOUNT"]),
        (LoginAttempt.address, address or "-", config["LOGIN_MAX_PER_ADDRESS"]),
    ):
        count, oldest = db.session.execute(
            sa.select(sa.func.count(LoginAttempt.id), sa.func.min(LoginAttempt.at)).where(
                column == value, LoginAttempt.at > since
            )
        ).one()
        if count >= limit:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=since.tzinfo)
            wait = (oldest + _window() - utcnow()).total_seconds()
            raise Throttled(max(1, int(wait)))


def record_failure(username: str, address: str) -> None:
    """Note a failed sign-in; the caller commits."""
    db.session.add(
        LoginAttempt(username=(username or "").strip().lower()[:64], address=address or "-")
    )


def clear_failures(username: str) -> None:
    """Forget an account's failures after a successful sign-in."""
    db.session.execute(
        sa.delete(LoginAttempt).where(LoginAttempt.username == (username or "").strip().lower())
    )


#: Failures are kept this long, well past any throttle window; the daily job deletes the rest.
ATTEMPTS_KEPT = timedelta(days=1)


def purge_old_attempts() -> int:
    """Delete attempts older than ATTEMPTS_KEPT; return how many (the caller commits)."""
    result = db.session.execute(
        sa.delete(LoginAttempt).where(LoginAttempt.at < utcnow() - ATTEMPTS_KEPT)
    )
    return result.rowcount or 0

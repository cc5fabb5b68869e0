"""Server-side sessions: each signed-in browser is a row, so ending it ends every copy.

Flask-Login keeps "<user id>:<key>" in the session cookie and, with 记住我, in the remember-me
cookie. The key names a UserSession; every request looks it up, and a row that was ended, or
has expired, opens nothing, whoever copied the cookie. Sign-out ends the browser's own row; a
password change and "sign out everywhere" end all of the user's rows and revoke the user's API
tokens.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, g, has_request_context, request, session
from flask_login import user_logged_in

from recruit.audit.services import record_audit
from recruit.auth.models import ApiToken, Role, User, UserSession
from recruit.db_types import utcnow
from recruit.errors import Forbidden
from recruit.extensions import db
from recruit.uow import unit_of_work

#: Ended and expired sessions are kept this long (the account page lists live ones only).
SESSIONS_KEPT = timedelta(days=7)
_USER_AGENT_LENGTH = 200


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    if remember:
        duration = current_app.config.get("REMEMBER_COOKIE_DURATION", timedelta(days=365))
        return timedelta(seconds=duration) if isinstance(duration, int) else duration
    return current_app.permanent_session_lifetime


def open_session(
    user: User, *, remember: bool, address: str | None = None, user_agent: str | None = None
) -> tuple[str, UserSession]:
    """Add a live session for the user; return the id the cookies carry, and the row."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(
        user=user,
        key_hash=_digest(key),
        remember=remember,
        address=(address or "")[:45] or None,
        user_agent=(user_agent or "")[:_USER_AGENT_LENGTH] or None,
        created_at=now,
        expires_at=now + _lifetime(remember),
    )
    db.session.add(row)
    db.session.flush()
    return f"{user.id}:{key}", row


def load_session_user(session_id: str | None) -> User | None:
    """Return the user of a live session id ("<user id>:<key>"), or None.

    The session is remembered for the request (current_session) so a door can end it.
    """
    user_id, _, key = (session_id or "").partition(":")
    if not user_id.isdigit() or not key:
        return None
    row = db.session.scalar(
        sa.select(UserSession)
        .options(so.joinedload(UserSession.user))
        .where(UserSession.key_hash == _digest(key))
    )
    if (
        row is None
        or row.user_id != int(user_id)
        or row.ended_at is not None
        or row.expires_at <= utcnow()
    ):
        return None
    g.user_session = row
    return row.user


def current_session() -> UserSession | None:
    """Return the session the current request was signed in with, if any."""
    return g.get("user_session") if has_request_context() else None


def end_session(row: UserSession | None) -> None:
    """End one session (sign-out); the caller commits."""
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()


def live_sessions(user: User) -> list[UserSession]:
    """Return the user's live sessions, newest first."""
    return list(
        db.session.scalars(
            sa.select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.expires_at > utcnow(),
            )
            .order_by(UserSession.id.desc())
        )
    )


def live_counts(user_ids: list[int]) -> dict[str, dict[int, int]]:
    """Return, per user id, how many live sessions and unrevoked, unexpired API tokens they have
    ({"sessions": {id: n}, "tokens": {id: n}}): two grouped queries for a page of users."""
    now = utcnow()
    counts: dict[str, dict[int, int]] = {"sessions": {}, "tokens": {}}
    if not user_ids:
        return counts
    for key, model, live in (
        ("sessions", UserSession, (UserSession.ended_at.is_(None), UserSession.expires_at > now)),
        ("tokens", ApiToken, (ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)),
    ):
        rows = db.session.execute(
            sa.select(model.user_id, sa.func.count(model.id))
            .where(model.user_id.in_(user_ids), *live)
            .group_by(model.user_id)
        )
        counts[key] = dict(rows.all())
    return counts


def end_all_sessions(user: User, *, by, reason: str = "user.sign_out_everywhere") -> dict:
    """End every session of the user and revoke the user's API tokens; return the counts.

    The user may do it for themself, an administrator for anyone, an employer's account
    administrator for a colleague of the same employer. `reason` is the audit action (a
    password change records its own). The caller commits.
    """
    colleague = (
        by is not None
        and getattr(by, "is_employer_admin", False)
        and user.employer_id == by.employer_id
    )
    if by is None or (by.id != user.id and not by.has_role(Role.ADMIN) and not colleague):
        raise Forbidden("只有本人或系统管理员可以让该账号在所有设备上退出。")
    now = utcnow()
    sessions = db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now)
    ).rowcount
    tokens = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    counts = {"sessions": sessions or 0, "tokens": tokens or 0}
    record_audit(reason, user, by=by, summary=counts)
    return counts


def purge_ended_sessions() -> int:
    """Delete sessions ended or expired more than SESSIONS_KEPT ago; the caller commits."""
    cutoff = utcnow() - SESSIONS_KEPT
    result = db.session.execute(
        sa.delete(UserSession).where(
            sa.or_(UserSession.ended_at < cutoff, UserSession.expires_at < cutoff)
        )
    )
    return result.rowcount or 0


@user_logged_in.connect
def _open_on_sign_in(_app, user: User, **_extra) -> None:
    """Give every Flask-Login sign-in (any door) a session row of its own, and use its id.

    Doors sign in after their own unit of work has committed, so the row is committed here.
    """
    remember = session.get("_remember") == "set"
    with unit_of_work():
        session_id, row = open_session(
            user,
            remember=remember,
            address=request.remote_addr,
            user_agent=request.user_agent.string,
        )
    session["_user_id"] = session_id
    g.user_session = row

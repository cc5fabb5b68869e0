"""API tokens: created once, stored as a hash, expiring and revocable."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from recruit.audit.services import record_audit
from recruit.auth.models import ApiToken, User
from recruit.db_types import utcnow
from recruit.errors import NotFound
from recruit.extensions import db

TOKEN_PREFIX = "rk_"
#: Touch last_used_at at most this often, so reads do not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for the user; return the row and the token, which is never shown again."""
    days = days or current_app.config["API_TOKEN_DAYS"]
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip() or "API",
        token_hash=_digest(secret),
        prefix=secret[:10],
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    record_audit("api_token.create", token, by=user, summary={"name": token.name, "days": days})
    return token, secret


def user_for_token(secret: str) -> User | None:
    """Return the active user a valid, unexpired, unrevoked token belongs to, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token.user


def list_tokens(user: User) -> list[ApiToken]:
    """Return the user's tokens, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (NotFound for anyone else's); return it."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("令牌不存在。")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_audit("api_token.revoke", token, by=user, summary={"name": token.name})
    return token

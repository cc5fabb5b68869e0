"""Device cookies (OWASP): a browser or API client that signed in before is known again.

After a successful sign-in the client gets a signed token naming the accounts it signed in to,
each with a random nonce. A sign-in that brings a valid token for the account typed is judged
by that device's own failures, not by the account's: strangers guessing a password can pause
the account for fresh clients, never for the owner's own browser. Nothing about a device is
stored on the server except the failures counted against its nonce.
"""

import secrets
from datetime import timedelta

from flask import Response, current_app
from itsdangerous import BadData, URLSafeTimedSerializer

#: The cookie pages use; the API client sends the same token back as `device_token`.
DEVICE_COOKIE = "recruit_device"
#: A shared office computer may hold the devices of a few accounts; older ones drop off.
MAX_ACCOUNTS_PER_DEVICE = 8
#: The longest device token the doors accept (eight accounts fit well inside it).
MAX_DEVICE_TOKEN_LENGTH = 1024
_SALT = "recruit.auth.device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _lifetime() -> timedelta:
    return timedelta(days=current_app.config["LOGIN_DEVICE_DAYS"])


def _entries(token: str | None) -> list[tuple[str, str]]:
    """Return the (account, nonce) pairs of a valid token; an invalid one holds none."""
    if not token or len(token) > MAX_DEVICE_TOKEN_LENGTH:
        return []
    try:
        data = _serializer().loads(token, max_age=int(_lifetime().total_seconds()))
    except BadData:
        return []
    if not isinstance(data, list):
        return []
    return [
        (entry[0], entry[1])
        for entry in data
        if isinstance(entry, list)
        and len(entry) == 2
        and all(isinstance(part, str) for part in entry)
    ]


def _account(username: str | None) -> str:
    return (username or "").strip().lower()


def device_nonce(token: str | None, username: str | None) -> str | None:
    """Return the nonce the token holds for this account, or None for a fresh client."""
    account = _account(username)
    return next((nonce for name, nonce in _entries(token) if name == account), None)


def remember_device(username: str, token: str | None = None) -> str:
    """Return a device token for this account, keeping the other accounts `token` held.

    The account's nonce is new each time, so the failures counted against the old one go too.
    """
    account = _account(username)
    others = [[name, nonce] for name, nonce in _entries(token) if name != account]
    entries = [[account, secrets.token_urlsafe(12)], *others][:MAX_ACCOUNTS_PER_DEVICE]
    return _serializer().dumps(entries)


def set_device_cookie(response: Response, token: str) -> None:
    """Put the device token on the response as a long-lived, script-proof cookie."""
    config = current_app.config
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=int(_lifetime().total_seconds()),
        secure=config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        # Only the site's own forms need it: no other site's request ever carries it.
        samesite="Strict",
    )

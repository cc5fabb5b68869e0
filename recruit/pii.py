"""Seekers' personal information at rest: authenticated encryption and keyed hashes.

Phone and ID numbers are stored as Fernet tokens (AES-128-CBC with an HMAC-SHA256 tag, from the
`cryptography` package) under keys from configuration, never SECRET_KEY. Beside each sits an
HMAC-SHA256 of the normalised value under a separate hash key, so duplicates can be found with
an index and without decrypting anything. Several encryption keys may be configured: the first
encrypts, all decrypt, and `flask keys rotate` re-encrypts every row with the first.
"""

import hashlib
import hmac

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy.types import TypeDecorator

#: Every Fernet token starts with these characters (version byte 0x80, base64).
TOKEN_PREFIX = "gAAAAA"


def _cipher() -> MultiFernet:
    state = current_app.extensions.setdefault("pii", {})
    keys = tuple(current_app.config["PII_KEYS"])
    if state.get("keys") != keys:
        if not keys:
            raise RuntimeError("PII_KEYS is empty: set RECRUIT_PII_KEYS")
        state["keys"] = keys
        state["cipher"] = MultiFernet([Fernet(key) for key in keys])
    return state["cipher"]


def encrypt(value: str) -> str:
    """Return the token of a value under the current key."""
    return _cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Return the value of a token made under any configured key."""
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("PII token cannot be decrypted with the configured keys") from None


def rotate(token: str) -> str:
    """Return the token re-encrypted under the current key."""
    return _cipher().rotate(token.encode()).decode()


def pii_hash(value: str | None) -> str | None:
    """Return the keyed hash of a normalised value, for duplicate detection."""
    if not value:
        return None
    key = current_app.config["PII_HASH_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedText(TypeDecorator):
    """A text column stored encrypted; the application reads and writes plain text."""

    impl = sa.String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return decrypt(value)

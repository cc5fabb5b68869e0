"""API fixtures: bearer tokens for users of each role."""

import pytest

from recruit.auth.tokens import create_token


@pytest.fixture
def bearer(db):
    """Return a factory: user → Authorization header with a fresh token."""

    def factory(user) -> dict[str, str]:
        _token, secret = create_token(user, "test")
        db.session.flush()
        return {"Authorization": f"Bearer {secret}"}

    return factory

"""Each API operation × each role, read from the OpenAPI document itself.

A new operation fails here until its audience is classified. Forbidden callers get 401
(no token) or 403 before anything happens; allowed ones never do.
"""

import re

import pytest

from recruit.auth.models import Role

ANONYMOUS = "anonymous"
EVERYONE = {ANONYMOUS, *Role}
SIGNED_IN = set(Role)

#: (method, path pattern) → who may call it; the first match wins.
AUDIENCES = [
    (r"post /api/v1/auth/tokens$", EVERYONE),
    (r"\w+ /api/v1/auth/", SIGNED_IN),
    (r"post /api/v1/employers$", EVERYONE),
    (r"\w+ /api/v1/employer/", {Role.EMPLOYER}),
    (r"\w+ /api/v1/manage/", {Role.ADMIN, Role.ORGANIZER}),
    (r"\w+ /api/v1/reports/", {Role.ADMIN, Role.ORGANIZER, Role.VIEWER}),
    # Channel settings name where a token goes: the admin's alone; staff read, the city
    # organizer queues syncs and retries (the channels service decides, county reads only).
    (r"patch /api/v1/channels/", {Role.ADMIN}),
    (r"\w+ /api/v1/admin/", {Role.ADMIN}),
    (r"\w+ /api/v1/(channels|sync)", {Role.ADMIN, Role.ORGANIZER}),
    # The changes feed answers a pull channel's consumer token only (no user role: a user's
    # own token gets 403, none 401); tests/sync/test_changes_feed.py covers the consumers.
    (r"get /api/v1/postings/(changes|snapshot)$", set()),
    # A seeker enters a fair without an account; the seeker's own operations answer a seeker's
    # token only (none 401, a user's token 403); tests/api/test_seekers_api.py covers them.
    (r"post /api/v1/fairs/\{fair_id\}/entries$", EVERYONE),
    (r"\w+ /api/v1/seeker/", set()),
    (r"get /api/v1/(fairs|positions|employers)", EVERYONE),
]


def _audience(method: str, path: str):
    for pattern, audience in AUDIENCES:
        if re.match(pattern, f"{method} {path}"):
            return audience
    return None


def _operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path


def test_every_operation_is_classified(client):
    missing = [f"{m} {p}" for m, p in _operations(client) if _audience(m, p) is None]
    assert missing == []


@pytest.mark.parametrize("role", [ANONYMOUS, *Role], ids=lambda r: getattr(r, "value", r))
def test_each_role_reaches_exactly_its_operations(client, make_user, bearer, role):
    headers = {} if role == ANONYMOUS else bearer(make_user(role))
    for method, path in _operations(client):
        url = re.sub(r"\{\w+\}", "1", path).replace("/channels/1", "/channels/jycs")
        url = url.replace("/tokens/1", "/tokens/999999")  # never revoke the token in use
        response = client.open(url, method=method.upper(), json={}, headers=headers)
        status = response.status_code
        where = f"{role} {method.upper()} {path} → {status}"
        assert status < 500, where
        allowed = _audience(method, path)
        if role in allowed:
            assert status not in (401, 403) or path == "/api/v1/auth/tokens", where
        elif role == ANONYMOUS:
            assert status == 401, where
        else:
            assert status == 403, where

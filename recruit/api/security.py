"""Bearer-token authentication for API views; session cookies are never accepted here."""

from collections.abc import Callable
from functools import wraps

from flask import g, request

from recruit.api.errors import ApiError, ErrorSchema
from recruit.auth.models import Role, User
from recruit.auth.tokens import user_for_token

BEARER = [{"bearerAuth": []}]


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_required(*roles: Role) -> Callable:
    """Require a valid bearer token, and one of the roles when given (401 / 403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = user_for_token(_bearer_token() or "")
            if user is None:
                raise ApiError(401, "访问令牌无效、已过期或已撤销。")
            if roles and not user.has_role(*roles):
                raise ApiError(403)
            g.api_user = user
            return view(*args, **kwargs)

        return wrapped

    return decorator


def api_user() -> User:
    """Return the user the current API request authenticated as."""
    return g.api_user


def secured_by(blp, *roles: Role) -> Callable:
    """Return a decorator that enforces a token (and roles) and documents it on `blp`."""

    def decorate(view: Callable) -> Callable:
        view = token_required(*roles)(view)
        view = blp.alt_response(401, schema=ErrorSchema)(view)
        view = blp.alt_response(403, schema=ErrorSchema)(view)
        return blp.doc(security=BEARER)(view)

    return decorate

"""Bearer-token authentication for API views; session cookies are never accepted here."""

from collections.abc import Callable
from functools import wraps

from flask import g, request

from recruit.api.errors import ApiError, ErrorSchema
from recruit.auth.models import Role, User
from recruit.auth.tokens import user_for_token
from recruit.seekers.models import SeekerToken
from recruit.seekers.services import token_for

BEARER = [{"bearerAuth": []}]
#: A seeker's token (sk_…, from POST /api/v1/fairs/{fair_id}/entries), never a user's.
SEEKER_BEARER = [{"seekerToken": []}]
#: An entry takes a seeker's token when the phone holds one, and works without.
OPTIONAL_SEEKER_BEARER = [{}, {"seekerToken": []}]
NO_SEEKER_TOKEN = "需要求职者令牌（Authorization: Bearer sk_…），请先入场登记。"
BAD_SEEKER_TOKEN = "求职者令牌无效、已过期或已撤销，请重新入场登记。"
USER_TOKEN_HERE = "用户访问令牌不能用于求职者接口：请使用入场登记时获得的求职者令牌（sk_…）。"


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def bearer_secret() -> str | None:
    """Return the bearer secret the request carries, if any."""
    return _bearer_token()


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


def seeker_token_required(view: Callable) -> Callable:
    """Require a live seeker token (401); a user's own token is refused with 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        secret = _bearer_token()
        if secret is None:
            raise ApiError(401, NO_SEEKER_TOKEN)
        token = token_for(secret)
        if token is None:
            if user_for_token(secret) is not None:
                raise ApiError(403, USER_TOKEN_HERE)
            raise ApiError(401, BAD_SEEKER_TOKEN)
        g.seeker_token = token
        return view(*args, **kwargs)

    return wrapped


def seeker_token() -> SeekerToken:
    """Return the seeker token the current API request authenticated with."""
    return g.seeker_token


def seeker_secured_by(blp) -> Callable:
    """Return a decorator that enforces a seeker token and documents it on `blp`."""

    def decorate(view: Callable) -> Callable:
        view = seeker_token_required(view)
        view = blp.alt_response(401, schema=ErrorSchema)(view)
        view = blp.alt_response(403, schema=ErrorSchema)(view)
        return blp.doc(security=SEEKER_BEARER)(view)

    return decorate


def register_seeker_security(api) -> None:
    """Document the seeker token scheme on the API."""
    api.spec.components.security_scheme(
        "seekerToken",
        {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "sk_…",
            "description": (
                "求职者令牌：入场登记（POST /api/v1/fairs/{fair_id}/entries）时返回，"
                "30 天内有效，删除个人信息后即撤销"
            ),
        },
    )

"""Role checks for views."""

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from flask import abort, session
from flask_login import current_user, login_required

from recruit.auth.models import Role


def roles_required(*roles: Role) -> Callable:
    """Let signed-in users with one of these roles through; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


#: The session key holding when the user last typed the password (ISO, UTC).
SIGNED_IN_AT = "signed_in_at"


def note_password_entered() -> None:
    """Remember in the session that the password was just typed (sign-in or re-check)."""
    session[SIGNED_IN_AT] = datetime.now().astimezone().isoformat()


def password_entered_at() -> datetime | None:
    """Return when the password was last typed in this session (sign-in or re-check)."""
    value = session.get(SIGNED_IN_AT)
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None

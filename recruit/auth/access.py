"""Role checks for views."""

from collections.abc import Callable
from functools import wraps

from flask import abort
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

"""Role checks for views."""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from flask import abort, current_app, flash, redirect, request, session, url_for
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


def password_recently_entered() -> bool:
    """Return whether the password was typed within RECENT_LOGIN_MINUTES."""
    value = session.get(SIGNED_IN_AT)
    if not value:
        return False
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return False
    window = timedelta(minutes=current_app.config["RECENT_LOGIN_MINUTES"])
    return datetime.now().astimezone() - at <= window


def recent_login_required(view: Callable) -> Callable:
    """Ask for the password again unless it was typed in the last few minutes."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not password_recently_entered():
            flash("导出含求职者个人信息的数据前，请再次输入密码确认身份。", "warning")
            return redirect(url_for("auth.reauth", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped

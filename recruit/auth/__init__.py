"""Sign-in, sign-out, users and roles."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from recruit.auth import routes  # noqa: E402,F401

"""Pages anyone can see without signing in."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from recruit.public import routes  # noqa: E402,F401

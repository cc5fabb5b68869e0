"""Screens for system administrators: the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from recruit.admin import routes  # noqa: E402,F401

"""The bureau's metrics and reports."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from recruit.reports import routes  # noqa: E402,F401

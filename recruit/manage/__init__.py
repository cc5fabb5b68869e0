"""The organizer workspace (/manage): fairs, participations, on-the-day pages, review."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from recruit.manage import routes  # noqa: E402,F401

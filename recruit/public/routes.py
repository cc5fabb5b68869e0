"""The home page."""

from datetime import date

from flask import Blueprint, current_app, render_template, send_from_directory

from recruit.fairs.queries import upcoming_fairs
from recruit.formatting import local_today
from recruit.reports.metrics import compute_metrics

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    today = local_today()
    year_start = date(today.year, 1, 1)
    return render_template(
        "public/home.html",
        fairs=upcoming_fairs(limit=8),
        metrics=compute_metrics(year_start, today),
        period_start=year_start,
        period_end=today,
    )


@bp.route("/favicon.ico")
def favicon():
    """Serve the site icon where clients look for it without reading the page."""
    return send_from_directory(
        current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400
    )

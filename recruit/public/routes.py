"""The home page."""

from datetime import date

from flask import Blueprint, render_template

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

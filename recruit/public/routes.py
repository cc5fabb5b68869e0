"""The home page."""

from datetime import date

from flask import render_template

from recruit.fairs.services import upcoming_fairs
from recruit.formatting import local_today
from recruit.public import bp
from recruit.reports.services import compute_metrics


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

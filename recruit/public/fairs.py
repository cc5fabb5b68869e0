"""Public fair pages: upcoming and past fairs, and one fair with its employers and positions."""

from flask import Blueprint, abort, current_app, render_template, request

from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.positions.search import is_public
from recruit.public.queries import fair_participants, public_fairs_query

bp = Blueprint("fairs", __name__, url_prefix="/fairs")


@bp.route("/")
def index():
    when = "past" if request.args.get("when") == "past" else "upcoming"
    page = db.paginate(
        public_fairs_query(when), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template("fairs/index.html", page=page, when=when)


@bp.route("/<id:fair_id>")
def detail(fair_id: int):
    fair = db.session.get(Fair, fair_id)
    if fair is None:
        abort(404)
    participations = fair_participants(fair)
    return render_template(
        "fairs/detail.html", fair=fair, participations=participations, is_public=is_public
    )

"""Public fair pages: upcoming and past fairs, and one fair with its employers and positions."""

from flask import Blueprint, abort, current_app, render_template, request

from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.fairs.queries import fair_participants, public_fairs_query

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
    if not fair.is_public:
        # Cancelled: the same refusal as the API (not public), but a visitor who kept the link
        # or the poster's QR code learns why instead of reading "not found".
        return render_template("fairs/cancelled.html", fair=fair), 410
    return render_template("fairs/detail.html", fair=fair, participations=fair_participants(fair))

"""Public fair pages: upcoming and past fairs, and one fair with its employers and positions."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy.orm import joinedload, selectinload

from recruit.db_types import utcnow
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.positions.search import is_public

bp = Blueprint("fairs", __name__, url_prefix="/fairs")

#: Employers shown on a fair's public page: accepted by the organizer or already there.
SHOWN_PARTICIPATIONS = (ParticipationStatus.APPROVED, ParticipationStatus.ATTENDED)


@bp.route("/")
def index():
    when = "past" if request.args.get("when") == "past" else "upcoming"
    now = utcnow()
    query = sa.select(Fair).options(joinedload(Fair.region))
    if when == "upcoming":
        query = query.where(
            Fair.ends_at >= now,
            Fair.status.in_([FairStatus.PLANNED, FairStatus.OPEN, FairStatus.HELD]),
        ).order_by(Fair.starts_at, Fair.id)
    else:
        query = query.where(
            Fair.ends_at < now, Fair.status.in_([FairStatus.HELD, FairStatus.CLOSED])
        ).order_by(Fair.starts_at.desc(), Fair.id.desc())
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("fairs/index.html", page=page, when=when)


@bp.route("/<int:fair_id>")
def detail(fair_id: int):
    fair = db.session.get(Fair, fair_id)
    if fair is None:
        abort(404)
    participations = db.session.scalars(
        sa.select(Participation)
        .where(Participation.fair_id == fair.id, Participation.status.in_(SHOWN_PARTICIPATIONS))
        .options(
            joinedload(Participation.employer),
            selectinload(Participation.fair_positions).joinedload(FairPosition.position),
        )
        .order_by(Participation.booth.is_(None), Participation.booth, Participation.id)
    ).all()
    return render_template(
        "fairs/detail.html", fair=fair, participations=participations, is_public=is_public
    )

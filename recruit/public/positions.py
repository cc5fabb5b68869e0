"""Public position search and the position page with its JobPosting markup."""

import json

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup

from recruit.auth.models import Role
from recruit.extensions import db
from recruit.fairs.models import Fair, FairStatus
from recruit.positions.models import Position, PositionStatus
from recruit.positions.search import (
    SEARCH_COUNT_CAP,
    SearchFilters,
    capped_count,
    is_public,
    job_posting,
    search_positions_query,
    upcoming_fairs_offering,
)
from recruit.refdata.models import IndustryChain
from recruit.refdata.services import current_regions
from recruit.sync.services import channel_states_for

bp = Blueprint("positions", __name__, url_prefix="/positions")

#: Statuses of a position that was public once: its page says 已结束 instead of 404.
ENDED = (PositionStatus.CLOSED, PositionStatus.FILLED, PositionStatus.EXPIRED)


@bp.route("/")
def search():
    filters = SearchFilters.from_args(request.args)
    query = search_positions_query(filters)
    page = db.paginate(
        query,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
        max_per_page=current_app.config["PAGE_SIZE"],
        count=False,
    )
    # An exact total up to the cap; past it "1000+" and paging stops at the cap.
    found = capped_count(query, SEARCH_COUNT_CAP)
    page.total = min(found, SEARCH_COUNT_CAP)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "positions/search.html",
        page=page,
        more_than_cap=found > SEARCH_COUNT_CAP,
        filters=filters,
        args=args,
        regions=current_regions(current_app.config["CITY_REGION_CODE"]),
        chains=db.session.scalars(
            sa.select(IndustryChain).where(IndustryChain.active).order_by(IndustryChain.sort_order)
        ).all(),
        fairs=db.session.scalars(
            sa.select(Fair)
            .where(Fair.status.in_([FairStatus.OPEN, FairStatus.PLANNED, FairStatus.HELD]))
            .order_by(Fair.starts_at.desc())
            .limit(30)
        ).all(),
    )


def _json_ld(document: dict) -> Markup:
    text = json.dumps(document, ensure_ascii=False, indent=1)
    # Inside <script> only "</" could end the element early; escape the angle brackets.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@bp.route("/<id:position_id>")
def detail(position_id: int):
    position = db.session.get(Position, position_id)
    if position is None:
        abort(404)
    # Staff see where the position stands on every outside channel.
    staff = current_user.is_authenticated and current_user.has_role(Role.ADMIN, Role.ORGANIZER)
    states = channel_states_for(position) if staff else None
    if is_public(position):
        return render_template(
            "positions/detail.html",
            position=position,
            json_ld=_json_ld(job_posting(position)),
            fairs=upcoming_fairs_offering(position),
            states=states,
        )
    if position.status in ENDED or position.status is PositionStatus.OPEN:
        # Was public once (now closed, filled or past its date): say so, without the markup.
        return render_template("positions/ended.html", position=position, states=states), 410
    abort(404)

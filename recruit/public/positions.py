"""Public position search and the position page with its JobPosting markup."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from recruit.channels.services import channel_states_for
from recruit.extensions import db
from recruit.fairs.queries import public_fair_choices
from recruit.positions.models import Position
from recruit.positions.search import (
    SEARCH_COUNT_CAP,
    SearchFilters,
    capped_count,
    job_posting,
    search_positions_query,
    upcoming_fairs_offering,
)
from recruit.refdata.models import IndustryChain
from recruit.refdata.services import current_regions

bp = Blueprint("positions", __name__, url_prefix="/positions")


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
        fairs=public_fair_choices(),
    )


@bp.route("/<id:position_id>")
def detail(position_id: int):
    position = db.session.get(Position, position_id)
    if position is None:
        abort(404)
    # Staff see where the position stands on every outside channel; others get None.
    states = channel_states_for(current_user, position)
    if position.is_public:
        return render_template(
            "positions/detail.html",
            position=position,
            job_posting=job_posting(position),
            fairs=upcoming_fairs_offering(position),
            states=states,
        )
    if position.has_ended:
        # Was public once (now closed, filled or past its date): say so, without the markup.
        return render_template("positions/ended.html", position=position, states=states), 410
    abort(404)

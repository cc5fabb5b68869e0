"""The review queue: employers, positions and fair sign-ups waiting for an organizer."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.employers.profile import field_labels, get_change, pending_changes, review_change
from recruit.employers.review import pending_employers, review_employer
from recruit.employers.services import get_employer
from recruit.errors import Conflict, Invalid
from recruit.extensions import db
from recruit.fairs.participations import pending_participations
from recruit.manage.blueprint import PER_PAGE, bp, page_number, refuse
from recruit.manage.forms import ActionForm, NoteForm
from recruit.positions.review import (
    pending_positions,
    position_flags,
    review_position,
    screening_explanations,
)
from recruit.positions.services import get_position
from recruit.uow import unit_of_work


@bp.route("/review")
def review():
    def page(query, arg: str):
        return db.paginate(query, page=page_number(arg), per_page=PER_PAGE, error_out=False)

    positions = page(pending_positions(current_user), "ppage")
    return render_template(
        "manage/review.html",
        employers=page(pending_employers(current_user), "epage"),
        positions=positions,
        requests=page(pending_participations(current_user), "rpage"),
        changes=page(pending_changes(current_user), "cpage"),
        field_labels=field_labels,
        flags={p.id: position_flags(p) for p in positions.items},
        explanations=screening_explanations(positions.items),
        form=NoteForm(),
    )


def _decide(record, review, describe):
    """Approve or reject one pending record, then back to the queue."""
    if not ActionForm().validate_on_submit():
        abort(400)
    approve = request.form.get("decision") == "approve"
    try:
        with unit_of_work():
            review(record, approve, by=current_user, note=request.form.get("note") or "")
    except (Invalid, Conflict) as error:
        return refuse(error, url_for("manage.review"))
    flash(f"{describe(record)}：{record.status.label}。", "success")
    return redirect(url_for("manage.review"))


@bp.route("/review/employers/<id:employer_id>", methods=["POST"])
def review_employer_view(employer_id: int):
    employer = get_employer(current_user, employer_id)
    return _decide(employer, review_employer, lambda e: e.name)


@bp.route("/review/employer-changes/<id:change_id>", methods=["POST"])
def review_change_view(change_id: int):
    change = get_change(current_user, change_id)
    return _decide(change, review_change, lambda c: f"{c.old_name}的信息变更")


@bp.route("/review/positions/<id:position_id>", methods=["POST"])
def review_position_view(position_id: int):
    position = get_position(current_user, position_id)
    return _decide(position, review_position, lambda p: f"岗位“{p.title}”")

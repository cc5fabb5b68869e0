"""The employers at a fair: add them, review sign-ups, booths, the positions each offers."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.errors import Conflict, Invalid
from recruit.fairs import participations, queries
from recruit.fairs.credit import no_show_count, signup_blocked_until
from recruit.fairs.models import HOLDING_PLACE, Fair, Participation
from recruit.formatting import local_today
from recruit.forms import confirmation
from recruit.manage.blueprint import bp, refuse
from recruit.manage.forms import ActionForm, AddEmployerForm, BoothForm, NoteForm
from recruit.uow import unit_of_work


@bp.route("/fairs/<id:fair_id>/participants")
def participants(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    q = request.args.get("q", "").strip()
    listed = participations.fair_participations(fair)
    return render_template(
        "manage/participants.html",
        fair=fair,
        participations=listed,
        listed={p.employer_id for p in listed if p.status in HOLDING_PLACE},
        q=q,
        found=participations.search_approved_employers(current_user, q) if q else [],
        add_form=AddEmployerForm(),
    )


@bp.route("/fairs/<id:fair_id>/participants/add", methods=["POST"])
def participant_add(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    form = AddEmployerForm()
    if not form.validate_on_submit() or not form.employer_id.data.isdigit():
        abort(400)
    try:
        with unit_of_work():
            part = participations.add_participation(
                fair, int(form.employer_id.data), by=current_user
            )
    except (Invalid, Conflict) as error:
        return refuse(error, url_for("manage.participants", fair_id=fair.id))
    flash(f"已将{part.employer.name}加入本场招聘会，请分配展位并选择参会岗位。", "success")
    return redirect(url_for("manage.participant", fair_id=fair.id, pid=part.id))


@bp.route("/fairs/<id:fair_id>/participants/<id:pid>")
def participant(fair_id: int, pid: int):
    fair = queries.get_fair(current_user, fair_id)
    return _render_participant(fair, participations.get_participation(current_user, pid, fair))


def _render_participant(fair: Fair, part: Participation, typed=None, checked=None):
    """Show a participation; after a refused save, with what the organizer had entered."""
    offered = {fp.position_id: fp.openings for fp in part.fair_positions}
    positions = participations.offerable_positions(part.employer)
    extra = [fp.position for fp in part.fair_positions if fp.position not in positions]
    today = local_today()
    return render_template(
        "manage/participant.html",
        fair=fair,
        part=part,
        positions=positions + extra,
        offered=offered,
        typed=typed or {},
        checked=set(offered) if checked is None else checked,
        booth_form=BoothForm(booth=part.booth),
        note_form=NoteForm(),
        no_shows=no_show_count(part.employer, today),
        blocked_until=signup_blocked_until(part.employer, today),
    )


def _participant_url(fair: Fair, part: Participation) -> str:
    return url_for("manage.participant", fair_id=fair.id, pid=part.id)


@bp.route("/fairs/<id:fair_id>/participants/<id:pid>/booth", methods=["POST"])
def participant_booth(fair_id: int, pid: int):
    fair = queries.get_fair(current_user, fair_id)
    part = participations.get_participation(current_user, pid, fair)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            participations.assign_booth(part, request.form.get("booth"), by=current_user)
    except (Invalid, Conflict) as error:
        return refuse(error, _participant_url(fair, part))
    flash(f"展位已设为 {part.booth}。" if part.booth else "已释放展位。", "success")
    return redirect(_participant_url(fair, part))


@bp.route("/fairs/<id:fair_id>/participants/<id:pid>/positions", methods=["POST"])
def participant_positions(fair_id: int, pid: int):
    fair = queries.get_fair(current_user, fair_id)
    part = participations.get_participation(current_user, pid, fair)
    if not ActionForm().validate_on_submit():
        abort(400)
    typed = {
        int(key.removeprefix("openings-")): value.strip()
        for key, value in request.form.items()
        if key.startswith("openings-") and key.removeprefix("openings-").isdigit()
    }
    selected = request.form.getlist("position")
    if not all(raw.isdigit() for raw in selected):
        abort(400)
    checked = {int(raw) for raw in selected}
    if any(not typed.get(position_id, "").isdigit() for position_id in checked):
        # Not a number at all: a parse error of this form, before any rule is asked.
        flash("招聘人数：请为勾选的岗位填写正整数。", "danger")
        return _render_participant(fair, part, typed, checked)
    offers = {position_id: int(typed[position_id]) for position_id in checked}
    try:
        with unit_of_work():
            participations.set_fair_positions(part, offers, by=current_user)
    except (Invalid, Conflict) as error:
        flash(error.message, "danger")
        return _render_participant(fair, part, typed, checked)
    flash(f"已保存参会岗位：{len(offers)}个。", "success")
    return redirect(_participant_url(fair, part))


@bp.route("/fairs/<id:fair_id>/participants/<id:pid>/review", methods=["POST"])
def participant_review(fair_id: int, pid: int):
    fair = queries.get_fair(current_user, fair_id)
    part = participations.get_participation(current_user, pid, fair)
    if not ActionForm().validate_on_submit():
        abort(400)
    decision = request.form.get("decision")
    if decision not in ("approve", "reject", "withdraw"):
        abort(400)
    if decision == "withdraw":
        asked = confirmation(
            f"确定将{part.employer.name}撤出本场招聘会吗？其展位将被释放。",
            back=_participant_url(fair, part),
        )
        if asked is not None:
            return asked
    try:
        with unit_of_work():
            if decision == "withdraw":
                participations.withdraw_participation(part, by=current_user)
            else:
                participations.review_participation(
                    part,
                    decision == "approve",
                    by=current_user,
                    note=request.form.get("note") or "",
                )
    except (Invalid, Conflict) as error:
        return refuse(error, _participant_url(fair, part))
    flash(f"{part.employer.name}：{part.status.label}。", "success")
    return redirect(_participant_url(fair, part))

"""The fair day on a phone: employers checking in and seekers counted at the gate."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.errors import Conflict, Invalid
from recruit.fairs import onsite, participations, queries
from recruit.fairs.models import ACCEPTED, Fair, TallySource
from recruit.fairs.onsite import TALLY_SOURCES
from recruit.forms import confirmation
from recruit.manage.blueprint import bp, refuse
from recruit.manage.forms import ActionForm, CorrectionForm, TallyForm
from recruit.uow import unit_of_work


@bp.route("/fairs/<id:fair_id>/day")
def fair_day(fair_id: int):
    return _render_day(queries.get_fair(current_user, fair_id))


def _tally_form() -> TallyForm:
    """Return an empty tally form keeping the source last used (it is in the query string)."""
    form = TallyForm(formdata=None)
    if request.args.get("source") in {s.value for s in TALLY_SOURCES}:
        form.source.data = request.args["source"]
    return form


def _render_day(fair: Fair, correction: CorrectionForm | None = None):
    """Show the on-the-day page; a refused correction comes back with what was typed."""
    return render_template(
        "manage/day.html",
        fair=fair,
        participations=[
            p for p in participations.fair_participations(fair) if p.status in ACCEPTED
        ],
        total=onsite.tally_total(fair),
        tallies=onsite.recent_tallies(fair, limit=10),
        tally_form=_tally_form(),
        correction_form=correction or CorrectionForm(formdata=None),
        correction_open=correction is not None,
        action_form=ActionForm(formdata=None),
        late_limit=onsite.MAX_LATE_REASON,
    )


@bp.route("/fairs/<id:fair_id>/day/<id:pid>/check-in", methods=["POST"])
def check_in(fair_id: int, pid: int):
    fair = queries.get_fair(current_user, fair_id)
    part = participations.get_participation(current_user, pid, fair)
    if not ActionForm().validate_on_submit():
        abort(400)
    day = url_for("manage.fair_day", fair_id=fair.id)
    undo = bool(request.form.get("undo"))
    if undo:
        asked = confirmation(f"确定撤销{part.employer.name}的签到吗？", back=day)
        if asked is not None:
            return asked
    late = request.form.get("late_reason")
    try:
        with unit_of_work():
            if undo:
                onsite.undo_check_in(part, by=current_user, late_reason=late)
            else:
                onsite.check_in(part, by=current_user, late_reason=late)
    except (Invalid, Conflict) as error:
        return refuse(error, day)
    if undo:
        flash(f"已撤销{part.employer.name}的签到。", "success")
    else:
        flash(f"{part.employer.name} 已签到。", "success")
    return redirect(url_for("manage.fair_day", fair_id=fair.id, _anchor=f"p{part.id}"))


@bp.route("/fairs/<id:fair_id>/day/tally", methods=["POST"])
def tally(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    correcting = request.form.get("kind") == "correction"
    form = CorrectionForm() if correcting else TallyForm()
    day = url_for("manage.fair_day", fair_id=fair.id)
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
        return _render_day(fair, form) if correcting else redirect(day)
    count = -form.count.data if correcting else form.added
    source = form.source.data or TallySource.GATE.value
    if not correcting:
        # Back to the page with the same source chosen, ready for the next tap.
        day = url_for("manage.fair_day", fair_id=fair.id, source=source)
    try:
        with unit_of_work():
            onsite.add_tally(
                fair,
                count,
                source,
                by=current_user,
                reason=form.reason.data if correcting else None,
                late_reason=request.form.get("late_reason"),
            )
    except (Invalid, Conflict) as error:
        if not correcting:
            return refuse(error, day)
        flash(error.message, "danger")
        return _render_day(fair, form)
    flash(f"入场人数 {count:+d}，合计 {onsite.tally_total(fair)} 人。", "success")
    return redirect(day)

"""待回访 (the call-back work list) and the outcome history on the staff intent page.

Doors only: the due rule lives in recruit.hires.callbacks, the step rules in
recruit.hires.steps, and the full phone leaves only through recruit.hires.contact.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.errors import Conflict, Forbidden, Invalid
from recruit.fairs import queries
from recruit.formatting import local_today
from recruit.hires import callbacks, contact, intents, steps
from recruit.manage.blueprint import PER_PAGE, bp, page_number, refuse
from recruit.manage.followup_forms import AnswerForm, StepForm, VoidForm
from recruit.manage.forms import ActionForm
from recruit.uow import unit_of_work

#: Why staff see a seeker's phone on the work list (the audit entry says it).
CALL_BACK = "callback"


def _filters() -> dict:
    """Return the list's filters from the query string (or the form that came back from it)."""
    source = request.values
    milestone = source.get("milestone", type=int)
    fair = source.get("fair", type=int)
    return {
        "milestone": milestone if milestone in steps.MILESTONES else None,
        "fair": fair if fair and fair > 0 else None,
    }


def _list_args(filters: dict, page: int | None = None) -> dict:
    args = {key: value for key, value in filters.items() if value}
    if page and page > 1:
        args["page"] = page
    return args


def _render_list(filters: dict, page: int, shown: dict | None = None):
    result = callbacks.callback_page(
        current_user,
        page=page,
        per_page=PER_PAGE,
        milestone=filters["milestone"],
        fair_id=filters["fair"],
    )
    return render_template(
        "manage/callbacks.html",
        result=result,
        filters=filters,
        list_args=_list_args(filters, page),
        fairs=callbacks.callback_fairs(current_user),
        milestones=steps.MILESTONES,
        answers=callbacks.ANSWERS,
        form=AnswerForm(formdata=None),
        action_form=ActionForm(formdata=None),
        shown=shown or {},
        today=local_today(),
    )


@bp.route("/callbacks")
def callbacks_list():
    return _render_list(_filters(), page_number())


@bp.route("/callbacks/<id:hire_id>/answer", methods=["POST"])
def callback_answer(hire_id: int):
    hire = intents.get_hire(current_user, hire_id)
    filters = _filters()
    back = url_for("manage.callbacks_list", **_list_args(filters, page_number()))
    form = AnswerForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
        return redirect(back)
    try:
        with unit_of_work():
            step = callbacks.answer_callback(
                hire,
                form.answer.data,
                form.milestone.data,
                by=current_user,
                on=form.on.data,
                note=form.note.data,
            )
    except (Invalid, Conflict, Forbidden) as error:
        return refuse(error, back)
    flash(f"已登记 {hire.seeker_name} 的回访结果：{step.step.label}。", "success")
    return redirect(back)


@bp.route("/callbacks/<id:hire_id>/phone", methods=["POST"])
def callback_phone(hire_id: int):
    hire = intents.get_hire(current_user, hire_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with unit_of_work(keep_loaded=True):
        # The full phone is a disclosure: the gate records who saw it, and why.
        details = contact.disclose_contact(current_user, hire, purpose=CALL_BACK)
    return _render_list(_filters(), page_number(), shown={hire.id: details})


# --- the outcome history on the staff intent page ----------------------------------------------


def _intent_url(fair_id: int, hire_id: int) -> str:
    return url_for("manage.intent", fair_id=fair_id, hire_id=hire_id, _anchor="history")


@bp.route("/fairs/<id:fair_id>/intents/<id:hire_id>/steps", methods=["POST"])
def intent_step(fair_id: int, hire_id: int):
    fair = queries.get_fair(current_user, fair_id)
    hire = intents.get_hire(current_user, hire_id, fair)
    back = _intent_url(fair.id, hire.id)
    form = StepForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
        return redirect(back)
    try:
        with unit_of_work():
            step = steps.record_step(
                hire,
                form.step.data,
                form.on.data,
                by=current_user,
                note=form.note.data,
                milestone=form.milestone.data,
            )
    except (Invalid, Conflict, Forbidden) as error:
        return refuse(error, back)
    flash(f"已登记：{step.step.label}（{step.on}）。", "success")
    return redirect(back)


@bp.route("/fairs/<id:fair_id>/intents/<id:hire_id>/steps/<id:step_id>/void", methods=["POST"])
def intent_step_void(fair_id: int, hire_id: int, step_id: int):
    fair = queries.get_fair(current_user, fair_id)
    hire = intents.get_hire(current_user, hire_id, fair)
    step = steps.get_step(current_user, step_id)
    if step.hire_id != hire.id:
        abort(404)
    back = _intent_url(fair.id, hire.id)
    form = VoidForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            steps.void_step(step, form.reason.data, by=current_user)
    except (Invalid, Conflict, Forbidden) as error:
        return refuse(error, back)
    flash(f"已作废：{step.step.label}（{step.on}）。", "success")
    return redirect(back)

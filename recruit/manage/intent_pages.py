"""Tentative hires at a fair: the phone form, the masked list, one full record, import, export."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.auth.access import password_entered_at
from recruit.errors import Conflict, Invalid
from recruit.extensions import db
from recruit.fairs import queries, summary
from recruit.fairs.models import Fair
from recruit.formatting import local_today
from recruit.forms import choices, show_refusal
from recruit.hires import contact, imports, intents, steps
from recruit.manage.blueprint import bp, page_number
from recruit.manage.followup_forms import StepForm, VoidForm
from recruit.manage.forms import ImportForm, IntentForm
from recruit.spreadsheets import XLSX_MIMETYPE, send_download
from recruit.uow import unit_of_work


def _position_choices(fair: Fair):
    rows = [("", "请选择岗位")]
    for fp in summary.fair_offered_positions(fair):
        # The title first: a phone's drop-down shows the start of each line.
        where = f"展位{fp.participation.booth}，" if fp.participation.booth else ""
        rows.append((fp.position_id, f"{fp.position.title}（{where}{fp.position.employer.name}）"))
    return choices(rows)


def _seeker_values(form: IntentForm) -> dict:
    position = form.position_id.data or ""
    return {
        "seeker_name": form.seeker_name.data,
        "seeker_phone": form.seeker_phone.data,
        "seeker_id_number": form.seeker_id_number.data,
        "gender": form.gender.data or None,
        "education": form.education.data or None,
        "priority_groups": form.priority_groups.data,
        "position_id": int(position) if position.isdigit() else None,
    }


@bp.route("/fairs/<id:fair_id>/intents/new", methods=["GET", "POST"])
def intent_new(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    form = IntentForm()
    form.position_id.choices = _position_choices(fair)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                data = intents.clean_seeker(_seeker_values(form))
                late = form.late_reason.data
                hire = intents.register_intent(fair, data, by=current_user, late_reason=late)
        except Invalid as error:
            show_refusal(form, error)
        except Conflict as error:
            flash(error.message, "danger")
        else:
            flash(f"已登记就业意向：{hire.seeker_name} → {hire.position.title}。", "success")
            # The next seeker at the same booth usually wants the same position.
            return redirect(
                url_for("manage.intent_new", fair_id=fair.id, position=hire.position_id)
            )
    if request.method == "GET" and request.args.get("position", "").isdigit():
        form.position_id.data = request.args["position"]
    return render_template("manage/intent_form.html", fair=fair, form=form)


@bp.route("/fairs/<id:fair_id>/intents", endpoint="intents")
def intents_list(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    pagination = db.paginate(
        intents.fair_hires(fair), page=page_number(), per_page=50, error_out=False
    )
    return render_template("manage/intents.html", fair=fair, pagination=pagination)


@bp.route("/fairs/<id:fair_id>/intents/<id:hire_id>")
def intent(fair_id: int, hire_id: int):
    fair = queries.get_fair(current_user, fair_id)
    hire = intents.get_hire(current_user, hire_id, fair)
    with unit_of_work():
        # Showing the full phone and ID number is a disclosure: the gate records who saw it.
        details = contact.disclose_contact(current_user, hire, purpose="view")
    return render_template(
        "manage/intent.html",
        fair=fair,
        hire=hire,
        contact=details,
        steps=steps.history(hire),
        step_form=StepForm(formdata=None, on=local_today()),
        void_form=VoidForm(formdata=None),
        void_step_url=lambda step: url_for(
            "manage.intent_step_void", fair_id=fair.id, hire_id=hire.id, step_id=step.id
        ),
    )


@bp.route("/fairs/<id:fair_id>/import", methods=["GET", "POST"])
def intent_import(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                # A file with errors writes nothing: the result lists them, row by row.
                result = imports.import_hires(fair, form.file.data.stream, by=current_user)
        except (Invalid, Conflict) as error:
            flash(error.message, "danger")
        else:
            if result.ok:
                flash(f"导入成功：共{result.imported}条就业意向。", "success")
                return redirect(url_for("manage.intents", fair_id=fair.id))
            flash(f"文件有{len(result.errors)}处错误，未导入任何数据。请修改后重新上传。", "danger")
    return render_template("manage/import.html", fair=fair, form=form, result=result)


@bp.route("/fairs/<id:fair_id>/intents.xlsx")
def intents_export(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    with unit_of_work():
        data = contact.export_hires(
            fair, by=current_user, password_checked_at=password_entered_at()
        )
    return send_download(
        data,
        f"就业意向-{fair.id}.xlsx",
        ascii_name=f"intents-{fair.id}.xlsx",
        mimetype=XLSX_MIMETYPE,
    )


@bp.route("/fairs/<id:fair_id>/import/template.xlsx")
def import_template(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    return send_download(
        imports.build_import_template(fair, by=current_user),
        f"就业意向导入模板-{fair.id}.xlsx",
        ascii_name=f"intents-template-{fair.id}.xlsx",
        mimetype=XLSX_MIMETYPE,
    )

"""One fair's screens: create and edit, the status buttons, the overview, poster and summary."""

import io
from datetime import datetime

import segno
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.errors import Conflict, Invalid, Stale
from recruit.extensions import db
from recruit.fairs import lifecycle, participations, queries, summary
from recruit.fairs.models import Fair, FairStatus
from recruit.fairs.onsite import recent_tallies
from recruit.formatting import LOCAL_TZ, bureau_number, local_date, to_local
from recruit.forms import choices, confirmation, show_refusal
from recruit.hires.intents import fair_hires
from recruit.links import public_url
from recruit.manage.blueprint import active_chains, bp, refuse, scope_regions
from recruit.manage.forms import ActionForm, CancelForm, FairForm
from recruit.seekers.application_lists import ApplicationFilters, state_counts
from recruit.uow import unit_of_work

#: The form's field for each service field it names differently.
FAIR_FORM_ALIASES = {"industry_chain": "industry_chain_id"}


def _fair_form(fair: Fair | None = None) -> FairForm:
    form = FairForm()
    form.region_code.choices = choices((r.code, r.name) for r in scope_regions())
    form.industry_chain_id.choices = choices(
        [("", "无")] + [(c.id, c.name) for c in active_chains()]
    )
    if fair is not None and request.method == "GET":
        for name in lifecycle.FAIR_FIELDS:
            value = getattr(fair, name)
            if isinstance(value, datetime):
                value = to_local(value).replace(tzinfo=None)
            elif hasattr(value, "value"):
                value = value.value
            elif name == "industry_chain_id":
                value = str(value) if value else ""
            getattr(form, name).data = value
        form.version.data = str(fair.version)
    return form


def _form_data(form: FairForm) -> dict:
    """Return the fair's fields as typed: times read as Asia/Shanghai, blanks as None."""

    def aware(value):
        return value.replace(tzinfo=LOCAL_TZ) if value is not None else None

    chain = form.industry_chain_id.data
    return {
        "title": form.title.data,
        "type": form.type.data,
        "mode": form.mode.data,
        "region_code": form.region_code.data,
        "venue": form.venue.data,
        "starts_at": aware(form.starts_at.data),
        "ends_at": aware(form.ends_at.data),
        "organizer_unit": form.organizer_unit.data,
        "industry_chain_id": int(chain) if chain and chain.isdigit() else None,
        "booth_capacity": form.booth_capacity.data,
        "registration_deadline": aware(form.registration_deadline.data),
        "description": form.description.data,
    }


@bp.route("/fairs/new", methods=["GET", "POST"])
def fair_new():
    form = _fair_form()
    if request.method == "GET":
        form.organizer_unit.data = current_user.display_name or "株洲市公共就业服务中心"
        if current_user.region_code:
            form.region_code.data = current_user.region_code
    if form.validate_on_submit():
        try:
            with unit_of_work():
                fair = lifecycle.create_fair(_form_data(form), by=current_user)
        except Invalid as error:
            show_refusal(form, error, FAIR_FORM_ALIASES)
        else:
            flash(f"已创建招聘会“{fair.title}”。", "success")
            return redirect(url_for("manage.fair", fair_id=fair.id))
    return render_template("manage/fair_form.html", form=form, fair=None)


@bp.route("/fairs/<id:fair_id>/edit", methods=["GET", "POST"])
def fair_edit(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    form = _fair_form(fair)
    stale = None
    if form.validate_on_submit():
        raw_version = (form.version.data or "").strip()
        version = int(raw_version) if raw_version.isdigit() else None
        try:
            with unit_of_work():
                lifecycle.update_fair(fair, _form_data(form), version=version, by=current_user)
        except Stale:
            # Show what is saved now beside what the organizer typed.
            fair = queries.get_fair(current_user, fair_id)
            stale = {"fair": fair}
            flash(lifecycle.stale_message(fair), "danger")
            # The organizer's text stays in the form; the next save is based on what is saved now.
            form.version.data = str(fair.version)
        except Invalid as error:
            show_refusal(form, error, FAIR_FORM_ALIASES)
        else:
            flash("已保存修改。", "success")
            return redirect(url_for("manage.fair", fair_id=fair.id))
    return render_template("manage/fair_form.html", form=form, fair=fair, stale=stale)


@bp.route("/fairs/<id:fair_id>/status", methods=["POST"])
def fair_status(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    try:
        status = FairStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    if not CancelForm().validate_on_submit():
        abort(400)
    back = url_for("manage.fair", fair_id=fair.id)
    if status is FairStatus.CANCELLED:
        asked = confirmation(f"取消后不能恢复。确定取消“{fair.title}”吗？", back=back)
        if asked is not None:
            return asked
    try:
        with unit_of_work():
            reason = request.form.get("reason")
            lifecycle.set_fair_status(fair, status, by=current_user, reason=reason)
    except (Invalid, Conflict) as error:
        return refuse(error, back)
    flash(f"招聘会状态已改为“{fair.status_label}”。", "success")
    return redirect(back)


@bp.route("/fairs/<id:fair_id>/close", methods=["POST"])
def fair_close(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    asked = confirmation(
        f"结束后，未签到的企业将记为未到场，且不能再修改参会信息。确定结束“{fair.title}”吗？",
        back=url_for("manage.fair", fair_id=fair.id),
    )
    if asked is not None:
        return asked
    try:
        with unit_of_work():
            result = lifecycle.close_fair(fair, by=current_user)
    except (Invalid, Conflict) as error:
        return refuse(error, url_for("manage.fair", fair_id=fair.id))
    flash(
        f"招聘会已结束：{result.attended}家企业记为到场，{result.no_show}家记为未到场。",
        "success",
    )
    for employer, until in result.blocked:
        flash(f"{employer.name}：近期多次未到场，{local_date(until)}前不能报名招聘会。", "warning")
    return redirect(url_for("manage.fair_summary", fair_id=fair.id))


@bp.route("/fairs/<id:fair_id>/region", methods=["POST"])
def fair_region(fair_id: int):
    """Correct a fair's region (an admin's audited fix, also after the fair closed)."""
    fair = queries.get_fair(current_user, fair_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    back = url_for("manage.fair", fair_id=fair.id)
    try:
        with unit_of_work():
            lifecycle.correct_fair_region(
                fair,
                request.form.get("region_code"),
                reason=request.form.get("reason"),
                by=current_user,
            )
    except Invalid as error:
        return refuse(error, back)
    flash("已更正举办地区，更正原因已记入操作日志。", "success")
    return redirect(back)


@bp.route("/fairs/<id:fair_id>")
def fair(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    return render_template(
        "manage/fair.html",
        fair=fair,
        metrics=summary.fair_metrics(fair),
        application_counts=state_counts(current_user, fair, ApplicationFilters()),
        entry_counts=summary.fair_entry_counts(fair),
        participations=participations.fair_participations(fair),
        offered=summary.fair_offered_positions(fair),
        recent_hires=db.session.scalars(fair_hires(fair).limit(10)).all(),
        tallies=recent_tallies(fair, limit=10),
        transition_labels=lifecycle.TRANSITION_LABELS,
        cancel_form=CancelForm(),
        action_form=ActionForm(),
        public_url=_public_fair_url(fair),
        region_choices=scope_regions(),
    )


def _public_fair_url(fair: Fair) -> str:
    return public_url("fairs.detail", fair_id=fair.id)


@bp.route("/fairs/<id:fair_id>/metrics.json")
def fair_metrics_json(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    metrics = summary.fair_metrics(fair)
    return {
        "fair_id": fair.id,
        "status": fair.status.value,
        "metrics": {k: bureau_number(v) for k, v in metrics.as_dict().items() if k != "fairs"},
    }


@bp.route("/fairs/<id:fair_id>/qr.svg")
def fair_qr(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    qr = segno.make(_public_fair_url(fair), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=6, border=2, title=fair.title, encoding="utf-8")
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


@bp.route("/fairs/<id:fair_id>/poster")
def fair_poster(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    # Scanned at the gate: the entry form (扫码入场); before the day it says when it opens and
    # links to the fair's page.
    qr = segno.make(public_url("seekers.entry", fair_id=fair.id), error="m")
    return render_template(
        "manage/poster.html",
        fair=fair,
        qr_svg=qr.svg_inline(border=4, omitsize=True),
        public_url=_public_fair_url(fair),
        offered=summary.fair_offered_positions(fair),
    )


@bp.route("/fairs/<id:fair_id>/booth-qr")
def fair_booth_qr(fair_id: int):
    """Every booth's QR code, to print and set on the booths: it opens the booth's page."""
    fair = queries.get_fair(current_user, fair_id)
    booths = []
    for part in queries.fair_participants(fair):
        if part.booth:
            url = public_url("seekers.booth", fair_id=fair.id, booth=part.booth)
            qr = segno.make(url, error="m")
            booths.append((part, url, qr.svg_inline(border=4, omitsize=True)))
    return render_template("manage/booth_qr.html", fair=fair, booths=booths)


@bp.route("/fairs/<id:fair_id>/summary")
def fair_summary(fair_id: int):
    fair = queries.get_fair(current_user, fair_id)
    return render_template("manage/summary.html", summary=summary.fair_summary(fair))

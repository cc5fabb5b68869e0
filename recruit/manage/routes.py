"""Organizer screens: thin views over the fairs, hires and review services."""

import calendar
import io
from datetime import date, datetime, timedelta
from urllib.parse import urljoin

import segno
import sqlalchemy as sa
from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from recruit.audit.services import record_audit
from recruit.auth.access import recent_login_required, roles_required
from recruit.auth.models import Role
from recruit.auth.scope import scope_region_codes
from recruit.employers.models import Employer
from recruit.employers.review import ReviewError, pending_employers, review_employer
from recruit.extensions import db
from recruit.fairs import services as fairs
from recruit.fairs.credit import signup_blocked_until
from recruit.fairs.models import Fair, FairStatus, ParticipationStatus, TallySource
from recruit.fairs.services import FairError, StaleFairError
from recruit.formatting import LOCAL_TZ, bureau_number, local_date, local_today, to_local
from recruit.hires import services as hires
from recruit.manage import bp
from recruit.manage.forms import (
    AddEmployerForm,
    BoothForm,
    CancelForm,
    CorrectionForm,
    FairForm,
    ImportForm,
    IntentForm,
    NoteForm,
    TallyForm,
    choices,
)
from recruit.positions.models import Position
from recruit.positions.review import pending_positions, position_flags, review_position
from recruit.refdata.codes import FairMode, FairType
from recruit.refdata.models import IndustryChain
from recruit.refdata.services import current_regions
from recruit.validators import mask_id_number, mask_phone

staff_only = roles_required(Role.ADMIN, Role.ORGANIZER)
PER_PAGE = 20


@bp.before_request
@staff_only
def require_staff():
    """Every organizer screen is for admins and organizers only."""


@bp.app_template_filter("mask_phone")
def _mask_phone(value):
    return mask_phone(value)


@bp.app_template_filter("mask_id")
def _mask_id(value):
    return mask_id_number(value)


def _fair_or_404(fair_id: int) -> Fair:
    fair = fairs.get_scoped_fair(current_user, fair_id)
    if fair is None:
        abort(404)
    return fair


def _page() -> int:
    return max(request.args.get("page", 1, type=int), 1)


@bp.errorhandler(StaleDataError)
def stale_record(_error):
    """Another organizer saved the same fair a moment ago: nothing was written, try again."""
    db.session.rollback()
    flash("其他人刚刚修改了这场招聘会，您的操作未执行。请查看最新信息后重试。", "danger")
    fair_id = (request.view_args or {}).get("fair_id")
    if fair_id is not None:
        return redirect(url_for("manage.fair", fair_id=fair_id))
    return redirect(url_for("manage.index"))


def _refuse(error: Exception, endpoint: str = "manage.fair", **values):
    db.session.rollback()
    flash(str(error), "danger")
    return redirect(url_for(endpoint, **values))


def _scope_regions():
    codes = scope_region_codes(current_user)
    regions = current_regions()
    return [r for r in regions if codes is None or r.code in codes]


def _chains():
    return list(
        db.session.scalars(
            sa.select(IndustryChain).where(IndustryChain.active).order_by(IndustryChain.sort_order)
        )
    )


# --- workspace, lists, calendar -------------------------------------------------


@bp.route("/")
def index():
    todays, upcoming = fairs.workspace_fairs(current_user)
    counts = {
        "employers": db.session.scalar(
            sa.select(sa.func.count()).select_from(pending_employers(current_user).subquery())
        ),
        "positions": db.session.scalar(
            sa.select(sa.func.count()).select_from(
                pending_positions(current_user).with_only_columns(Position.id).subquery()
            )
        ),
        "participations": fairs.pending_participation_count(current_user),
    }
    return render_template(
        "manage/index.html",
        todays=todays,
        upcoming=upcoming,
        to_close=fairs.fairs_to_close(current_user),
        counts=counts,
    )


def _date_arg(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        flash(f"日期格式不正确：{value}（应为 年-月-日）。", "warning")
        return None


@bp.route("/fairs")
def fairs_list():
    args = request.args
    filters = fairs.FairFilters(
        start=_date_arg("start"),
        end=_date_arg("end"),
        region=args.get("region") or None,
        type=args.get("type") if args.get("type") in {t.value for t in FairType} else None,
        mode=args.get("mode") if args.get("mode") in {m.value for m in FairMode} else None,
        industry_chain_id=args.get("chain", type=int),
        status=args.get("status") if args.get("status") in {s.value for s in FairStatus} else None,
        q=args.get("q") or None,
    )
    pagination = db.paginate(
        fairs.filter_fairs(current_user, filters), page=_page(), per_page=PER_PAGE, error_out=False
    )
    query_args = {k: v for k, v in args.items() if k != "page" and v}
    return render_template(
        "manage/fairs.html",
        pagination=pagination,
        regions=_scope_regions(),
        chains=_chains(),
        statuses=list(FairStatus),
        args=args,
        query_args=query_args,
    )


@bp.route("/calendar")
def calendar_view():
    today = local_today()
    try:
        year, month = (int(x) for x in request.args.get("month", "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    by_day: dict[date, list[Fair]] = {}
    for fair in fairs.fairs_between(current_user, first, last):
        by_day.setdefault(to_local(fair.starts_at).date(), []).append(fair)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render_template(
        "manage/calendar.html",
        first=first,
        weeks=weeks,
        by_day=by_day,
        today=today,
        previous=previous,
        following=following,
    )


# --- create and edit -------------------------------------------------------------


def _fair_form(fair: Fair | None = None) -> FairForm:
    form = FairForm(obj=None)
    form.region_code.choices = choices((r.code, r.name) for r in _scope_regions())
    form.industry_chain_id.choices = choices([("", "无")] + [(c.id, c.name) for c in _chains()])
    if fair is not None and request.method == "GET":
        for name in fairs.FAIR_FIELDS:
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
    def aware(value):
        return value.replace(tzinfo=LOCAL_TZ) if value is not None else None

    return {
        "title": form.title.data.strip(),
        "type": FairType(form.type.data),
        "mode": FairMode(form.mode.data),
        "region_code": form.region_code.data,
        "venue": (form.venue.data or "").strip() or None,
        "starts_at": aware(form.starts_at.data),
        "ends_at": aware(form.ends_at.data),
        "organizer_unit": form.organizer_unit.data.strip(),
        "industry_chain_id": int(form.industry_chain_id.data)
        if form.industry_chain_id.data
        else None,
        "booth_capacity": form.booth_capacity.data,
        "registration_deadline": aware(form.registration_deadline.data),
        "description": (form.description.data or "").strip(),
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
            fair = fairs.create_fair(_form_data(form), by=current_user)
            db.session.commit()
        except FairError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            flash(f"已创建招聘会“{fair.title}”。", "success")
            return redirect(url_for("manage.fair", fair_id=fair.id))
    return render_template("manage/fair_form.html", form=form, fair=None)


@bp.route("/fairs/<id:fair_id>/edit", methods=["GET", "POST"])
def fair_edit(fair_id: int):
    fair = _fair_or_404(fair_id)
    form = _fair_form(fair)
    stale = None
    if form.validate_on_submit():
        try:
            raw_version = (form.version.data or "").strip()
            version = int(raw_version) if raw_version.isdigit() else 0
            fairs.update_fair(fair, _form_data(form), version=version, by=current_user)
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            fair = _fair_or_404(fair_id)
            stale = StaleFairError(fair)
        except StaleFairError as error:
            db.session.rollback()
            stale = error
        except FairError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            flash("已保存修改。", "success")
            return redirect(url_for("manage.fair", fair_id=fair.id))
        if stale is not None:
            fair = _fair_or_404(fair_id)
            flash(str(stale), "danger")
            # The organizer's text stays in the form; the next save is based on what is saved now.
            form.version.data = str(fair.version)
    return render_template("manage/fair_form.html", form=form, fair=fair, stale=stale)


@bp.route("/fairs/<id:fair_id>/status", methods=["POST"])
def fair_status(fair_id: int):
    fair = _fair_or_404(fair_id)
    try:
        status = FairStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    if status is FairStatus.CANCELLED:
        form = CancelForm()
        if not form.validate_on_submit():
            flash("取消原因：请填写取消原因。", "danger")
            return redirect(url_for("manage.fair", fair_id=fair.id))
        reason = form.reason.data
    else:
        if not NoteForm().validate_on_submit():
            abort(400)
        reason = None
    try:
        fairs.set_fair_status(fair, status, by=current_user, reason=reason)
        db.session.commit()
    except FairError as error:
        return _refuse(error, fair_id=fair.id)
    flash(f"招聘会状态已改为“{fair.status.label}”。", "success")
    return redirect(url_for("manage.fair", fair_id=fair.id))


@bp.route("/fairs/<id:fair_id>/close", methods=["POST"])
def fair_close(fair_id: int):
    fair = _fair_or_404(fair_id)
    if not NoteForm().validate_on_submit():
        abort(400)
    try:
        result = fairs.close_fair(fair, by=current_user)
        db.session.commit()
    except FairError as error:
        return _refuse(error, fair_id=fair.id)
    flash(
        f"招聘会已结束：{result.attended}家企业记为到场，{result.no_show}家记为未到场。",
        "success",
    )
    for employer, until in result.blocked:
        flash(f"{employer.name}：近期多次未到场，{local_date(until)}前不能报名招聘会。", "warning")
    return redirect(url_for("manage.fair_summary", fair_id=fair.id))


# --- the fair page ----------------------------------------------------------------


@bp.route("/fairs/<id:fair_id>")
def fair(fair_id: int):
    fair = _fair_or_404(fair_id)
    participations = fairs.fair_participations(fair)
    recent = db.session.scalars(hires.fair_hires(fair).limit(10)).all()
    return render_template(
        "manage/fair.html",
        fair=fair,
        metrics=fairs.fair_metrics(fair),
        participations=participations,
        offered=fairs.fair_offered_positions(fair),
        recent_hires=recent,
        tallies=fairs.recent_tallies(fair, limit=10),
        transitions=fairs.TRANSITIONS[fair.status],
        transition_labels=fairs.TRANSITION_LABELS,
        cancel_form=CancelForm(),
        action_form=NoteForm(),
        public_url=_public_fair_url(fair),
    )


def _public_fair_url(fair: Fair) -> str:
    return urljoin(request.url_root, f"fairs/{fair.id}")


@bp.route("/fairs/<id:fair_id>/metrics.json")
def fair_metrics_json(fair_id: int):
    fair = _fair_or_404(fair_id)
    metrics = fairs.fair_metrics(fair)
    return {
        "fair_id": fair.id,
        "status": fair.status.value,
        "metrics": {k: bureau_number(v) for k, v in metrics.as_dict().items() if k != "fairs"},
    }


@bp.route("/fairs/<id:fair_id>/qr.svg")
def fair_qr(fair_id: int):
    fair = _fair_or_404(fair_id)
    qr = segno.make(_public_fair_url(fair), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=6, border=2, title=fair.title, encoding="utf-8")
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


@bp.route("/fairs/<id:fair_id>/poster")
def fair_poster(fair_id: int):
    fair = _fair_or_404(fair_id)
    qr = segno.make(_public_fair_url(fair), error="m")
    return render_template(
        "manage/poster.html",
        fair=fair,
        qr_svg=qr.svg_inline(border=4, omitsize=True),
        public_url=_public_fair_url(fair),
        offered=fairs.fair_offered_positions(fair),
    )


@bp.route("/fairs/<id:fair_id>/summary")
def fair_summary(fair_id: int):
    fair = _fair_or_404(fair_id)
    return render_template("manage/summary.html", summary=fairs.fair_summary(fair))


# --- participations and booths ----------------------------------------------------


@bp.route("/fairs/<id:fair_id>/participants")
def participants(fair_id: int):
    fair = _fair_or_404(fair_id)
    q = request.args.get("q", "").strip()
    found = fairs.search_approved_employers(current_user, q) if q else []
    participations = fairs.fair_participations(fair)
    listed = {p.employer_id for p in participations if p.status in fairs.ACTIVE_PARTICIPATION}
    return render_template(
        "manage/participants.html",
        fair=fair,
        participations=participations,
        listed=listed,
        q=q,
        found=found,
        add_form=AddEmployerForm(),
    )


@bp.route("/fairs/<id:fair_id>/participants/add", methods=["POST"])
def participant_add(fair_id: int):
    fair = _fair_or_404(fair_id)
    form = AddEmployerForm()
    if not form.validate_on_submit() or not form.employer_id.data.isdigit():
        abort(400)
    employer = db.session.get(Employer, int(form.employer_id.data))
    if employer is None:
        abort(404)
    _in_scope_or_404(employer.region_code)
    try:
        part = fairs.add_participation(fair, employer, by=current_user)
        db.session.commit()
    except FairError as error:
        return _refuse(error, "manage.participants", fair_id=fair.id)
    flash(f"已将{employer.name}加入本场招聘会，请分配展位并选择参会岗位。", "success")
    return redirect(url_for("manage.participant", fair_id=fair.id, pid=part.id))


def _part_or_404(fair: Fair, pid: int):
    part = fairs.get_participation(fair, pid)
    if part is None:
        abort(404)
    return part


@bp.route("/fairs/<id:fair_id>/participants/<id:pid>")
def participant(fair_id: int, pid: int):
    fair = _fair_or_404(fair_id)
    return _render_participant(fair, _part_or_404(fair, pid))


def _render_participant(fair: Fair, part, typed: dict[int, str] | None = None, checked=None):
    """Show a participation; after a refused save, with what the organizer had entered."""
    offered = {fp.position_id: fp.openings for fp in part.fair_positions}
    positions = fairs.offerable_positions(part.employer)
    extra = [fp.position for fp in part.fair_positions if fp.position not in positions]
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
        no_shows=fairs.no_show_count(part.employer, local_today()),
        blocked_until=signup_blocked_until(part.employer, local_today()),
    )


@bp.route("/fairs/<id:fair_id>/participants/<id:pid>/booth", methods=["POST"])
def participant_booth(fair_id: int, pid: int):
    fair = _fair_or_404(fair_id)
    part = _part_or_404(fair, pid)
    form = BoothForm()
    back = {"endpoint": "manage.participant", "fair_id": fair.id, "pid": part.id}
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for(**back))
    try:
        fairs.assign_booth(part, form.booth.data, by=current_user)
        db.session.commit()
    except FairError as error:
        return _refuse(error, **back)
    except IntegrityError:
        return _refuse(FairError("展位号：该展位刚被其他人分配，请换一个展位。"), **back)
    flash(f"展位已设为 {part.booth}。" if part.booth else "已释放展位。", "success")
    return redirect(url_for(**back))


@bp.route("/fairs/<id:fair_id>/participants/<id:pid>/positions", methods=["POST"])
def participant_positions(fair_id: int, pid: int):
    fair = _fair_or_404(fair_id)
    part = _part_or_404(fair, pid)
    if not NoteForm().validate_on_submit():
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
    try:
        offers = {}
        for position_id in checked:
            openings = typed.get(position_id, "")
            if not openings.isdigit():
                raise FairError("招聘人数：请为勾选的岗位填写正整数。")
            offers[position_id] = int(openings)
        fairs.set_fair_positions(part, offers, by=current_user)
        db.session.commit()
    except FairError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _render_participant(fair, part, typed, checked)
    flash(f"已保存参会岗位：{len(offers)}个。", "success")
    return redirect(url_for("manage.participant", fair_id=fair.id, pid=part.id))


@bp.route("/fairs/<id:fair_id>/participants/<id:pid>/review", methods=["POST"])
def participant_review(fair_id: int, pid: int):
    fair = _fair_or_404(fair_id)
    part = _part_or_404(fair, pid)
    form = NoteForm()
    back = {"endpoint": "manage.participant", "fair_id": fair.id, "pid": part.id}
    if not form.validate_on_submit():
        return _refuse(FairError("审核意见：不能超过500个字。"), **back)
    decision = request.form.get("decision")
    try:
        if decision == "withdraw":
            fairs.withdraw_participation(part, by=current_user)
        elif decision in ("approve", "reject"):
            fairs.review_participation(
                part, decision == "approve", by=current_user, note=form.note.data or ""
            )
        else:
            abort(400)
        db.session.commit()
    except FairError as error:
        return _refuse(error, **back)
    flash(f"{part.employer.name}：{part.status.label}。", "success")
    return redirect(url_for(**back))


# --- on the day -------------------------------------------------------------------


@bp.route("/fairs/<id:fair_id>/day")
def fair_day(fair_id: int):
    return _render_day(_fair_or_404(fair_id))


def _render_day(fair: Fair, correction: CorrectionForm | None = None):
    """Show the on-the-day page; a refused correction comes back with what was typed."""
    return render_template(
        "manage/day.html",
        fair=fair,
        participations=[
            p
            for p in fairs.fair_participations(fair)
            if p.status in (ParticipationStatus.APPROVED, ParticipationStatus.ATTENDED)
        ],
        total=fairs.tally_total(fair),
        tallies=fairs.recent_tallies(fair, limit=10),
        tally_form=TallyForm(formdata=None),
        correction_form=correction or CorrectionForm(formdata=None),
        correction_open=correction is not None,
        action_form=NoteForm(formdata=None),
    )


@bp.route("/fairs/<id:fair_id>/day/<id:pid>/check-in", methods=["POST"])
def check_in(fair_id: int, pid: int):
    fair = _fair_or_404(fair_id)
    part = _part_or_404(fair, pid)
    if not NoteForm().validate_on_submit():
        abort(400)
    try:
        if request.form.get("undo"):
            fairs.undo_check_in(part, by=current_user)
            message = f"已撤销{part.employer.name}的签到。"
        else:
            fairs.check_in(part, by=current_user)
            message = f"{part.employer.name} 已签到。"
        db.session.commit()
    except FairError as error:
        return _refuse(error, "manage.fair_day", fair_id=fair.id)
    flash(message, "success")
    return redirect(url_for("manage.fair_day", fair_id=fair.id, _anchor=f"p{part.id}"))


@bp.route("/fairs/<id:fair_id>/day/tally", methods=["POST"])
def tally(fair_id: int):
    fair = _fair_or_404(fair_id)
    correcting = request.form.get("kind") == "correction"
    form = CorrectionForm() if correcting else TallyForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
        if correcting:
            return _render_day(fair, form)
        return redirect(url_for("manage.fair_day", fair_id=fair.id))
    count = -form.count.data if correcting else form.count.data
    try:
        fairs.add_tally(
            fair,
            count,
            form.source.data or TallySource.GATE.value,
            by=current_user,
            reason=form.reason.data if correcting else None,
        )
        db.session.commit()
    except FairError as error:
        if correcting:
            db.session.rollback()
            flash(str(error), "danger")
            return _render_day(fair, form)
        return _refuse(error, "manage.fair_day", fair_id=fair.id)
    flash(f"入场人数 {count:+d}，合计 {fairs.tally_total(fair)} 人。", "success")
    return redirect(url_for("manage.fair_day", fair_id=fair.id))


def _position_choices(fair: Fair):
    rows = [("", "请选择岗位")]
    for fp in fairs.fair_offered_positions(fair):
        booth = fp.participation.booth or "—"
        label = f"{booth} · {fp.position.employer.name} · {fp.position.title}"
        rows.append((fp.position_id, label))
    return choices(rows)


@bp.route("/fairs/<id:fair_id>/intents/new", methods=["GET", "POST"])
def intent_new(fair_id: int):
    fair = _fair_or_404(fair_id)
    form = IntentForm()
    form.position_id.choices = _position_choices(fair)
    if form.validate_on_submit():
        try:
            data = hires.clean_seeker(
                name=form.seeker_name.data,
                phone=form.seeker_phone.data,
                id_number=form.seeker_id_number.data,
                gender=form.gender.data or None,
                education=form.education.data or None,
                priority_groups=form.priority_groups.data,
                position_id=int(form.position_id.data),
            )
            hire = hires.register_intent(fair, data, by=current_user)
            db.session.commit()
        except FairError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            flash(f"已登记就业意向：{hire.seeker_name} → {hire.position.title}。", "success")
            # The next seeker at the same booth usually wants the same position.
            return redirect(
                url_for("manage.intent_new", fair_id=fair.id, position=hire.position_id)
            )
    if request.method == "GET" and request.args.get("position", "").isdigit():
        form.position_id.data = request.args["position"]
    return render_template("manage/intent_form.html", fair=fair, form=form)


@bp.route("/fairs/<id:fair_id>/intents")
def intents(fair_id: int):
    fair = _fair_or_404(fair_id)
    pagination = db.paginate(hires.fair_hires(fair), page=_page(), per_page=50, error_out=False)
    return render_template("manage/intents.html", fair=fair, pagination=pagination)


@bp.route("/fairs/<id:fair_id>/intents/<id:hire_id>")
def intent(fair_id: int, hire_id: int):
    fair = _fair_or_404(fair_id)
    hire = hires.get_fair_hire(fair, hire_id)
    if hire is None:
        abort(404)
    # Showing the full phone and ID number is a disclosure of personal data: record who saw it.
    record_audit("hire.view_pii", hire, by=current_user, summary={"fair_id": fair.id})
    db.session.commit()
    return render_template("manage/intent.html", fair=fair, hire=hire)


@bp.route("/fairs/<id:fair_id>/import", methods=["GET", "POST"])
def intent_import(fair_id: int):
    fair = _fair_or_404(fair_id)
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        try:
            result = hires.import_hires(fair, form.file.data.stream, by=current_user)
        except FairError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            if result.ok:
                db.session.commit()
                flash(f"导入成功：共{result.imported}条就业意向。", "success")
                return redirect(url_for("manage.intents", fair_id=fair.id))
            db.session.rollback()
            flash(f"文件有{len(result.errors)}处错误，未导入任何数据。请修改后重新上传。", "danger")
    return render_template("manage/import.html", fair=fair, form=form, result=result)


@bp.route("/fairs/<id:fair_id>/intents.xlsx")
@recent_login_required
def intents_export(fair_id: int):
    fair = _fair_or_404(fair_id)
    data = hires.export_hires(fair, by=current_user)
    db.session.commit()
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"就业意向-{fair.id}.xlsx",
    )


@bp.route("/fairs/<id:fair_id>/import/template.xlsx")
def import_template(fair_id: int):
    fair = _fair_or_404(fair_id)
    return send_file(
        io.BytesIO(hires.build_import_template(fair)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"就业意向导入模板-{fair.id}.xlsx",
    )


# --- review queue -------------------------------------------------------------------


@bp.route("/review")
def review():
    employers = db.paginate(
        pending_employers(current_user),
        page=request.args.get("epage", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    positions = db.paginate(
        pending_positions(current_user),
        page=request.args.get("ppage", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    flags = {p.id: position_flags(p) for p in positions.items}
    requests = db.paginate(
        fairs.pending_participations(current_user),
        page=request.args.get("rpage", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "manage/review.html",
        employers=employers,
        positions=positions,
        requests=requests,
        flags=flags,
        form=NoteForm(),
    )


def _in_scope_or_404(region_code: str) -> None:
    codes = scope_region_codes(current_user)
    if codes is not None and region_code not in codes:
        abort(404)


def _review(model, object_id: int, region_of, review, describe):
    """Approve or reject one pending record in the organizer's scope, then back to the queue."""
    record = db.session.get(model, object_id)
    if record is None:
        abort(404)
    _in_scope_or_404(region_of(record))
    form = NoteForm()
    if not form.validate_on_submit():
        return _refuse(ReviewError("审核意见：不能超过500个字。"), "manage.review")
    approve = request.form.get("decision") == "approve"
    try:
        review(record, approve, by=current_user, note=form.note.data or "")
        db.session.commit()
    except ReviewError as error:
        return _refuse(error, "manage.review")
    flash(f"{describe(record)}：{record.status.label}。", "success")
    return redirect(url_for("manage.review"))


@bp.route("/review/employers/<id:employer_id>", methods=["POST"])
def review_employer_view(employer_id: int):
    return _review(
        Employer, employer_id, lambda e: e.region_code, review_employer, lambda e: e.name
    )


@bp.route("/review/positions/<id:position_id>", methods=["POST"])
def review_position_view(position_id: int):
    return _review(
        Position,
        position_id,
        lambda p: p.work_region_code,
        review_position,
        lambda p: f"岗位“{p.title}”",
    )

"""The signed-in employer's screens. Every lookup is scoped to current_user.employer: any
other employer's id answers 404, exactly like an id that does not exist."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.exc import StaleDataError

from recruit.auth.access import roles_required
from recruit.auth.models import Role
from recruit.db_types import utcnow
from recruit.employers.fair_signup import (
    SignupError,
    open_fairs_query,
    own_participation,
    sign_up_for_fair,
    signable_positions,
    signup_open,
    withdraw_participation,
)
from recruit.employers.forms import ActionForm, OutcomeForm
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db
from recruit.fairs.credit import signup_blocked_until
from recruit.fairs.models import Fair, FairPosition, FairStatus, Participation
from recruit.formatting import local_today
from recruit.hires.models import Outcome
from recruit.hires.outcomes import (
    RECORDABLE,
    OutcomeError,
    employer_hires_query,
    get_employer_hire,
    record_outcome,
)
from recruit.positions.forms import PositionForm
from recruit.positions.models import Position, PositionStatus
from recruit.positions.services import (
    PositionError,
    close_position,
    create_position,
    duplicate_position,
    reopen_position,
    submit_position,
    update_position,
    validate_position_data,
)
from recruit.refdata.services import current_regions
from recruit.reminders.services import intents_awaiting_outcome

#: The signed-in employer's screens; every route reaches only that employer's records.
bp = Blueprint("employer", __name__, url_prefix="/employer")


@bp.before_request
@roles_required(Role.EMPLOYER)
def require_employer():
    """Only employer accounts reach these screens."""


def _employer() -> Employer:
    return current_user.employer


def _own_position(position_id: int) -> Position:
    position = db.session.scalar(
        sa.select(Position).where(
            Position.id == position_id, Position.employer_id == _employer().id
        )
    )
    if position is None:
        abort(404)
    return position


def _own_participation(participation_id: int) -> Participation:
    participation = db.session.scalar(
        sa.select(Participation).where(
            Participation.id == participation_id, Participation.employer_id == _employer().id
        )
    )
    if participation is None:
        abort(404)
    return participation


def _per_page() -> int:
    return current_app.config["PAGE_SIZE"]


def _position_form(position: Position | None = None) -> PositionForm:
    regions = [
        r
        for r in current_regions(current_app.config["CITY_REGION_CODE"])
        if r.code != current_app.config["CITY_REGION_CODE"]
    ]
    form = PositionForm(obj=position, regions=regions)
    if position is None and request.method == "GET":
        employer = _employer()
        form.work_region_code.data = employer.region_code
        form.work_address.data = employer.address
        form.contact_name.data = employer.contact_name
        form.contact_phone.data = employer.contact_phone
    if position is not None and request.method == "GET":
        form.occupation_major_group.data = str(position.occupation_major_group)
        form.version.data = str(position.version)
    return form


def _add_rule_errors(form: PositionForm) -> None:
    """Show the service's messages for the fields that parsed, next to the parse errors."""
    try:
        validate_position_data(form.service_data())
    except PositionError as error:
        form.show_errors({k: v for k, v in error.errors.items() if not form.errors.get(k)})
    flash("请按提示修改后再提交。", "danger")


def _back(default: str = "employer.positions"):
    # Only paths inside /employer/: anything else in `next` would be an open redirect.
    target = request.form.get("next") or ""
    if not target.startswith("/employer/") or "//" in target or "\\" in target:
        target = url_for(default)
    return redirect(target)


# --- dashboard --------------------------------------------------------------------------------


@bp.route("/")
def index():
    employer = _employer()
    counts = dict(
        db.session.execute(
            sa.select(Position.status, sa.func.count(Position.id))
            .where(Position.employer_id == employer.id)
            .group_by(Position.status)
        ).all()
    )
    pending_outcomes = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            employer_hires_query(employer, Outcome.INTENT).order_by(None).subquery()
        )
    )
    signups = db.session.scalars(
        sa.select(Participation)
        .join(Fair, Fair.id == Participation.fair_id)
        .where(Participation.employer_id == employer.id, Fair.ends_at >= utcnow())
        .order_by(Fair.starts_at)
        .limit(10)
    ).all()
    return render_template(
        "employer/index.html",
        employer=employer,
        counts={PositionStatus(k): v for k, v in counts.items()},
        pending_outcomes=pending_outcomes,
        overdue_outcomes=len(intents_awaiting_outcome(employer)),
        signups=signups,
        blocked_until=signup_blocked_until(employer, local_today())
        if employer.status is EmployerStatus.APPROVED
        else None,
        statuses=PositionStatus,
    )


# --- positions --------------------------------------------------------------------------------


@bp.route("/positions")
def positions():
    employer = _employer()
    query = (
        sa.select(Position)
        .where(Position.employer_id == employer.id)
        .order_by(Position.updated_at.desc(), Position.id.desc())
    )
    status = request.args.get("status")
    if status in {s.value for s in PositionStatus}:
        query = query.where(Position.status == PositionStatus(status))
    page = db.paginate(query, per_page=_per_page(), error_out=False)
    return render_template(
        "employer/positions.html",
        page=page,
        status=status,
        statuses=PositionStatus,
        action_form=ActionForm(),
    )


@bp.route("/positions/new", methods=["GET", "POST"])
def position_new():
    form = _position_form()
    if form.validate_on_submit():
        try:
            position = create_position(_employer(), form.service_data())
        except PositionError as error:
            db.session.rollback()
            form.show_errors(error.errors)
        else:
            db.session.commit()
            flash(f"岗位“{position.title}”已保存为草稿，确认无误后请提交审核。", "success")
            return redirect(url_for("employer.position_edit", position_id=position.id))
    elif request.method == "POST":
        _add_rule_errors(form)
    return render_template("employer/position_form.html", form=form, position=None)


@bp.route("/positions/<id:position_id>/edit", methods=["GET", "POST"])
def position_edit(position_id: int):
    position = _own_position(position_id)
    form = _position_form(position if request.method == "GET" else None)
    if request.method == "POST" and form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        was_open = position.status is PositionStatus.OPEN
        try:
            changed = update_position(position, form.service_data(), version=version)
            db.session.commit()
        except PositionError as error:
            db.session.rollback()
            form.show_errors(error.errors)
        except StaleDataError:
            db.session.rollback()
            form.form_errors.append("该岗位已被他人修改，请刷新页面后重新编辑。")
        else:
            if not changed:
                flash("内容没有变化。", "info")
            elif was_open and position.status is PositionStatus.PENDING:
                flash("岗位已修改。由于改动了需审核的内容，岗位已重新进入审核。", "warning")
            else:
                flash("岗位已保存。", "success")
            return redirect(url_for("employer.position_edit", position_id=position.id))
    elif request.method == "POST":
        _add_rule_errors(form)
    return render_template(
        "employer/position_form.html", form=form, position=position, action_form=ActionForm()
    )


def _position_action(position_id: int, action, success: str):
    position = _own_position(position_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = action(position)
        db.session.commit()
    except PositionError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return None, position
    flash(success.format(title=position.title), "success")
    return result, position


@bp.route("/positions/<id:position_id>/duplicate", methods=["POST"])
def position_duplicate(position_id: int):
    copy, _ = _position_action(position_id, duplicate_position, "已复制岗位“{title}”。")
    if copy is None:
        return _back()
    return redirect(url_for("employer.position_edit", position_id=copy.id))


@bp.route("/positions/<id:position_id>/submit", methods=["POST"])
def position_submit(position_id: int):
    warnings, position = _position_action(position_id, submit_position, "岗位“{title}”已提交审核。")
    for flag in warnings or ():
        flash(f"提示（审核人员会看到）：{flag.message()}", "warning")
    return _back()


@bp.route("/positions/<id:position_id>/close", methods=["POST"])
def position_close(position_id: int):
    filled = request.form.get("filled") == "1"
    _position_action(
        position_id,
        lambda p: close_position(p, filled=filled),
        "岗位“{title}”已" + ("标记为已招满。" if filled else "关闭。"),
    )
    return _back()


@bp.route("/positions/<id:position_id>/reopen", methods=["POST"])
def position_reopen(position_id: int):
    _position_action(position_id, reopen_position, "岗位“{title}”已重新开放。")
    return _back()


# --- fairs ------------------------------------------------------------------------------------


@bp.route("/fairs")
def fairs():
    employer = _employer()
    open_page = db.paginate(open_fairs_query(), per_page=_per_page(), error_out=False)
    mine = db.paginate(
        sa.select(Participation)
        .join(Fair, Fair.id == Participation.fair_id)
        .where(Participation.employer_id == employer.id)
        .options(
            contains_eager(Participation.fair),
            selectinload(Participation.fair_positions).joinedload(FairPosition.position),
        )
        .order_by(Fair.starts_at.desc()),
        page=request.args.get("mine_page", 1, type=int),
        per_page=_per_page(),
        error_out=False,
    )
    signed = {p.fair_id: p for p in mine.items}
    return render_template(
        "employer/fairs.html",
        open_page=open_page,
        mine=mine,
        signed=signed,
        action_form=ActionForm(),
        signup_open=signup_open,
    )


@bp.route("/fairs/<id:fair_id>/signup", methods=["GET", "POST"])
def fair_signup(fair_id: int):
    employer = _employer()
    fair = db.session.get(Fair, fair_id)
    if fair is None or fair.status is FairStatus.CANCELLED:
        abort(404)
    participation = own_participation(employer, fair)
    positions = signable_positions(employer)
    form = ActionForm()
    chosen: dict[int, int] = {}
    typed: dict[int, str] = {}
    if participation is not None:
        chosen = {fp.position_id: fp.openings for fp in participation.fair_positions}
    if request.method == "POST" and form.validate_on_submit():
        offers, chosen, typed, bad = {}, {}, {}, None
        for position in positions:
            if request.form.get(f"position_{position.id}"):
                raw = (request.form.get(f"openings_{position.id}") or "").strip()
                typed[position.id] = raw
                chosen[position.id] = 0
                if not raw.isdigit():
                    bad = f"参会岗位“{position.title}”的招聘人数：请填写整数。"
                else:
                    offers[position.id] = chosen[position.id] = int(raw)
        try:
            if bad:
                raise SignupError(bad)
            sign_up_for_fair(employer, fair, offers)
            db.session.commit()
        except SignupError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            flash(f"已报名“{fair.title}”，请等待主办方审核和分配展位。", "success")
            return redirect(url_for("employer.fairs"))
    return render_template(
        "employer/fair_signup.html",
        fair=fair,
        participation=participation,
        positions=positions,
        chosen=chosen,
        typed=typed,
        form=form,
        is_open=signup_open(fair),
        blocked_until=signup_blocked_until(employer, local_today()),
    )


@bp.route("/participations/<id:participation_id>/withdraw", methods=["POST"])
def participation_withdraw(participation_id: int):
    participation = _own_participation(participation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        withdraw_participation(participation)
        db.session.commit()
    except SignupError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        flash(f"已撤回“{participation.fair.title}”的报名。", "success")
    return redirect(url_for("employer.fairs"))


# --- intent outcomes --------------------------------------------------------------------------


@bp.route("/outcomes")
def outcomes():
    employer = _employer()
    outcome = request.args.get("outcome")
    selected = Outcome(outcome) if outcome in {o.value for o in Outcome} else None
    page = db.paginate(
        employer_hires_query(employer, selected), per_page=_per_page(), error_out=False
    )
    return render_template(
        "employer/outcomes.html",
        page=page,
        selected=selected,
        outcomes=Outcome,
        recordable=RECORDABLE,
        form=OutcomeForm(formdata=None, on=local_today()),
    )


@bp.route("/outcomes/<id:hire_id>", methods=["POST"])
def outcome_record(hire_id: int):
    hire = get_employer_hire(_employer(), hire_id)
    if hire is None:
        abort(404)
    form = OutcomeForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
        return _back("employer.outcomes")
    try:
        record_outcome(hire, form.outcome.data, form.on.data)
        db.session.commit()
    except OutcomeError as error:
        db.session.rollback()
        flash(f"{hire.seeker_name}：{error}", "danger")
    else:
        flash(f"已记录 {hire.seeker_name} 的结果：{hire.outcome.label}。", "success")
    return _back("employer.outcomes")

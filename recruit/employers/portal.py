"""The signed-in employer's screens: thin doors onto the positions, fairs and hires services.

Every lookup is the services' scoped one, asked with current_user: another employer's id
answers 404, exactly like an id that does not exist. Each change runs as one unit of work; a
refusal is shown where the employer was (beside the fields of a form, or flashed).
"""

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.auth.access import roles_required
from recruit.auth.models import Role
from recruit.employers.dashboard import employer_overview
from recruit.employers.forms import ActionForm, OutcomeForm
from recruit.errors import Conflict, Forbidden, Invalid
from recruit.extensions import db
from recruit.fairs.credit import signup_blocked_until
from recruit.fairs.participations import (
    employer_participations,
    get_participation,
    offerable_positions,
    open_fairs_query,
    own_participation,
    sign_up,
    withdraw_participation,
)
from recruit.fairs.queries import get_fair_for_employer
from recruit.formatting import local_today
from recruit.forms import confirmation, show_refusal
from recruit.hires.contact import disclose_contacts
from recruit.hires.intents import employer_hires, get_hire
from recruit.hires.models import Outcome
from recruit.hires.outcomes import RECORDABLE, record_outcome
from recruit.hires.steps import get_step, histories, may_void, void_step
from recruit.positions.forms import PositionForm
from recruit.positions.models import Position, PositionStatus
from recruit.positions.rules import validate_position_data
from recruit.positions.services import (
    close_position,
    create_position,
    default_valid_until,
    duplicate_position,
    employer_positions,
    get_position,
    reopen_position,
    submit_position,
    update_position,
)
from recruit.refdata.services import current_regions
from recruit.uow import unit_of_work

#: The signed-in employer's screens; every route reaches only that employer's records.
bp = Blueprint("employer", __name__, url_prefix="/employer")

#: Why the employer's intent list shows full phone numbers (named in the audit log).
FOLLOW_UP = "outcome_follow_up"


@bp.before_request
@roles_required(Role.EMPLOYER)
def require_employer():
    """Only employer accounts reach these screens."""


def _per_page() -> int:
    return current_app.config["PAGE_SIZE"]


def _back(default: str = "employer.positions", anchor: str | None = None):
    # Only paths inside /employer/: anything else in `next` would be an open redirect.
    target = request.form.get("next") or ""
    if not target.startswith("/employer/") or "//" in target or "\\" in target:
        target = url_for(default)
    return redirect(target + (f"#{anchor}" if anchor else ""))


def _require_button() -> None:
    """Refuse a button post without a valid CSRF token."""
    if not ActionForm().validate_on_submit():
        abort(400)


# --- dashboard --------------------------------------------------------------------------------


@bp.route("/")
def index():
    return render_template(
        "employer/index.html", overview=employer_overview(current_user), statuses=PositionStatus
    )


# --- positions --------------------------------------------------------------------------------


def _position_form(position: Position | None = None) -> PositionForm:
    city = current_app.config["CITY_REGION_CODE"]
    regions = [r for r in current_regions(city) if r.code != city]
    form = PositionForm(obj=position, regions=regions)
    if request.method == "GET":
        if position is None:
            employer = current_user.employer
            form.work_region_code.data = employer.region_code
            form.work_address.data = employer.address
            form.contact_name.data = employer.contact_name
            form.contact_phone.data = employer.contact_phone
            form.valid_until.data = default_valid_until()
        else:
            form.occupation_major_group.data = str(position.occupation_major_group)
            form.version.data = str(position.version)
    return form


def _add_rule_errors(form: PositionForm) -> None:
    """Show the rules' messages for the fields that parsed, next to the parse errors."""
    try:
        validate_position_data(form.service_data())
    except Invalid as error:
        rest = {
            name: message for name, message in error.errors.items() if not form.errors.get(name)
        }
        if rest:
            show_refusal(form, Invalid(errors=rest))
    flash("请按提示修改后再提交。", "danger")


@bp.route("/positions")
def positions():
    status = request.args.get("status")
    selected = PositionStatus(status) if status in {s.value for s in PositionStatus} else None
    page = db.paginate(
        employer_positions(current_user, selected), per_page=_per_page(), error_out=False
    )
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
            with unit_of_work():
                position = create_position(form.service_data(), by=current_user)
        except (Invalid, Conflict) as error:
            show_refusal(form, error)
        else:
            flash(f"岗位“{position.title}”已保存为草稿，确认无误后请提交审核。", "success")
            return redirect(url_for("employer.position_edit", position_id=position.id))
    elif request.method == "POST":
        _add_rule_errors(form)
    return render_template("employer/position_form.html", form=form, position=None)


@bp.route("/positions/<id:position_id>/edit", methods=["GET", "POST"])
def position_edit(position_id: int):
    position = get_position(current_user, position_id)
    form = _position_form(position if request.method == "GET" else None)
    if form.validate_on_submit():
        was_open = position.status is PositionStatus.OPEN
        try:
            with unit_of_work():
                changed = update_position(
                    position, form.service_data(), version=form.version_read(), by=current_user
                )
        except (Invalid, Conflict) as error:
            show_refusal(form, error)
        else:
            if not changed:
                flash("内容没有变化。", "info")
            elif was_open and position.awaiting_review:
                flash("岗位已修改。由于改动了需审核的内容，岗位已重新进入审核。", "warning")
            else:
                flash("岗位已保存。", "success")
            return redirect(url_for("employer.position_edit", position_id=position.id))
    elif request.method == "POST":
        _add_rule_errors(form)
    return render_template(
        "employer/position_form.html", form=form, position=position, action_form=ActionForm()
    )


def _position_action(position_id: int, action: Callable, success: str):
    """Run a position button's operation; return its result, or None after a refusal."""
    position = get_position(current_user, position_id)
    _require_button()
    try:
        with unit_of_work():
            result = action(position)
    except (Invalid, Conflict) as error:
        flash(error.message, "danger")
        return None
    flash(success.format(title=position.title), "success")
    return result


@bp.route("/positions/<id:position_id>/duplicate", methods=["POST"])
def position_duplicate(position_id: int):
    copy = _position_action(
        position_id, lambda p: duplicate_position(p, by=current_user), "已复制岗位“{title}”。"
    )
    if copy is None:
        return _back()
    return redirect(url_for("employer.position_edit", position_id=copy.id))


@bp.route("/positions/<id:position_id>/submit", methods=["POST"])
def position_submit(position_id: int):
    explanation = request.form.get("explanation")
    warnings = _position_action(
        position_id,
        lambda p: submit_position(p, by=current_user, explanation=explanation),
        "岗位“{title}”已提交审核。",
    )
    for flag in warnings or ():
        flash(f"提示（审核人员会看到）：{flag.message()}", "info")
    return _back()


@bp.route("/positions/<id:position_id>/close", methods=["POST"])
def position_close(position_id: int):
    filled = request.form.get("filled") == "1"
    position = get_position(current_user, position_id)
    what = "标记为已招满" if filled else "关闭"
    asked = confirmation(
        f"确定将岗位“{position.title}”{what}吗？它将从岗位搜索和各渠道撤下。",
        back=url_for("employer.positions"),
    )
    if asked is not None:
        return asked
    _position_action(
        position_id,
        lambda p: close_position(p, filled=filled, by=current_user),
        "岗位“{title}”已" + ("标记为已招满。" if filled else "关闭。"),
    )
    return _back()


@bp.route("/positions/<id:position_id>/reopen", methods=["POST"])
def position_reopen(position_id: int):
    _position_action(
        position_id, lambda p: reopen_position(p, by=current_user), "岗位“{title}”已重新开放。"
    )
    return _back()


# --- fairs ------------------------------------------------------------------------------------


@bp.route("/fairs")
def fairs():
    open_page = db.paginate(open_fairs_query(), per_page=_per_page(), error_out=False)
    mine = db.paginate(
        employer_participations(current_user),
        page=request.args.get("mine_page", 1, type=int),
        per_page=_per_page(),
        error_out=False,
    )
    return render_template(
        "employer/fairs.html",
        open_page=open_page,
        mine=mine,
        signed={p.fair_id for p in mine.items},
        action_form=ActionForm(),
    )


def _offers_typed(positions: list[Position]) -> tuple[dict[int, int], dict[int, str], str | None]:
    """Read the ticked positions and their openings: (offers, what was typed, a parse error).

    Only the employer's own open positions are in the form; boxes for any other id are ignored.
    """
    offers: dict[int, int] = {}
    typed: dict[int, str] = {}
    bad = None
    for position in positions:
        if request.form.get(f"position_{position.id}"):
            raw = (request.form.get(f"openings_{position.id}") or "").strip()
            typed[position.id] = raw
            if raw.isdigit():
                offers[position.id] = int(raw)
            else:
                bad = bad or f"参会岗位“{position.title}”的招聘人数：请填写整数。"
    return offers, typed, bad


@bp.route("/fairs/<id:fair_id>/signup", methods=["GET", "POST"])
def fair_signup(fair_id: int):
    fair = get_fair_for_employer(current_user, fair_id)
    participation = own_participation(current_user, fair)
    positions = offerable_positions(current_user.employer)
    form = ActionForm()
    typed: dict[int, str] = {}
    errors: dict[str, str] = {}
    chosen: dict[int, int] = {}
    if participation is not None:
        chosen = {fp.position_id: fp.openings for fp in participation.fair_positions}
    if form.validate_on_submit():
        offers, typed, bad = _offers_typed(positions)
        chosen = {position_id: offers.get(position_id, 0) for position_id in typed}
        if bad:
            errors = {"offers": bad}
        else:
            try:
                with unit_of_work():
                    sign_up(fair, offers, by=current_user)
            except Invalid as error:
                errors = error.errors or {"": error.message}
            except Conflict as error:
                flash(error.message, "danger")
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
        errors=errors,
        form=form,
        blocked_until=signup_blocked_until(current_user.employer, local_today()),
    )


@bp.route("/participations/<id:participation_id>/withdraw", methods=["POST"])
def participation_withdraw(participation_id: int):
    participation = get_participation(current_user, participation_id)
    _require_button()
    asked = confirmation(
        f"确定撤回“{participation.fair.title}”的报名吗？撤回后展位将释放给其他企业。",
        back=url_for("employer.fairs"),
    )
    if asked is not None:
        return asked
    try:
        with unit_of_work():
            withdraw_participation(participation, by=current_user)
    except (Invalid, Conflict) as error:
        flash(error.message, "danger")
    else:
        flash(f"已撤回“{participation.fair.title}”的报名。", "success")
    return redirect(url_for("employer.fairs"))


# --- intent outcomes --------------------------------------------------------------------------


@bp.route("/outcomes")
def outcomes():
    outcome = request.args.get("outcome")
    selected = Outcome(outcome) if outcome in {o.value for o in Outcome} else None
    # Showing the phones is a disclosure: it is audited, so the page commits.
    with unit_of_work(keep_loaded=True):
        page = db.paginate(
            employer_hires(current_user, selected), per_page=_per_page(), error_out=False
        )
        contacts = disclose_contacts(current_user, page.items, purpose=FOLLOW_UP)
        steps = histories(page.items)
    return render_template(
        "employer/outcomes.html",
        page=page,
        contacts=contacts,
        steps=steps,
        void_step_url=lambda step: (
            url_for("employer.outcome_step_void", hire_id=step.hire_id)
            if may_void(current_user, step)
            else None
        ),
        void_form=ActionForm(formdata=None),
        selected=selected,
        outcomes=Outcome,
        recordable=RECORDABLE,
        form=OutcomeForm(formdata=None, on=local_today()),
    )


@bp.route("/outcomes/<id:hire_id>", methods=["POST"])
def outcome_record(hire_id: int):
    hire = get_hire(current_user, hire_id)
    form = OutcomeForm()
    # Back to the same intent in the list, not the top of the page.
    back = _back("employer.outcomes", anchor=f"intent-{hire.id}")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
        return back
    # Nothing chosen: no question to ask, record_outcome refuses it at once (CHOOSE).
    if chosen := form.outcome.data:
        asked = confirmation(
            f"确定登记 {hire.seeker_name}：{Outcome(chosen).label}（{form.on.data}）吗？",
            back=back.location,
        )
        if asked is not None:
            return asked
    try:
        with unit_of_work():
            record_outcome(hire, form.outcome.data, form.on.data, by=current_user)
    except (Invalid, Conflict) as error:
        flash(f"{hire.seeker_name}：{error.message}", "danger")
    else:
        flash(f"已记录 {hire.seeker_name} 的结果：{hire.outcome.label}。", "success")
    return back


@bp.route("/outcomes/<id:hire_id>/void", methods=["POST"])
def outcome_step_void(hire_id: int):
    hire = get_hire(current_user, hire_id)
    _require_button()
    back = _back("employer.outcomes", anchor=f"intent-{hire.id}")
    step_id = request.form.get("step", type=int)
    step = get_step(current_user, step_id) if step_id else None
    if step is None or step.hire_id != hire.id:
        flash(f"{hire.seeker_name}：请选择要作废的记录。", "danger")
        return back
    try:
        with unit_of_work():
            void_step(step, request.form.get("reason"), by=current_user)
    except (Invalid, Conflict, Forbidden) as error:
        flash(f"{hire.seeker_name}：{error.message}", "danger")
    else:
        flash(f"已作废 {hire.seeker_name} 的记录：{step.step.label}（{step.on}）。", "success")
    return back

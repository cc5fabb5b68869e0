"""The seeker's phone pages: scan in at the gate, apply at a booth or online, 我的 (DESIGN §7).

A door only: it reads the seeker's cookie, calls recruit.seekers.services and presents. Every
rule (the fair's window, consent, duplicates, limits, who may see what) lives in the services.
"""

from collections import OrderedDict
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from recruit.errors import Conflict, Forbidden, Invalid, ServiceError
from recruit.extensions import db
from recruit.fairs.models import Fair
from recruit.forms import confirmation, show_refusal
from recruit.refdata.codes import FairMode, PriorityGroup
from recruit.seekers import services
from recruit.seekers.forms import ActionForm, ApplyForm, CodeForm, EntryForm, ProfileForm
from recruit.seekers.models import ApplicationSource, ApplicationState, EntrySource, SeekerToken
from recruit.uow import unit_of_work

bp = Blueprint("seekers", __name__)

#: The cookie holding the seeker's token on their phone.
COOKIE = "seeker"
#: The privacy notice's retention and purposes, as the entry page states them.
NOTICE_PURPOSES = [purpose.label for purpose in services.PURPOSES]


@bp.after_request
def _not_stored(response):
    """Keep a seeker's pages (their name, applications) out of shared and back-button caches."""
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


# --- the cookie ------------------------------------------------------------------------------


def _token() -> SeekerToken | None:
    """Return the live token this phone holds, if any (read once per request)."""
    if "seeker_token" not in g:
        g.seeker_token = services.token_for(request.cookies.get(COOKIE))
    return g.seeker_token


def _remember(response, secret: str):
    """Keep the seeker's token on the phone: HttpOnly, SameSite=Lax, as long as it lives."""
    config = current_app.config
    response.set_cookie(
        COOKIE,
        secret,
        max_age=config["SEEKER_TOKEN_DAYS"] * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(config.get("SESSION_COOKIE_SECURE")),
    )
    return response


def _forget(response):
    config = current_app.config
    response.delete_cookie(
        COOKIE, httponly=True, samesite="Lax", secure=bool(config.get("SESSION_COOKIE_SECURE"))
    )
    return response


def _address() -> str | None:
    return request.remote_addr


def _inside(target: str | None, default: str) -> str:
    """Return `target` if it is a path of this site, else `default` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def _online(fair: Fair) -> bool:
    """Whether the seeker came by the 在线投递 path (online and hybrid fairs only)."""
    if fair.mode is FairMode.ONLINE:
        return True
    return fair.mode is FairMode.HYBRID and request.values.get("online") == "1"


def _hall_url(fair: Fair, online: bool) -> str:
    return url_for(".hall", fair_id=fair.id, online=1 if online else None)


def _not_running(fair: Fair) -> str | None:
    """Return the page saying when the fair opens, or that it ended, unless it runs now."""
    try:
        services.require_running(fair)
    except Conflict as refusal:
        return render_template("seekers/not_running.html", fair=fair, message=refusal.message)
    return None


def _throttled(error: services.SeekerThrottled, fair: Fair | None = None):
    page = render_template("seekers/throttled.html", fair=fair, message=error.message)
    return page, error.status, error.headers


def _welcome(result: services.EntryResult) -> None:
    if result.first_entry:
        flash("欢迎入场！入场登记成功，祝您求职顺利。", "success")
    else:
        flash("您已登记过，欢迎回来（不重复计入入场人数）。", "info")


# --- 入场登记 -------------------------------------------------------------------------------


@bp.route("/fairs/<id:fair_id>/entry", methods=["GET", "POST"])
def entry(fair_id: int):
    """The gate: the form (or one tap for a phone that holds a token), then the booths."""
    fair = services.get_running_fair(fair_id)
    online = _online(fair)
    target = _inside(request.values.get("next"), _hall_url(fair, online))
    if (page := _not_running(fair)) is not None:
        return page
    source = EntrySource.ONLINE if online else None
    token = _token()
    if token is not None and request.values.get("new") != "1":
        if services.entry_at(fair, token.seeker) is not None:
            return redirect(target)
        form = ActionForm()
        if form.validate_on_submit():
            try:
                with unit_of_work():
                    result = services.enter_with_token(
                        fair, token, address=_address(), source=source
                    )
            except services.SeekerThrottled as error:
                return _throttled(error, fair)
            except Conflict:
                return _not_running(fair) or redirect(request.path)
            _welcome(result)
            return redirect(target)
        return render_template(
            "seekers/entry_again.html", fair=fair, form=form, target=target, online=online
        )

    form = EntryForm()
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                result = services.enter_fair(
                    fair,
                    form.entry_values(),
                    address=_address(),
                    token_secret=request.cookies.get(COOKIE),
                    source=source,
                )
        except services.SeekerThrottled as error:
            form.form_errors.append(error.message)
            status = error.status
        except Invalid as refusal:
            show_refusal(form, refusal)
        except Conflict:
            return _not_running(fair) or redirect(request.path)
        else:
            _welcome(result)
            response = redirect(target)
            if result.secret:
                _remember(response, result.secret)
            return response
    return render_template(
        "seekers/entry.html",
        fair=fair,
        form=form,
        target=target,
        online=online,
        notice_version=services.NOTICE_VERSION,
        purposes=NOTICE_PURPOSES,
        retention_months=current_app.config["PII_RETENTION_MONTHS"],
    ), status


# --- the booths and 投递 -------------------------------------------------------------------


def _require_entered(fair: Fair, online: bool):
    """Return (token, None) for a seeker who entered, else (None, the redirect to the gate)."""
    token = _token()
    if token is None or (services.entry_at(fair, token.seeker) is None and not online):
        back = url_for(".entry", fair_id=fair.id, next=request.full_path.rstrip("?"))
        if online:
            back = url_for(".entry", fair_id=fair.id, next=request.full_path.rstrip("?"), online=1)
        return None, redirect(back)
    return token, None


def _booths(fair: Fair, participation_id: int | None = None) -> list[dict]:
    """Group the positions offered at the fair by booth (one booth's only, if asked)."""
    booths: OrderedDict[int, dict] = OrderedDict()
    for fair_position, part in db.session.execute(services.offered_at(fair)).all():
        if participation_id is not None and part.id != participation_id:
            continue
        booth = booths.setdefault(part.id, {"part": part, "offered": []})
        booth["offered"].append(fair_position)
    return list(booths.values())


def _booth_page(fair: Fair, token: SeekerToken, booths: list[dict], *, source, booth=None):
    return render_template(
        "seekers/booths.html",
        fair=fair,
        booths=booths,
        booth=booth,
        source=source,
        applied=services.applied_position_ids(token.seeker, fair),
        needs_code=services.verification_required() and token.verified_at is None,
        apply_form=ApplyForm(),
        action_form=ActionForm(),
        code_form=CodeForm(),
        here=request.full_path.rstrip("?"),
    )


@bp.route("/fairs/<id:fair_id>/booths")
def hall(fair_id: int):
    """Every booth of the fair with its positions, 投递 on each."""
    fair = services.get_running_fair(fair_id)
    if (page := _not_running(fair)) is not None:
        return page
    online = _online(fair)
    token, back = _require_entered(fair, online)
    if token is None:
        return back
    source = ApplicationSource.ONLINE if online else ApplicationSource.BOOTH
    return _booth_page(fair, token, _booths(fair), source=source)


@bp.route("/fairs/<id:fair_id>/booths/<booth>")
def booth(fair_id: int, booth: str):
    """One booth (its printed QR code opens this): the employer and its positions."""
    fair = services.get_running_fair(fair_id)
    part = services.booth_at(fair, booth)
    if (page := _not_running(fair)) is not None:
        return page
    token, back = _require_entered(fair, False)
    if token is None:
        return back
    return _booth_page(
        fair, token, _booths(fair, part.id), source=ApplicationSource.BOOTH, booth=part
    )


@bp.route("/fairs/<id:fair_id>/apply", methods=["POST"])
def apply(fair_id: int):
    """投递 one position offered at the fair."""
    fair = services.get_running_fair(fair_id)
    form = ApplyForm()
    target = _inside(form.next.data, _hall_url(fair, False))
    if not form.validate_on_submit():
        return redirect(target)
    token = _token()
    if token is None:
        return redirect(url_for(".entry", fair_id=fair.id, next=target))
    source = {s.value: s for s in ApplicationSource}.get(form.source.data or "")
    try:
        with unit_of_work():
            application = services.apply(
                token, fair, form.position_id.data, address=_address(), source=source
            )
            title = application.position.title
            employer = application.position.employer.name
    except services.SeekerThrottled as error:
        return _throttled(error, fair)
    except ServiceError as refusal:
        flash(refusal.message, "warning")
        return redirect(target)
    flash(f"已投递：{title}（{employer}）。用人单位会尽快处理，结果可在“我的”查看。", "success")
    return redirect(f"{target}#p{form.position_id.data}")


# --- the code sent to the mobile -------------------------------------------------------------


@bp.route("/seeker/code/send", methods=["POST"])
def send_code():
    """发送验证码 to the mobile the phone's token belongs to."""
    form = ActionForm()
    target = _inside(form.next.data, url_for(".mine"))
    token = _token()
    if token is None or not form.validate_on_submit():
        return redirect(target)
    try:
        with unit_of_work():
            services.send_code(token, address=_address())
    except services.SeekerThrottled as error:
        return _throttled(error)
    flash("验证码已发送到您登记的手机号，10分钟内有效。", "info")
    return redirect(target)


@bp.route("/seeker/code", methods=["POST"])
def confirm_code():
    """Type back the code: the mobile is proven for this phone."""
    form = CodeForm()
    target = _inside(form.next.data, url_for(".mine"))
    token = _token()
    if token is None or not form.validate_on_submit():
        return redirect(target)
    with unit_of_work():
        refusal = services.confirm_code(token, form.code.data or "")
    if refusal is not None:
        flash(refusal.message, "danger")
    else:
        flash("手机号验证成功。", "success")
    return redirect(target)


# --- 我的 -------------------------------------------------------------------------------------


def _unproven(token: SeekerToken | None, status: int = 200):
    return render_template(
        "seekers/unproven.html",
        token=token,
        message=services.NOT_PROVEN,
        action_form=ActionForm(),
        code_form=CodeForm(),
    ), status


@bp.route("/seeker/")
def mine():
    """我的: entries, applications with their state and outcome, and 我的信息."""
    token = _token()
    if token is None:
        return render_template("seekers/no_token.html")
    try:
        profile = services.own_profile(token)
        entries = services.own_entries(token)
        applications = services.own_applications(token)
    except Forbidden:
        return _unproven(token)
    return render_template(
        "seekers/mine.html",
        profile=profile,
        entries=entries,
        applications=applications,
        states=ApplicationState,
        groups={g.value: g.label for g in PriorityGroup},
    )


@bp.route("/seeker/profile", methods=["GET", "POST"])
def profile():
    """我的信息: correct name, gender, education, priority groups and ID number."""
    token = _token()
    if token is None:
        return redirect(url_for(".mine"))
    try:
        own = services.own_profile(token)
    except Forbidden:
        return _unproven(token)
    form = ProfileForm()
    if request.method == "GET":
        form.name.data = own.name
        form.gender.data = own.gender.value if own.gender else None
        form.education.data = own.education.value if own.education else ""
        form.priority_groups.data = own.priority_groups
    if form.validate_on_submit():
        values = form.correction_values()
        if not values["id_number"].strip() and not form.clear_id_number.data:
            # Left blank: the ID number on file stays (the form never shows it in full).
            del values["id_number"]
        try:
            with unit_of_work():
                services.correct_profile(token, values)
        except Invalid as refusal:
            show_refusal(form, refusal)
        else:
            flash("已保存您的信息。", "success")
            return redirect(url_for(".mine"))
    return render_template("seekers/profile.html", form=form, profile=own)


@bp.route("/seeker/delete", methods=["GET", "POST"])
def delete():
    """Withdraw consent and delete the person (the server asks to confirm first)."""
    token = _token()
    if token is None:
        return redirect(url_for(".mine"))
    try:
        services.own_profile(token)
    except Forbidden:
        return _unproven(token)
    form = ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("seekers/delete.html", form=form)
    asked = confirmation(
        "删除后，您的姓名、手机号、身份证号等个人信息将被清除且无法恢复。确定删除吗？",
        back=url_for(".mine"),
    )
    if asked is not None:
        return asked
    with unit_of_work():
        services.delete_seeker(token)
    return _forget(make_response(render_template("seekers/deleted.html")))

"""Sign-in, sign-out, the account page, password change and the password re-check."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from recruit.audit.services import record_audit
from recruit.auth.access import note_password_entered
from recruit.auth.devices import DEVICE_COOKIE, remember_device, set_device_cookie
from recruit.auth.forms import (
    EndSessionsForm,
    LoginForm,
    PasswordChangeForm,
    ReauthForm,
    TokenForm,
)
from recruit.auth.models import User
from recruit.auth.services import WRONG_CURRENT_PASSWORD, authenticate, change_password
from recruit.auth.sessions import (
    current_session,
    end_all_sessions,
    end_session,
    live_sessions,
    load_session_user,
)
from recruit.auth.throttle import Throttled
from recruit.auth.tokens import create_token, list_tokens, revoke_token
from recruit.db_types import utcnow
from recruit.errors import Invalid
from recruit.extensions import login_manager
from recruit.forms import show_refusal
from recruit.navigation import workspace_url
from recruit.uow import unit_of_work

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    # A session ended by sign-out, a password change or "sign out everywhere" opens nothing.
    return load_session_user(session_id)


def _safe_next(target: str | None, user=None) -> str:
    # Only same-site paths: an absolute URL in ?next= would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme and "\\" not in target:
            return target
    return workspace_url(user)


def _device() -> str | None:
    return request.cookies.get(DEVICE_COOKIE)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next"), current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            # A failure is kept (committed) for the throttle, like a success and its audit.
            with unit_of_work():
                user = authenticate(form.username.data, form.password.data, device=_device())
                if user is not None:
                    record_audit("user.login", user, by=user)
        except Throttled as refusal:
            flash(refusal.message, "danger")
            return render_template("auth/login.html", form=form), 429
        if user is None:
            flash("用户名或密码错误，或账号已停用。", "danger")
        else:
            login_user(user, remember=form.remember.data)
            note_password_entered()
            flash(f"欢迎，{user.display_name or user.username}。", "success")
            response = redirect(_safe_next(request.args.get("next"), user))
            # This browser is now known to the account: strangers' failures will not pause it.
            set_device_cookie(response, remember_device(user.username, _device()))
            return response
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        with unit_of_work():
            end_session(current_session())
        logout_user()
        flash("您已退出登录。", "info")
    return redirect(url_for("public.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = TokenForm()
    new_secret = None
    if form.validate_on_submit():
        with unit_of_work():
            _token, new_secret = create_token(current_user, form.name.data)
        flash("令牌已生成。请立即复制保存，离开本页后将无法再次查看。", "warning")
        form = TokenForm(formdata=None)
    return render_template(
        "auth/account.html",
        form=form,
        tokens=list_tokens(current_user),
        new_secret=new_secret,
        sessions=live_sessions(current_user),
        this_session=current_session(),
        end_form=EndSessionsForm(formdata=None),
        now=utcnow(),
    )


@bp.route("/account/tokens/<id:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    with unit_of_work():
        revoke_token(current_user, token_id)
    flash("令牌已撤销。", "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/sessions/end", methods=["POST"])
@login_required
def end_sessions():
    form = EndSessionsForm()
    if not form.validate_on_submit():
        flash("请通过“我的账号”页面上的按钮操作。", "warning")
        return redirect(url_for("auth.account"))
    with unit_of_work():
        end_all_sessions(current_user._get_current_object(), by=current_user)
    logout_user()
    flash("已在所有设备上退出，本账号的 API 令牌也已全部撤销。请重新登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        remember = bool(current_session() and current_session().remember)
        try:
            # A wrong current password is kept (committed) for the throttle, like /reauth.
            with unit_of_work():
                changed = change_password(user, form.current.data, form.new.data, device=_device())
        except Throttled as refusal:
            flash(refusal.message, "danger")
            return render_template("auth/password.html", form=form), 429
        except Invalid as error:
            show_refusal(form, error)
        else:
            if not changed:
                form.current.errors = [*form.current.errors, WRONG_CURRENT_PASSWORD]
            else:
                # Every session ended with the change: this browser starts a new one.
                login_user(user, remember=remember)
                note_password_entered()
                flash("密码已修改。其他设备上的登录已失效，API 令牌已全部撤销。", "success")
                return redirect(url_for("public.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
def reauth():
    form = ReauthForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = authenticate(current_user.username, form.password.data, device=_device())
                if user is not None:
                    record_audit("user.reauth", user, by=user)
        except Throttled as refusal:
            flash(refusal.message, "danger")
            return render_template("auth/reauth.html", form=form), 429
        if user is None:
            form.password.errors = [*form.password.errors, "密码不正确。"]
        else:
            note_password_entered()
            return redirect(_safe_next(request.args.get("next"), current_user))
    return render_template("auth/reauth.html", form=form)

"""Sign-in and sign-out pages."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from recruit.audit.services import record_audit
from recruit.auth.access import note_password_entered
from recruit.auth.forms import LoginForm, PasswordChangeForm, ReauthForm, TokenForm
from recruit.auth.models import User
from recruit.auth.services import authenticate, change_password
from recruit.auth.throttle import Throttled
from recruit.auth.tokens import create_token, list_tokens, revoke_token
from recruit.db_types import utcnow
from recruit.errors import Invalid
from recruit.extensions import db, login_manager
from recruit.forms import show_refusal
from recruit.uow import unit_of_work

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.get_id() != session_id:
        return None  # the password changed since this session began
    return user


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute URL in ?next= would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme and "\\" not in target:
            return target
    return url_for("public.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            # A failure is kept (committed) for the throttle, like a success and its audit.
            with unit_of_work():
                user = authenticate(form.username.data, form.password.data)
                if user is not None:
                    record_audit("user.login", user, by=user)
        except Throttled as refusal:
            flash(refusal.message(), "danger")
            return render_template("auth/login.html", form=form), 429
        if user is None:
            flash("用户名或密码错误，或账号已停用。", "danger")
        else:
            login_user(user, remember=form.remember.data)
            note_password_entered()
            flash(f"欢迎，{user.display_name or user.username}。", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
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
        now=utcnow(),
    )


@bp.route("/account/tokens/<id:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    with unit_of_work():
        revoke_token(current_user, token_id)
    flash("令牌已撤销。", "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                change_password(current_user, form.current.data, form.new.data)
                record_audit("user.password_change", current_user, by=current_user)
        except Invalid as error:
            show_refusal(form, error)
        else:
            # The session id includes the password's change time: sign in again with it.
            login_user(current_user._get_current_object())
            flash("密码已修改。其他设备上的登录已失效。", "success")
            return redirect(url_for("public.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
def reauth():
    form = ReauthForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = authenticate(current_user.username, form.password.data)
                if user is not None:
                    record_audit("user.reauth", user, by=user)
        except Throttled as refusal:
            flash(refusal.message(), "danger")
            return render_template("auth/reauth.html", form=form), 429
        if user is None:
            form.password.errors = [*form.password.errors, "密码不正确。"]
        else:
            note_password_entered()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/reauth.html", form=form)

"""Sign-in and sign-out pages."""

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from recruit.audit.services import record_audit
from recruit.auth import bp
from recruit.auth.access import note_password_entered
from recruit.auth.forms import LoginForm, PasswordChangeForm, ReauthForm, TokenForm
from recruit.auth.models import User
from recruit.auth.services import UserError, authenticate, change_password
from recruit.auth.throttle import Throttled
from recruit.auth.tokens import create_token, list_tokens, revoke_token
from recruit.db_types import utcnow
from recruit.extensions import db, login_manager


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
            user = authenticate(form.username.data, form.password.data)
        except Throttled as refusal:
            flash(refusal.message(), "danger")
            return render_template("auth/login.html", form=form), 429
        if user is None:
            db.session.commit()  # keep the failure for throttling
            flash("用户名或密码错误，或账号已停用。", "danger")
        else:
            login_user(user, remember=form.remember.data)
            note_password_entered()
            record_audit("user.login", user, by=user)
            db.session.commit()
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
        _token, new_secret = create_token(current_user, form.name.data)
        db.session.commit()
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
    if revoke_token(current_user, token_id) is None:
        abort(404)
    db.session.commit()
    flash("令牌已撤销。", "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.new.data)
        except UserError as error:
            field, _, message = str(error).partition("：")
            target = form.current if field == "当前密码" else form.new
            target.errors = [*target.errors, message or str(error)]
        else:
            record_audit("user.password_change", current_user)
            db.session.commit()
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
            user = authenticate(current_user.username, form.password.data)
        except Throttled as refusal:
            flash(refusal.message(), "danger")
            return render_template("auth/reauth.html", form=form), 429
        if user is None:
            db.session.commit()  # keep the failure for throttling
            form.password.errors = [*form.password.errors, "密码不正确。"]
        else:
            note_password_entered()
            record_audit("user.reauth", user, by=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/reauth.html", form=form)

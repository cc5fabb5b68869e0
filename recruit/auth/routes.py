"""Sign-in, sign-out, the account page, password change and the password re-check."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from recruit.audit.services import record_audit
from recruit.auth.access import note_password_entered, password_entered_at, roles_required
from recruit.auth.contact import (
    send_email_link,
    send_mobile_code,
    update_contact,
    verify_email,
    verify_mobile,
)
from recruit.auth.devices import DEVICE_COOKIE, remember_device, set_device_cookie
from recruit.auth.forms import (
    ButtonForm,
    ContactForm,
    EndSessionsForm,
    ForgotForm,
    LoginForm,
    PasswordChangeForm,
    ReauthForm,
    ResetCodeForm,
    ResetLinkForm,
    TokenForm,
    VerifyCodeForm,
)
from recruit.auth.models import Role, User
from recruit.auth.reset import (
    ResetThrottled,
    check_link,
    request_answer,
    request_reset,
    reset_with_code,
    reset_with_link,
    resettable_users,
    send_reset_by_staff,
    sent_words,
)
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
from recruit.errors import Conflict, Invalid
from recruit.extensions import db, login_manager
from recruit.forms import show_refusal
from recruit.navigation import workspace_url
from recruit.notify.services import preference_choices, set_preferences
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
        notify_choices=preference_choices(current_user),
    )


@bp.route("/account/notifications", methods=["POST"])
@login_required
def notifications():
    """Turn the optional messages on or off (the 消息通知 section of /account)."""
    with unit_of_work():
        user = current_user._get_current_object()
        set_preferences(user, set(request.form.getlist("on")), by=user)
    flash("消息通知设置已保存。", "info")
    return redirect(url_for("auth.account") + "#notifications")


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


# --- 忘记密码 -------------------------------------------------------------------------------

#: The session key remembering what was typed on /password/forgot, for the code page.
RESET_IDENTIFIER = "reset_identifier"
RESET_DONE = "密码已重置。该账号在其他设备上的登录已全部退出，API 令牌已全部撤销。请用新密码登录。"


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                request_reset(form.identifier.data)
        except ResetThrottled as refusal:
            flash(refusal.message, "danger")
            return render_template("auth/forgot.html", form=form), 429
        except Invalid as error:
            show_refusal(form, error)
        else:
            session[RESET_IDENTIFIER] = form.identifier.data.strip()[:254]
            flash(request_answer(), "info")
            return redirect(url_for("auth.reset_code"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
def reset_code():
    form = ResetCodeForm()
    if request.method == "GET" and not form.identifier.data:
        form.identifier.data = session.get(RESET_IDENTIFIER, "")
    if form.validate_on_submit():
        try:
            # A wrong code is kept (committed) so its tries count, like a wrong password.
            with unit_of_work():
                outcome = reset_with_code(form.identifier.data, form.code.data, form.password.data)
        except ResetThrottled as refusal:
            flash(refusal.message, "danger")
            return render_template("auth/reset_code.html", form=form), 429
        except Invalid as error:
            show_refusal(form, error)
        else:
            if outcome.refusal is not None:
                show_refusal(form, outcome.refusal)
            else:
                session.pop(RESET_IDENTIFIER, None)
                flash(RESET_DONE, "success")
                return redirect(url_for("auth.login"))
    return render_template("auth/reset_code.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_link(token: str):
    form = ResetLinkForm()
    try:
        row = check_link(token)
    except Conflict as refusal:
        return render_template("auth/reset_link.html", form=None, refusal=refusal), 410
    if form.validate_on_submit():
        try:
            with unit_of_work():
                reset_with_link(token, form.password.data)
        except Conflict as refusal:
            return render_template("auth/reset_link.html", form=None, refusal=refusal), 410
        except Invalid as error:
            show_refusal(form, error)
        else:
            flash(RESET_DONE, "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_link.html", form=form, username=row.user.username)


# --- the account's own mobile and e-mail -------------------------------------------------------


@bp.route("/account/contact", methods=["GET", "POST"])
@login_required
def contact():
    user = current_user._get_current_object()
    form = ContactForm(data={"mobile": user.mobile, "email": user.email})
    if form.validate_on_submit():
        try:
            with unit_of_work():
                changed = update_contact(
                    user,
                    form.mobile.data,
                    form.email.data,
                    by=user,
                    password_checked_at=password_entered_at(),
                )
        except Invalid as error:
            show_refusal(form, error)
        else:
            flash("联系方式已保存。" if changed else "联系方式没有变化。", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/contact.html", form=form)


@bp.route("/account/contact/mobile/send", methods=["POST"])
@login_required
def send_mobile_verification():
    if ButtonForm().validate_on_submit():
        user = current_user._get_current_object()
        try:
            with unit_of_work():
                send_mobile_code(user, by=user)
        except Conflict as refusal:
            flash(refusal.message, "warning")
            return redirect(url_for("auth.account"))
        flash(f"验证码已发送至 {user.mobile}，请在下面填写。", "info")
    return redirect(url_for("auth.verify_mobile_code"))


@bp.route("/account/contact/mobile/verify", methods=["GET", "POST"])
@login_required
def verify_mobile_code():
    form = VerifyCodeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        # A wrong code is kept (committed) so its tries count.
        with unit_of_work():
            refusal = verify_mobile(user, form.code.data, by=user)
        if refusal is None:
            flash("手机号已验证。", "success")
            return redirect(url_for("auth.account"))
        show_refusal(form, refusal)
    return render_template("auth/verify_mobile.html", form=form, send_form=ButtonForm())


@bp.route("/account/contact/email/send", methods=["POST"])
@login_required
def send_email_verification():
    if ButtonForm().validate_on_submit():
        user = current_user._get_current_object()
        try:
            with unit_of_work():
                send_email_link(user, by=user)
        except Conflict as refusal:
            flash(refusal.message, "warning")
        else:
            hours = current_app.config["CONTACT_LINK_HOURS"]
            flash(f"验证邮件已发送至 {user.email}，请在 {hours} 小时内打开邮件中的链接。", "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/email/verify/<token>")
def verify_email_link(token: str):
    try:
        with unit_of_work():
            user = verify_email(token)
    except Conflict as refusal:
        return render_template("auth/notice.html", title="邮箱验证", refusal=refusal), 410
    return render_template(
        "auth/notice.html", title="邮箱验证", message=f"邮箱 {user.email} 已验证。"
    )


# --- staff send a reset to an account they manage -----------------------------------------------


@bp.route("/staff/accounts")
@roles_required(Role.ADMIN, Role.ORGANIZER)
def staff_accounts():
    text = (request.args.get("q") or "").strip()[:64]
    page = request.args.get("page", 1, type=int)
    listing = db.paginate(
        resettable_users(current_user, text),
        page=max(page or 1, 1),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "auth/staff_accounts.html", listing=listing, text=text, form=ButtonForm()
    )


@bp.route("/users/<id:user_id>/send-reset", methods=["POST"])
@roles_required(Role.ADMIN, Role.ORGANIZER)
def send_reset(user_id: int):
    back = _safe_next(request.form.get("next") or url_for("auth.staff_accounts"), current_user)
    if not ButtonForm().validate_on_submit():
        flash("请通过账号列表上的按钮操作。", "warning")
        return redirect(back)
    try:
        with unit_of_work():
            channels = send_reset_by_staff(current_user, user_id)
    except Conflict as refusal:
        flash(refusal.message, "warning")
        return redirect(back)
    user = db.session.get(User, user_id)
    flash(f"已向 {user.username} 已验证的联系方式发送{sent_words(channels)}。", "success")
    return redirect(back)

"""The administrator's user list: who has an account, and "sign out everywhere" for any of them."""

import sqlalchemy.orm as so
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from recruit.admin.routes import bp
from recruit.auth.access import roles_required
from recruit.auth.forms import EndSessionsForm
from recruit.auth.models import Role, User
from recruit.auth.services import get_user, users_query
from recruit.auth.sessions import end_all_sessions, live_counts
from recruit.extensions import db
from recruit.uow import unit_of_work


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    text = (request.args.get("q") or "").strip()[:64]
    listing = db.paginate(
        users_query(current_user, text).options(
            so.selectinload(User.region), so.selectinload(User.employer)
        ),
        # The request guard (recruit.security) has already dropped a page number below 1.
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    counts = live_counts([user.id for user in listing.items])
    return render_template(
        "admin/users.html",
        listing=listing,
        text=text,
        sessions=counts["sessions"],
        tokens=counts["tokens"],
    )


@bp.route("/users/<id:user_id>/sessions/end", methods=["POST"])
@roles_required(Role.ADMIN)
def end_user_sessions(user_id: int):
    form = EndSessionsForm()
    if not form.validate_on_submit():
        flash("请通过用户列表上的按钮操作。", "warning")
        return redirect(url_for("admin.users"))
    with unit_of_work():
        user = get_user(current_user, user_id)
        counts = end_all_sessions(user, by=current_user)
    if user.id == current_user.id:
        logout_user()
        flash("已在所有设备上退出，本账号的 API 令牌也已全部撤销。请重新登录。", "info")
        return redirect(url_for("auth.login"))
    flash(
        f"{user.username} 已在所有设备上退出：结束登录 {counts['sessions']} 处，"
        f"撤销 API 令牌 {counts['tokens']} 个。",
        "success",
    )
    return redirect(url_for("admin.users"))

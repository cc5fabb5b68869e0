"""/admin/outbox: what the product sent, or would have sent (development's outbox provider)."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from recruit.auth.access import roles_required
from recruit.auth.forms import ButtonForm
from recruit.auth.models import Role
from recruit.errors import Conflict
from recruit.notify.delivery import outbox_page
from recruit.notify.models import NotificationState
from recruit.notify.services import retry_failed
from recruit.uow import unit_of_work

bp = Blueprint("notify", __name__, url_prefix="/admin")


@bp.route("/outbox")
@roles_required(Role.ADMIN)
def outbox():
    page = max(request.args.get("page", 1, type=int), 1)
    try:
        state = NotificationState(request.args.get("state") or "")
    except ValueError:
        state = None
    return render_template(
        "admin/outbox.html",
        entries=outbox_page(page, state=state),
        state=state,
        states=list(NotificationState),
        form=ButtonForm(),
        sms_provider=current_app.config["NOTIFY_SMS_PROVIDER"],
        email_provider=current_app.config["NOTIFY_EMAIL_PROVIDER"],
    )


@bp.route("/outbox/<id:notification_id>/retry", methods=["POST"])
@roles_required(Role.ADMIN)
def retry(notification_id: int):
    try:
        with unit_of_work():
            retry_failed(notification_id, by=current_user)
    except Conflict as error:
        flash(error.message, "warning")
    else:
        flash(f"消息 #{notification_id} 已放回发送队列，一分钟内重试。", "success")
    return redirect(url_for("notify.outbox", state=request.args.get("state") or None))

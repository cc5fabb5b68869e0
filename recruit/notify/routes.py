"""/admin/outbox: what the product sent, or would have sent (development's outbox provider)."""

from flask import Blueprint, current_app, render_template, request

from recruit.auth.access import roles_required
from recruit.auth.models import Role
from recruit.notify.delivery import outbox_page

bp = Blueprint("notify", __name__, url_prefix="/admin")


@bp.route("/outbox")
@roles_required(Role.ADMIN)
def outbox():
    page = max(request.args.get("page", 1, type=int), 1)
    return render_template(
        "admin/outbox.html",
        entries=outbox_page(page),
        sms_provider=current_app.config["NOTIFY_SMS_PROVIDER"],
        email_provider=current_app.config["NOTIFY_EMAIL_PROVIDER"],
    )

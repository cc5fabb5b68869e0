"""The audit viewer."""

from datetime import date

from flask import Blueprint, render_template, request

from recruit.audit.display import action_label, describe
from recruit.audit.queries import OBJECT_LABELS, AuditFilter, audit_object_types, search_audit
from recruit.auth.access import roles_required
from recruit.auth.models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _date_arg(name: str) -> tuple[date | None, str | None]:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None, None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, f"日期“{value}”格式不正确，应为 YYYY-MM-DD，已忽略。"


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit():
    start, start_error = _date_arg("start")
    end, end_error = _date_arg("end")
    filters = AuditFilter(
        username=request.args.get("user") or None,
        action=request.args.get("action") or None,
        object_type=request.args.get("object_type") or None,
        object_id=request.args.get("object_id") or None,
        start=start,
        end=end,
    )
    page = request.args.get("page", 1, type=int)
    return render_template(
        "admin/audit.html",
        entries=search_audit(filters, page=max(page, 1)),
        filters=filters,
        object_types=audit_object_types(),
        object_labels=OBJECT_LABELS,
        audit_action=action_label,
        audit_summary=describe,
        errors=[e for e in (start_error, end_error) if e],
    )

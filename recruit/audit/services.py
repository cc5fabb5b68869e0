"""Write audit entries; the caller's transaction commits them with the change itself."""

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from recruit.audit.models import AuditLog
from recruit.extensions import db


def record_audit(
    action: str,
    obj: Any = None,
    *,
    by=None,
    summary: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_id: Any = None,
) -> AuditLog:
    """Add an audit entry for an action on an object, by a user or the current one."""
    if by is None and has_request_context() and current_user.is_authenticated:
        by = current_user
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    entry = AuditLog(
        action=action,
        object_type=object_type or "",
        object_id=None if object_id is None else str(object_id),
        user_id=getattr(by, "id", None),
        summary=summary or {},
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry

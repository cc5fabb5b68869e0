"""Write audit entries; the caller's transaction commits them with the change itself."""

from typing import Any

from flask import has_request_context, request

from recruit.audit.models import AuditLog
from recruit.auth.actors import SystemActor
from recruit.extensions import db


def record_audit(
    action: str,
    obj: Any = None,
    *,
    by,
    summary: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_id: Any = None,
) -> AuditLog:
    """Add an audit entry for an action on an object by an explicit actor (user or system)."""
    if by is None:
        # Every operation names who acts; a missing actor is a bug, never "whoever is signed in".
        raise TypeError(f"record_audit({action!r}) needs an actor: a user or a SystemActor")
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    system = isinstance(by, SystemActor)
    entry = AuditLog(
        action=action,
        object_type=object_type or "",
        object_id=None if object_id is None else str(object_id),
        user_id=None if system else by.id,
        system_actor=by.name if system else None,
        summary=summary or {},
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry

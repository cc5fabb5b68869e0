"""The audit log: who changed what and when. Never holds personal information."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.db_types import UTCDateTime, utcnow
from recruit.extensions import db

if TYPE_CHECKING:
    from recruit.auth.models import User


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_object", "object_type", "object_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: When no user acted: the job or command that did ("jobs.expire_positions", "command").
    system_actor: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    #: A dotted verb such as "fair.close" or "user.create".
    action: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    object_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    object_id: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    #: Before/after of the fields that changed; summaries only, no personal information.
    summary: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    remote_addr: so.Mapped[str | None] = so.mapped_column(sa.String(45))

    user: so.Mapped["User | None"] = so.relationship()

    def __repr__(self) -> str:
        return f"<AuditLog {self.action} {self.object_type}:{self.object_id}>"

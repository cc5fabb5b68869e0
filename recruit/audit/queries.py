"""Read the audit log with filters, newest first, paged."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from recruit.audit.models import AuditLog
from recruit.auth.models import User
from recruit.extensions import db
from recruit.formatting import local_day_bounds

#: What an audited object is, in the words of the people reading the log.
OBJECT_LABELS = {
    "users": "用户",
    "api_tokens": "接口令牌",
    "employers": "企业",
    "positions": "岗位",
    "fairs": "招聘会",
    "participations": "参会记录",
    "fair_positions": "参会岗位",
    "seeker_tallies": "入场计数",
    "tentative_hires": "就业意向",
    "channels": "渠道",
    "channel_postings": "渠道条目",
    "sync_runs": "同步记录",
    "regions": "行政区划",
    "industry_chains": "产业链",
    "outcome_reminders": "结果提醒",
    "notifications": "消息",
    "employer_changes": "企业信息变更",
    "employer_invitations": "同事邀请",
    "channel_consumers": "对接方",
}


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    start: date | None = None
    end: date | None = None


def search_audit(filters: AuditFilter, page: int = 1, per_page: int = 50):
    """Return a Flask-SQLAlchemy page of audit entries matching the filters."""
    query = sa.select(AuditLog).options(joinedload(AuditLog.user))
    if filters.username:
        query = query.join(User, AuditLog.user_id == User.id).where(
            User.username == filters.username.strip()
        )
    if filters.action:
        query = query.where(AuditLog.action.startswith(filters.action.strip(), autoescape=True))
    if filters.object_type:
        query = query.where(AuditLog.object_type == filters.object_type.strip())
    if filters.object_id:
        query = query.where(AuditLog.object_id == filters.object_id.strip())
    if filters.start or filters.end:
        begin, stop = local_day_bounds(
            filters.start or date(2000, 1, 1), filters.end or date(9998, 12, 31)
        )
        query = query.where(AuditLog.at >= begin, AuditLog.at < stop)
    query = query.order_by(AuditLog.at.desc(), AuditLog.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def audit_object_types() -> list[str]:
    """Return the object types that occur in the log, for the filter's choices."""
    return list(
        db.session.scalars(
            sa.select(AuditLog.object_type).distinct().order_by(AuditLog.object_type)
        )
    )

"""Weekly reminders to employers about tentative hires still waiting for an outcome."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.db_types import UTCDateTime, utcnow
from recruit.extensions import db

if TYPE_CHECKING:
    from recruit.employers.models import Employer


class OutcomeReminder(db.Model):
    """An employer reminded, once per ISO week, of intents 14+ days old without an outcome."""

    __tablename__ = "outcome_reminders"
    __table_args__ = (
        sa.UniqueConstraint("employer_id", "week", name="uq_outcome_reminders_employer_week"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    employer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("employers.id"), index=True)
    #: ISO week in Asia/Shanghai, e.g. "2026-W47".
    week: so.Mapped[str] = so.mapped_column(sa.String(8))
    #: How many intents were waiting when the reminder was made.
    intents: so.Mapped[int]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Set when the employer has seen it on the dashboard.
    seen_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    employer: so.Mapped["Employer"] = so.relationship()

    def __repr__(self) -> str:
        return f"<OutcomeReminder employer={self.employer_id} {self.week} {self.intents}>"

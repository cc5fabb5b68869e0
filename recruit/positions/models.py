"""Positions (岗位) posted by employers."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.db_types import LabelledEnum, UTCDateTime, str_enum, utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.extensions import db
from recruit.formatting import local_today
from recruit.refdata.codes import Education, EmploymentType, Experience

if TYPE_CHECKING:
    from recruit.refdata.models import Region


class PositionStatus(LabelledEnum):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    OPEN = "open", "招聘中"
    CLOSED = "closed", "已关闭"
    FILLED = "filled", "已招满"
    EXPIRED = "expired", "已过期"


#: Positions in these states are visible to the public and published to channels.
PUBLIC_STATUSES = (PositionStatus.OPEN,)
#: Recruiting stopped after the position was public: its page says so instead of 404.
ENDED_STATUSES = (PositionStatus.CLOSED, PositionStatus.FILLED, PositionStatus.EXPIRED)
#: The employer may still stop recruiting for a position in these states.
CLOSABLE_STATUSES = (PositionStatus.OPEN, PositionStatus.PENDING, PositionStatus.DRAFT)
#: The most people one position (or one fair offer of it) may recruit.
MAX_OPENINGS = 9999


def public_clause(today: date | None = None) -> sa.ColumnElement[bool]:
    """Return the SQL condition of a public position; the query must join Employer.

    Public = open, still valid today (local date), and its employer approved: exactly
    Position.is_public, for searches, feeds and the channels' desired state.
    """
    return sa.and_(
        Position.status.in_(PUBLIC_STATUSES),
        Position.valid_until >= (today or local_today()),
        Employer.status == EmployerStatus.APPROVED,
    )


class Position(db.Model):
    __tablename__ = "positions"
    __table_args__ = (
        sa.CheckConstraint("openings >= 1", name="openings_positive"),
        sa.CheckConstraint(
            "salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max",
            name="salary_range",
        ),
        sa.CheckConstraint("salary_min IS NULL OR salary_min >= 0", name="salary_min_nonneg"),
        sa.CheckConstraint("salary_max IS NULL OR salary_max >= 0", name="salary_max_nonneg"),
        sa.CheckConstraint("occupation_major_group BETWEEN 1 AND 8", name="occupation_group"),
        sa.Index("ix_positions_status_valid_until", "status", "valid_until"),
        # The public search lists open positions newest first, one page at a time.
        sa.Index("ix_positions_status_published_at", "status", "published_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    employer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("employers.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(80))
    #: 职业分类大典 2022 major group 1–8; the full code X-XX-XX-XX is optional.
    occupation_major_group: so.Mapped[int] = so.mapped_column(sa.SmallInteger, index=True)
    occupation_code: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    occupation_edition: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    openings: so.Mapped[int]
    #: Monthly salary in CNY; both NULL together with salary_negotiable means 面议.
    salary_min: so.Mapped[int | None]
    salary_max: so.Mapped[int | None]
    salary_negotiable: so.Mapped[bool] = so.mapped_column(default=False)
    education: so.Mapped[Education] = so.mapped_column(str_enum(Education), default=Education.NONE)
    experience: so.Mapped[Experience] = so.mapped_column(
        str_enum(Experience), default=Experience.NONE
    )
    employment_type: so.Mapped[EmploymentType] = so.mapped_column(
        str_enum(EmploymentType), default=EmploymentType.FULL_TIME
    )
    work_region_code: so.Mapped[str] = so.mapped_column(sa.ForeignKey("regions.code"), index=True)
    work_address: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    contact_name: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    contact_phone: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    valid_until: so.Mapped[date]
    status: so.Mapped[PositionStatus] = so.mapped_column(
        str_enum(PositionStatus), default=PositionStatus.DRAFT, index=True
    )
    #: The reviewer's note when sent back to draft; the employer sees it.
    review_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: Increases on every change that matters to a channel (the posting document changes).
    revision: so.Mapped[int] = so.mapped_column(default=1)
    #: Optimistic lock: a save based on a stale version is refused.
    version: so.Mapped[int] = so.mapped_column(default=1)
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    employer: so.Mapped["Employer"] = so.relationship(back_populates="positions")
    work_region: so.Mapped["Region"] = so.relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def ref(self) -> str:
        """Return our stable reference for channels, never reused."""
        return f"ZZ-P{self.id:06d}"

    # --- the position's rules, asked by services, pages, the API and templates alike ---------

    @property
    def is_public(self) -> bool:
        """Whether anyone may see the position (public_clause in Python)."""
        return (
            self.status in PUBLIC_STATUSES
            and self.valid_until >= local_today()
            and self.employer.status is EmployerStatus.APPROVED
        )

    @property
    def has_ended(self) -> bool:
        """Whether it was public once and no longer is (closed, filled, past its date …).

        A draft closed before it was ever published never was public: it stays unknown.
        """
        if self.published_at is None:
            return False
        published = self.status in ENDED_STATUSES or self.status in PUBLIC_STATUSES
        return published and not self.is_public

    @property
    def can_submit(self) -> bool:
        """Whether the employer may send it to review (drafts only)."""
        return self.status is PositionStatus.DRAFT

    @property
    def can_close(self) -> bool:
        """Whether the employer may stop recruiting for it."""
        return self.status in CLOSABLE_STATUSES

    @property
    def can_mark_filled(self) -> bool:
        """Whether it may be marked as filled (an open position only)."""
        return self.status is PositionStatus.OPEN

    @property
    def can_reopen(self) -> bool:
        """Whether a closed, filled or expired position may recruit again."""
        return self.status in ENDED_STATUSES

    @property
    def awaiting_review(self) -> bool:
        """Whether an organizer has to publish it or send it back."""
        return self.status is PositionStatus.PENDING

    def __repr__(self) -> str:
        return f"<Position {self.id} {self.title!r} {self.status.value}>"

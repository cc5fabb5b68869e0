"""Positions (岗位) posted by employers."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.db_types import LabelledEnum, UTCDateTime, str_enum, utcnow
from recruit.extensions import db
from recruit.refdata.codes import Education, EmploymentType, Experience

if TYPE_CHECKING:
    from recruit.employers.models import Employer
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

    def __repr__(self) -> str:
        return f"<Position {self.id} {self.title!r} {self.status.value}>"

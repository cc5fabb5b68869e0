"""Employers (用工企业)."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.db_types import LabelledEnum, UTCDateTime, str_enum, utcnow
from recruit.extensions import db
from recruit.refdata.codes import EmployerSize

if TYPE_CHECKING:
    from recruit.auth.models import User
    from recruit.positions.models import Position
    from recruit.refdata.models import IndustryChain, Region


class EmployerStatus(LabelledEnum):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"
    SUSPENDED = "suspended", "已暂停"


class Employer(db.Model):
    __tablename__ = "employers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), index=True)
    #: 统一社会信用代码 (GB 32100-2015), upper case, validated before it gets here.
    uscc: so.Mapped[str] = so.mapped_column(sa.String(18), unique=True)
    region_code: so.Mapped[str] = so.mapped_column(sa.ForeignKey("regions.code"), index=True)
    #: GB/T 4754 section (门类) letter A–T, and optionally the four-digit class.
    industry_section: so.Mapped[str] = so.mapped_column(sa.String(1))
    industry_class: so.Mapped[str | None] = so.mapped_column(sa.String(4))
    industry_chain_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("industry_chains.id"), index=True
    )
    size: so.Mapped[EmployerSize | None] = so.mapped_column(str_enum(EmployerSize))
    address: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    contact_name: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    contact_phone: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    status: so.Mapped[EmployerStatus] = so.mapped_column(
        str_enum(EmployerStatus), default=EmployerStatus.PENDING, index=True
    )
    #: The organizer's reason on rejection or suspension; the employer sees it.
    review_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    reviewed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Credit rule: fair sign-up is refused until this date after repeated no-shows.
    fair_signup_blocked_until: so.Mapped[date | None]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    region: so.Mapped["Region"] = so.relationship()
    industry_chain: so.Mapped["IndustryChain | None"] = so.relationship()
    users: so.Mapped[list["User"]] = so.relationship(
        back_populates="employer", foreign_keys="User.employer_id"
    )
    positions: so.Mapped[list["Position"]] = so.relationship(back_populates="employer")

    @property
    def is_public(self) -> bool:
        """Whether anyone may see the employer's profile (approved employers only)."""
        return self.status is EmployerStatus.APPROVED

    def __repr__(self) -> str:
        return f"<Employer {self.uscc} {self.name}>"

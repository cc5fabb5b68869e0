"""Employers (用工企业)."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.auth.models import EmployerRole
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


class Invitation(db.Model):
    """An employer administrator's invitation of a colleague, by mobile or e-mail.

    The link carries a random token; only its SHA-256 is kept. It opens once, before it expires.
    """

    __tablename__ = "employer_invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    employer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("employers.id"), index=True)
    #: The account role the colleague gets.
    role: so.Mapped[EmployerRole] = so.mapped_column(str_enum(EmployerRole))
    #: Where the link was sent: one of the two (an HR contact's work address, not a seeker's).
    mobile: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    #: SHA-256 of the token the link carries.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    invited_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    accepted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The account the invitation became.
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    employer: so.Mapped[Employer] = so.relationship()
    invited_by: so.Mapped["User"] = so.relationship(foreign_keys=[invited_by_id])
    user: so.Mapped["User | None"] = so.relationship(foreign_keys=[user_id])

    @property
    def address(self) -> str:
        """Return where the invitation was sent."""
        return self.mobile or self.email or ""

    def is_open(self, now: datetime) -> bool:
        """Whether the link may still be used."""
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now

    def __repr__(self) -> str:
        return f"<Invitation {self.id} employer={self.employer_id}>"


class ChangeStatus(LabelledEnum):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


class EmployerChange(db.Model):
    """A change of an employer's name, USCC or region, waiting for an organizer's review.

    The employer's public values stay as they are until the change is approved. The values
    before and after are kept, so the record reads the same after the employer changes again.
    """

    __tablename__ = "employer_changes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    employer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("employers.id"), index=True)
    status: so.Mapped[ChangeStatus] = so.mapped_column(
        str_enum(ChangeStatus), default=ChangeStatus.PENDING, index=True
    )
    old_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    old_uscc: so.Mapped[str] = so.mapped_column(sa.String(18))
    old_region_code: so.Mapped[str] = so.mapped_column(sa.String(6))
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    uscc: so.Mapped[str] = so.mapped_column(sa.String(18))
    region_code: so.Mapped[str] = so.mapped_column(sa.ForeignKey("regions.code"))
    requested_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    requested_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The organizer's reason on rejection; the employer sees it.
    review_note: so.Mapped[str | None] = so.mapped_column(sa.Text)

    employer: so.Mapped[Employer] = so.relationship()
    region: so.Mapped["Region"] = so.relationship()
    requested_by: so.Mapped["User"] = so.relationship(foreign_keys=[requested_by_id])
    reviewed_by: so.Mapped["User | None"] = so.relationship(foreign_keys=[reviewed_by_id])

    @property
    def changed_fields(self) -> list[str]:
        """Return the fields the change alters: name, uscc, region_code."""
        return [
            name
            for name in ("name", "uscc", "region_code")
            if getattr(self, name) != getattr(self, f"old_{name}")
        ]

    def __repr__(self) -> str:
        return f"<EmployerChange {self.id} employer={self.employer_id} {self.status.value}>"

"""Fairs (招聘会), who took part, the positions offered there and the seeker counts."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.db_types import LabelledEnum, UTCDateTime, str_enum, utcnow
from recruit.extensions import db
from recruit.refdata.codes import FairMode, FairType

if TYPE_CHECKING:
    from recruit.auth.models import User
    from recruit.employers.models import Employer
    from recruit.positions.models import Position
    from recruit.refdata.models import IndustryChain, Region


class FairStatus(LabelledEnum):
    PLANNED = "planned", "筹备中"
    OPEN = "open", "报名中"
    HELD = "held", "已举办"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已取消"


#: Only fairs in these states count in the metrics of DESIGN §2.5.
COUNTED_STATUSES = (FairStatus.HELD, FairStatus.CLOSED)


class Fair(db.Model):
    __tablename__ = "fairs"
    __table_args__ = (
        sa.CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        sa.CheckConstraint(
            "booth_capacity IS NULL OR booth_capacity >= 0", name="booth_capacity_nonneg"
        ),
        sa.Index("ix_fairs_status_starts_at", "status", "starts_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(120))
    type: so.Mapped[FairType] = so.mapped_column(str_enum(FairType), index=True)
    mode: so.Mapped[FairMode] = so.mapped_column(str_enum(FairMode))
    #: Where the fair is held; the region scope of organizers applies to it.
    region_code: so.Mapped[str] = so.mapped_column(sa.ForeignKey("regions.code"), index=True)
    venue: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    organizer_unit: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: Set for 产业链专场 and other special fairs aimed at one chain.
    industry_chain_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("industry_chains.id"), index=True
    )
    booth_capacity: so.Mapped[int | None]
    registration_deadline: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[FairStatus] = so.mapped_column(
        str_enum(FairStatus), default=FairStatus.PLANNED
    )
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: Optimistic lock: the second of two concurrent edits is refused.
    version: so.Mapped[int] = so.mapped_column(default=1)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    region: so.Mapped["Region"] = so.relationship()
    industry_chain: so.Mapped["IndustryChain | None"] = so.relationship()
    participations: so.Mapped[list["Participation"]] = so.relationship(back_populates="fair")

    __mapper_args__ = {"version_id_col": version}

    @property
    def ref(self) -> str:
        """Return our stable reference for channels."""
        return f"ZZ-F{self.id:06d}"

    def __repr__(self) -> str:
        return f"<Fair {self.id} {self.title!r} {self.status.value}>"


class ParticipationStatus(LabelledEnum):
    REQUESTED = "requested", "已报名"
    APPROVED = "approved", "已通过"
    ATTENDED = "attended", "已到场"
    NO_SHOW = "no_show", "未到场"
    WITHDRAWN = "withdrawn", "已撤回"
    REJECTED = "rejected", "未通过"


class Participation(db.Model):
    """One employer at one fair (参会)."""

    __tablename__ = "participations"
    __table_args__ = (
        sa.UniqueConstraint("fair_id", "employer_id", name="uq_participations_fair_employer"),
        sa.UniqueConstraint("fair_id", "booth", name="uq_participations_fair_booth"),
        sa.Index("ix_participations_status_fair_id", "status", "fair_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fairs.id"))
    employer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("employers.id"), index=True)
    booth: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    status: so.Mapped[ParticipationStatus] = so.mapped_column(
        str_enum(ParticipationStatus), default=ParticipationStatus.REQUESTED
    )
    checked_in_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    review_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    fair: so.Mapped[Fair] = so.relationship(back_populates="participations")
    employer: so.Mapped["Employer"] = so.relationship()
    fair_positions: so.Mapped[list["FairPosition"]] = so.relationship(
        back_populates="participation", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        status = self.status.value
        return f"<Participation fair={self.fair_id} employer={self.employer_id} {status}>"


class FairPosition(db.Model):
    """A position an employer offers at a fair, with the openings offered there."""

    __tablename__ = "fair_positions"
    __table_args__ = (
        sa.UniqueConstraint(
            "participation_id", "position_id", name="uq_fair_positions_participation_position"
        ),
        sa.CheckConstraint("openings >= 1", name="openings_positive"),
        # Covers the report's sum of openings per participation (issue 6).
        sa.Index("ix_fair_positions_participation_openings", "participation_id", "openings"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    participation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("participations.id"))
    position_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("positions.id"), index=True)
    openings: so.Mapped[int]

    participation: so.Mapped[Participation] = so.relationship(back_populates="fair_positions")
    position: so.Mapped["Position"] = so.relationship()

    def __repr__(self) -> str:
        return f"<FairPosition p={self.participation_id} pos={self.position_id} {self.openings}>"


class TallySource(LabelledEnum):
    GATE = "gate", "入口计数"
    ONLINE = "online", "线上"
    SCAN = "scan", "扫码"
    IMPORT = "import", "导入"


class SeekerTally(db.Model):
    """Seeker entries (入场求职) added at a fair; never edited, corrections are new rows."""

    __tablename__ = "seeker_tallies"
    __table_args__ = (
        sa.CheckConstraint("count <> 0", name="count_nonzero"),
        sa.CheckConstraint("count > 0 OR reason IS NOT NULL", name="correction_has_reason"),
        # Covers the report's sum of seeker entries per fair (issue 6).
        sa.Index("ix_seeker_tallies_fair_count", "fair_id", "count"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fairs.id"), index=True)
    #: Seekers counted; negative for a correction, which then needs a reason.
    count: so.Mapped[int]
    source: so.Mapped[TallySource] = so.mapped_column(str_enum(TallySource))
    reason: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    fair: so.Mapped[Fair] = so.relationship()
    recorded_by: so.Mapped["User | None"] = so.relationship()

    def __repr__(self) -> str:
        return f"<SeekerTally fair={self.fair_id} {self.count:+d} {self.source.value}>"

"""Fairs (招聘会), who took part, the positions offered there and the seeker counts."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.hybrid import hybrid_property

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
#: The fair is over for good: nothing about it changes any more.
FINAL_STATUSES = (FairStatus.CLOSED, FairStatus.CANCELLED)
#: On-the-day records (check-ins, seeker entries, intents) are taken in these states.
ON_THE_DAY_STATUSES = (FairStatus.OPEN, FairStatus.HELD)
#: The gate opens this long before a fair starts: the day's records are taken from then.
EARLY_ENTRY = timedelta(hours=2)
#: Intents may still be imported in these states (after the day too, once closed).
IMPORT_STATUSES = (FairStatus.OPEN, FairStatus.HELD, FairStatus.CLOSED)

#: Status changes an organizer may make by hand; closing has its own operation.
TRANSITIONS: dict[FairStatus, tuple[FairStatus, ...]] = {
    FairStatus.PLANNED: (FairStatus.OPEN, FairStatus.HELD, FairStatus.CANCELLED),
    FairStatus.OPEN: (FairStatus.PLANNED, FairStatus.HELD, FairStatus.CANCELLED),
    FairStatus.HELD: (),
    FairStatus.CLOSED: (),
    FairStatus.CANCELLED: (),
}


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

    # --- the fair's rules, asked by services, pages, the API and templates alike -------------

    @hybrid_property
    def is_public(self) -> bool:
        """Whether anyone may see the fair (every state but cancelled)."""
        return self.status is not FairStatus.CANCELLED

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> sa.ColumnElement[bool]:
        return cls.status != FairStatus.CANCELLED

    @hybrid_property
    def signup_open(self) -> bool:
        """Whether employers may sign up now: open, not started, before the deadline."""
        now = utcnow()
        return (
            self.status is FairStatus.OPEN
            and self.starts_at > now
            and (self.registration_deadline is None or self.registration_deadline > now)
        )

    @signup_open.inplace.expression
    @classmethod
    def _signup_open_expression(cls) -> sa.ColumnElement[bool]:
        now = utcnow()
        return sa.and_(
            cls.status == FairStatus.OPEN,
            cls.starts_at > now,
            sa.or_(cls.registration_deadline.is_(None), cls.registration_deadline > now),
        )

    @property
    def is_final(self) -> bool:
        """Whether the fair is closed or cancelled: its records no longer change."""
        return self.status in FINAL_STATUSES

    @property
    def on_the_day(self) -> bool:
        """Whether check-ins, seeker entries and intents are taken now: from two hours before
        the start to the end, while the fair is open or being held."""
        now = utcnow()
        return (
            self.status in ON_THE_DAY_STATUSES
            and self.starts_at - EARLY_ENTRY <= now <= self.ends_at
        )

    @property
    def day_opens_at(self) -> datetime:
        """Return when the day's records open: two hours before the start."""
        return self.starts_at - EARLY_ENTRY

    @property
    def day_not_begun(self) -> bool:
        """Whether the day's records open later (more than two hours before the start)."""
        return self.status in ON_THE_DAY_STATUSES and utcnow() < self.day_opens_at

    @property
    def day_has_passed(self) -> bool:
        """Whether the fair is over but not closed: records only as late entries, with a reason."""
        return self.status in ON_THE_DAY_STATUSES and utcnow() > self.ends_at

    @property
    def takes_imports(self) -> bool:
        """Whether a spreadsheet of intents may be imported (also after closing)."""
        return self.status in IMPORT_STATUSES

    @property
    def can_close(self) -> bool:
        """Whether the fair may be closed now."""
        return self.status in ON_THE_DAY_STATUSES

    @property
    def status_label(self) -> str:
        """Return how the fair's state reads now: 举办中 while it runs, 已举办 after."""
        if self.status is FairStatus.HELD and self.ends_at > utcnow():
            return "举办中"
        return self.status.label

    @property
    def public_status_label(self) -> str:
        """Return the state as seekers read it: 报名中 is the employers' registration."""
        if self.status is FairStatus.OPEN:
            return "企业报名中"
        return self.status_label

    @property
    def has_booths(self) -> bool:
        """Whether the fair has booths at all (an online fair has none)."""
        return self.mode is not FairMode.ONLINE

    @property
    def transitions(self) -> tuple[FairStatus, ...]:
        """Return the statuses an organizer may move the fair to by hand."""
        return TRANSITIONS[self.status]

    def __repr__(self) -> str:
        return f"<Fair {self.id} {self.title!r} {self.status.value}>"


class ParticipationStatus(LabelledEnum):
    REQUESTED = "requested", "已报名"
    APPROVED = "approved", "已通过"
    ATTENDED = "attended", "已到场"
    NO_SHOW = "no_show", "未到场"
    WITHDRAWN = "withdrawn", "已撤回"
    REJECTED = "rejected", "未通过"


#: Accepted by the organizer (or already there): shown publicly, their positions offered.
ACCEPTED = (ParticipationStatus.APPROVED, ParticipationStatus.ATTENDED)
#: Holding a place at the fair (one booth each): counted against the booth capacity.
HOLDING_PLACE = (
    ParticipationStatus.REQUESTED,
    ParticipationStatus.APPROVED,
    ParticipationStatus.ATTENDED,
)
#: Not yet settled by the fair: may be withdrawn, may get a booth.
WITHDRAWABLE = (ParticipationStatus.REQUESTED, ParticipationStatus.APPROVED)


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

    @hybrid_property
    def is_accepted(self) -> bool:
        """Whether the organizer accepted the employer (approved, or attended)."""
        return self.status in ACCEPTED

    @is_accepted.inplace.expression
    @classmethod
    def _is_accepted_expression(cls) -> sa.ColumnElement[bool]:
        return cls.status.in_(ACCEPTED)

    @hybrid_property
    def holds_place(self) -> bool:
        """Whether the participation takes one of the fair's places (booths)."""
        return self.status in HOLDING_PLACE

    @holds_place.inplace.expression
    @classmethod
    def _holds_place_expression(cls) -> sa.ColumnElement[bool]:
        return cls.status.in_(HOLDING_PLACE)

    @property
    def awaiting_review(self) -> bool:
        """Whether the organizer still has to approve or reject the sign-up."""
        return self.status is ParticipationStatus.REQUESTED

    @property
    def can_withdraw(self) -> bool:
        """Whether the organizer may take the employer off the fair."""
        return self.status in WITHDRAWABLE and not self.fair.is_final

    @property
    def employer_may_withdraw(self) -> bool:
        """Whether the employer may withdraw online: only while sign-ups are open."""
        return self.status in WITHDRAWABLE and self.fair.signup_open

    @property
    def can_check_in(self) -> bool:
        """Whether the employer may be checked in (on the day, or later as a late entry)."""
        return (
            self.status is ParticipationStatus.APPROVED
            and self.checked_in_at is None
            and self.fair.status in ON_THE_DAY_STATUSES
        )

    @property
    def can_undo_check_in(self) -> bool:
        """Whether a check-in may be taken back (before the fair is closed)."""
        return (
            self.status is ParticipationStatus.APPROVED
            and self.checked_in_at is not None
            and self.fair.status in ON_THE_DAY_STATUSES
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

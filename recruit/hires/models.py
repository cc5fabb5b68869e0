"""Tentative hires (初步就业意向) registered at fairs."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.hybrid import hybrid_property

from recruit.db_types import LabelledEnum, UTCDateTime, str_enum, utcnow
from recruit.extensions import db
from recruit.pii import EncryptedText, pii_hash
from recruit.refdata.codes import Education, Gender
from recruit.validators import mask_id_number, mask_phone

if TYPE_CHECKING:
    from recruit.auth.models import User
    from recruit.fairs.models import Fair
    from recruit.positions.models import Position
    from recruit.seekers.models import Seeker


class Outcome(LabelledEnum):
    INTENT = "intent", "意向"
    HIRED = "hired", "已录用"
    STARTED = "started", "已到岗"
    DECLINED = "declined", "未录用"
    WITHDRAWN = "withdrawn", "放弃"
    #: Started, then left the job (a call-back's answer); it still reached 录用 and 到岗.
    LEFT = "left", "已离职"


class HireSource(LabelledEnum):
    FORM = "form", "现场登记"
    IMPORT = "import", "表格导入"
    API = "api", "接口"
    BOOTH = "booth", "扫码投递"
    ONLINE = "online", "在线投递"


class TentativeHire(db.Model):
    """One seeker's intent for one position at one fair; a seeker may have several (人次)."""

    __tablename__ = "tentative_hires"
    __table_args__ = (
        sa.CheckConstraint(
            "started_on IS NULL OR hired_on IS NOT NULL", name="started_after_hired"
        ),
        sa.Index("ix_tentative_hires_fair_position", "fair_id", "position_id"),
        # Covers the report's per-fair count of intents reaching 录用 / 到岗 (issue 6).
        sa.Index("ix_tentative_hires_fair_outcome", "fair_id", "outcome", "hired_on", "started_on"),
        # Duplicate detection: same seeker (name + phone hash) at the same fair.
        sa.Index("ix_tentative_hires_fair_phone_hash", "fair_id", "seeker_phone_hash"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fairs.id"))
    position_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("positions.id"), index=True)
    #: The seeker with the same mobile (DESIGN §7); None once the retention period removed it.
    seeker_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("seekers.id"), index=True)
    seeker_name: so.Mapped[str] = so.mapped_column(sa.String(40))
    gender: so.Mapped[Gender | None] = so.mapped_column(str_enum(Gender, length=8))
    #: Personal information, encrypted at rest (recruit.pii); never logged, masked on screen for
    #: roles that don't need it; NULL once the retention period has removed it.
    seeker_phone: so.Mapped[str | None] = so.mapped_column(EncryptedText())
    seeker_id_number: so.Mapped[str | None] = so.mapped_column(EncryptedText())
    #: Keyed hashes of the normalised phone and ID number, for finding duplicates.
    seeker_phone_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    seeker_id_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    #: When the retention job removed this seeker's personal information.
    pii_removed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    education: so.Mapped[Education | None] = so.mapped_column(str_enum(Education))
    #: PriorityGroup values (高校毕业生, 退役军人 …) the seeker belongs to.
    priority_groups: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    outcome: so.Mapped[Outcome] = so.mapped_column(
        str_enum(Outcome), default=Outcome.INTENT, index=True
    )
    #: Caches recruit.hires.steps keeps from the non-voided steps (the reports read them):
    #: hired_on = the earliest hired or started step's day (a later 未录用 keeps it),
    #: started_on = the earliest started step's day, outcome / outcome_on = the last word.
    hired_on: so.Mapped[date | None]
    started_on: so.Mapped[date | None]
    outcome_on: so.Mapped[date | None]
    outcome_note: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    source: so.Mapped[HireSource] = so.mapped_column(str_enum(HireSource), default=HireSource.FORM)
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    fair: so.Mapped["Fair"] = so.relationship()
    position: so.Mapped["Position"] = so.relationship()
    recorded_by: so.Mapped["User | None"] = so.relationship()
    seeker: so.Mapped["Seeker | None"] = so.relationship()

    @so.validates("seeker_phone", "seeker_id_number")
    def _hash_beside(self, key: str, value: str | None) -> str | None:
        # The keyed hash follows the value, so duplicate checks never need to decrypt.
        if key == "seeker_phone":
            self.seeker_phone_hash = pii_hash(value)
        else:
            self.seeker_id_hash = pii_hash(value)
        return value

    # --- what the intent reached (DESIGN §2.5): one definition for reports, summaries, API ---

    @hybrid_property
    def reached_hired(self) -> bool:
        """Whether the intent reached 录用 (a later 放弃 or 离职 does not undo it)."""
        return self.hired_on is not None or self.outcome in (Outcome.HIRED, Outcome.STARTED)

    @reached_hired.inplace.expression
    @classmethod
    def _reached_hired_expression(cls) -> sa.ColumnElement[bool]:
        return sa.or_(cls.hired_on.is_not(None), cls.outcome.in_([Outcome.HIRED, Outcome.STARTED]))

    @hybrid_property
    def reached_started(self) -> bool:
        """Whether the intent reached 到岗."""
        return self.started_on is not None or self.outcome is Outcome.STARTED

    @reached_started.inplace.expression
    @classmethod
    def _reached_started_expression(cls) -> sa.ColumnElement[bool]:
        return sa.or_(cls.started_on.is_not(None), cls.outcome == Outcome.STARTED)

    # --- personal data, masked: the full values leave only through hires.contact -------------

    @property
    def masked_phone(self) -> str:
        """Return the phone as 139****5678 (empty once the retention period removed it)."""
        return mask_phone(self.seeker_phone) if self.seeker_phone else ""

    @property
    def masked_id_number(self) -> str:
        """Return the ID number masked, or empty when none was given."""
        return mask_id_number(self.seeker_id_number) if self.seeker_id_number else ""

    def __repr__(self) -> str:
        return f"<TentativeHire {self.id} fair={self.fair_id} pos={self.position_id}>"


class StepKind(LabelledEnum):
    """A dated step in an intent's history (DESIGN §7); 意向 itself is the intent's row."""

    HIRED = "hired", "已录用"
    STARTED = "started", "已到岗"
    RETAINED_30 = "retained_30", "在岗满30天"
    RETAINED_90 = "retained_90", "在岗满90天"
    RETAINED_180 = "retained_180", "在岗满180天"
    DECLINED = "declined", "未录用"
    WITHDRAWN = "withdrawn", "放弃"
    LEFT = "left", "已离职"
    #: A call-back that reached nobody (联系不上): a try, not an outcome.
    UNREACHABLE = "unreachable", "联系不上"


class HireStep(db.Model):
    """One dated step of an intent, recorded by the employer or by staff.

    Never edited: a step recorded by mistake is voided as a correction, with a reason, and a
    voided step does not count. "Reached 录用" = a hired step that is not voided, whatever came
    after it.
    """

    __tablename__ = "hire_steps"
    __table_args__ = (sa.Index("ix_hire_steps_hire_step", "hire_id", "step"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    hire_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("tentative_hires.id"))
    step: so.Mapped[StepKind] = so.mapped_column(str_enum(StepKind))
    #: The day it happened (local date), as the employer or the call-back reports it.
    on: so.Mapped[date]
    #: For call-backs: which milestone (30 / 90 / 180 days) the call was for.
    milestone: so.Mapped[int | None]
    note: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    voided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    voided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    void_reason: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    hire: so.Mapped[TentativeHire] = so.relationship()
    recorded_by: so.Mapped["User | None"] = so.relationship(foreign_keys=[recorded_by_id])

    @property
    def counts(self) -> bool:
        return self.voided_at is None

    def __repr__(self) -> str:
        return f"<HireStep {self.id} hire={self.hire_id} {self.step.value}>"

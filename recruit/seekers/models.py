"""Seekers (求职者) who take part themselves: entries at the gate, applications at the booth.

DESIGN §7. A seeker is one person per mobile (keyed hash); the phone and ID number are
encrypted at rest like an intent's (recruit.pii) and leave the product only through the gate in
recruit.hires.contact. Deleting a seeker keeps the row as an anonymous tombstone, so every
entry, application and intent still counts while nothing says who it was.
"""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.db_types import LabelledEnum, UTCDateTime, str_enum, utcnow
from recruit.extensions import db
from recruit.pii import EncryptedText, pii_hash
from recruit.refdata.codes import Education, Gender
from recruit.validators import mask_phone

if TYPE_CHECKING:
    from recruit.auth.models import User
    from recruit.fairs.models import Fair, FairPosition
    from recruit.hires.models import TentativeHire
    from recruit.positions.models import Position


class ConsentPurpose(LabelledEnum):
    """What a seeker agrees their data is used for (the notice names each)."""

    ENTRY = "entry", "入场统计"
    APPLY = "apply", "向所选用人单位投递"
    FOLLOW_UP = "follow_up", "就业跟踪回访"


class SeekerOrigin(LabelledEnum):
    """How the product came to know the seeker."""

    SELF = "self", "本人登记"
    STAFF = "staff", "工作人员登记"


class Seeker(db.Model):
    """A job seeker, one per mobile; a tombstone (no name, no phone) once deleted."""

    __tablename__ = "seekers"
    __table_args__ = (
        # One seeker per mobile; tombstones have no hash, and NULLs never collide.
        sa.UniqueConstraint("seeker_phone_hash", name="uq_seekers_phone_hash"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: None once the seeker deleted their data.
    name: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    #: Personal information, encrypted at rest; read only in the seekers and hires domains.
    seeker_phone: so.Mapped[str | None] = so.mapped_column(EncryptedText())
    seeker_id_number: so.Mapped[str | None] = so.mapped_column(EncryptedText())
    seeker_phone_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    seeker_id_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    gender: so.Mapped[Gender | None] = so.mapped_column(str_enum(Gender, length=8))
    education: so.Mapped[Education | None] = so.mapped_column(str_enum(Education))
    priority_groups: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    origin: so.Mapped[SeekerOrigin] = so.mapped_column(
        str_enum(SeekerOrigin, length=10), default=SeekerOrigin.SELF
    )
    #: The privacy notice the seeker agreed to (None: known only from staff records).
    consent_version: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    consent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    consent_purposes: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    #: When a code sent to the mobile was typed back (None: never proven).
    phone_verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: When the seeker withdrew consent and the person was removed.
    deleted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    @so.validates("seeker_phone", "seeker_id_number")
    def _hash_beside(self, key: str, value: str | None) -> str | None:
        if key == "seeker_phone":
            self.seeker_phone_hash = pii_hash(value)
        else:
            self.seeker_id_hash = pii_hash(value)
        return value

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.seeker_phone) if self.seeker_phone else ""

    def __repr__(self) -> str:
        return f"<Seeker {self.id}{' deleted' if self.deleted_at else ''}>"


class SeekerToken(db.Model):
    """A seeker's token (cookie on the phone pages, bearer for the mini program), as a hash.

    A token may read and delete the seeker's data only when it is proven: it created the
    seeker, or a code sent to the mobile was typed back with it. Anyone can type a stranger's
    mobile at a gate; that counts an entry but shows them nothing.
    """

    __tablename__ = "seeker_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    seeker_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("seekers.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: The token that registered the seeker (its holder typed the mobile first).
    created_seeker: so.Mapped[bool] = so.mapped_column(default=False)
    verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    seeker: so.Mapped[Seeker] = so.relationship()

    @property
    def proven(self) -> bool:
        return self.created_seeker or self.verified_at is not None

    def __repr__(self) -> str:
        return f"<SeekerToken {self.id} seeker={self.seeker_id}>"


class SeekerCode(db.Model):
    """A one-time code sent to a seeker's mobile, stored as a keyed hash."""

    __tablename__ = "seeker_codes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("seeker_tokens.id"), index=True)
    secret_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class EntrySource(LabelledEnum):
    SCAN = "scan", "扫码入场"
    ONLINE = "online", "线上参会"


class Entry(db.Model):
    """A seeker's entry to a fair (扫码入场 or online): at most one per seeker and fair."""

    __tablename__ = "fair_entries"
    __table_args__ = (
        sa.UniqueConstraint("fair_id", "seeker_id", name="uq_fair_entries_fair_seeker"),
        sa.Index("ix_fair_entries_seeker_id", "seeker_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fairs.id"))
    seeker_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("seekers.id"))
    source: so.Mapped[EntrySource] = so.mapped_column(str_enum(EntrySource, length=10))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    fair: so.Mapped["Fair"] = so.relationship()
    seeker: so.Mapped[Seeker] = so.relationship()

    def __repr__(self) -> str:
        return f"<Entry fair={self.fair_id} seeker={self.seeker_id} {self.source.value}>"


class ApplicationState(LabelledEnum):
    SUBMITTED = "submitted", "已投递"
    INTENT = "intent", "达成意向"
    DECLINED = "declined", "未通过"


class ApplicationSource(LabelledEnum):
    BOOTH = "booth", "扫码投递"
    ONLINE = "online", "在线投递"


class Application(db.Model):
    """A seeker's application (投递) to a position offered at a fair."""

    __tablename__ = "applications"
    __table_args__ = (
        sa.UniqueConstraint(
            "seeker_id", "fair_id", "position_id", name="uq_applications_seeker_fair_position"
        ),
        sa.Index("ix_applications_fair_position", "fair_id", "position_id"),
        sa.Index("ix_applications_employer_fair", "employer_id", "fair_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fairs.id"))
    position_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("positions.id"))
    fair_position_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("fair_positions.id"))
    #: The position's employer, kept beside it so an employer's list is one index away.
    employer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("employers.id"))
    seeker_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("seekers.id"))
    source: so.Mapped[ApplicationSource] = so.mapped_column(str_enum(ApplicationSource, length=10))
    state: so.Mapped[ApplicationState] = so.mapped_column(
        str_enum(ApplicationState, length=12), default=ApplicationState.SUBMITTED
    )
    #: Whether the seeker's mobile was proven by a code when the application left.
    verified: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: The intent the application became (达成意向).
    hire_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("tentative_hires.id"))

    fair: so.Mapped["Fair"] = so.relationship()
    position: so.Mapped["Position"] = so.relationship()
    fair_position: so.Mapped["FairPosition"] = so.relationship()
    seeker: so.Mapped[Seeker] = so.relationship()
    decided_by: so.Mapped["User | None"] = so.relationship()
    hire: so.Mapped["TentativeHire | None"] = so.relationship()

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.state.value}>"

"""Users, their roles and API tokens."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from recruit.db_types import LabelledEnum, UTCDateTime, str_enum, utcnow
from recruit.extensions import db

if TYPE_CHECKING:
    from recruit.employers.models import Employer
    from recruit.refdata.models import Region


class Role(LabelledEnum):
    ADMIN = "admin", "系统管理员"
    ORGANIZER = "organizer", "组织者"
    EMPLOYER = "employer", "用人单位"
    VIEWER = "viewer", "领导查看"


class EmployerRole(LabelledEnum):
    """What an employer account may do for its employer (several HR people per employer)."""

    ADMIN = "admin", "管理员"
    FULL = "full", "全部权限"
    READONLY = "readonly", "只读"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "role <> 'organizer' OR region_code IS NOT NULL", name="organizer_has_region"
        ),
        sa.CheckConstraint(
            "role <> 'employer' OR employer_id IS NOT NULL", name="employer_has_employer"
        ),
        sa.CheckConstraint(
            "role <> 'employer' OR employer_role IS NOT NULL", name="employer_has_employer_role"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    display_name: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[Role] = so.mapped_column(str_enum(Role), index=True)
    #: Organizers only: the region they work in; 430200 is the whole city.
    region_code: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("regions.code"))
    #: Employer accounts only: the one employer this account acts for.
    employer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("employers.id"), index=True)
    #: Employer accounts only: administrator (manages the team), full rights, or read-only.
    employer_role: so.Mapped[EmployerRole | None] = so.mapped_column(str_enum(EmployerRole))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    password_changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Where the product reaches the person (notifications, password reset, invitations).
    #: Staff and employer HR contacts, not seekers' personal data: kept in the clear.
    mobile: so.Mapped[str | None] = so.mapped_column(sa.String(20), index=True)
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254), index=True)
    #: Set when the person proved they receive messages there (a code or a link).
    mobile_verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    email_verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    region: so.Mapped["Region | None"] = so.relationship()
    employer: so.Mapped["Employer | None"] = so.relationship(back_populates="users")

    def set_password(self, password: str) -> None:
        """Store a scrypt hash of the password."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        """Return whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Return the user id; sign-in replaces it with a server-side session's id.

        recruit.auth.sessions opens a UserSession whenever Flask-Login signs someone in and
        puts "<user id>:<session key>" in the cookies instead; a bare user id opens nothing.
        """
        return str(self.id)

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {Role(r) for r in roles}

    @property
    def may_write_for_employer(self) -> bool:
        """Whether this employer account may change its employer's records (not read-only)."""
        return self.role is Role.EMPLOYER and self.employer_role in (
            EmployerRole.ADMIN,
            EmployerRole.FULL,
        )

    @property
    def may_be_sent_a_reset(self) -> bool:
        """Whether a reset can reach this account: active, with a verified mobile or e-mail."""
        return self.active and bool(
            (self.mobile and self.mobile_verified_at) or (self.email and self.email_verified_at)
        )

    @property
    def is_employer_admin(self) -> bool:
        """Whether this employer account manages its employer's team."""
        return self.role is Role.EMPLOYER and self.employer_role is EmployerRole.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class UserSession(db.Model):
    """One signed-in browser: the server's side of its session and remember-me cookies.

    The cookies carry a random key; only its SHA-256 is kept. Ending the row (sign-out, a
    password change, "sign out everywhere") ends every copy of those cookies at once.
    """

    __tablename__ = "user_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: SHA-256 of the key the cookies carry.
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: Signed in with 记住我: lives as long as the remember-me cookie.
    remember: so.Mapped[bool] = so.mapped_column(default=False)
    address: so.Mapped[str | None] = so.mapped_column(sa.String(45))
    #: The browser's own description, cut short; only shown to the user to tell devices apart.
    user_agent: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: SHA-256 of the token; the token itself is shown once and never kept.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: The first characters of the token, so a user can tell tokens apart.
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… user={self.user_id}>"

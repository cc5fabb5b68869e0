"""An employer's HR team: several accounts per employer, invited and managed by its administrators.

The employer's first account is its administrator. An administrator invites colleagues by
mobile or e-mail (a one-time link through the notifications outbox), sets each to
administrator, full rights or read-only, and removes them (the account is deactivated and
every session of it ends). The last administrator can be neither demoted nor removed. Every
account sees the team; only administrators change it.
"""

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.audit.services import record_audit
from recruit.auth.contact import EMAIL_RE, MAX_EMAIL_LENGTH
from recruit.auth.models import EmployerRole, Role, User
from recruit.auth.scope import require_employer_write, require_role
from recruit.auth.services import create_user, read_new_login
from recruit.auth.sessions import end_all_sessions
from recruit.db_types import utcnow
from recruit.employers.models import Employer, Invitation
from recruit.errors import Conflict, Forbidden, Invalid, NotFound
from recruit.extensions import db
from recruit.formatting import local_datetime
from recruit.links import public_url
from recruit.notify.services import send
from recruit.uow import register_unique_race
from recruit.validators import mobile_error, normalize_mobile, read_text

logger = logging.getLogger(__name__)

#: How long an invitation link may be used.
INVITATION_DAYS = 7
#: At most this many invitations of one employer wait for an answer at once.
MAX_OPEN_INVITATIONS = 20
NOT_ADMIN = "只有本单位的账号管理员可以管理同事账号。"
NO_MEMBER = "同事账号不存在。"
LAST_ADMIN = "本单位至少要保留一名管理员：请先把另一位同事设为管理员。"
INVALID_LINK = "邀请链接无效：请核对链接是否完整，或联系贵单位的账号管理员重新邀请。"
EXPIRED_LINK = f"邀请链接已过期（有效期 {INVITATION_DAYS} 天）：请联系贵单位的账号管理员重新邀请。"
USED_LINK = "该邀请链接已经使用过，账号已经设置好：请直接登录。"

register_unique_race("employer_invitations", ("token_hash",), "address", "邀请未能生成，请重试。")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- who manages the team --------------------------------------------------------------------


def require_team_admin(actor) -> None:
    """Refuse (Forbidden) unless the actor administers its employer's accounts."""
    require_employer_write(actor)
    if not actor.is_employer_admin:
        raise Forbidden(NOT_ADMIN)


def team_members(actor) -> list[User]:
    """Return the accounts of the actor's employer: active first, then by when they joined."""
    require_role(actor, Role.EMPLOYER)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.employer_id == actor.employer_id, User.role == Role.EMPLOYER)
            .order_by(User.active.desc(), User.id)
        )
    )


def open_invitations(actor) -> list[Invitation]:
    """Return the invitations of the actor's employer still waiting for an answer."""
    require_role(actor, Role.EMPLOYER)
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.employer_id == actor.employer_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.id.desc())
        )
    )


def team_activity(actor, limit: int = 20) -> list[AuditLog]:
    """Return the latest audited actions of the actor's employer's accounts, newest first."""
    require_role(actor, Role.EMPLOYER)
    members = sa.select(User.id).where(User.employer_id == actor.employer_id)
    return list(
        db.session.scalars(
            sa.select(AuditLog)
            .where(AuditLog.user_id.in_(members))
            .order_by(AuditLog.id.desc())
            .limit(limit)
        )
    )


def get_member(actor, user_id: int) -> User:
    """Return an account of the actor's own employer, else NotFound."""
    require_role(actor, Role.EMPLOYER)
    member = db.session.get(User, user_id)
    if not _colleague(actor, member):
        raise NotFound(NO_MEMBER)
    return member


def _colleague(actor, member: User | None) -> bool:
    """Whether the account is one of the actor's own employer."""
    return (
        member is not None
        and member.role is Role.EMPLOYER
        and member.employer_id == actor.employer_id
    )


def get_invitation(actor, invitation_id: int) -> Invitation:
    """Return an invitation of the actor's own employer, else NotFound."""
    require_role(actor, Role.EMPLOYER)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.employer_id != actor.employer_id:
        raise NotFound("邀请不存在。")
    return invitation


def _lock_team(employer_id: int) -> Employer:
    """Lock the employer's row: two administrators changing roles at once take turns."""
    return db.session.get(Employer, employer_id, with_for_update=True)


def _admin_count(employer_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.employer_id == employer_id,
            User.role == Role.EMPLOYER,
            User.active,
            User.employer_role == EmployerRole.ADMIN,
        )
    )


def _role(value: Any) -> EmployerRole:
    try:
        return EmployerRole(value)
    except ValueError:
        raise Invalid("权限：请选择 管理员、全部权限 或 只读。", field="role") from None


# --- invitations -----------------------------------------------------------------------------


def _address(raw: Any) -> tuple[str | None, str | None]:
    """Read a mobile or an e-mail address: (mobile, email), one of them set."""
    errors: dict[str, str] = {}
    value = read_text(
        {"address": raw}, "address", "手机号或邮箱", MAX_EMAIL_LENGTH, errors, required=True
    )
    if errors:
        raise Invalid(errors=errors)
    if "@" in value:
        # The same shape as an account's own e-mail (auth.contact), so the invited one can be kept.
        if not EMAIL_RE.match(value):
            raise Invalid("手机号或邮箱：邮箱地址格式不正确。", field="address")
        return None, value.lower()
    problem = mobile_error(value)
    if problem:
        raise Invalid(f"手机号或邮箱：{problem}。", field="address")
    return normalize_mobile(value), None


def invite_colleague(address: Any, role: Any, *, by) -> tuple[Invitation, str]:
    """Invite a colleague to an account of the actor's employer; return it and its token.

    The link goes out through the outbox with this transaction. An earlier invitation to the
    same address that is still open is revoked: only the newest link works.
    """
    require_team_admin(by)
    mobile, email = _address(address)
    role = _role(role)
    employer = _lock_team(by.employer_id)
    taken = sa.select(User.id).where(
        User.employer_id == employer.id,
        User.active,
        User.mobile == mobile if mobile else User.email == email,
    )
    if db.session.scalar(taken):
        raise Conflict("手机号或邮箱：本单位已有同事账号使用它。", field="address")
    now = utcnow()
    waiting = open_invitations(by)
    earlier = [i for i in waiting if (i.mobile, i.email) == (mobile, email)]
    for invitation in earlier:
        invitation.revoked_at = now
    if len(waiting) - len(earlier) >= MAX_OPEN_INVITATIONS:
        raise Conflict(
            f"待接受的邀请已有 {MAX_OPEN_INVITATIONS} 个：请先撤销不需要的邀请。", field="address"
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        employer=employer,
        role=role,
        mobile=mobile,
        email=email,
        token_hash=_digest(token),
        invited_by_id=by.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    send(
        "employer_invitation",
        {
            "employer": employer.name,
            "inviter": by.display_name or by.username,
            "role": role.label,
            "expires": local_datetime(invitation.expires_at),
            "url": public_url("invitations.accept", token=token),
        },
        mobile=mobile,
        email=email,
    )
    record_audit(
        "employer.invite",
        employer,
        by=by,
        summary={
            "invitation": invitation.id,
            "role": role.value,
            "channel": "sms" if mobile else "email",
            "replaces": [i.id for i in earlier],
        },
    )
    logger.info("Employer %s invited a colleague (invitation %s)", employer.id, invitation.id)
    return invitation, token


def revoke_invitation(invitation: Invitation, *, by) -> None:
    """Make an invitation's link stop working."""
    require_team_admin(by)
    if invitation.employer_id != by.employer_id:
        raise NotFound("邀请不存在。")
    if not invitation.is_open(utcnow()):
        raise Conflict("该邀请已被接受、已撤销或已过期。")
    invitation.revoked_at = utcnow()
    record_audit(
        "employer.invitation_revoke",
        invitation.employer,
        by=by,
        summary={"invitation": invitation.id},
    )


def find_invitation(token: str) -> Invitation:
    """Return the invitation a link opens; NotFound, or Conflict when used or expired."""
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == _digest(token or ""))
    )
    if invitation is None or invitation.revoked_at is not None:
        raise NotFound(INVALID_LINK)
    if invitation.accepted_at is not None:
        raise Conflict(USED_LINK)
    if invitation.expires_at <= utcnow():
        raise Conflict(EXPIRED_LINK)
    return invitation


def accept_invitation(token: str, data: dict[str, Any]) -> User:
    """Turn an open invitation into an account of its employer; raise Invalid naming fields.

    The person chooses a username, a name and a password (the same rule as every password).
    The address the link reached becomes the account's verified contact. The invitation works
    once, even when two browsers send the form at the same moment.
    """
    invitation = find_invitation(token)
    errors: dict[str, str] = {}
    display_name = read_text(data, "display_name", "姓名", 64, errors, required=True)
    username, password = read_new_login(data, errors, name=display_name)
    if errors:
        raise Invalid(errors=errors)

    now = utcnow()
    claimed = db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=now)
    ).rowcount
    if not claimed:
        raise Conflict(USED_LINK)
    user = create_user(
        username,
        password,
        Role.EMPLOYER,
        employer_uscc=invitation.employer.uscc,
        display_name=display_name,
    )
    user.employer_role = invitation.role
    if invitation.mobile:
        user.mobile, user.mobile_verified_at = invitation.mobile, now
    if invitation.email:
        user.email, user.email_verified_at = invitation.email, now
    invitation.user = user
    invitation.accepted_at = now
    db.session.flush()
    record_audit(
        "employer.invitation_accept",
        invitation.employer,
        by=user,
        summary={
            "invitation": invitation.id,
            "role": invitation.role.value,
            "invited_by": invitation.invited_by_id,
        },
    )
    return user


# --- roles and removal -----------------------------------------------------------------------


def set_member_role(member: User, role: Any, *, by) -> bool:
    """Give a colleague another role; return whether it changed. The last admin stays one."""
    require_team_admin(by)
    role = _role(role)
    if not _colleague(by, member):
        raise NotFound(NO_MEMBER)
    if not member.active:
        raise Conflict("该同事账号已移除。")
    _lock_team(by.employer_id)
    before = member.employer_role
    if before is role:
        return False
    if before is EmployerRole.ADMIN and _admin_count(by.employer_id) <= 1:
        raise Conflict(LAST_ADMIN, field="role")
    member.employer_role = role
    record_audit(
        "employer.member_role",
        member,
        by=by,
        summary={"username": member.username, "role": [before.value, role.value]},
    )
    return True


def remove_member(member: User, *, by) -> dict:
    """Remove a colleague: the account is deactivated and every session and token of it ends."""
    require_team_admin(by)
    if not _colleague(by, member):
        raise NotFound(NO_MEMBER)
    if not member.active:
        raise Conflict("该同事账号已移除。")
    _lock_team(by.employer_id)
    if member.employer_role is EmployerRole.ADMIN and _admin_count(by.employer_id) <= 1:
        raise Conflict(LAST_ADMIN)
    member.active = False
    ended = end_all_sessions(member, by=by, reason="employer.member_sessions_end")
    record_audit(
        "employer.member_remove",
        member,
        by=by,
        summary={"username": member.username, "role": member.employer_role.value, **ended},
    )
    return ended

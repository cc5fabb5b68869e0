"""忘记密码: a reset by a code to the account's verified mobile or a link to its verified e-mail.

The person names the account by username, mobile or e-mail. The answer never says whether an
account was found: the same words, whatever happened, and the same work (a code and its hash
are made either way; delivery is an outbox row, sent after commit). A code lives
RESET_CODE_MINUTES with RESET_CODE_TRIES tries, a link RESET_LINK_MINUTES, and either works
once. Per account and per client address the requests are limited (recruit.auth.codes).
A reset sets the password under the usual rule and ends every session and API token of the
account, as a password change does. Staff send a reset to an account they manage: admins to
anyone, organizers to employer accounts in their region scope.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_request_context, request

from recruit.audit.services import record_audit
from recruit.auth.actors import system
from recruit.auth.codes import (
    AccountCode,
    CodeChannel,
    CodePurpose,
    ContactRequest,
    LinkState,
    RequestKind,
    count_requests,
    digest,
    issue,
    live_code,
    matches,
    new_code,
    note_request,
    read_link,
    spend_all,
    window,
)
from recruit.auth.models import Role, User
from recruit.auth.passwords import check_password_policy
from recruit.auth.scope import require_role, scope_region_codes
from recruit.auth.sessions import end_all_sessions
from recruit.auth.throttle import clear_failures
from recruit.db_types import utcnow
from recruit.employers.models import Employer
from recruit.errors import Conflict, Invalid, NotFound, ServiceError
from recruit.extensions import db
from recruit.links import public_url
from recruit.notify.services import send
from recruit.validators import is_valid_mobile, normalize_mobile

logger = logging.getLogger(__name__)

#: What the page says after any request, found or not (the page adds nothing to it).
REQUEST_ANSWER = (
    "如果该账号存在，并且绑定了已验证的手机号或邮箱，我们已向其发送验证码"
    "（短信，{minutes} 分钟内有效）或重置链接（邮件，{link_minutes} 分钟内有效）。"
    "没有收到？请核对填写的内容；"
    "一个手机号或邮箱关联了多个账号时，请填写用户名。"
)
WRONG_CODE = "验证码：不正确或已过期。请核对短信中的 6 位验证码，或重新获取。"
TOO_MANY_TRIES = "验证码：错误次数过多，该验证码已失效，请重新获取验证码。"
CODE_FORMAT = "验证码：应为 6 位数字。"
LINK_MESSAGES = {
    LinkState.INVALID: "重置链接无效：请使用邮件中的完整链接，或重新申请重置密码。",
    LinkState.EXPIRED: "重置链接已过期：链接只在发出后 {minutes} 分钟内有效，请重新申请重置密码。",
    LinkState.USED: "重置链接已使用过：每个链接只能使用一次。如仍需重置，请重新申请。",
}
NO_VERIFIED_CONTACT = (
    "该账号没有已验证的手机号或邮箱，无法发送重置。请本人登录后在“我的账号”中验证，"
    "或由系统管理员用 flask users set-password 设置新密码。"
)

_CODE_RE = re.compile(r"^\d{6}$")


class ResetThrottled(ServiceError):
    """Too many reset requests or wrong codes from one client address lately."""

    status = 429

    def __init__(self, minutes: int):
        super().__init__(f"操作过于频繁：为保护账号安全，请在 {max(1, minutes)} 分钟后再试。")


@dataclass
class CodeCheck:
    """What typing a code came to: the account reset, or the refusal to show.

    A wrong code is written down (the try counts), so the caller commits either way and then
    presents `refusal`.
    """

    user: User | None = None
    refusal: Invalid | None = None


def _minutes(name: str) -> timedelta:
    return timedelta(minutes=current_app.config[name])


def _client(address: str | None) -> str:
    if address is None and has_request_context():
        address = request.remote_addr
    return (address or "-")[:45]


def _check_address(address: str) -> None:
    """Refuse a client address that asked, or typed wrong codes, too often in the window."""
    count, oldest = count_requests(address=address)
    if count >= current_app.config["CONTACT_MAX_PER_ADDRESS"]:
        limit = timedelta(minutes=current_app.config["CONTACT_LIMIT_MINUTES"])
        raise ResetThrottled(int((oldest + limit - utcnow()).total_seconds() // 60) + 1)


def _identifier(identifier: str | None) -> str:
    text = (identifier or "").strip()
    if not text:
        raise Invalid("账号：请填写用户名、手机号或邮箱。", field="identifier")
    if len(text) > 254:
        raise Invalid("账号：不能超过 254 个字符。", field="identifier")
    return text


def find_account(identifier: str) -> tuple[User | None, str]:
    """Return the active account an identifier names, and how it was named.

    A username first (exact); else a verified mobile or e-mail that exactly one active account
    has. How: "username", "mobile" or "email"; the account is None when nothing (or several)
    matched.
    """
    user = db.session.scalar(sa.select(User).where(User.username == identifier, User.active))
    if user is not None:
        return user, "username"
    if "@" in identifier:
        how, condition = (
            "email",
            sa.and_(
                sa.func.lower(User.email) == identifier.lower(), User.email_verified_at.is_not(None)
            ),
        )
    elif is_valid_mobile(identifier):
        how, condition = (
            "mobile",
            sa.and_(
                User.mobile == normalize_mobile(identifier), User.mobile_verified_at.is_not(None)
            ),
        )
    else:
        return None, "username"
    found = list(db.session.scalars(sa.select(User).where(condition, User.active).limit(2)))
    return (found[0] if len(found) == 1 else None), how


def _account_key(user: User | None, identifier: str) -> str:
    return f"user:{user.id}" if user is not None else identifier.lower()


def _channels_for(user: User, how: str) -> list[CodeChannel]:
    """Return where a reset goes: the verified address named, or every verified one."""
    channels = []
    if how in ("username", "mobile") and user.mobile and user.mobile_verified_at:
        channels.append(CodeChannel.SMS)
    if how in ("username", "email") and user.email and user.email_verified_at:
        channels.append(CodeChannel.EMAIL)
    return channels


def _deliver(user: User, channels: list[CodeChannel], *, sent_by=None) -> list[str]:
    """Issue a code and/or a link and put the messages in the outbox; return the channels.

    A reset staff sent reads so (template staff_sent_reset, which has both texts and so takes
    every parameter; the channel not used gets an empty one).
    """
    staff = sent_by is not None
    sender = sent_by if isinstance(sent_by, User) else None
    config = current_app.config
    sent = []
    if CodeChannel.SMS in channels:
        lifetime = _minutes("RESET_CODE_MINUTES")
        _row, code = issue(
            user, CodePurpose.PASSWORD_RESET, CodeChannel.SMS, user.mobile, lifetime, sent_by=sender
        )
        params = {"code": code, "minutes": str(config["RESET_CODE_MINUTES"])}
        if staff:
            params.update(link="", username=user.username)
        send("staff_sent_reset" if staff else "password_reset_code", params, mobile=user.mobile)
        sent.append(CodeChannel.SMS.value)
    if CodeChannel.EMAIL in channels:
        lifetime = _minutes("RESET_LINK_MINUTES")
        _row, token = issue(
            user,
            CodePurpose.PASSWORD_RESET,
            CodeChannel.EMAIL,
            user.email,
            lifetime,
            sent_by=sender,
        )
        params = {
            "link": public_url("auth.reset_link", token=token),
            "minutes": str(config["RESET_LINK_MINUTES"]),
            "username": user.username,
        }
        if staff:
            params["code"] = ""
        send("staff_sent_reset" if staff else "password_reset_link", params, email=user.email)
        sent.append(CodeChannel.EMAIL.value)
    record_audit(
        "user.password_reset_sent",
        user,
        by=sent_by or system("auth.password_forgot"),
        summary={"channels": sent, "by_staff": staff},
    )
    return sent


def request_reset(identifier: str, *, address: str | None = None) -> None:
    """Send a reset to the account an identifier names, if there is one; say nothing either way.

    Raises Invalid for an empty identifier and ResetThrottled when the client address asked
    too often; past the account's own limit nothing more is sent, silently (a refusal would
    tell that the account exists). The caller commits.
    """
    identifier = _identifier(identifier)
    address = _client(address)
    _check_address(address)
    user, how = find_account(identifier)
    account = _account_key(user, identifier)
    note_request(RequestKind.SEND, account, address)
    if user is None:
        # The same work as for an account: a code made and hashed.
        digest(new_code())
        return
    count, _oldest = count_requests(account=account, kind=RequestKind.SEND)
    if count > current_app.config["CONTACT_MAX_SENDS_PER_ACCOUNT"]:
        logger.info("Password reset for user %s not sent: account limit reached", user.id)
        return
    channels = _channels_for(user, how)
    if channels:
        _deliver(user, channels)


def _failures_since_last_send(account: str) -> int:
    """Return the wrong codes typed for an account key since its last reset request."""
    since = utcnow() - window()
    last_send = db.session.scalar(
        sa.select(sa.func.max(ContactRequest.at)).where(
            ContactRequest.account == account,
            ContactRequest.kind == RequestKind.SEND,
            ContactRequest.at > since,
        )
    )
    if last_send is not None:
        since = max(
            since, last_send if last_send.tzinfo else last_send.replace(tzinfo=since.tzinfo)
        )
    return db.session.scalar(
        sa.select(sa.func.count(ContactRequest.id)).where(
            ContactRequest.account == account,
            ContactRequest.kind == RequestKind.WRONG_CODE,
            ContactRequest.at >= since,
        )
    )


def reset_with_code(
    identifier: str, code: str, new_password: str, *, address: str | None = None
) -> CodeCheck:
    """Set a new password with the code sent by SMS; return the account, or the refusal.

    A wrong, expired or exhausted code is refused in words that hold for an unknown account
    too; each wrong try is written down (the caller commits, then shows the refusal). A right
    code with a password that breaks the rule raises Invalid and leaves the code as it was.
    """
    identifier = _identifier(identifier)
    code = (code or "").strip()
    if not _CODE_RE.match(code):
        raise Invalid(CODE_FORMAT, field="code")
    address = _client(address)
    _check_address(address)
    tries = current_app.config["RESET_CODE_TRIES"]
    user, _how = find_account(identifier)
    account = _account_key(user, identifier)
    row = live_code(user, CodePurpose.PASSWORD_RESET, CodeChannel.SMS) if user else None
    if row is not None and row.is_live:
        if row.attempts >= tries:
            return CodeCheck(refusal=Invalid(TOO_MANY_TRIES, field="code"))
        if matches(row, code):
            check_password_policy(
                new_password, field="password", user_inputs=(user.username, user.display_name)
            )
            row.used_at = utcnow()
            _complete(user, new_password, CodeChannel.SMS)
            return CodeCheck(user=user)
        row.attempts += 1
        note_request(RequestKind.WRONG_CODE, account, address)
        return CodeCheck(refusal=Invalid(WRONG_CODE, field="code"))
    matches(None, code)
    failures = _failures_since_last_send(account)
    note_request(RequestKind.WRONG_CODE, account, address)
    message = TOO_MANY_TRIES if failures >= tries else WRONG_CODE
    return CodeCheck(refusal=Invalid(message, field="code"))


def check_link(token: str) -> AccountCode:
    """Return the live reset link's row; raise Conflict saying why a link no longer works."""
    state, row = read_link(token, CodePurpose.PASSWORD_RESET)
    if state is not LinkState.OK or row is None or not row.user.active:
        state = LinkState.INVALID if state is LinkState.OK else state
        minutes = current_app.config["RESET_LINK_MINUTES"]
        raise Conflict(LINK_MESSAGES[state].format(minutes=minutes), field="token")
    return row


def reset_with_link(token: str, new_password: str) -> User:
    """Set a new password through an e-mailed link (once); the caller commits."""
    row = check_link(token)
    user = row.user
    check_password_policy(
        new_password, field="password", user_inputs=(user.username, user.display_name)
    )
    row.used_at = utcnow()
    _complete(user, new_password, CodeChannel.EMAIL)
    return user


def _complete(user: User, password: str, channel: CodeChannel) -> dict:
    """Set the password already checked: spend every reset, end every session, lift the pause."""
    user.set_password(password)
    spend_all(user, CodePurpose.PASSWORD_RESET)
    clear_failures(user.username)
    counts = end_all_sessions(user, by=user, reason="user.password_reset_completed")
    logger.info("Password reset completed for user %s by %s", user.id, channel.value)
    return counts


def request_answer() -> str:
    """Return the one answer every reset request gets."""
    config = current_app.config
    return REQUEST_ANSWER.format(
        minutes=config["RESET_CODE_MINUTES"], link_minutes=config["RESET_LINK_MINUTES"]
    )


# --- staff ------------------------------------------------------------------


def resettable_users(actor, text: str | None = None) -> sa.Select:
    """Select the accounts the actor may send a reset to, by username.

    Admins: every account. Organizers: employer accounts whose employer is registered in their
    region scope. Anyone else: refused.
    """
    require_role(actor, Role.ADMIN, Role.ORGANIZER)
    query = sa.select(User).options(so.selectinload(User.employer)).order_by(User.username)
    codes = scope_region_codes(actor)
    if actor.role is not Role.ADMIN:
        query = query.join(Employer, Employer.id == User.employer_id).where(
            User.role == Role.EMPLOYER
        )
        if codes is not None:
            query = query.where(Employer.region_code.in_(codes))
    text = (text or "").strip()
    if text:
        pattern = sa.or_(
            User.username.contains(text, autoescape=True),
            User.display_name.contains(text, autoescape=True),
        )
        if actor.role is not Role.ADMIN:
            pattern = sa.or_(pattern, Employer.name.contains(text, autoescape=True))
        query = query.where(pattern)
    return query


def get_resettable_user(actor, user_id: int) -> User:
    """Return an account the actor may send a reset to; NotFound for any other."""
    user = db.session.scalar(resettable_users(actor).where(User.id == user_id))
    if user is None:
        raise NotFound("用户不存在或不在您的管辖范围内。")
    return user


def send_reset_by_staff(actor, user_id: int, *, address: str | None = None) -> list[str]:
    """Send a reset to an account the actor manages; return the channels it went by.

    Only to the account's verified mobile and e-mail (Conflict without either), within the
    account's limit like any other request. The caller commits.
    """
    user = get_resettable_user(actor, user_id)
    if not user.active:
        raise Conflict("该账号已停用，不能重置密码。")
    channels = _channels_for(user, "username")
    if not channels:
        raise Conflict(NO_VERIFIED_CONTACT)
    account = _account_key(user, user.username)
    count, _oldest = count_requests(account=account, kind=RequestKind.SEND)
    if count >= current_app.config["CONTACT_MAX_SENDS_PER_ACCOUNT"]:
        minutes = current_app.config["CONTACT_LIMIT_MINUTES"]
        raise Conflict(f"该账号在 {minutes} 分钟内已多次收到验证码或重置链接，请稍后再发。")
    note_request(RequestKind.SEND, account, _client(address))
    return _deliver(user, channels, sent_by=actor)


def sent_words(channels: list[str]) -> str:
    """Return, in Chinese, what a reset sent by these channels was ("短信验证码和重置链接邮件")."""
    words = {CodeChannel.SMS.value: "短信验证码", CodeChannel.EMAIL.value: "重置链接邮件"}
    return "和".join(words[channel] for channel in channels)

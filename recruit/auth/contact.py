"""A user's own mobile and e-mail, and proving they receive messages there.

The mobile is proved by a 6-digit SMS code, the e-mail by a signed one-time link. Changing
either forgets that it was proved; a reset (recruit.auth.reset) goes only to proved addresses,
so changing them asks for the password again when it was not typed lately.
"""

import re
from datetime import datetime, timedelta

from flask import current_app

from recruit.audit.services import record_audit
from recruit.auth.codes import (
    CodeChannel,
    CodePurpose,
    LinkState,
    RequestKind,
    count_requests,
    issue,
    live_code,
    matches,
    note_request,
    read_link,
    spend_all,
)
from recruit.auth.models import User
from recruit.db_types import utcnow
from recruit.errors import Conflict, Forbidden, Invalid, ReauthenticationRequired
from recruit.links import public_url
from recruit.notify.services import send
from recruit.validators import mobile_error, normalize_mobile

#: A plain shape check: something@domain.tld, no spaces; delivery is the real proof.
#: No space or control character anywhere: written out as ranges, because the published
#: pattern is read by JSON Schema (ECMA) clients, whose \s lacks some of Python's (U+0085).
_EMAIL_PART = r"[^@\s\x00-\x1f\x7f-\x9f"
EMAIL_RE = re.compile(rf"^{_EMAIL_PART}]+@{_EMAIL_PART}.]+(\.{_EMAIL_PART}.]+)+$")
MAX_EMAIL_LENGTH = 254

WRONG_CODE = "验证码：不正确或已过期，请核对短信或重新获取。"
TOO_MANY_TRIES = "验证码：错误次数过多，该验证码已失效，请重新获取。"
LINK_MESSAGES = {
    LinkState.INVALID: "验证链接无效：请使用邮件中的完整链接，或在“我的账号”中重新发送验证邮件。",
    LinkState.EXPIRED: "验证链接已过期，请在“我的账号”中重新发送验证邮件。",
    LinkState.USED: "验证链接已使用过，邮箱已验证时无需再次验证。",
}


def _require_self(user: User, by) -> None:
    if by is None or getattr(by, "id", None) != user.id:
        raise Forbidden("只有本人可以修改和验证自己的手机号、邮箱。")


def _require_recent_password(checked_at: datetime | None) -> None:
    window = timedelta(minutes=current_app.config["RECENT_LOGIN_MINUTES"])
    if checked_at is None or utcnow() - checked_at > window:
        raise ReauthenticationRequired("修改手机号或邮箱前，请再次输入密码确认身份。")


def read_mobile(value: str | None, field: str, errors: dict[str, str], label: str) -> str | None:
    """Return the bare mobile typed (None when empty), or note why it is refused."""
    value = (value or "").strip()
    if not value:
        return None
    if problem := mobile_error(value):
        errors[field] = f"{label}：{problem}。"
        return None
    return normalize_mobile(value)


def read_email(value: str | None, field: str, errors: dict[str, str], label: str) -> str | None:
    """Return the e-mail typed, lower-cased (None when empty), or note why it is refused."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > MAX_EMAIL_LENGTH or not EMAIL_RE.match(value):
        errors[field] = f"{label}：格式不正确，应类似 hr@example.com。"
        return None
    return value.lower()


def update_contact(
    user: User,
    mobile: str | None,
    email: str | None,
    *,
    by,
    password_checked_at: datetime | None,
) -> list[str]:
    """Set the user's own mobile and e-mail (empty removes one); return the fields changed.

    A changed address is no longer verified, and its pending codes die. Asks for the password
    again (ReauthenticationRequired) when something changes and it was not typed lately.
    """
    _require_self(user, by)
    errors: dict[str, str] = {}
    mobile = read_mobile(mobile, "mobile", errors, "手机号")
    email = read_email(email, "email", errors, "邮箱")
    if errors:
        raise Invalid(errors=errors)
    changed = [
        name
        for name, value in (("mobile", mobile), ("email", email))
        if value != getattr(user, name)
    ]
    if not changed:
        return []
    _require_recent_password(password_checked_at)
    if "mobile" in changed:
        user.mobile, user.mobile_verified_at = mobile, None
        spend_all(user, CodePurpose.VERIFY_MOBILE)
    if "email" in changed:
        user.email, user.email_verified_at = email, None
        spend_all(user, CodePurpose.VERIFY_EMAIL)
    record_audit("user.contact_update", user, by=by, summary={"fields": changed})
    return changed


def _limit(user: User, address: str | None) -> None:
    """Refuse past the account's verification sends in the window; count this one."""
    account = f"verify:user:{user.id}"
    count, _oldest = count_requests(account=account, kind=RequestKind.SEND)
    most = current_app.config["CONTACT_MAX_SENDS_PER_ACCOUNT"]
    if count >= most:
        minutes = current_app.config["CONTACT_LIMIT_MINUTES"]
        raise Conflict(f"发送过于频繁：{minutes} 分钟内最多发送 {most} 次，请稍后再试。")
    note_request(RequestKind.SEND, account, address or "-")


def send_mobile_code(user: User, *, by, address: str | None = None) -> None:
    """Send a code to the user's own unverified mobile; the caller commits."""
    _require_self(user, by)
    if not user.mobile:
        raise Conflict("手机号：请先填写手机号并保存。", field="mobile")
    if user.mobile_verified_at is not None:
        raise Conflict("手机号：已经验证过。", field="mobile")
    _limit(user, address)
    minutes = current_app.config["CONTACT_CODE_MINUTES"]
    _row, code = issue(
        user, CodePurpose.VERIFY_MOBILE, CodeChannel.SMS, user.mobile, timedelta(minutes=minutes)
    )
    send("contact_verify_code", {"code": code, "minutes": str(minutes)}, mobile=user.mobile)
    record_audit("user.contact_code_sent", user, by=by, summary={"channel": "sms"})


def verify_mobile(user: User, code: str, *, by) -> Invalid | None:
    """Check the code sent to the user's mobile; return the refusal to show, or None.

    A wrong try is written down (the caller commits either way).
    """
    _require_self(user, by)
    code = (code or "").strip()
    if not re.fullmatch(r"\d{6}", code):
        return Invalid("验证码：应为 6 位数字。", field="code")
    row = live_code(user, CodePurpose.VERIFY_MOBILE, CodeChannel.SMS)
    if row is None or not row.is_live or row.target != user.mobile:
        return Invalid(WRONG_CODE, field="code")
    if row.attempts >= current_app.config["RESET_CODE_TRIES"]:
        return Invalid(TOO_MANY_TRIES, field="code")
    if not matches(row, code):
        row.attempts += 1
        return Invalid(WRONG_CODE, field="code")
    now = utcnow()
    row.used_at = now
    user.mobile_verified_at = now
    record_audit("user.contact_verified", user, by=by, summary={"channel": "sms"})
    return None


def send_email_link(user: User, *, by, address: str | None = None) -> None:
    """Send a verification link to the user's own unverified e-mail; the caller commits."""
    _require_self(user, by)
    if not user.email:
        raise Conflict("邮箱：请先填写邮箱并保存。", field="email")
    if user.email_verified_at is not None:
        raise Conflict("邮箱：已经验证过。", field="email")
    _limit(user, address)
    hours = current_app.config["CONTACT_LINK_HOURS"]
    _row, token = issue(
        user, CodePurpose.VERIFY_EMAIL, CodeChannel.EMAIL, user.email, timedelta(hours=hours)
    )
    params = {"link": public_url("auth.verify_email_link", token=token), "hours": str(hours)}
    send("email_verify_link", params, email=user.email)
    record_audit("user.contact_code_sent", user, by=by, summary={"channel": "email"})


def verify_email(token: str) -> User:
    """Mark the e-mail a link was sent to as verified (once); Conflict saying why not."""
    state, row = read_link(token, CodePurpose.VERIFY_EMAIL)
    if state is LinkState.OK and row.target != row.user.email:
        raise Conflict("验证链接对应的邮箱已被更改，请在“我的账号”中重新发送验证邮件。")
    if state is not LinkState.OK:
        raise Conflict(LINK_MESSAGES[state])
    now = utcnow()
    row.used_at = now
    row.user.email_verified_at = now
    record_audit("user.contact_verified", row.user, by=row.user, summary={"channel": "email"})
    return row.user

"""Create users, check their credentials, change their passwords; the admin's user lookups."""

import re

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from werkzeug.security import check_password_hash, generate_password_hash

from recruit.auth.devices import device_nonce
from recruit.auth.models import EmployerRole, Role, User
from recruit.auth.passwords import check_password_policy
from recruit.auth.scope import require_role
from recruit.auth.sessions import end_all_sessions
from recruit.auth.throttle import check_throttle, clear_failures, record_failure
from recruit.db_types import utcnow
from recruit.employers.models import Employer
from recruit.errors import Invalid, NotFound
from recruit.extensions import db
from recruit.refdata.models import Region
from recruit.refdata.services import region_codes_within
from recruit.uow import register_unique_race
from recruit.validators import normalize_uscc, uscc_error

_DUMMY_HASH = generate_password_hash("not-a-real-password-0", method="scrypt")

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")

register_unique_race("users", ("username",), "username", "用户名：刚刚已被他人使用，请换一个。")


def read_new_login(data: dict, errors: dict[str, str], *, name: str | None) -> tuple[str, str]:
    """Read a new account's username, password and its confirmation, adding what is wrong.

    The one rule for people who open their own account (registration, an invitation): a free
    well-formed username, a password the policy accepts, typed the same twice. Returns
    (username, password); the caller raises Invalid when errors is not empty.
    """
    username = (data.get("username") or "").strip()
    if not USERNAME_RE.match(username):
        errors["username"] = "登录用户名：须为 3–64 位字母、数字、下划线、点或连字符。"
    elif db.session.scalar(sa.select(User.id).where(User.username == username)):
        errors["username"] = f"登录用户名：“{username}”已被使用。"
    password = data.get("password") or ""
    try:
        check_password_policy(password, user_inputs=(username, name))
    except Invalid as error:
        errors.update(error.errors)
    if "password" not in errors and password != data.get("password_confirm"):
        errors["password_confirm"] = "确认密码：两次输入的密码不一致。"
    return username, password


def create_user(
    username: str,
    password: str,
    role: Role | str,
    *,
    region_code: str | None = None,
    employer_uscc: str | None = None,
    display_name: str | None = None,
) -> User:
    """Validate and add a user; raises Invalid with a Chinese message naming the field."""
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise Invalid("用户名：须为 3–64 位字母、数字、下划线、点或连字符。", field="username")
    try:
        role = Role(role)
    except ValueError:
        allowed = "、".join(r.value for r in Role)
        raise Invalid(f"角色：“{role}”不存在，可选 {allowed}。", field="role") from None
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise Invalid(f"用户名：“{username}”已被使用。", field="username")
    check_password_policy(password, user_inputs=(username, display_name))

    user = User(username=username, role=role, display_name=display_name)
    if role is Role.ORGANIZER:
        if not region_code:
            raise Invalid(
                "区域：组织者必须指定负责的行政区划代码（如 430200 全市）。", field="region_code"
            )
        region = db.session.get(Region, region_code.strip())
        if region is None:
            raise Invalid(f"区域：行政区划代码“{region_code}”不存在。", field="region_code")
        if not region.is_current:
            successor = f"（现为 {region.successor_code}）" if region.successor_code else ""
            raise Invalid(
                f"区域：“{region.name}”（{region.code}）已撤销{successor}，请使用现行代码。",
                field="region_code",
            )
        city = current_app.config["CITY_REGION_CODE"]
        if region.code not in region_codes_within(city):
            raise Invalid(
                f"区域：“{region.name}”（{region.code}）不在本市范围内。", field="region_code"
            )
        user.region_code = region.code
    elif region_code:
        raise Invalid("区域：只有组织者需要指定区域。", field="region_code")
    if role is Role.EMPLOYER:
        if not employer_uscc:
            raise Invalid("统一社会信用代码：用人单位账号必须关联一家企业。", field="employer_uscc")
        uscc = normalize_uscc(employer_uscc)
        if problem := uscc_error(uscc):
            raise Invalid(f"统一社会信用代码：“{uscc}”{problem}。", field="employer_uscc")
        employer = db.session.scalar(sa.select(Employer).where(Employer.uscc == uscc))
        if employer is None:
            raise Invalid(
                f"统一社会信用代码：系统中没有代码为 {uscc} 的企业。", field="employer_uscc"
            )
        user.employer = employer
        # An account the bureau creates for an employer manages its team; invitations choose.
        user.employer_role = EmployerRole.ADMIN
    elif employer_uscc:
        raise Invalid("统一社会信用代码：只有用人单位账号需要关联企业。", field="employer_uscc")

    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(
    username: str, password: str, address: str | None = None, device: str | None = None
) -> User | None:
    """Return the active user with these credentials and note the sign-in, or None.

    `device` is the device token the client brought (cookie or API field), if any: valid for
    this account, it exempts the client from the account's pause (its own failures count).
    Raises Throttled while the account (device) or the address has failed too often; failures
    are recorded here, and the caller commits either way.
    """
    address = _address(address)
    nonce = device_nonce(device, username)
    check_throttle(username, address, nonce)
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip()))
    if user is None:
        # Hash anyway, so the response time does not tell which usernames exist.
        check_password_hash(_DUMMY_HASH, password or "")
        record_failure(username, address, nonce)
        return None
    if not user.active or not user.check_password(password or ""):
        record_failure(username, address, nonce)
        return None
    clear_failures(username)
    user.last_login_at = utcnow()
    return user


def _address(address: str | None) -> str:
    if address is None:
        address = request.remote_addr if has_request_context() else None
    return address or "-"


#: What the password page says when the current password typed is wrong.
WRONG_CURRENT_PASSWORD = "当前密码：不正确。"


def change_password(
    user: User,
    current: str,
    new: str,
    *,
    address: str | None = None,
    device: str | None = None,
) -> bool:
    """Check the current password (throttled like a sign-in), the rule, then set the new one.

    Returns False, with the failure recorded, when `current` is wrong: the caller commits
    either way, so guesses count. Raises Throttled while guessing is paused (the password is
    not even checked) and Invalid when the new password breaks the rule. A change ends every
    session of the user, everywhere, and revokes the user's API tokens.
    """
    address = _address(address)
    nonce = device_nonce(device, user.username)
    check_throttle(user.username, address, nonce)
    if not user.check_password(current or ""):
        record_failure(user.username, address, nonce)
        return False
    check_password_policy(new, field="new", user_inputs=(user.username, user.display_name))
    if new == current:
        raise Invalid("新密码：不能与当前密码相同。", field="new")
    user.set_password(new)
    end_all_sessions(user, by=user, reason="user.password_change")
    return True


def reset_password(user: User, new: str, *, by) -> dict:
    """Set a forgotten password for its owner, as an administrator; return what was ended.

    The new password meets the same rule as any other; every session and API token of the
    user ends (whoever had the old password is out). The caller commits.
    """
    require_role(by, Role.ADMIN)
    check_password_policy(new, field="password", user_inputs=(user.username, user.display_name))
    user.set_password(new)
    return end_all_sessions(user, by=by, reason="user.password_reset")


def find_user(actor, username: str) -> User:
    """Return the account with this username, for an administrator; NotFound otherwise."""
    require_role(actor, Role.ADMIN)
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip()))
    if user is None:
        raise NotFound(f"用户名：没有用户 {username}。", field="username")
    return user


def get_user(actor, user_id: int) -> User:
    """Return a user for an administrator's screens; Forbidden for anyone else."""
    require_role(actor, Role.ADMIN)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在。")
    return user


def users_query(actor, text: str | None = None) -> sa.Select:
    """Return the users an administrator lists, by username; `text` narrows by name."""
    require_role(actor, Role.ADMIN)
    query = sa.select(User).order_by(User.username)
    text = (text or "").strip()
    if text:
        query = query.where(
            sa.or_(
                User.username.contains(text, autoescape=True),
                User.display_name.contains(text, autoescape=True),
            )
        )
    return query

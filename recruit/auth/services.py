"""Create users and check their credentials."""

import re

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from werkzeug.security import check_password_hash, generate_password_hash

from recruit.auth.models import Role, User
from recruit.auth.throttle import check_throttle, clear_failures, record_failure
from recruit.db_types import utcnow
from recruit.employers.models import Employer
from recruit.errors import Invalid
from recruit.extensions import db
from recruit.refdata.models import Region
from recruit.refdata.services import region_codes_within
from recruit.uow import register_unique_race
from recruit.validators import is_valid_uscc, normalize_uscc

_DUMMY_HASH = generate_password_hash("not-a-real-password-0", method="scrypt")

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")

register_unique_race("users", ("username",), "username", "用户名：刚刚已被他人使用，请换一个。")


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
    check_password_policy(password)

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
        if not is_valid_uscc(uscc):
            raise Invalid(f"统一社会信用代码：“{employer_uscc}”校验不通过。", field="employer_uscc")
        employer = db.session.scalar(sa.select(Employer).where(Employer.uscc == uscc))
        if employer is None:
            raise Invalid(
                f"统一社会信用代码：系统中没有代码为 {uscc} 的企业。", field="employer_uscc"
            )
        user.employer = employer
    elif employer_uscc:
        raise Invalid("统一社会信用代码：只有用人单位账号需要关联企业。", field="employer_uscc")

    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def check_password_policy(password: str, field: str = "password") -> None:
    """Raise Invalid (on `field`) unless the password is long enough and not trivially weak."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not password or len(password) < minimum:
        raise Invalid(f"密码：至少 {minimum} 位。", field=field)
    if len(password) > 128:
        raise Invalid("密码：不能超过 128 位。", field=field)
    has_letter = any(c.isalpha() for c in password)
    has_other = any(not c.isalpha() and not c.isspace() for c in password)
    if not (has_letter and has_other):
        raise Invalid("密码：须同时包含字母和数字（或符号）。", field=field)


def authenticate(username: str, password: str, address: str | None = None) -> User | None:
    """Return the active user with these credentials and note the sign-in, or None.

    Raises Throttled while the account or the address has failed too often; failures are
    recorded here, and the caller commits either way.
    """
    if address is None:
        address = request.remote_addr if has_request_context() else "-"
    check_throttle(username, address)
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip()))
    if user is None:
        # Hash anyway, so the response time does not tell which usernames exist.
        check_password_hash(_DUMMY_HASH, password or "")
        record_failure(username, address)
        return None
    if not user.active or not user.check_password(password or ""):
        record_failure(username, address)
        return None
    clear_failures(username)
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Check the current password and the policy, then set the new one.

    Changing the password changes the user's session id, so every other session and
    remember-me cookie of this user ends.
    """
    if not user.check_password(current or ""):
        raise Invalid("当前密码：不正确。", field="current")
    check_password_policy(new, field="new")
    if new == current:
        raise Invalid("新密码：不能与当前密码相同。", field="new")
    user.set_password(new)

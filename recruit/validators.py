"""Validators and normalizers for Chinese identifiers used in recruitment forms.

Covers the unified social credit code (统一社会信用代码, GB 32100-2015), the
resident identity card number (居民身份证号码, GB 11643-1999) and mainland
mobile phone numbers, plus display masking helpers.

All functions are pure and use the standard library only. ``is_valid_*``
functions never raise; ``normalize_*`` and ``*_check_*`` functions raise
``ValueError`` with a Chinese message for input they cannot handle. The
``mask_*`` helpers never raise either: they return "" for non-string input and
mask any string, so they are safe to use on stored data in templates.
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = [
    "USCC_ALPHABET",
    "USCC_WEIGHTS",
    "ID_WEIGHTS",
    "ID_CHECK_DIGITS",
    "normalize_uscc",
    "uscc_check_char",
    "is_valid_uscc",
    "normalize_id_number",
    "id_check_digit",
    "is_valid_id_number",
    "normalize_mobile",
    "is_valid_mobile",
    "mask_phone",
    "mask_id_number",
]

# --- shared helpers --------------------------------------------------------

# Upper-case ASCII letters only. str.upper() would also map characters such as
# the ligature "ﬀ" to "FF", letting non-ASCII input masquerade as a valid code.
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_DIGITS = frozenset("0123456789")


def _trim_upper(s: str) -> str:
    return s.strip().translate(_ASCII_UPPER)


def _is_ascii_digits(s: str) -> bool:
    # str.isdigit() would also accept full-width and superscript digits.
    return bool(s) and all(ch in _ASCII_DIGITS for ch in s)


# --- 统一社会信用代码 (GB 32100-2015) -----------------------------------------

# Code characters; a character's value is its index. I, O, S, V, Z are excluded.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Weights for positions 1-17 (3**(i-1) mod 31).
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUES = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
# Position 1, 登记管理部门代码: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政,
# 6 旅游, 7 宗教, 8 工会, 9 工商, A 中央军委改革和编制办公室, N 农业, Y 其他.
_USCC_AUTHORITIES = frozenset("123456789ANY")


def normalize_uscc(s: str) -> str:
    """Return the code with surrounding whitespace removed and ASCII letters upper-cased."""
    if not isinstance(s, str):
        raise ValueError("统一社会信用代码必须是字符串")
    return _trim_upper(s)


def uscc_check_char(first17: str) -> str:
    """Compute the check character (position 18) for the first 17 characters of a USCC."""
    if not isinstance(first17, str) or len(first17) != 17:
        raise ValueError("统一社会信用代码前17位长度必须为17")
    try:
        total = sum(_USCC_VALUES[ch] * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"统一社会信用代码包含非法字符：{exc.args[0]!r}") from None
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(s: object) -> bool:
    """Check whether the value is a valid unified social credit code."""
    if not isinstance(s, str):
        return False
    code = normalize_uscc(s)
    if len(code) != 18 or any(ch not in _USCC_VALUES for ch in code):
        return False
    if code[0] not in _USCC_AUTHORITIES:
        return False
    # Positions 3-8: administrative division code.
    if not _is_ascii_digits(code[2:8]):
        return False
    return uscc_check_char(code[:17]) == code[17]


# --- 居民身份证号码 (GB 11643-1999) -------------------------------------------

# Weights for positions 1-17 (2**(18-i) mod 11).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Check digit indexed by (weighted sum mod 11).
ID_CHECK_DIGITS = "10X98765432"
_ID_MIN_YEAR = 1900


def id_check_digit(first17: str) -> str:
    """Compute the check digit (position 18) for the first 17 digits of an ID number."""
    if not isinstance(first17, str) or len(first17) != 17:
        raise ValueError("身份证号码前17位长度必须为17")
    if not _is_ascii_digits(first17):
        raise ValueError("身份证号码前17位必须全部为数字")
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_DIGITS[total % 11]


def normalize_id_number(s: str) -> str:
    """Return the 18-character form of an ID number, converting 15-digit numbers."""
    if not isinstance(s, str):
        raise ValueError("身份证号码必须是字符串")
    number = _trim_upper(s)
    if len(number) == 15:
        if not _is_ascii_digits(number):
            raise ValueError("15位身份证号码必须全部为数字")
        # 15-digit numbers omit the century (always 19xx) and the check digit.
        first17 = number[:6] + "19" + number[6:]
        return first17 + id_check_digit(first17)
    if len(number) == 18:
        if not _is_ascii_digits(number[:17]) or not (
            number[17] in _ASCII_DIGITS or number[17] == "X"
        ):
            raise ValueError("18位身份证号码前17位必须为数字，最后一位必须为数字或X")
        return number
    raise ValueError("身份证号码长度必须为15位或18位")


def _parse_birth_date(yyyymmdd: str) -> _dt.date | None:
    try:
        return _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def is_valid_id_number(s: object) -> bool:
    """Check whether the value is a valid 18-digit (or convertible 15-digit) ID number."""
    if not isinstance(s, str):
        return False
    try:
        number = normalize_id_number(s)
    except ValueError:
        return False
    # Address code: the first digit is a region (1-8).
    if number[0] not in "12345678":
        return False
    birth = _parse_birth_date(number[6:14])
    if birth is None or birth.year < _ID_MIN_YEAR or birth > _dt.date.today():
        return False
    return id_check_digit(number[:17]) == number[17]


# --- mobile phone numbers --------------------------------------------------

_MOBILE_SEPARATORS = re.compile(r"[\s\-]+")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_PREFIXES = ("+86", "0086")


def normalize_mobile(s: str) -> str:
    """Return the bare 11-digit mainland mobile number, dropping separators and +86/0086."""
    if not isinstance(s, str):
        raise ValueError("手机号码必须是字符串")
    number = _MOBILE_SEPARATORS.sub("", s)
    for prefix in _MOBILE_PREFIXES:
        if number.startswith(prefix):
            number = number[len(prefix) :]
            break
    if not _MOBILE_RE.fullmatch(number):
        raise ValueError("手机号码格式不正确，应为以13-19开头的11位数字")
    return number


def is_valid_mobile(s: object) -> bool:
    """Check whether the value is a mainland China mobile number."""
    if not isinstance(s, str):
        return False
    try:
        normalize_mobile(s)
    except ValueError:
        return False
    return True


# --- display masking -------------------------------------------------------


def _mask_middle(s: str, keep_head: int, keep_tail: int) -> str:
    # Strings too short to keep both ends are masked completely.
    if len(s) <= keep_head + keep_tail:
        return "*" * len(s)
    return s[:keep_head] + "*" * (len(s) - keep_head - keep_tail) + s[-keep_tail:]


def mask_phone(s: object) -> str:
    """Mask a phone number for display, keeping the first 3 and last 4 digits."""
    if not isinstance(s, str):
        return ""
    try:
        number = normalize_mobile(s)
    except ValueError:
        number = s.strip()
    return _mask_middle(number, 3, 4)


def mask_id_number(s: object) -> str:
    """Mask an ID number for display, keeping the first 6 and last 4 characters."""
    if not isinstance(s, str):
        return ""
    return _mask_middle(_trim_upper(s), 6, 4)


def read_text(
    data: dict, name: str, label: str, max_len: int, errors: dict, *, required: bool = False
) -> str | None:
    """Return data[name] stripped (None when blank); note in `errors` why it is refused.

    One wording for every service: "<label>：必填。" or "<label>：不能超过 N 个字。".
    """
    value = (data.get(name) or "").strip()
    if required and not value:
        errors[name] = f"{label}：必填。"
    elif len(value) > max_len:
        errors[name] = f"{label}：不能超过 {max_len} 个字。"
    return value or None

"""Validators and normalizers for Chinese identifiers used in recruitment forms.

Covers the unified social credit code (统一社会信用代码, GB 32100-2015), the
resident identity card number (居民身份证号码, GB 11643-1999), mainland mobile
numbers and landlines, plus display masking helpers.

Input is NFKC-normalized first: digits and letters typed full-width with a
Chinese IME (９１４３…, １３８…) are the same code, and the normalized form is
what callers store. The USCC and ID checksums are our own (python-stdnum refuses
the A/N/Y registration authorities and the 81/82/83 residence permits, accepts
future birth dates and crashes on some input); phone numbers are judged by
``phonenumbers``' metadata for region CN (unassigned and data-only mobile
ranges such as 140 and 154 are refused).

All functions are pure. ``is_valid_*`` functions never raise; ``*_error``
functions return why a value is refused (Chinese, without the field's label) or
None; ``normalize_*`` and ``*_check_*`` functions raise ``ValueError`` with a
Chinese message for input they cannot handle. The ``mask_*`` helpers never
raise either: they return "" for non-string input and mask any string, so they
are safe to use on stored data in templates.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata

import phonenumbers
from phonenumbers import PhoneNumberType

from recruit.refdata.divisions import is_known_address_code

__all__ = [
    "USCC_ALPHABET",
    "USCC_WEIGHTS",
    "ID_WEIGHTS",
    "ID_CHECK_DIGITS",
    "normalize_uscc",
    "uscc_check_char",
    "uscc_error",
    "is_valid_uscc",
    "normalize_id_number",
    "id_check_digit",
    "id_number_error",
    "is_valid_id_number",
    "normalize_mobile",
    "mobile_error",
    "is_valid_mobile",
    "normalize_phone",
    "phone_error",
    "is_valid_phone",
    "mask_phone",
    "mask_id_number",
]

# --- shared helpers --------------------------------------------------------

# Upper-case ASCII letters only. str.upper() would also map characters such as
# the ligature "ﬀ" to "FF", letting non-ASCII input masquerade as a valid code.
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_DIGITS = frozenset("0123456789")


def _trim_upper(s: str) -> str:
    # NFKC first: full-width "９１Ａ" from a Chinese IME becomes "91A", the ideographic space a
    # space. Whatever is not ASCII afterwards is refused by the callers' character checks.
    return unicodedata.normalize("NFKC", s).strip().translate(_ASCII_UPPER)


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
    """Return the code NFKC-normalized, trimmed and with ASCII letters upper-cased."""
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


def uscc_error(s: object) -> str | None:
    """Return why the value is no unified social credit code (None when it is one)."""
    if not isinstance(s, str):
        return "应为 18 位代码"
    code = normalize_uscc(s)
    if len(code) != 18:
        return f"应为 18 位（当前 {len(code)} 位），请核对营业执照上的代码"
    wrong = next((ch for ch in code if ch not in _USCC_VALUES), None)
    if wrong is not None:
        return f"含有不允许的字符“{wrong}”（只用数字和除 I、O、S、V、Z 以外的大写字母）"
    if code[0] not in _USCC_AUTHORITIES:
        return f"第 1 位（登记管理部门）不能是“{code[0]}”"
    # Position 2: the entity type within the authority (1 企业, 2 个体工商户, 3 农民专业合作社 …).
    if code[1] not in _ASCII_DIGITS:
        return f"第 2 位（机构类别）应为数字，不能是“{code[1]}”"
    # Positions 3-8: administrative division code.
    if not _is_ascii_digits(code[2:8]):
        return "第 3–8 位（行政区划码）应为数字"
    if uscc_check_char(code[:17]) != code[17]:
        return "校验位不符，请核对营业执照上的 18 位代码"
    return None


def is_valid_uscc(s: object) -> bool:
    """Check whether the value is a valid unified social credit code."""
    return uscc_error(s) is None


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


def id_number_error(s: object) -> str | None:
    """Return why the value is no ID number (None when it is one)."""
    if not isinstance(s, str):
        return "应为 18 位号码"
    try:
        number = normalize_id_number(s)
    except ValueError as error:
        return str(error)
    # Address code (GB/T 2260): a province, and a known county within the shipped prefecture.
    if not is_known_address_code(number[:6]):
        return f"前 6 位（地址码）“{number[:6]}”不是有效的行政区划代码"
    birth = _parse_birth_date(number[6:14])
    if birth is None or birth.year < _ID_MIN_YEAR or birth > _dt.date.today():
        return f"第 7–14 位（出生日期）“{number[6:14]}”不是有效日期"
    if id_check_digit(number[:17]) != number[17]:
        return "校验位不符，请核对号码"
    return None


def is_valid_id_number(s: object) -> bool:
    """Check whether the value is a valid 18-digit (or convertible 15-digit) ID number."""
    return id_number_error(s) is None


# --- mobile phone numbers --------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-()]+")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_PREFIXES = ("+86", "0086")
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_LANDLINE_TYPES = (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


def _bare_number(s: str) -> str:
    """Return the number NFKC-normalized, without separators and without +86/0086."""
    number = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", s))
    for prefix in _MOBILE_PREFIXES:
        if number.startswith(prefix):
            return number[len(prefix) :]
    return number


def _parsed(number: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return None


def mobile_error(s: object) -> str | None:
    """Return why the value is no mainland mobile number in service (None when it is one)."""
    if not isinstance(s, str):
        return "应为 11 位手机号码"
    number = _bare_number(s)
    if not _MOBILE_RE.fullmatch(number):
        return "格式不正确，应为以 1 开头的 11 位手机号码"
    parsed = _parsed(number)
    if (
        parsed is None
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) not in _MOBILE_TYPES
    ):
        return f"号段 {number[:3]} 不是在用的手机号段（如 140、154 为未分配或物联网号段），请核对"
    return None


def normalize_mobile(s: str) -> str:
    """Return the bare 11-digit mainland mobile number, dropping separators and +86/0086."""
    if not isinstance(s, str):
        raise ValueError("手机号码必须是字符串")
    problem = mobile_error(s)
    if problem:
        raise ValueError(f"手机号码：{problem}")
    return _bare_number(s)


def is_valid_mobile(s: object) -> bool:
    """Check whether the value is a mainland China mobile number in a range in service."""
    return mobile_error(s) is None


def _landline(s: str) -> str | None:
    """Return a landline as 0731-28888888 when phonenumbers calls it a valid CN fixed line."""
    number = _bare_number(s)
    if not number.isascii() or not number.isdigit() or not number.startswith("0"):
        return None
    parsed = _parsed(number)
    if (
        parsed is None
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) not in _LANDLINE_TYPES
    ):
        return None
    national = phonenumbers.national_significant_number(parsed)
    area = phonenumbers.length_of_geographical_area_code(parsed)
    if not area:
        return None
    return f"0{national[:area]}-{national[area:]}"


def phone_error(s: object) -> str | None:
    """Return why the value is neither a mobile nor a landline with its area code (or None)."""
    if not isinstance(s, str):
        return "请填写手机号码或带区号的固定电话"
    number = _bare_number(s)
    if _MOBILE_RE.fullmatch(number):
        return mobile_error(s)  # a mobile's shape: the range is what may be wrong
    if not number.startswith("0"):
        return "请填写手机号码或带区号的固定电话（如 0731-28888888）"
    if _landline(s) is None:
        return "固定电话须带区号且为有效号码（如 0731-28888888）"
    return None


def normalize_phone(s: str) -> str:
    """Return a mobile as 11 digits, a landline as 0731-28888888; ValueError for neither."""
    if not isinstance(s, str):
        raise ValueError("联系电话必须是字符串")
    problem = phone_error(s)
    if problem:
        raise ValueError(f"联系电话：{problem}")
    number = _bare_number(s)
    return number if number.startswith("1") else _landline(s)


def is_valid_phone(s: object) -> bool:
    """Check whether the value is a mobile in service or a valid landline with its area code."""
    return phone_error(s) is None


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


# --- free text -------------------------------------------------------------

#: Characters no text field takes: the C0 controls but tab, line feed and carriage return,
#: lone surrogates and the non-characters U+FFFE/U+FFFF. XML 1.0 cannot carry any of them
#: (one such title would make every strict reader refuse a whole feed), and no one types them.
#: The request guard (recruit/security.py) refuses them in every form post before a handler
#: runs; read_text refuses them wherever text reaches a service another way (imports,
#: commands, jobs), and the feeds strip them from rows written before the rule.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def control_character_error(value: object) -> str | None:
    """Return why the text is refused for a control character in it (None when it has none)."""
    if not isinstance(value, str):
        return None
    found = CONTROL_CHARACTERS.search(value)
    if found is None:
        return None
    return f"含有不允许的字符（U+{ord(found.group()):04X}），请删除后重试。"


def strip_control_characters(value: str) -> str:
    """Return the text without the characters CONTROL_CHARACTERS names (for output)."""
    return CONTROL_CHARACTERS.sub("", value)


def read_text(
    data: dict, name: str, label: str, max_len: int, errors: dict, *, required: bool = False
) -> str | None:
    """Return data[name] stripped (None when blank); note in `errors` why it is refused.

    One wording for every service: "<label>：必填。", "<label>：不能超过 N 个字。" or
    "<label>：含有不允许的字符（U+000B），请删除后重试。" (the request guard's words).
    """
    raw = data.get(name) or ""
    value = raw.strip()
    control = control_character_error(raw)
    if control:
        errors[name] = f"{label}：{control}"
    elif required and not value:
        errors[name] = f"{label}：必填。"
    elif len(value) > max_len:
        errors[name] = f"{label}：不能超过 {max_len} 个字。"
    return value or None

"""Identifiers as real input arrives: full-width from an IME, codes no authority issued, phone
ranges not in service. python-stdnum and phonenumbers were run against our checks (issue 19);
where stdnum is wrong (A/N/Y authorities, residence permits, future births) ours stay, and
phonenumbers' metadata is the authority for phone numbers."""

import datetime as dt
import random

import phonenumbers
import pytest
import sqlalchemy as sa
from phonenumbers import PhoneNumberType

from recruit.demo import data
from recruit.employers.models import Employer
from recruit.errors import Invalid
from recruit.hires.intents import clean_seeker, seeker_errors
from recruit.positions.rules import validate_position_data
from recruit.validators import (
    id_check_digit,
    id_number_error,
    is_valid_id_number,
    is_valid_mobile,
    is_valid_phone,
    is_valid_uscc,
    mobile_error,
    normalize_id_number,
    normalize_mobile,
    normalize_phone,
    normalize_uscc,
    uscc_check_char,
    uscc_error,
)

FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ－",
)
USCC = "91430281MA4L0A0B1X"


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)


# --- full-width input from a Chinese IME -------------------------------------


def test_full_width_codes_are_accepted_and_normalized():
    code = uscc("91430281MA4L0A0B1")
    assert is_valid_uscc(code.translate(FULL_WIDTH))
    assert normalize_uscc(code.translate(FULL_WIDTH)) == code
    assert uscc_error("\u3000" + code.translate(FULL_WIDTH).lower()) is None

    number = id_number("43028119900101123")
    assert is_valid_id_number(number.translate(FULL_WIDTH))
    assert normalize_id_number(number.translate(FULL_WIDTH)) == number

    assert normalize_mobile("１３９ ０７３３ １２３４") == "13907331234"
    assert normalize_mobile("＋８６ １３９－０７３３－１２３４") == "13907331234"
    assert normalize_phone("０７３１－２８８８８８８８") == "0731-28888888"


def test_a_seeker_typed_full_width_is_stored_normalized():
    number = id_number("43028119900101123")
    clean = clean_seeker(
        {
            "seeker_name": "刘小红",
            "seeker_phone": "１３９０７３３１２３４",
            "seeker_id_number": number.translate(FULL_WIDTH),
            "position_id": 1,
        }
    )
    assert clean.seeker_phone == "13907331234"
    assert clean.seeker_id_number == number


def test_a_position_contact_phone_is_stored_normalized(db):
    base = {
        "title": "陶瓷检验员",
        "description": "负责成品检验。",
        "occupation_major_group": 6,
        "openings": 2,
        "salary_negotiable": True,
        "education": "senior_high",
        "experience": "none",
        "employment_type": "full_time",
        "work_region_code": "430281",
        "valid_until": dt.date.today() + dt.timedelta(days=30),
    }
    try:
        landline = validate_position_data({**base, "contact_phone": "（０７３１）２８８８８８８８"})
    except Invalid as error:  # only the phone is under test here
        pytest.fail(f"refused: {error.errors}")
    assert landline["contact_phone"] == "0731-28888888"
    mobile = validate_position_data({**base, "contact_phone": "+86 139-0733-1234"})
    assert mobile["contact_phone"] == "13907331234"
    with pytest.raises(Invalid) as refused:
        validate_position_data({**base, "contact_phone": "0731-1234567"})
    assert refused.value.errors["contact_phone"].startswith("联系电话：固定电话")


def test_an_employer_registered_with_a_full_width_code_stores_the_ascii_code(client, db):
    response = client.post(
        "/employers/register",
        data={
            "name": "株洲全角科技有限公司",
            "uscc": USCC_VALID.translate(FULL_WIDTH),
            "region_code": "430211",
            "industry_section": "C",
            "industry_class": "3071",
            "industry_chain_id": "",
            "size": "small",
            "address": "天元区泰山路 88 号",
            "contact_name": "王经理",
            "contact_phone": "１３９ ０７３３ １２３４",
            "username": "quanjiao_hr",
            "password": "Quanjiao-2026",
            "password_confirm": "Quanjiao-2026",
        },
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    employer = db.session.scalar(sa.select(Employer).where(Employer.name == "株洲全角科技有限公司"))
    assert employer.uscc == USCC_VALID
    assert employer.contact_phone == "13907331234"


USCC_VALID = uscc("91430211MA4L7Q2K3")


# --- 统一社会信用代码 ----------------------------------------------------------


def test_position_two_is_the_entity_type_digit():
    assert not is_valid_uscc("9U430281LXG0TEQY7C")
    assert uscc_check_char("9U430281LXG0TEQY7") == "C"  # the checksum alone would pass it
    assert "第 2 位" in uscc_error("9U430281LXG0TEQY7C")


@pytest.mark.parametrize("authority", ["A", "N", "Y"])
def test_registration_authorities_a_n_y_are_accepted(authority):
    # python-stdnum refuses these; GB 32100-2015 and its amendments assign them.
    assert is_valid_uscc(uscc(f"{authority}1430281MA4L0A0B1"))


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("91430281MA4L0A0B", "应为 18 位（当前 16 位）"),
        ("91430281MA4L0A0BIX", "不允许的字符“I”"),
        ("B1430281MA4L0A0B1X", "第 1 位"),
        ("914302A1MA4L0A0B1X", "第 3–8 位"),
    ],
)
def test_a_refused_code_is_told_what_is_wrong(code, words):
    assert words in uscc_error(code)


def test_a_wrong_check_character_blames_the_check_character():
    code = uscc("91430281MA4L0A0B1")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert "校验位" in uscc_error(wrong)


# --- 居民身份证号码 ----------------------------------------------------------


@pytest.mark.parametrize("address", ["100000", "430299", "000000", "990000", "430200", "910000"])
def test_address_codes_outside_gbt_2260_are_refused(address):
    number = id_number(f"{address}19900101123")
    assert not is_valid_id_number(number)
    assert "地址码" in id_number_error(number)


@pytest.mark.parametrize(
    "address",
    [
        "110105",  # Beijing: other provinces are checked by their prefix only
        "430102",  # Changsha
        "430281",  # 醴陵市
        "430221",  # 株洲县, abolished in 2018: numbers issued before keep it
        "430212",  # 渌口区
        "810000",  # residence permit, Hong Kong residents (stdnum refuses)
        "820000",  # Macao residents
        "830000",  # Taiwan residents
    ],
)
def test_known_address_codes_and_residence_permits_are_accepted(address):
    assert is_valid_id_number(id_number(f"{address}19900101123"))


def test_a_future_birth_date_is_refused():
    # stdnum accepts births after today.
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    number = id_number(f"430281{tomorrow:%Y%m%d}123")
    assert "出生日期" in id_number_error(number)


def test_a_15_digit_number_of_a_shipped_county_converts():
    assert normalize_id_number("430281900101123") == id_number("43028119900101123")


# --- phones: phonenumbers' CN metadata is the authority -----------------------


def _phonenumbers_says(number: str, types) -> bool:
    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in types


MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
LANDLINE_TYPES = (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


@pytest.mark.parametrize("prefix", ["140", "141", "142", "143", "144", "146", "148", "149", "154"])
def test_unassigned_and_data_only_mobile_ranges_are_refused(prefix):
    number = f"{prefix}07331234"
    assert not _phonenumbers_says(number, MOBILE_TYPES)
    assert not is_valid_mobile(number)
    assert f"号段 {prefix}" in mobile_error(number)


def test_mobile_check_agrees_with_phonenumbers():
    rng = random.Random(19)
    for _ in range(3000):
        number = f"1{rng.randrange(10**10):010d}"
        assert is_valid_mobile(number) == _phonenumbers_says(number, MOBILE_TYPES), number


def test_landline_check_agrees_with_phonenumbers():
    rng = random.Random(2260)
    for _ in range(3000):
        number = "0" + str(rng.randrange(10 ** rng.randint(8, 11)))
        # A mobile with a trunk 0 in front (0139…) is no landline: refused, like any typo.
        assert is_valid_phone(number) == _phonenumbers_says(number, LANDLINE_TYPES), number


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0731-28888888", "0731-28888888"),
        ("073128888888", "0731-28888888"),
        ("(0731) 2888 8888", "0731-28888888"),
        ("010-62345678", "010-62345678"),
        ("+86 731 2888 8888", None),  # no leading 0: not a landline as typed here
        ("0731-2888888", None),
        ("13907331234", "13907331234"),
    ],
)
def test_landlines_need_their_area_code(typed, stored):
    if stored is None:
        assert not is_valid_phone(typed)
    else:
        assert normalize_phone(typed) == stored


def test_seeker_phone_messages_do_not_blame_the_format_for_a_range():
    errors = seeker_errors({"seeker_name": "刘", "seeker_phone": "14007331234", "position_id": 1})
    assert "号段 140" in errors["seeker_phone"]
    errors = seeker_errors(
        {"seeker_name": "刘", "seeker_phone": "１３９０７３３１２３４", "position_id": 1}
    )
    assert "seeker_phone" not in errors


def test_the_demo_data_only_uses_mobile_ranges_in_service():
    rng = random.Random(7)
    for prefix in data.MOBILE_PREFIXES:
        for _ in range(200):
            assert is_valid_mobile(f"{prefix}{rng.randrange(10**8):08d}"), prefix

"""Tests for recruit.validators: USCC, ID number and mobile number validation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from recruit.refdata.divisions import CITY_COUNTIES, PROVINCES
from recruit.validators import (
    ID_CHECK_DIGITS,
    ID_WEIGHTS,
    USCC_ALPHABET,
    USCC_WEIGHTS,
    id_check_digit,
    is_valid_id_number,
    is_valid_mobile,
    is_valid_uscc,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_mobile,
    normalize_uscc,
    uscc_check_char,
)

DIGITS = "0123456789"
USCC_AUTHORITIES = "123456789ANY"


def with_uscc_check(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def with_id_check(first17: str) -> str:
    return first17 + id_check_digit(first17)


def make_id(address: str, birth: dt.date, sequence: str) -> str:
    return with_id_check(address + birth.strftime("%Y%m%d") + sequence)


# --- strategies -------------------------------------------------------------

uscc_prefixes = st.builds(
    lambda a, b, region, body: a + b + region + body,
    st.sampled_from(USCC_AUTHORITIES),
    st.sampled_from(DIGITS),  # the entity type code is a digit
    st.text(alphabet=DIGITS, min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)
valid_usccs = uscc_prefixes.map(with_uscc_check)

address_codes = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(set(PROVINCES) - {"43"})),
    st.text(alphabet=DIGITS, min_size=4, max_size=4),
) | st.sampled_from(sorted(CITY_COUNTIES))
sequences = st.text(alphabet=DIGITS, min_size=3, max_size=3)
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())
valid_id_numbers = st.builds(make_id, address_codes, birth_dates, sequences)
valid_19xx_id_numbers = st.builds(
    make_id,
    address_codes,
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
    sequences,
)


# --- 统一社会信用代码 ----------------------------------------------------------


def test_uscc_worked_example_is_valid():
    assert is_valid_uscc("91512081MA62K0260E")
    assert uscc_check_char("91512081MA62K0260") == "E"


def test_uscc_worked_example_with_wrong_check_char_is_invalid():
    assert not is_valid_uscc("91350100M000100Y4Z")
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert is_valid_uscc("91350100M000100Y43")


def test_uscc_weights_are_powers_of_three_mod_31():
    assert tuple(pow(3, i, 31) for i in range(17)) == USCC_WEIGHTS
    assert all(w % 31 for w in USCC_WEIGHTS)


def test_uscc_alphabet_excludes_ambiguous_letters():
    assert len(USCC_ALPHABET) == 31
    assert not set("IOSVZ") & set(USCC_ALPHABET)


@pytest.mark.parametrize(
    "value",
    [
        "91512081MA62K0260E",
        "91512081ma62k0260e",
        "  91512081MA62K0260E\n",
        "\u300091512081MA62K0260E\u3000",  # full-width spaces are trimmed
        "91350100M000100Y43",
    ],
)
def test_uscc_accepts_valid_codes_after_trim_and_upper(value):
    assert is_valid_uscc(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "91512081MA62K0260",  # 17 characters
        "91512081MA62K0260E0",  # 19 characters
        "91512081MA62 K0260E",  # inner whitespace
        "91512081MA62K0260F",  # wrong check character
        None,
        915120810,
        b"91512081MA62K0260E",
        ["91512081MA62K0260E"],
    ],
)
def test_uscc_rejects_malformed_values(value):
    assert not is_valid_uscc(value)


@pytest.mark.parametrize("letter", list("IOSVZ"))
@pytest.mark.parametrize("position", [1, 9, 12, 16, 17])
def test_uscc_rejects_forbidden_letters_at_any_position(letter, position):
    code = "91512081MA62K0260E"
    assert not is_valid_uscc(code[:position] + letter + code[position + 1 :])
    assert not is_valid_uscc((code[:position] + letter + code[position + 1 :]).lower())


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_uscc_check_char_rejects_forbidden_letters(letter):
    with pytest.raises(ValueError, match="统一社会信用代码"):
        uscc_check_char("91512081MA62K026" + letter)


@pytest.mark.parametrize("authority", list(USCC_AUTHORITIES))
def test_uscc_accepts_every_registration_authority_code(authority):
    assert is_valid_uscc(with_uscc_check(authority + "1512081MA62K0260"))


@pytest.mark.parametrize("authority", ["0", "B", "C", "M", "X", "W"])
def test_uscc_rejects_unknown_registration_authority_code(authority):
    assert not is_valid_uscc(with_uscc_check(authority + "1512081MA62K0260"))


@pytest.mark.parametrize("position", range(2, 8))
def test_uscc_rejects_letter_in_division_code(position):
    prefix = "91512081MA62K0260"
    prefix = prefix[:position] + "A" + prefix[position + 1 :]
    # Checksum is right, so only the structural rule can reject it.
    assert not is_valid_uscc(with_uscc_check(prefix))


def test_uscc_compatibility_characters_are_stored_as_ascii():
    code = with_uscc_check("91512081MA62K0FF0")
    assert is_valid_uscc(code)
    # NFKC maps the ligature "ﬀ" to "ff": what is stored is the plain ASCII code.
    assert normalize_uscc(code.replace("FF", "\ufb00")) == code
    # Other non-ASCII letters are refused: "ß".upper() == "SS" must not sneak in.
    assert not is_valid_uscc(code.replace("F", "ß", 1))


@pytest.mark.parametrize(
    "value", ["", "91512081MA62K026", "91512081MA62K0260E", "91512081ma62k0260", None, 17]
)
def test_uscc_check_char_rejects_wrong_length_or_characters(value):
    with pytest.raises(ValueError, match="统一社会信用代码"):
        uscc_check_char(value)


def test_normalize_uscc_trims_and_upper_cases():
    assert normalize_uscc("  91512081ma62k0260e\t") == "91512081MA62K0260E"


def test_normalize_uscc_rejects_non_string():
    with pytest.raises(ValueError, match="统一社会信用代码"):
        normalize_uscc(None)


@given(uscc_prefixes)
def test_uscc_prefix_with_computed_check_char_is_valid(prefix):
    assert is_valid_uscc(prefix + uscc_check_char(prefix))


@given(valid_usccs, st.data())
def test_uscc_single_character_substitution_is_detected(code, data):
    position = data.draw(st.integers(0, 17), label="position")
    replacement = data.draw(
        st.sampled_from(USCC_ALPHABET).filter(lambda ch: ch != code[position]),
        label="replacement",
    )
    assert not is_valid_uscc(code[:position] + replacement + code[position + 1 :])


@given(valid_usccs, st.integers(0, 16))
def test_uscc_adjacent_transposition_is_detected(code, position):
    # Adjacent weights differ by a factor of 3, so (w[i] - w[i+1]) = -2*w[i] != 0 mod 31;
    # swapping positions 17 and 18 changes the sum by 27*(b - a) != 0 mod 31.
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert not is_valid_uscc(swapped)


def test_uscc_adjacent_weight_differences_are_nonzero_mod_31():
    weights = (*USCC_WEIGHTS, 1)  # the check character enters the sum with weight 1
    assert all((weights[i] - weights[i + 1]) % 31 for i in range(17))


# --- 居民身份证号码 ----------------------------------------------------------


def test_id_number_worked_example_is_valid():
    assert is_valid_id_number("11010519491231002X")
    assert id_check_digit("11010519491231002") == "X"


def test_id_weights_are_powers_of_two_mod_11_and_never_zero():
    assert tuple(pow(2, 17 - i, 11) for i in range(17)) == ID_WEIGHTS
    # Changing one digit by d (1..9) shifts the sum by d*w, which must be non-zero mod 11.
    assert all((d * w) % 11 for w in ID_WEIGHTS for d in range(1, 10))
    assert sorted(ID_CHECK_DIGITS) == sorted("0123456789X")


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",
        "11010519491231002x",
        " 11010519491231002x\n",
        "110105491231002",  # 15-digit form
        make_id("110105", dt.date(2000, 2, 29), "123"),  # leap day
        make_id("810000", dt.date(1900, 1, 1), "000"),  # earliest allowed year
        make_id("430281", dt.date.today(), "123"),  # born today
    ],
)
def test_id_number_accepts_valid_numbers(value):
    assert is_valid_id_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "11010519491231002",  # 17 characters
        "11010519491231002X1",  # 19 characters
        "110105194912310021",  # wrong check digit
        "1101051949123100X2",  # X not in last position
        "11010519491231 02X",  # inner whitespace
        "11010549123100",  # 14 characters
        "11010549123100X",  # 15 characters with a letter
        "110105491331002",  # 15-digit form with month 13
        make_id("010105", dt.date(1990, 1, 1), "123"),  # address code starting with 0
        make_id("910105", dt.date(1990, 1, 1), "123"),  # address code starting with 9
        make_id("110105", dt.date(1899, 12, 31), "123"),  # year before 1900
        make_id("110105", dt.date.today() + dt.timedelta(days=1), "123"),  # future
        with_id_check("11010519000229123"),  # 1900 is not a leap year
        with_id_check("11010519901301123"),  # month 13
        with_id_check("11010519900431123"),  # 31 April
        with_id_check("11010519900000123"),  # month and day 00
        None,
        110105194912310020,
        b"11010519491231002X",
    ],
)
def test_id_number_rejects_invalid_values(value):
    assert not is_valid_id_number(value)


def test_normalize_id_number_upper_cases_check_digit_and_trims():
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


def test_normalize_id_number_converts_15_digit_numbers():
    assert normalize_id_number("110105491231002") == "11010519491231002X"


def test_normalize_id_number_does_not_verify_check_digit():
    assert normalize_id_number("110105194912310021") == "110105194912310021"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "11010519491231002",
        "11010519491231002X1",
        "1101051949123100X2",
        "11010549123100X",
        None,
        110105194912310020,
    ],
)
def test_normalize_id_number_rejects_unconvertible_input(value):
    with pytest.raises(ValueError, match="身份证号码"):
        normalize_id_number(value)


@pytest.mark.parametrize(
    "value", ["", "1101051949123100", "1101051949123100X", "110105194912310020", None, 17]
)
def test_id_check_digit_rejects_wrong_length_or_characters(value):
    with pytest.raises(ValueError, match="身份证号码"):
        id_check_digit(value)


@given(valid_id_numbers)
def test_generated_id_numbers_are_valid(number):
    assert is_valid_id_number(number)
    assert is_valid_id_number(number.lower())


@given(valid_id_numbers, st.data())
def test_id_number_single_character_change_is_detected(number, data):
    position = data.draw(st.integers(0, 17), label="position")
    choices = DIGITS if position < 17 else ID_CHECK_DIGITS
    replacement = data.draw(
        st.sampled_from(choices).filter(lambda ch: ch != number[position]), label="replacement"
    )
    assert not is_valid_id_number(number[:position] + replacement + number[position + 1 :])


@given(valid_19xx_id_numbers)
def test_id_number_15_digit_form_normalizes_back_to_18_digits(number):
    short = number[:6] + number[8:17]
    assert len(short) == 15
    assert normalize_id_number(short) == number
    assert is_valid_id_number(short)


# --- mobile numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "19912345678",
        " 13812345678 ",
        "138 1234 5678",
        "138-1234-5678",
        "+8613812345678",
        "+86 13812345678",
        "+86 138-1234-5678",
        "008613812345678",
        "0086-138-1234-5678",
    ],
)
def test_mobile_accepts_mainland_numbers_with_optional_prefix(value):
    assert is_valid_mobile(value)
    assert normalize_mobile(value) == value.replace(" ", "").replace("-", "")[-11:]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12812345678",  # second digit 2
        "10812345678",  # second digit 0
        "23812345678",  # does not start with 1
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "8613812345678",  # 86 without plus
        "+85213812345678",  # Hong Kong prefix
        "+86",
        "1381234567a",
        "138.1234.5678",
        None,
        13812345678,
    ],
)
def test_mobile_rejects_invalid_values(value):
    assert not is_valid_mobile(value)
    with pytest.raises(ValueError, match="手机号码"):
        normalize_mobile(value)


@given(st.sampled_from("38"), st.text(alphabet=DIGITS, min_size=9, max_size=9))
def test_mobile_any_13x_or_18x_number_round_trips_through_prefixes(second, rest):
    # 130-139 and 180-189 are assigned whole; other ranges have holes (tests/test_identifiers.py).
    number = "1" + second + rest
    for formatted in (number, "+86" + number, "0086" + number, f"+86 {number[:3]}-{number[3:]}"):
        assert normalize_mobile(formatted) == number


# --- masking -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812341234", "138****1234"),
        ("+86 138-1234-1234", "138****1234"),
        ("0086 13812341234", "138****1234"),
        ("010-12345678", "010*****5678"),  # not a mobile: mask the trimmed text
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone_keeps_first_three_and_last_four(value, expected):
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("43028119900101123X", "430281********123X"),
        (" 43028119900101123x ", "430281********123X"),
        ("430281900101123", "430281*****1123"),
        ("1234567890", "**********"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number_keeps_first_six_and_last_four(value, expected):
    assert mask_id_number(value) == expected


@given(valid_id_numbers)
def test_mask_id_number_hides_birth_date_of_generated_numbers(number):
    masked = mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[-4:]

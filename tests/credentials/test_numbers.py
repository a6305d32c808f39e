"""Certificate number schemes: legacy16, skill_level22, special_tech22, unknown and impossible."""

from __future__ import annotations

from datetime import date

import pytest

from credentials.numbers import (
    check_consistency,
    expand_year,
    format_legacy16,
    format_skill_level22,
    parse_certificate_number,
)

TODAY = date(2025, 1, 1)


def parse(raw):
    return parse_certificate_number(raw, today=TODAY)


def test_expand_year_window():
    assert [expand_year(y) for y in (0, 13, 69, 70, 99)] == [2000, 2013, 2069, 1970, 1999]
    with pytest.raises(ValueError):
        expand_year(100)


def test_legacy16_fields():
    p = parse("1311012003400017")
    assert p.scheme == "legacy16" and p.valid and not p.needs_review
    assert (p.year, p.province_code, p.prefecture_code) == (2013, "11", "01")
    assert (p.body_type, p.body_serial) == ("2", "003")
    assert p.body_code == "11012003"  # the 8-digit 鉴定机构 code, positions 3–10
    assert (p.level_digit, p.serial) == (4, 17)


def test_legacy16_industry_code_and_1990s_year():
    p = parse("9872010051300001")  # 72 = 烟草行业, 1998
    assert (p.scheme, p.year, p.province_code, p.level_digit) == ("legacy16", 1998, "72", 3)
    assert p.valid


@pytest.mark.parametrize(
    ("number", "problem"),
    [("1311015003400017", "body_type_out_of_range"), ("1311012003400000", "serial_out_of_range"),
     ("3011012003400017", "year_in_future")],
)
def test_legacy16_out_of_range_fields_are_review_problems(number, problem):
    p = parse(number)
    assert p.scheme == "legacy16" and problem in p.problems
    assert p.needs_review and not p.valid and not p.impossible


def test_skill_level22_fields():
    p = parse("Y000123000456234000001")
    assert p.scheme == "skill_level22" and p.valid
    assert (p.body_type, p.body_code, p.province_code, p.site_serial) == ("Y", "0001", "23", "000456")
    assert (p.year, p.level_digit, p.serial) == (2023, 4, 1)
    s = parse("s 9999 44 123456 24 1 999999")
    assert (s.number, s.body_type, s.body_code, s.province_code, s.level_digit, s.serial) == (
        "S999944123456241999999", "S", "9999", "44", 1, 999_999)


def test_domain_example_with_placeholders_is_not_a_real_number():
    p = parse("Y000123XXXXXX195000001")  # X are placeholders in DOMAIN §6.3
    assert p.scheme == "unknown" and not p.impossible and p.needs_review


@pytest.mark.parametrize(
    ("number", "problem"),
    [("Y000199000456234000001", "province_unknown"), ("Y000123000456234000000", "serial_out_of_range")],
)
def test_skill_level22_problems(number, problem):
    p = parse(number)
    assert p.scheme == "skill_level22" and problem in p.problems and p.needs_review


def test_special_tech22_recognised_but_not_parsed():
    p = parse("TJ00012300045623100001")
    assert p.scheme == "special_tech22" and p.body_type == "TJ"
    assert p.reason == "layout_unconfirmed" and p.needs_review and not p.valid
    assert p.level_digit is None and p.year is None


@pytest.mark.parametrize(
    ("number", "hint"),
    [("1301012345678", "possibly_shanghai13"), ("RGN11010531324300001", "possibly_local_r_scheme"),
     ("R31130001", "possibly_supervisor_card"), ("ABC12345", "unrecognised"),
     ("123456789012345678", "unrecognised"), ("12345678901234", "unrecognised"),
     ("TJ0001230004562310001", "unrecognised")],
)
def test_unknown_schemes_are_flagged_not_rejected(number, hint):
    p = parse(number)
    assert p.scheme == "unknown" and p.reason == hint
    assert not p.impossible and p.needs_review


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("1311-0120-0340-0017", "charset"), ("证书1311012003400017", "charset"),
     ("1311012003400017!", "charset"),
     ("1234ß678", "charset"), ("1234567", "length"), ("", "length"), ("1" * 33, "length")],
)
def test_impossible_numbers(raw, reason):
    p = parse(raw)
    assert p.impossible and p.reason == reason and p.needs_review and not p.valid


# ------------------------------------------------------------------ shaped like a national scheme, but broken

@pytest.mark.parametrize(("number", "reason", "imitates"), [
    ("131101200340001", "one_too_few", "legacy16"),  # 15 digits
    ("13110120034000171", "one_too_many", "legacy16"),  # 17 digits
    ("Y00012300045623400001", "one_too_few", "skill_level22"),  # 21 characters
    ("Y0001230004562340000011", "one_too_many", "skill_level22"),  # 23 characters
    ("X000123000456234000001", "body_type_letter", "skill_level22"),
    ("R000123000456234000001", "body_type_letter", "skill_level22"),
    ("1311012003000017", "level_digit", "legacy16"), ("1311012003600017", "level_digit", "legacy16"),
    ("Y000123000456230000001", "level_digit", "skill_level22"),
    ("Y000123000456236000001", "level_digit", "skill_level22"),
])
def test_a_number_shaped_like_a_national_scheme_but_breaking_it_is_impossible(number, reason, imitates):
    p = parse(number)
    assert p.impossible and (p.reason, p.imitates) == (reason, imitates)
    assert not p.valid and p.needs_review and p.scheme == "unknown"
    assert check_consistency(p, level_digit=4, issue_year=2023) == ["number_impossible"]


@pytest.mark.parametrize("number", [
    "1311012003400017", "1311012003100017", "1311012003500017",  # 16 digits, level 1..5
    "Y000123000456234000001", "S000123000456231000001", "S000123000456235000001",  # Y|S + 21 digits
])
def test_the_national_schemes_themselves_stay_valid_beside_the_broken_shapes(number):
    p = parse(number)
    assert p.valid and not p.impossible and p.imitates is None and p.explanation is None


@pytest.mark.parametrize(("number", "zh", "en"), [
    ("13110120034000171", ["17 位", "16 位职业资格证书编号", "多一位"], ["17 characters", "one character too many",
                                                                   "16-digit"]),
    ("131101200340001", ["15 位", "少一位"], ["15 characters", "one character too few"]),
    ("Y00012300045623400001", ["21 位", "22 位职业技能等级证书编号", "少一位"], ["21 characters", "22-character"]),
    ("X000123000456234000001", ["Y（用人单位）或 S", "不能是 X"], ["Y (employer) or S", "not X"]),
    ("1311012003600017", ["等级位只能是 1–5", "不能是 6"], ["level digit", "1–5, not 6"]),
    ("Y000123000456230000001", ["等级位只能是 1–5", "不能是 0"], ["level digit", "1–5, not 0"]),
    ("1234567", ["长度不可能"], ["length fits no national numbering scheme"]),
    ("1311-0120-0340-0017", ["只能包含数字和大写字母"], ["only digits and capital letters"]),
])
def test_an_impossible_number_says_why_in_both_languages(number, zh, en):
    explanation = parse(number).explanation
    assert explanation is not None
    assert all(part in explanation.zh for part in zh), explanation.zh
    assert all(part in explanation.en for part in en), explanation.en


def test_normalisation_full_width_and_case():
    p = parse("ｙ０００１２３０００４５６２３４０００００１")
    assert p.number == "Y000123000456234000001" and p.scheme == "skill_level22"


def test_check_consistency():
    p = parse("Y000123000456234000001")
    assert check_consistency(p, level_digit=4, issue_year=2023) == []
    assert check_consistency(p, level_digit=3, issue_year=2023) == ["level_mismatch"]
    assert check_consistency(p, level_digit=4, issue_year=2024) == ["year_mismatch"]
    assert check_consistency(p, level_digit=5, issue_year=2020) == ["level_mismatch", "year_mismatch"]
    assert check_consistency(p, level_digit=None, issue_year=None) == []
    legacy = parse("1311012003400017")
    assert check_consistency(legacy, level_digit=4, issue_year=2012) == ["year_mismatch"]


def test_check_consistency_unknown_and_impossible():
    assert check_consistency(parse("1301012345678"), level_digit=4, issue_year=2013) == []
    assert check_consistency(parse("x!"), level_digit=4, issue_year=2013) == ["number_impossible"]


def test_format_skill_level22_round_trip():
    number = format_skill_level22("Y", "0001", "23", "000456", 2023, 4, 1)
    assert number == "Y000123000456234000001"
    p = parse(number)
    assert (p.scheme, p.body_type, p.body_code, p.province_code, p.site_serial, p.year, p.level_digit,
            p.serial) == ("skill_level22", "Y", "0001", "23", "000456", 2023, 4, 1)
    assert format_skill_level22("S", 0, 11, 1, 2021, 5, 123) == "S000011000001215000123"


def test_format_legacy16_round_trip():
    number = format_legacy16(2013, "11", "01", 2, 3, 4, 17)
    assert number == "1311012003400017"
    p = parse(number)
    fields = (p.year, p.province_code, p.prefecture_code, p.body_type, p.body_serial, p.level_digit, p.serial)
    assert fields == (2013, "11", "01", "2", "003", 4, 17)
    assert format_legacy16(1998, "72", "01", "0", "051", 3, 1) == "9872010051300001"


@pytest.mark.parametrize(
    "args",
    [("X", "0001", "23", "000456", 2023, 4, 1), ("Y", "001", "23", "000456", 2023, 4, 1),
     ("Y", "0001", "99", "000456", 2023, 4, 1), ("Y", "0001", "23", "45", 2023, 4, 1),
     ("Y", "0001", "23", "000456", 1999, 4, 1), ("Y", "0001", "23", "000456", 2070, 4, 1),
     ("Y", "0001", "23", "000456", 2023, 6, 1), ("Y", "0001", "23", "000456", 2023, 4, 0),
     ("Y", "0001", "23", "000456", 2023, 4, 1_000_000), ("Y", "０００１", "23", "000456", 2023, 4, 1),
     ("Y", "0001", "23", "000456", 2023, True, 1)],
)
def test_format_skill_level22_validates(args):
    with pytest.raises(ValueError):
        format_skill_level22(*args)


@pytest.mark.parametrize(
    "args",
    [(1969, "11", "01", 2, 3, 4, 17), (2013, "1", "01", 2, 3, 4, 17), (2013, "11", "001", 2, 3, 4, 17),
     (2013, "11", "01", 5, 3, 4, 17), (2013, "11", "01", 2, 1000, 4, 17), (2013, "11", "01", 2, 3, 0, 17),
     (2013, "11", "01", 2, 3, 4, 100_000), (2013, "11", "01", 2, -1, 4, 17)],
)
def test_format_legacy16_validates(args):
    with pytest.raises(ValueError) as err:
        format_legacy16(*args)
    assert str(err.value)

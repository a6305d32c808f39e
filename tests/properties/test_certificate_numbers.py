"""Certificate numbers (credentials/numbers.py and the checks of credentials/services/certificates.py): any text is
read without an exception, what the formatters write reads back field for field, a slip of one character is
named, and every number the registry generates passes the checks a typed one must pass."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from credentials.errors import ValidationFailed
from credentials.identity import PROVINCE_CODES
from credentials.models import InstitutionKind
from credentials.numbers import (
    LEGACY_BODY_TYPES,
    SCHEMES,
    SKILL_BODY_TYPES,
    check_consistency,
    format_legacy16,
    format_skill_level22,
    normalize_certificate_number,
    parse_certificate_number,
)
from credentials.services.certificates import _checked_number, number_series

from .strategies import TODAY, hostile_text

LATE = date(2069, 12, 31)  # `today` for the round trips: no year the formatters accept is "in the future"
FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
digits = st.text("0123456789", min_size=1, max_size=34)
shapes = st.one_of(hostile_text, digits, st.from_regex(r"[A-Za-z]{1,2}[0-9]{18,23}", fullmatch=True),
                   st.from_regex(r"[YS][0-9]{21}", fullmatch=True), st.from_regex(r"[0-9]{16}", fullmatch=True))


@st.composite
def skill_level22(draw) -> tuple[str, dict]:
    fields = {"body_type": draw(st.sampled_from(sorted(SKILL_BODY_TYPES))),
              "body_code": f"{draw(st.integers(0, 9999)):04d}",
              "province_code": draw(st.sampled_from(sorted(PROVINCE_CODES))),
              "site_serial": f"{draw(st.integers(0, 999_999)):06d}", "year": draw(st.integers(2000, 2069)),
              "level_digit": draw(st.integers(1, 5)), "serial": draw(st.integers(1, 999_999))}
    return format_skill_level22(**fields), fields


@st.composite
def legacy16(draw) -> tuple[str, dict]:
    fields = {"year": draw(st.integers(1970, 2069)), "province_code": f"{draw(st.integers(0, 99)):02d}",
              "prefecture_code": f"{draw(st.integers(0, 99)):02d}",
              "body_type_digit": draw(st.sampled_from(sorted(LEGACY_BODY_TYPES))),
              "body_serial": f"{draw(st.integers(0, 999)):03d}", "level_digit": draw(st.integers(1, 5)),
              "serial": draw(st.integers(1, 99_999))}
    return format_legacy16(**fields), fields


@settings(max_examples=400)
@given(shapes)
def test_any_text_is_read_without_an_exception(raw):
    parsed = parse_certificate_number(raw, today=TODAY)

    assert parsed.number == normalize_certificate_number(raw) and parsed.scheme in SCHEMES
    assert parsed.needs_review is not parsed.valid
    if parsed.impossible:
        assert parsed.scheme == "unknown" and parsed.explanation.zh and parsed.explanation.en
        assert check_consistency(parsed, level_digit=5, issue_year=2024) == ["number_impossible"]
    else:
        assert parsed.explanation is None
        assert 8 <= len(parsed.number) <= 32 and parsed.number.isascii() and parsed.number.isalnum()
        assert parsed.number == parsed.number.upper()


@settings(max_examples=200)
@given(skill_level22())
def test_a_skill_level_number_reads_back_field_for_field(formatted):
    number, fields = formatted

    parsed = parse_certificate_number(number, today=LATE)

    assert parsed.valid and parsed.scheme == "skill_level22" and len(number) == 22
    assert (parsed.body_type, parsed.body_code, parsed.province_code, parsed.site_serial, parsed.year,
            parsed.level_digit, parsed.serial) == tuple(fields.values())
    assert check_consistency(parsed, level_digit=fields["level_digit"], issue_year=fields["year"]) == []
    other_level = fields["level_digit"] % 5 + 1
    assert check_consistency(parsed, level_digit=other_level, issue_year=fields["year"] + 1) == [
        "level_mismatch", "year_mismatch"]


@settings(max_examples=200)
@given(legacy16())
def test_a_legacy_number_reads_back_field_for_field(formatted):
    number, fields = formatted

    parsed = parse_certificate_number(number, today=LATE)

    assert parsed.scheme == "legacy16" and len(number) == 16 and not parsed.impossible
    assert (parsed.year, parsed.province_code, parsed.prefecture_code, parsed.body_type, parsed.body_serial,
            parsed.level_digit, parsed.serial) == (
        fields["year"], fields["province_code"], fields["prefecture_code"], fields["body_type_digit"],
        fields["body_serial"], fields["level_digit"], fields["serial"])
    assert check_consistency(parsed, level_digit=fields["level_digit"], issue_year=fields["year"]) == []


@settings(max_examples=200)
@given(st.one_of(skill_level22(), legacy16()), st.data())
def test_spaces_full_width_and_small_letters_read_the_same(formatted, data):
    number, _ = formatted
    cut = data.draw(st.integers(0, len(number)))
    disguise = data.draw(st.sampled_from([
        number.translate(FULL_WIDTH), number.lower(), f" {number[:cut]}\u3000{number[cut:]}\t",
        number[:cut].translate(FULL_WIDTH) + number[cut:].lower()]))

    assert parse_certificate_number(disguise, today=LATE) == replace(parse_certificate_number(number, today=LATE),
                                                                     raw=disguise)


@settings(max_examples=200)
@given(st.one_of(skill_level22(), legacy16()), st.data())
def test_one_character_too_few_or_too_many_is_named(formatted, data):
    number, _ = formatted
    place = data.draw(st.integers(1, len(number) - 1))  # a digit: the letter of a skill number stays
    slipped = data.draw(st.sampled_from([number[:place] + number[place + 1:],
                                         number[:place] + data.draw(st.sampled_from("0123456789")) + number[place:]]))

    parsed = parse_certificate_number(slipped, today=LATE)

    assert parsed.impossible and parsed.imitates == ("legacy16" if len(number) == 16 else "skill_level22")
    assert parsed.reason == ("one_too_few" if len(slipped) < len(number) else "one_too_many")
    assert str(len(slipped)) in parsed.explanation.zh and str(len(slipped)) in parsed.explanation.en


@settings(max_examples=300)
@given(shapes, st.integers(1, 5), st.integers(1950, 2024))
def test_a_typed_number_is_kept_or_refused_with_a_reason(raw, level_digit, year):
    try:
        number, scheme, needs_review = _checked_number(raw, level_digit, year)
    except ValidationFailed as refused:
        assert refused.field == "number" and refused.code in ("certificate_number", "number_mismatch")
        assert refused.message("zh") and refused.message("en")
        return
    parsed = parse_certificate_number(number)
    assert not parsed.impossible and parsed.scheme == scheme and parsed.needs_review == needs_review
    assert check_consistency(parsed, level_digit=level_digit, issue_year=year) == []


institutions = st.builds(SimpleNamespace, id=st.integers(1, 2**31), kind=st.sampled_from(InstitutionKind),
                         city_code=st.builds(lambda p, c: f"{p}{c:02d}", st.sampled_from(sorted(PROVINCE_CODES)),
                                             st.integers(1, 99)))


@settings(max_examples=300)
@given(institutions, st.integers(1, 5), st.dates(date(1970, 1, 1), TODAY), st.integers(1, 99_999))
def test_a_generated_number_passes_the_checks_of_a_typed_one(institution, level_digit, issued_on, serial):
    """From 1970, the first year a two-digit year can name. Nothing earlier is numbered by the registry: the
    application conditions start in 1994, approvals in 2006, and a historic certificate comes with its number."""
    series = number_series(institution, level_digit, issued_on)
    number = series.number(serial)

    assert _checked_number(number, level_digit, issued_on.year) == (number, series.scheme, False)
    parsed = parse_certificate_number(number, today=issued_on)
    assert parsed.valid and parsed.scheme == ("skill_level22" if issued_on.year >= 2020 else "legacy16")

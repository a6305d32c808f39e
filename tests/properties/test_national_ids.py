"""National ID numbers (credentials/identity.py): whatever is typed either parses to one canonical number or is
refused with InvalidNationalId, and masks show no more than they say."""

from __future__ import annotations

from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from credentials.identity import (
    InvalidNationalId,
    blind_index,
    check_character,
    mask_name,
    mask_national_id,
    normalize_national_id,
    parse_national_id,
    redact_ids,
)

from .strategies import FULL_WIDTH, TODAY, hostile_text, national_ids, old_national_ids

KEY = bytes(range(32))
REFUSALS = {"length", "characters", "birth_date", "check_digit"}


def parse(raw: str):
    return parse_national_id(raw, today=TODAY)


@settings(max_examples=300)
@given(national_ids())
def test_a_valid_number_parses_to_itself_and_its_parts(number):
    parsed = parse(number)

    assert parsed.number == number
    assert parsed.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert parsed.gender == ("male" if int(number[16]) % 2 else "female")
    assert (parsed.area_code, parsed.province_code) == (number[:6], number[:2])
    assert parsed.province_name is not None


@settings(max_examples=200)
@given(national_ids(), st.data())
def test_spaces_full_width_digits_and_a_small_x_change_nothing(number, data):
    cuts = sorted(data.draw(st.lists(st.integers(0, 18), max_size=4)))
    spaced = "".join(number[a:b] + " \u3000\t"[i % 3] for i, (a, b) in enumerate(zip([0, *cuts], [*cuts, 18], strict=True)))
    disguised = data.draw(st.sampled_from([number.translate(FULL_WIDTH), number.lower(), spaced,
                                           spaced.translate(FULL_WIDTH).lower()]))

    assert normalize_national_id(disguised.translate(FULL_WIDTH)) == number
    assert parse(disguised) == parse(number)
    assert blind_index(disguised, KEY) == blind_index(number, KEY)


@settings(max_examples=200)
@given(old_national_ids())
def test_an_old_15_digit_number_upgrades_to_the_18_digit_one(old):
    body = old[:6] + "19" + old[6:]
    upgraded = body + check_character(body)

    parsed = parse(old)

    assert parsed == parse(upgraded)
    assert parsed.number == upgraded and parsed.birth_date.year == 1900 + int(old[6:8])
    assert parsed.gender == ("male" if int(old[14]) % 2 else "female")
    assert blind_index(old, KEY) == blind_index(upgraded, KEY)


@st.composite
def one_error(draw) -> str:
    """A valid number with one digit changed, or two neighbours swapped: typing slips MOD 11-2 always catches."""
    number = draw(national_ids())
    place = draw(st.integers(0, 17))
    if draw(st.booleans()):
        wrong = draw(st.sampled_from([c for c in "0123456789X" if c != number[place]]))
        return number[:place] + wrong + number[place + 1:]
    place = min(place, 16)
    assume(number[place] != number[place + 1])
    return number[:place] + number[place + 1] + number[place] + number[place + 2:]


@settings(max_examples=300)
@given(one_error())
def test_one_wrong_or_swapped_character_is_always_refused(mistyped):
    try:
        parse(mistyped)
    except InvalidNationalId as refused:
        assert refused.code in REFUSALS
    else:
        raise AssertionError(f"{mistyped} was accepted")


@settings(max_examples=400)
@given(st.one_of(hostile_text, one_error(), national_ids().map(lambda n: n[:-1]), st.from_regex(r"\d{15,18}[xX]?")))
def test_any_text_parses_or_is_refused_with_a_reason(raw):
    try:
        parsed = parse(raw)
    except InvalidNationalId as refused:
        assert refused.code in REFUSALS
        assert refused.message_zh and refused.message_en
        assert not any(c.isdigit() and c not in "158" for c in str(refused))  # never echoes the number
        return
    number = parsed.number
    assert len(number) == 18 and number[:17].isascii() and number[:17].isdigit()
    assert number[17] == check_character(number[:17])
    assert date(1800, 1, 1) <= parsed.birth_date <= TODAY
    assert parse(number) == parsed


@settings(max_examples=300)
@given(st.one_of(national_ids(), hostile_text))
def test_a_masked_number_shows_at_most_its_first_six_and_last_four(raw):
    text = normalize_national_id(raw)

    masked = mask_national_id(raw)

    assert len(masked) == len(text)
    shown = [i for i, c in enumerate(masked) if c != "*"]
    assert all(masked[i] == text[i] for i in shown)
    assert all(i < 6 or i >= len(text) - 4 for i in shown)
    if len(text) < 14:
        assert not shown
    if len(text) == 18:
        assert masked[6:14] == "********"  # the birth date never shows


@settings(max_examples=300)
@given(hostile_text)
def test_a_masked_name_shows_at_most_its_first_and_last_character(name):
    text = " ".join(name.split())

    masked = mask_name(name)

    assert len(masked) == len(text)
    assert set(masked[1:-1]) <= {"*"}
    if len(text) <= 2 or text.isascii():
        assert set(masked[1:]) <= {"*"}
    if len(text) == 1 and not text.isascii():
        assert masked == "*"


SEPARATORS = st.sampled_from([" ", "：", "，", "\n", "=", "\"", "(", "身份证"])


@settings(max_examples=300)
@given(hostile_text, SEPARATORS, national_ids(), SEPARATORS, hostile_text)
def test_a_log_line_never_carries_a_whole_number(before, left, number, right, after):
    assume(number not in before + after)

    line = redact_ids(before + left + number + right + after)

    assert number not in line
    assert mask_national_id(number) in line

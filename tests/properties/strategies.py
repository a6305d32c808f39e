"""Strategies shared by the properties: valid national ID numbers and their disguises, hostile text."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from credentials.identity import PROVINCE_CODES, check_character

FULL_WIDTH = str.maketrans({str(d): chr(0xFF10 + d) for d in range(10)} | {"X": "\uff38"})
TODAY = date(2024, 7, 1)  # `today` passed to what needs one: properties do not depend on the calendar

areas = st.builds(lambda province, rest: province + f"{rest:04d}", st.sampled_from(sorted(PROVINCE_CODES)),
                  st.integers(0, 9999))
sequences = st.integers(0, 999)


@st.composite
def national_ids(draw, *, birth_from: date = date(1800, 1, 1), birth_to: date = TODAY) -> str:
    """A valid 18-character number: a province's area code, a birth date not after TODAY, the check character."""
    body = f"{draw(areas)}{draw(st.dates(birth_from, birth_to)):%Y%m%d}{draw(sequences):03d}"
    return body + check_character(body)


@st.composite
def old_national_ids(draw) -> str:
    """A valid 15-digit number of before 1999 (two-digit year of the 1900s, no check character)."""
    return f"{draw(areas)}{draw(st.dates(date(1900, 1, 1), date(1999, 12, 31))):%y%m%d}{draw(sequences):03d}"


# Unicode a hostile form field may carry: controls, bidirectional overrides, zero-width and other format
# characters, combining marks, full-width forms, lookalike digits, and any printable text.
INVISIBLE = "\x00\x07\x1b\x7f\u0085\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e" \
            "\u2060\u2066\u2067\u2068\u2069\ufeff\ufff9"
hostile_characters = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(INVISIBLE),
    st.sampled_from("·・･•‧∙⋅'’-. \t\n\u3000\u00a0０１２３４５６７８９Ｘｘ٣߃१①²"),
    st.characters(categories=("Mn", "Me", "Mc")),
)
hostile_text = st.text(hostile_characters, max_size=40)

"""Bilingual text. The UI is Chinese first, English second (GLOSSARY.md); every rule text carries both."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

LANGS = ("zh", "en")


class Text(NamedTuple):
    """The one bilingual text type: Chinese and English, in that order.

    A named pair, so it is also what a plain ``("中文", "English")`` literal means wherever the code takes a
    text, and it stores as the two-element JSON array ``["中文", "English"]`` (inbox and audit parameters)
    that `Text.coerce` reads back.
    """

    zh: str
    en: str

    def get(self, lang: str = "zh") -> str:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
        return self.zh if lang == "zh" else self.en

    @classmethod
    def of(cls, row: Mapping[str, Any], prefix: str = "") -> Text:
        """Read `{prefix}zh` / `{prefix}en` keys of a data row, e.g. name_zh and name_en."""
        return cls(zh=row[f"{prefix}zh"], en=row[f"{prefix}en"])

    @classmethod
    def coerce(cls, value: Text | Sequence[str] | Mapping[str, str]) -> Text:
        """A Text from any stored form of one: a pair (tuple or JSON array) or a ``{"zh", "en"}`` mapping."""
        if isinstance(value, Text):
            return value
        if isinstance(value, Mapping):
            return cls(zh=value["zh"], en=value["en"])
        zh, en = value
        return cls(zh=zh, en=en)

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


def is_text(value: object) -> bool:
    """A Text, or a stored form of one (a pair of strings, or a zh/en mapping)."""
    if isinstance(value, Mapping):
        return set(value) >= {"zh", "en"}
    return (isinstance(value, (tuple, list)) and len(value) == 2
            and all(isinstance(part, str) for part in value))


def localize(value: Text | Sequence[str] | Mapping[str, str] | None, lang: str) -> str:
    """The text in `lang` ("zh" or "en"); "" for None."""
    return "" if value is None else Text.coerce(value).get(lang)


def join(texts: tuple[Text, ...] | list[Text], zh_sep: str = "；", en_sep: str = "; ") -> Text:
    return Text(zh=zh_sep.join(t.zh for t in texts), en=en_sep.join(t.en for t in texts))


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def duration(months: int, lang: str) -> str:
    """'2 年' / '1 年 8 个月' / '3 个月', and '2 years' / '1 year 8 months' / '3 months'."""
    years, rest = divmod(months, 12)
    if lang == "zh":
        parts = ([f"{years} 年"] if years else []) + ([f"{rest} 个月"] if rest or not years else [])
        return " ".join(parts)
    parts = [_plural(years, "year")] if years else []
    parts += [_plural(rest, "month")] if rest or not years else []
    return " ".join(parts)


def more_duration_en(months: int) -> str:
    """'2 more years', '1 more month', '1 year 8 months more'."""
    years, rest = divmod(months, 12)
    if not rest and years:
        return f"{years} more year" + ("s" if years > 1 else "")
    if not years:
        return f"{rest} more month" + ("s" if rest > 1 else "")
    return f"{duration(months, 'en')} more"

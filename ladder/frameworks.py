"""Skill-level frameworks and professional-title series, as loaded from ``ladder/data/frameworks.toml``."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from ladder.i18n import Text

DEFAULT_FRAMEWORK = "skill-2022"
NATIONAL = "CN"  # jurisdiction of national rules; local ones carry a GB/T 2260 division code
_ZH_DIGITS = "〇一二三四五"


class LadderDataError(ValueError):
    """A data file under ladder/data is inconsistent; raised at load time, never at use."""


class _DatedWithId(Protocol):
    """A dated rule of a data file (`ladder.timeline.Dated` with an id)."""

    @property
    def id(self) -> str: ...

    def overlaps(self, other: Any) -> bool: ...


DatedRule = TypeVar("DatedRule", bound=_DatedWithId)


def check_unique_ids(ids: Iterable[str], what: str) -> None:
    """A data file names each rule once."""
    listed = list(ids)
    if len(listed) != len(set(listed)):
        raise LadderDataError(f"{what} ids must be unique: {sorted({i for i in listed if listed.count(i) > 1})}")


def validity_window(row: Mapping[str, Any], where: str) -> tuple[date | None, date | None]:
    """A data row's `valid_from` / `valid_to` (either may be absent: open), in order."""
    valid_from, valid_to = row.get("valid_from"), row.get("valid_to")
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise LadderDataError(f"{where}: valid_to is before valid_from")
    return valid_from, valid_to


def check_no_overlap(rules: Sequence[DatedRule], scope: Callable[[DatedRule], object], what: str) -> None:
    """No two rules of one scope (a campaign, a jurisdiction) in force on the same day."""
    for one in rules:
        for other in rules:
            if other.id < one.id and scope(other) == scope(one) and one.overlaps(other):
                raise LadderDataError(f"{what}: {other.id!r} and {one.id!r} are both in force at once")


class UnknownFramework(ValueError):
    pass


class UnknownLevel(ValueError):
    pass


class UnknownTitle(ValueError):
    pass


def read_data(name: str) -> dict[str, Any]:
    """Parse one TOML file shipped in ladder/data."""
    path = resources.files("ladder").joinpath("data").joinpath(name)
    return tomllib.loads(path.read_text(encoding="utf-8"))


def data_files(prefix: str) -> tuple[str, ...]:
    """Names of the data files starting with a prefix, e.g. every ``conditions-*.toml``."""
    return tuple(sorted(entry.name for entry in resources.files("ladder").joinpath("data").iterdir()
                        if entry.name.startswith(prefix) and entry.name.endswith(".toml")))


@cache
def vocabulary(group: str) -> Mapping[str, Text]:
    """Codes of one vocabulary group (school_types, streams, promotion_routes, edge_kinds, evidence)."""
    rows = read_data("vocabulary.toml")[group]
    return MappingProxyType({code: Text.of(row) for code, row in rows.items()})


@dataclass(frozen=True)
class Level:
    framework: str
    code: str
    rank: int
    short_zh: str
    short_en: str
    nat_digit: int | None
    is_high_skilled: bool
    is_appraised: bool

    @property
    def name_zh(self) -> str:
        return f"{self.short_zh}（{_ZH_DIGITS[self.nat_digit]}级）" if self.nat_digit else self.short_zh

    @property
    def name_en(self) -> str:
        return f"{self.short_en} (Level {self.nat_digit})" if self.nat_digit else self.short_en

    @property
    def short(self) -> Text:
        return Text(self.short_zh, self.short_en)

    @property
    def node_id(self) -> str:
        return f"{self.framework}:{self.code}"


@dataclass(frozen=True)
class Framework:
    code: str
    name_zh: str
    name_en: str
    valid_from: date
    valid_to: date | None
    levels: tuple[Level, ...]
    source: str

    def level(self, code: str) -> Level:
        for level in self.levels:
            if level.code == code:
                return level
        raise UnknownLevel(f"level {code!r} is not part of framework {self.code!r} "
                           f"(it has: {', '.join(lv.code for lv in self.levels)})")

    def has(self, code: str) -> bool:
        return any(level.code == code for level in self.levels)

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @property
    def appraised(self) -> tuple[Level, ...]:
        return tuple(level for level in self.levels if level.is_appraised)


@dataclass(frozen=True)
class TitleGrade:
    series: str
    code: str
    rank: int
    grade_zh: str
    grade_en: str
    name_zh: str
    name_en: str
    gbt_code: str | None
    aligned_rank: int

    @property
    def name(self) -> Text:
        return Text(self.name_zh, self.name_en)

    @property
    def node_id(self) -> str:
        return f"title:{self.series}:{self.code}"


@dataclass(frozen=True)
class TitleSeries:
    code: str
    name_zh: str
    name_en: str
    gbt_code: str | None
    confidence: str
    grades: tuple[TitleGrade, ...]

    def grade(self, code: str) -> TitleGrade:
        for grade in self.grades:
            if grade.code == code:
                return grade
        raise UnknownTitle(f"series {self.code!r} has no grade {code!r} "
                           f"(it has: {', '.join(g.code for g in self.grades)})")


@dataclass(frozen=True)
class _Catalog:
    frameworks: dict[str, Framework]
    title_series: dict[str, TitleSeries]


@cache
def _catalog() -> _Catalog:
    raw = read_data("frameworks.toml")
    levels = raw["levels"]
    if raw["high_skilled_from"] not in levels:
        raise LadderDataError(f"high_skilled_from names unknown level {raw['high_skilled_from']!r}")
    threshold = levels[raw["high_skilled_from"]]["rank"]
    frameworks = {}
    for fw in raw["frameworks"]:
        unknown = set(fw["levels"]) - set(levels)
        if unknown:
            raise LadderDataError(f"framework {fw['code']!r} lists unknown levels {sorted(unknown)}")
        ranks = [levels[code]["rank"] for code in fw["levels"]]
        if ranks != sorted(set(ranks)):
            raise LadderDataError(f"framework {fw['code']!r} must list its levels by rising rank")
        frameworks[fw["code"]] = Framework(
            code=fw["code"], name_zh=fw["name_zh"], name_en=fw["name_en"],
            valid_from=fw["valid_from"], valid_to=fw.get("valid_to"), source=fw["source"],
            levels=tuple(
                Level(framework=fw["code"], code=code, rank=levels[code]["rank"],
                      short_zh=levels[code]["short_zh"], short_en=levels[code]["short_en"],
                      nat_digit=levels[code].get("nat_digit"),
                      is_high_skilled=levels[code]["rank"] >= threshold,
                      is_appraised=levels[code]["is_appraised"])
                for code in fw["levels"]))
    grades = raw["title_grades"]
    series = {}
    for s in raw["title_series"]:
        rows = []
        for g in s["grades"]:
            if g["code"] not in grades:
                raise LadderDataError(f"title series {s['code']!r} uses unknown grade {g['code']!r}")
            generic = grades[g["code"]]
            rows.append(TitleGrade(series=s["code"], code=g["code"], rank=generic["rank"],
                                   grade_zh=generic["grade_zh"], grade_en=generic["grade_en"],
                                   name_zh=g["name_zh"], name_en=g["name_en"], gbt_code=g.get("gbt_code"),
                                   aligned_rank=generic["aligned_rank"]))
        series[s["code"]] = TitleSeries(code=s["code"], name_zh=s["name_zh"], name_en=s["name_en"],
                                        gbt_code=s.get("gbt_code"), confidence=s["confidence"],
                                        grades=tuple(sorted(rows, key=lambda g: g.rank)))
    return _Catalog(frameworks=frameworks, title_series=series)


def all_frameworks() -> tuple[Framework, ...]:
    return tuple(sorted(_catalog().frameworks.values(), key=lambda fw: fw.valid_from))


def get_framework(code: str) -> Framework:
    try:
        return _catalog().frameworks[code]
    except KeyError:
        raise UnknownFramework(f"unknown skill framework {code!r}; known: "
                               f"{', '.join(_catalog().frameworks)}") from None


def framework_for(on: date) -> Framework:
    """The framework in force on a date."""
    for fw in all_frameworks():
        if fw.in_force(on):
            return fw
    raise UnknownFramework(f"no skill framework was in force on {on.isoformat()}")


def get_level(code: str, framework: str = DEFAULT_FRAMEWORK) -> Level:
    return get_framework(framework).level(code)


def appraised_levels(framework: str = DEFAULT_FRAMEWORK) -> tuple[Level, ...]:
    return get_framework(framework).appraised


def next_level(code: str, framework: str = DEFAULT_FRAMEWORK) -> Level | None:
    """The level one rank up in the framework's ladder (posts included), or None at the top."""
    fw = get_framework(framework)
    position = fw.levels.index(fw.level(code))
    return fw.levels[position + 1] if position + 1 < len(fw.levels) else None


def level_by_digit(digit: int, framework: str = DEFAULT_FRAMEWORK) -> Level:
    """The level behind a certificate-number level digit (5 = 初级工 … 1 = 高级技师)."""
    for level in get_framework(framework).levels:
        if level.nat_digit == digit:
            return level
    raise UnknownLevel(f"no level has certificate digit {digit!r} (valid digits: 1-5, 1 being the highest)")


@cache
def level_rank(code: str) -> int:
    """Rank of a level code; codes and ranks are the same in every framework."""
    for fw in all_frameworks():
        if fw.has(code):
            return fw.level(code).rank
    raise UnknownLevel(f"unknown skill level {code!r}")


def all_title_series() -> tuple[TitleSeries, ...]:
    return tuple(_catalog().title_series.values())


def get_title_series(code: str) -> TitleSeries:
    try:
        return _catalog().title_series[code]
    except KeyError:
        raise UnknownTitle(f"unknown professional title series {code!r}; known: "
                           f"{', '.join(_catalog().title_series)}") from None

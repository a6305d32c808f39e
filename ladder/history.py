"""A worker's history as plain values: what the rules need to know, and nothing about where it is stored.

``credentials`` builds a ``WorkerHistory`` from its records; ``ladder`` only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from ladder.frameworks import (
    DEFAULT_FRAMEWORK,
    NATIONAL,
    data_files,
    get_framework,
    get_title_series,
    level_rank,
    read_data,
    vocabulary,
)
from ladder.timeline import in_window


def _check_code(code: str, group: str, what: str) -> None:
    if code not in vocabulary(group):
        raise ValueError(f"unknown {what} {code!r}; known: {', '.join(vocabulary(group))}")


@dataclass(frozen=True)
class HeldLevel:
    occupation_code: str
    level_code: str
    reached_on: date
    route: str = "regular"  # a level reached by approval or competition counts the same

    def __post_init__(self) -> None:
        level_rank(self.level_code)
        _check_code(self.route, "promotion_routes", "promotion route")


@dataclass(frozen=True)
class WorkPeriod:
    occupation_code: str
    start: date
    end: date | None = None  # last day worked; None while it goes on

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"work period ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class TrainingRecord:
    occupation_code: str
    target_level: str
    hours: int
    completed_on: date | None = None  # None: not completed


@dataclass(frozen=True)
class Diploma:
    school_type: str
    stream: str = "none"
    major_occupation_code: str | None = None
    graduated_on: date | None = None
    is_current_graduate: bool = False  # 应届: in the final year, diploma not yet received

    def __post_init__(self) -> None:
        _check_code(self.school_type, "school_types", "school type")
        _check_code(self.stream, "streams", "stream")


@dataclass(frozen=True)
class HeldTitle:
    """A professional title (职称): a series and grade of ``frameworks.toml``, and the day it was obtained."""

    series: str
    grade: str
    obtained_on: date

    def __post_init__(self) -> None:
        get_title_series(self.series).grade(self.grade)  # UnknownTitle for a series or grade that is not there


@dataclass(frozen=True)
class _TitleToSkill:
    series: str
    grade: str
    target: str
    valid_from: date | None
    valid_to: date | None


@cache
def _title_to_skill() -> tuple[_TitleToSkill, ...]:
    """The national title → skill crossovers of the ``graph-*.toml`` policies (DOMAIN §5.2 item 4)."""
    found = []
    for file in data_files("graph-"):
        for policy in read_data(file)["policy"]:
            if policy["jurisdiction"] != NATIONAL:
                continue
            for edge in policy["edge"]:
                if edge["kind"] != "title_to_skill":
                    continue
                for series in edge.get("series", [None]):
                    series_code, grade = edge["from"].replace("{series}", series or "").split(":")
                    found.append(_TitleToSkill(series_code, grade, edge["to"], policy.get("valid_from"),
                                               policy.get("valid_to")))
    return tuple(found)


@dataclass(frozen=True)
class WorkerHistory:
    held_levels: tuple[HeldLevel, ...] = ()
    work_periods: tuple[WorkPeriod, ...] = ()
    training: tuple[TrainingRecord, ...] = ()
    diplomas: tuple[Diploma, ...] = ()
    titles: tuple[HeldTitle, ...] = ()

    def highest_level(self, occupation_code: str) -> HeldLevel | None:
        held = [h for h in self.held_levels if h.occupation_code == occupation_code]
        return max(held, key=lambda h: (level_rank(h.level_code), -h.reached_on.toordinal()), default=None)

    def title_stand_ins(self, occupation_code: str, target_level: str, on: date) -> tuple[HeldLevel, ...]:
        """The levels professional titles stand in for when applying for `target_level` (DOMAIN §5.2 item 4).

        "专业技术人才取得助理级、中级、副高级职称，累计工作年限达到申报条件的，可分别申请参加与现岗位相对应职业
        (工种)的高级工、技师、高级技师职业技能评价": a title of a grade that crosses over to the target counts as
        holding the level below the target from the day it was obtained, so the standard's years still apply
        (counted from then). Only in an occupation the worker has work in (现岗位), and only while a national
        crossover policy is in force on `on`.
        """
        if not self.titles or not any(p.occupation_code == occupation_code for p in self.work_periods):
            return ()  # most workers hold no title: skip the scan of their work periods and the policy lookup
        ladder = get_framework(DEFAULT_FRAMEWORK).appraised
        below = {upper.code: lower.code for lower, upper in zip(ladder, ladder[1:], strict=False)}
        if target_level not in below:
            return ()
        crossing = {(c.series, c.grade) for c in _title_to_skill()
                    if c.target == target_level and in_window(on, c.valid_from, c.valid_to)}
        return tuple(HeldLevel(occupation_code, below[target_level], t.obtained_on, "title_crossover")
                     for t in self.titles if (t.series, t.grade) in crossing and t.obtained_on <= on)

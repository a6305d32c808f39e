"""A worker's history as plain values: what the rules need to know, and nothing about where it is stored.

``credentials`` builds a ``WorkerHistory`` from its records; ``ladder`` only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ladder.frameworks import level_rank, vocabulary


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
class WorkerHistory:
    held_levels: tuple[HeldLevel, ...] = ()
    work_periods: tuple[WorkPeriod, ...] = ()
    training: tuple[TrainingRecord, ...] = ()
    diplomas: tuple[Diploma, ...] = ()

    def highest_level(self, occupation_code: str) -> HeldLevel | None:
        held = [h for h in self.held_levels if h.occupation_code == occupation_code]
        return max(held, key=lambda h: (level_rank(h.level_code), -h.reached_on.toordinal()), default=None)

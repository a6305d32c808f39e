"""WorldSkills editions, the age rule and what counts as a strong result: the bureau's candidate pool.

The campaign plan asks cities to prepare young workers for WorldSkills; ``ladder/data/worldskills.toml``
holds the editions (dated) and the pool's criteria (our reading, configurable).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from ladder.competitions import medals, tiers
from ladder.frameworks import LadderDataError, read_data
from ladder.i18n import Text


@dataclass(frozen=True)
class Edition:
    number: int
    name: Text
    year: int
    starts_on: date
    max_age: int
    source: str

    @property
    def born_on_or_after(self) -> date:
        """The earliest birth date allowed: at most `max_age` in the year of the competition."""
        return date(self.year - self.max_age, 1, 1)

    def admits(self, birth_date: date) -> bool:
        return birth_date >= self.born_on_or_after


@dataclass(frozen=True)
class PoolCriteria:
    tiers: frozenset[str]
    max_rank: int
    medals: frozenset[str]

    def is_strong(self, tier: str, rank: int | None, medal: str | None) -> bool:
        if tier not in self.tiers:
            return False
        return (rank is not None and rank <= self.max_rank) or (medal is not None and medal in self.medals)


@cache
def _data() -> tuple[tuple[Edition, ...], PoolCriteria]:
    raw = read_data("worldskills.toml")
    editions = tuple(sorted(
        (Edition(number=row["number"], name=Text.of(row, "name_"), year=row["year"], starts_on=row["starts_on"],
                 max_age=row["max_age"], source=row["source"]) for row in raw["edition"]),
        key=lambda edition: edition.starts_on))
    pool = raw["pool"]
    criteria = PoolCriteria(tiers=frozenset(pool["tiers"]), max_rank=pool["max_rank"],
                            medals=frozenset(pool["medals"]))
    if criteria.tiers - set(tiers()) or criteria.medals - set(medals()):
        raise LadderDataError("worldskills.toml: the pool names unknown tiers or medals")
    return editions, criteria


def next_edition(on: date) -> Edition | None:
    """The first edition that starts after `on`, or None when none is on record yet."""
    return next((edition for edition in _data()[0] if edition.starts_on > on), None)


def pool_criteria() -> PoolCriteria:
    return _data()[1]

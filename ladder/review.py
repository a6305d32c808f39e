"""Who reviews an exceptional or level-skipping nomination, stage by stage, and how long an approval lasts.

DOMAIN §3: the city bureau reviews first; targets of Technician and above also need the province. The line
and the validity period are dated data (``ladder/data/review.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from ladder.frameworks import level_rank, read_data
from ladder.i18n import Text
from ladder.timeline import Dated, add_months

CITY, PROVINCE = "city", "province"
STAGE_NAMES = {CITY: Text("市级初审", "city first review"), PROVINCE: Text("省级审核", "provincial review")}


@dataclass(frozen=True)
class ReviewRule(Dated):
    id: str
    name: Text
    valid_from: date | None
    valid_to: date | None
    province_from_level: str
    approval_valid_months: int
    source: str


@cache
def _rules() -> tuple[ReviewRule, ...]:
    rules = []
    for row in read_data("review.toml")["rule"]:
        level_rank(row["province_from_level"])
        rules.append(ReviewRule(id=row["id"], name=Text.of(row, "name_"), valid_from=row.get("valid_from"),
                                valid_to=row.get("valid_to"), province_from_level=row["province_from_level"],
                                approval_valid_months=row["approval_valid_months"], source=row["source"]))
    return tuple(rules)


def review_rule(on: date) -> ReviewRule:
    found = [rule for rule in _rules() if rule.in_force(on)]
    if not found:
        raise LookupError(f"no review rule was in force on {on.isoformat()}")
    return max(found, key=lambda rule: rule.valid_from or date.min)


def stages_for(target_level: str, *, on: date) -> tuple[str, ...]:
    """The review stages a nomination for this target passes through, in order."""
    rule = review_rule(on)
    if level_rank(target_level) >= level_rank(rule.province_from_level):
        return (CITY, PROVINCE)
    return (CITY,)


def next_stage(stage: str, target_level: str, *, on: date) -> str | None:
    """The stage after `stage`, or None when `stage` decides finally."""
    stages = stages_for(target_level, on=on)
    position = stages.index(stage)
    return stages[position + 1] if position + 1 < len(stages) else None


def approval_valid_until(approved_on: date) -> date:
    """The last day on which an approval lets the worker sit the appraisal at the target level."""
    return add_months(approved_on, review_rule(approved_on).approval_valid_months)

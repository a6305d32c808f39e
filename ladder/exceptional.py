"""Exceptional (破格) and level-skipping (越级) promotion, DOMAIN §3: national limits and local conditions.

These routes relax the regular conditions, so they are checked here and approved by people; the rules
themselves are ``ladder/data/exceptional.toml``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from ladder.frameworks import NATIONAL, LadderDataError, get_level, level_rank, read_data, vocabulary
from ladder.i18n import Text
from ladder.timeline import Dated

KINDS = ("exceptional", "skip")


@dataclass(frozen=True)
class ExceptionalLimit(Dated):
    id: str
    kind: str  # exceptional (破格) | skip (越级)
    name: Text
    jurisdiction: str
    valid_from: date | None
    valid_to: date | None
    targets: tuple[str, ...]
    max_levels_skipped: int
    source: str


@dataclass(frozen=True)
class ExceptionalClause:
    id: str
    policy_id: str
    target: str
    text: Text
    from_level: str | None = None
    years_in_post: int = 0
    evidence_any: frozenset[str] = frozenset()

    def is_met(self, current_level: str | None, years_in_post: float, evidence: Iterable[str] = ()) -> bool:
        below = self.from_level and (current_level is None
                                     or level_rank(current_level) < level_rank(self.from_level))
        if below:
            return False
        has_evidence = not self.evidence_any or not self.evidence_any.isdisjoint(evidence)
        return years_in_post >= self.years_in_post and has_evidence


@dataclass(frozen=True)
class ExceptionalPolicy(Dated):
    id: str
    name: Text
    jurisdiction: str
    valid_from: date | None
    valid_to: date | None
    clauses: tuple[ExceptionalClause, ...]
    source: str


@dataclass(frozen=True)
class ExceptionalCheck:
    ok: bool
    violations: tuple[Text, ...]

    def describe(self, lang: str = "zh") -> tuple[str, ...]:
        return tuple(v.get(lang) for v in self.violations)


@cache
def _data() -> tuple[tuple[ExceptionalLimit, ...], tuple[ExceptionalPolicy, ...]]:
    raw = read_data("exceptional.toml")
    limits = tuple(
        ExceptionalLimit(id=row["id"], kind=row["kind"], name=Text.of(row, "name_"),
                         jurisdiction=row["jurisdiction"], valid_from=row.get("valid_from"),
                         valid_to=row.get("valid_to"), targets=tuple(row["targets"]),
                         max_levels_skipped=row["max_levels_skipped"], source=row["source"])
        for row in raw["limit"])
    policies = []
    for row in raw["policy"]:
        clauses = []
        for c in row["clause"]:
            unknown = set(c.get("evidence_any", ())) - set(vocabulary("evidence"))
            if unknown:
                raise LadderDataError(f"exceptional.toml: clause {c['id']!r} names unknown evidence "
                                      f"{sorted(unknown)}")
            clauses.append(ExceptionalClause(id=c["id"], policy_id=row["id"], target=c["target"],
                                             text=Text.of(c, "text_"), from_level=c.get("from_level"),
                                             years_in_post=c.get("years_in_post", 0),
                                             evidence_any=frozenset(c.get("evidence_any", ()))))
        policies.append(ExceptionalPolicy(id=row["id"], name=Text.of(row, "name_"),
                                          jurisdiction=row["jurisdiction"],
                                          valid_from=row.get("valid_from"), valid_to=row.get("valid_to"),
                                          clauses=tuple(clauses), source=row["source"]))
    for limit in limits:
        if limit.kind not in KINDS:
            raise LadderDataError(f"exceptional.toml: limit {limit.id!r} has unknown kind {limit.kind!r}")
    return limits, tuple(policies)


def exceptional_limits(*, on: date | None = None) -> tuple[ExceptionalLimit, ...]:
    return tuple(limit for limit in _data()[0] if limit.in_force(on))


def exceptional_policies(*, on: date | None = None,
                         jurisdiction: str | None = None) -> tuple[ExceptionalPolicy, ...]:
    return tuple(p for p in _data()[1] if p.in_force(on) and jurisdiction in (None, p.jurisdiction))


def max_skip(kind: str = "skip", *, on: date | None = None) -> int:
    """How many levels a promotion of this kind may jump over."""
    return _limit(kind, on).max_levels_skipped


def _limit(kind: str, on: date | None) -> ExceptionalLimit:
    if kind not in KINDS:
        raise ValueError(f"unknown promotion kind {kind!r}; expected one of {KINDS}")
    found = [limit for limit in exceptional_limits(on=on)
             if limit.kind == kind and limit.jurisdiction == NATIONAL]
    if not found:
        raise LookupError(f"no national rule for {kind} promotion was in force on {on}")
    return max(found, key=lambda limit: limit.valid_from or date.min)


def check_exceptional_target(current_level: str, target_level: str, kind: str, *,
                             on: date | None = None) -> ExceptionalCheck:
    """Whether a 破格 (`exceptional`) or 越级 (`skip`) application from current to target may be made."""
    limit = _limit(kind, on)
    current, target = get_level(current_level), get_level(target_level)
    skipped = target.rank - current.rank - 1
    violations = []
    if target.code not in limit.targets:
        names = [get_level(code).short for code in limit.targets]
        route = vocabulary("promotion_routes")[kind]
        violations.append(Text(f"{route.zh}仅适用于" + "、".join(n.zh for n in names),
                               f"{route.en} applies only to " + ", ".join(n.en for n in names)))
    if skipped < 0:
        violations.append(Text(f"目标等级{target.short_zh}须高于现有等级{current.short_zh}",
                               f"the target {target.short_en} must be above the current {current.short_en}"))
    elif kind == "skip" and skipped == 0:
        violations.append(Text("越级晋升须跨过至少一个等级；相邻等级请走正常或破格晋升",
                               "a level-skipping promotion must skip at least one level; for the next level "
                               "use the regular or exceptional route"))
    elif skipped > limit.max_levels_skipped:
        violations.append(Text(f"最多跨越 {limit.max_levels_skipped} 个等级，此申请跨越 {skipped} 个",
                               f"at most {limit.max_levels_skipped} level(s) may be skipped; "
                               f"this skips {skipped}"))
    return ExceptionalCheck(ok=not violations, violations=tuple(violations))


def exceptional_clauses(target_level: str, *, jurisdiction: str | None = None,
                        on: date | None = None) -> tuple[ExceptionalClause, ...]:
    """Local conditions that open exceptional promotion to a target level."""
    return tuple(c for p in exceptional_policies(on=on, jurisdiction=jurisdiction) for c in p.clauses
                 if c.target == target_level)

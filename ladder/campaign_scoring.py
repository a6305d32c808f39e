"""Scoring a campaign city's performance (plan 五: 绩效评估): weights, the achievement function, rounding and grade
bands, as dated data per campaign in ``ladder/data/campaign-scoring.toml`` (every figure there is ours [U]: no
source describes the evaluation).

`score_city(rule, values)` turns each indicator's (actual, target) into points; `rank(scores)` ranks the scored
cities. Pure: plain Decimals in, plain values out; the registry's numbers come from `credentials.queries.evaluation`.

- achievement = actual ÷ target (rounded); counted up to the indicator's cap; points = counted × weight, where
  the weights of the indicators that have a target are scaled to sum to 100;
- no target (or a target of 0): the indicator is left out and says so; a target but no actual (a ratio whose
  denominator is 0, e.g. a pass rate where nobody sat) counts as 0 achieved;
- fewer indicators with a target than the rule's `min_targets`: no total, no grade, no rank.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar

from ladder.frameworks import LadderDataError, check_no_overlap, check_unique_ids, read_data, validity_window
from ladder.i18n import Text
from ladder.timeline import Dated

FILE = "campaign-scoring.toml"
FUNCTIONS = ("linear",)  # actual ÷ target, counted up to the cap
FULL_MARKS = Decimal(100)
_RULE_KEYS = {"id", "campaign", "name_zh", "name_en", "valid_from", "valid_to", "confidence", "source", "function",
              "cap", "min_targets", "achievement_decimals", "points_decimals", "total_decimals", "indicator", "grade"}
_INDICATOR_KEYS = {"code", "weight", "cap", "function"}
_GRADE_KEYS = {"code", "name_zh", "name_en", "min_total"}
K = TypeVar("K")
Pair = tuple[Decimal | None, Decimal | None]  # (actual, target)


class Status(enum.StrEnum):
    """What became of one indicator of one city."""

    SCORED = "scored"
    CAPPED = "capped"  # achieved more than the cap: counted at the cap
    NO_ACTUAL = "no_actual"  # a target, but nothing to compute the actual from (a ratio over 0): counted as 0
    NO_TARGET = "no_target"  # left out, the other weights scaled up
    ZERO_TARGET = "zero_target"  # a target of 0 promises nothing to measure against: left out like no target
    NOT_SCORED = "not_scored"  # the city has too few targets to be scored at all


@dataclass(frozen=True)
class IndicatorRule:
    code: str
    weight: Decimal  # points out of 100 when every indicator has a target
    cap: Decimal  # the achievement ratio counted at most (1.2 = 120 %)
    function: str  # one of FUNCTIONS


@dataclass(frozen=True)
class GradeBand:
    code: str
    name: Text
    min_total: Decimal


@dataclass(frozen=True)
class ScoringRule(Dated):
    id: str
    campaign: str
    name: Text
    valid_from: date | None
    valid_to: date | None
    indicators: tuple[IndicatorRule, ...]
    grades: tuple[GradeBand, ...]  # best first; the last starts at 0
    min_targets: int
    achievement_decimals: int
    points_decimals: int
    total_decimals: int
    confidence: str
    source: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(indicator.code for indicator in self.indicators)

    def grade_for(self, total: Decimal) -> GradeBand:
        return next(band for band in self.grades if total >= band.min_total)


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    actual: Decimal | None
    target: Decimal | None
    weight: Decimal  # the rule's
    cap: Decimal
    status: Status
    achievement: Decimal | None  # actual ÷ target, rounded, not capped; None when there is no positive target
    effective_weight: Decimal | None  # the weight scaled with the others that count; None when left out
    points: Decimal | None  # None when left out or the city is not scored

    @property
    def counts(self) -> bool:
        return self.points is not None


@dataclass(frozen=True)
class CityScore:
    rule_id: str
    indicators: tuple[IndicatorScore, ...]  # in the rule's order
    total: Decimal | None  # None: not scored (too few targets)
    grade: GradeBand | None
    notes: tuple[Text, ...]  # what the report says about how the total came about

    @property
    def scored(self) -> bool:
        return self.total is not None

    def indicator(self, code: str) -> IndicatorScore:
        return next(score for score in self.indicators if score.code == code)


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def score_city(rule: ScoringRule, values: Mapping[str, Pair]) -> CityScore:
    """The city's points per indicator, total and grade under `rule`; `values` maps an indicator code to
    (actual, target) — codes the rule does not name are ignored, codes it names but `values` lacks have no target."""
    pairs = {item.code: values.get(item.code, (None, None)) for item in rule.indicators}
    targeted = [item for item in rule.indicators if (pairs[item.code][1] or 0) > 0]
    scored = len(targeted) >= rule.min_targets
    weights = sum((item.weight for item in targeted), Decimal(0))
    results = []
    for item in rule.indicators:
        actual, target = pairs[item.code]
        if target is None or target <= 0:
            status = Status.NO_TARGET if target is None else Status.ZERO_TARGET
            results.append(IndicatorScore(item.code, actual, target, item.weight, item.cap, status, None, None, None))
            continue
        achievement = _round((actual or Decimal(0)) / target, rule.achievement_decimals)
        status = Status.NO_ACTUAL if actual is None else Status.CAPPED if achievement > item.cap else Status.SCORED
        if not scored:
            results.append(IndicatorScore(item.code, actual, target, item.weight, item.cap, Status.NOT_SCORED,
                                          achievement, None, None))
            continue
        scaled = item.weight * FULL_MARKS / weights
        points = _round(scaled * min(achievement, item.cap), rule.points_decimals)
        results.append(IndicatorScore(item.code, actual, target, item.weight, item.cap, status, achievement,
                                      _round(scaled, rule.points_decimals), points))
    total = _round(sum((r.points for r in results if r.points is not None), Decimal(0)), rule.total_decimals) \
        if scored else None
    return CityScore(rule.id, tuple(results), total, rule.grade_for(total) if total is not None else None,
                     _notes(rule, targeted, scored))


def _notes(rule: ScoringRule, targeted: list[IndicatorRule], scored: bool) -> tuple[Text, ...]:
    if not scored:
        return (Text(f"仅 {len(targeted)} 项指标设有全程目标，至少 {rule.min_targets} 项才评分：本次不计总分、不评等级、不排名。",
                     f"Only {len(targeted)} indicators have a whole-campaign target; at least {rule.min_targets} are "
                     "needed to score: no total, grade or rank this time."),)
    left_out = len(rule.indicators) - len(targeted)
    if not left_out:
        return ()
    weights = sum((item.weight for item in targeted), Decimal(0))
    return (Text(f"{left_out} 项指标未设目标（或目标为 0），不计分；其余 {len(targeted)} 项原权重合计 {weights}，"
                 "按比例折算为合计 100。",
                 f"{left_out} indicators have no target (or a target of 0) and are left out; the weights of the other "
                 f"{len(targeted)}, {weights} together, are scaled up to sum to 100."),)


def rank(scores: Mapping[K, CityScore]) -> dict[K, int]:
    """Competition ranking (1, 2, 2, 4) of the scored cities by their rounded total, best first; a city that is
    not scored has no rank (it is not in the answer)."""
    totals = sorted((score.total for score in scores.values() if score.total is not None), reverse=True)
    first_place: dict[Decimal, int] = {}
    for place, total in enumerate(totals, start=1):
        first_place.setdefault(total, place)
    return {key: first_place[score.total] for key, score in scores.items() if score.total is not None}


# ---- the data ---------------------------------------------------------------------------------------------------

def _decimal(value: Any, where: str, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise LadderDataError(f"{where}: {key} must be a number, not {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise LadderDataError(f"{where}: {key} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise LadderDataError(f"{where}: {key} must be a finite number")
    return number


def _whole(row: Mapping[str, Any], key: str, where: str, *, low: int, high: int) -> int:
    value = row.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise LadderDataError(f"{where}: {key} must be a whole number from {low} to {high}, not {value!r}")
    return value


def _keys(row: Mapping[str, Any], allowed: set[str], required: set[str], where: str) -> None:
    if unknown := set(row) - allowed:
        raise LadderDataError(f"{where} has unknown keys {sorted(unknown)}")
    if missing := required - set(row):
        raise LadderDataError(f"{where} lacks {sorted(missing)}")


def _indicator(row: Mapping[str, Any], rule: Mapping[str, Any], where: str) -> IndicatorRule:
    where = f"{where}, indicator {row.get('code')!r}"
    _keys(row, _INDICATOR_KEYS, {"code", "weight"}, where)
    weight = _decimal(row["weight"], where, "weight")
    cap = _decimal(row.get("cap", rule["cap"]), where, "cap")
    function = row.get("function", rule["function"])
    if weight <= 0:
        raise LadderDataError(f"{where}: weight must be above 0")
    if cap < 1:
        raise LadderDataError(f"{where}: cap must be at least 1 (a met target earns the whole weight)")
    if function not in FUNCTIONS:
        raise LadderDataError(f"{where}: unknown function {function!r}; known: {FUNCTIONS}")
    return IndicatorRule(str(row["code"]), weight, cap, function)


def _grades(rows: list[Mapping[str, Any]], where: str) -> tuple[GradeBand, ...]:
    bands = []
    for row in rows:
        _keys(row, _GRADE_KEYS, _GRADE_KEYS, f"{where}, grade {row.get('code')!r}")
        bands.append(GradeBand(row["code"], Text.of(row, "name_"), _decimal(row["min_total"], where, "min_total")))
    if not bands or bands[-1].min_total != 0:
        raise LadderDataError(f"{where}: the last grade must start at 0 (every total earns a grade)")
    if any(later.min_total >= earlier.min_total for earlier, later in zip(bands, bands[1:], strict=False)):
        raise LadderDataError(f"{where}: grades go best first, each starting below the one before")
    if len({band.code for band in bands}) != len(bands):
        raise LadderDataError(f"{where}: grade codes must differ")
    return tuple(bands)


def parse_rule(row: Mapping[str, Any], file: str = FILE) -> ScoringRule:
    where = f"{file}: rule {row.get('id')!r}"
    _keys(row, _RULE_KEYS, _RULE_KEYS - {"valid_from", "valid_to"}, where)
    indicators = tuple(_indicator(item, row, where) for item in row["indicator"])
    codes = [item.code for item in indicators]
    if len(set(codes)) != len(codes):
        raise LadderDataError(f"{where}: an indicator is listed twice: {sorted({c for c in codes if codes.count(c) > 1})}")
    if (weights := sum((item.weight for item in indicators), Decimal(0))) != FULL_MARKS:
        raise LadderDataError(f"{where}: the weights sum to {weights}, not 100")
    valid_from, valid_to = validity_window(row, where)
    return ScoringRule(
        id=row["id"], campaign=row["campaign"], name=Text.of(row, "name_"), valid_from=valid_from, valid_to=valid_to,
        indicators=indicators, grades=_grades(row["grade"], where),
        min_targets=_whole(row, "min_targets", where, low=1, high=len(indicators)),
        achievement_decimals=_whole(row, "achievement_decimals", where, low=0, high=6),
        points_decimals=_whole(row, "points_decimals", where, low=0, high=4),
        total_decimals=_whole(row, "total_decimals", where, low=0, high=4),
        confidence=row["confidence"], source=row["source"])


def check_rules(rules: Iterable[ScoringRule]) -> tuple[ScoringRule, ...]:
    """Unique ids; no two rules of one campaign in force on the same day."""
    found = tuple(rules)
    check_unique_ids((rule.id for rule in found), f"{FILE}: rule")
    check_no_overlap(found, lambda rule: rule.campaign, FILE)
    return found


@cache
def scoring_rules() -> tuple[ScoringRule, ...]:
    return check_rules(parse_rule(row) for row in read_data(FILE)["rule"])


def select_rule(rules: Iterable[ScoringRule], campaign: str, *, on: date) -> ScoringRule | None:
    return next((rule for rule in rules if rule.campaign == campaign and rule.in_force(on)), None)


def rule_for(campaign: str, *, on: date) -> ScoringRule | None:
    """The campaign's rule in force on `on`; None when it has none then (a campaign the data does not score)."""
    return select_rule(scoring_rules(), campaign, on=on)

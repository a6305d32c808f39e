"""The pass rule of an appraisal sitting (theory, practical, and review for technician and above)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from ladder.frameworks import level_rank, read_data
from ladder.i18n import Text


@dataclass(frozen=True)
class PassRule:
    id: str
    valid_from: date
    max_score: int
    pass_mark: int
    review_required_from: str
    source: str

    def review_required(self, level: str) -> bool:
        return level_rank(level) >= level_rank(self.review_required_from)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reasons: tuple[Text, ...]  # why it failed (empty when passed)


class ScoreOutOfRange(ValueError):
    def __init__(self, part: str, score: object, max_score: int) -> None:
        super().__init__(f"{part} score {score} is outside 0..{max_score}")
        self.part, self.score, self.max_score = part, score, max_score


PARTS = {
    "theory": Text("理论知识考试", "theory exam"),
    "practical": Text("操作技能考核", "practical assessment"),
    "review": Text("综合评审", "comprehensive review"),
}


@cache
def _rules() -> tuple[PassRule, ...]:
    rows = read_data("appraisal.toml")["rules"]
    return tuple(sorted((PassRule(**row) for row in rows), key=lambda rule: rule.valid_from))


def pass_rule(on: date) -> PassRule:
    in_force = [rule for rule in _rules() if rule.valid_from <= on]
    return in_force[-1] if in_force else _rules()[0]


def judge(level: str, theory: Decimal | float, practical: Decimal | float, review: Decimal | float | None, *,
          on: date) -> Verdict:
    """Pass or fail, with a bilingual reason per failed part. Out-of-range scores raise ScoreOutOfRange."""
    rule = pass_rule(on)
    scores = {"theory": theory, "practical": practical, "review": review}
    for part, score in scores.items():
        if score is not None and not 0 <= score <= rule.max_score:
            raise ScoreOutOfRange(part, score, rule.max_score)
    reasons = []
    for part, score in (("theory", theory), ("practical", practical)):
        if score < rule.pass_mark:
            reasons.append(_below(part, score, rule.pass_mark))
    if rule.review_required(level):
        if review is None:
            reasons.append(Text(f"{PARTS['review'].zh}成绩缺失（技师及以上需要）",
                                f"{PARTS['review'].en} score missing (required for Technician and above)"))
        elif review < rule.pass_mark:
            reasons.append(_below("review", review, rule.pass_mark))
    return Verdict(passed=not reasons, reasons=tuple(reasons))


def _below(part: str, score: Decimal | float, mark: int) -> Text:
    return Text(f"{PARTS[part].zh} {score} 分，低于 {mark} 分", f"{PARTS[part].en} {score}, below {mark}")

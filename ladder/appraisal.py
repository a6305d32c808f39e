"""The pass rule of an appraisal sitting (theory, practical, and review for technician and above), and the
window in which a failed candidate may retake it (补考).

A sitting is *incomplete*, not failed, when a required part has no score yet (the 综合评审 of a technician
is held after the written and practical parts) and no part entered so far is below the mark: entering the
missing score later decides it. A part below the mark fails the sitting whatever is still missing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from ladder.frameworks import level_rank, read_data
from ladder.i18n import Text
from ladder.timeline import add_months


@dataclass(frozen=True)
class PassRule:
    id: str
    valid_from: date
    max_score: int
    pass_mark: int
    review_required_from: str
    source: str
    retake_months: int  # a failed candidate may sit again within this many months of the failed sitting
    retake_source: str

    def review_required(self, level: str) -> bool:
        return level_rank(level) >= level_rank(self.review_required_from)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reasons: tuple[Text, ...]  # why it failed or what it still lacks (empty when passed)
    missing: tuple[str, ...] = ()  # parts required but not yet scored: the sitting is incomplete

    @property
    def incomplete(self) -> bool:
        return not self.passed and bool(self.missing) and len(self.reasons) == len(self.missing)

    @property
    def outcome(self) -> str:
        """passed, failed, or incomplete (a required part not yet scored, none below the mark)."""
        return "passed" if self.passed else ("incomplete" if self.incomplete else "failed")


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
        if score is not None and not (_finite(score) and 0 <= score <= rule.max_score):
            raise ScoreOutOfRange(part, score, rule.max_score)
    reasons = []
    missing: list[str] = []
    for part, score in (("theory", theory), ("practical", practical)):
        if score < rule.pass_mark:
            reasons.append(_below(part, score, rule.pass_mark))
    if rule.review_required(level):
        if review is None:
            missing.append("review")
            reasons.append(Text(f"{PARTS['review'].zh}成绩缺失（技师及以上需要）",
                                f"{PARTS['review'].en} score missing (required for Technician and above)"))
        elif review < rule.pass_mark:
            reasons.append(_below("review", review, rule.pass_mark))
    return Verdict(passed=not reasons, reasons=tuple(reasons), missing=tuple(missing))


def retake_deadline(exam_date: date) -> date:
    """The last day a candidate who failed the sitting of `exam_date` may sit again on the same application."""
    return add_months(exam_date, pass_rule(exam_date).retake_months)


def _finite(score: Decimal | float) -> bool:
    """NaN, sNaN and infinities are no scores (and a signalling NaN cannot even be compared)."""
    return score.is_finite() if isinstance(score, Decimal) else math.isfinite(score)


def _below(part: str, score: Decimal | float, mark: int) -> Text:
    return Text(f"{PARTS[part].zh} {score} 分，低于 {mark} 分", f"{PARTS[part].en} {score}, below {mark}")

"""Eligibility on the regular route (DOMAIN §2): which clause a worker meets, what is missing, and from when.

The rules live in ``ladder/data/conditions-*.toml``; this module interprets them over a plain
``WorkerHistory`` (``ladder.history``, re-exported here). Exceptional and level-skipping limits (§3) are in
``ladder.exceptional``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from ladder.frameworks import (
    LadderDataError,
    data_files,
    get_framework,
    get_level,
    level_rank,
    read_data,
    vocabulary,
)
from ladder.history import Diploma, HeldLevel, TrainingRecord, WorkerHistory, WorkPeriod
from ladder.i18n import Text, duration, more_duration_en
from ladder.timeline import Dated, WorkTime, due_after, months_until, years_between

_CLAUSE_KEYS = {"id", "target", "prev_level", "years_since_prev", "years_in_occupation", "years_after_graduation",
                "training_hours", "diplomas", "same_major", "current_graduate_ok", "text_zh", "text_en"}


class NoRegularRoute(ValueError):
    """The target level has no clause in the rule set (it is reached by appointment, not by appraisal)."""


# ---- rules as data ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clause:
    id: str
    target: str
    text: Text
    prev_level: str | None = None
    years_since_prev: int | None = None
    years_in_occupation: int | None = None
    # Years in the occupation counted from graduation with one of `diplomas`: work before it does not count.
    # (A `prev_level` the clause names must be held too, whenever it was reached.)
    years_after_graduation: int | None = None
    training_hours: int | None = None
    diplomas: frozenset[str] = frozenset()  # "school_type" or "school_type/stream"
    same_major: bool = False
    current_graduate_ok: bool = False


@dataclass(frozen=True)
class RuleSet(Dated):
    code: str
    name: Text
    counting: str  # "continuous" (连续) or "cumulative" (累计)
    valid_from: date
    valid_to: date | None
    occupations: frozenset[str]  # empty: the generic template
    clauses: tuple[Clause, ...]
    source: str

    def clauses_for(self, target_level: str) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.target == target_level)


def _clause(row: Mapping[str, Any], file: str) -> Clause:
    unknown = set(row) - _CLAUSE_KEYS
    if unknown:
        raise LadderDataError(f"{file}: clause {row.get('id')!r} has unknown keys {sorted(unknown)}")
    for key in ("target", "prev_level"):
        if key in row:
            level_rank(row[key])
    schools = set(vocabulary("school_types"))
    with_streams = {f"{t}/{s}" for t in schools for s in vocabulary("streams")}
    unknown = set(row.get("diplomas", ())) - schools - with_streams
    if unknown:
        raise LadderDataError(f"{file}: clause {row['id']!r} names unknown diplomas {sorted(unknown)}")
    if "years_after_graduation" in row and not row.get("diplomas"):
        raise LadderDataError(f"{file}: clause {row['id']!r} counts years after graduation but names no diploma")
    fields = {k: v for k, v in row.items() if k not in {"text_zh", "text_en", "diplomas"}}
    return Clause(**fields, diplomas=frozenset(row.get("diplomas", ())), text=Text.of(row, "text_"))


@cache
def all_rule_sets() -> tuple[RuleSet, ...]:
    sets = []
    for file in data_files("conditions-"):
        raw = read_data(file)
        if raw["counting"] not in ("continuous", "cumulative"):
            raise LadderDataError(f"{file}: counting is continuous or cumulative, not {raw['counting']!r}")
        sets.append(RuleSet(code=raw["code"], name=Text.of(raw, "name_"), counting=raw["counting"],
                            valid_from=raw["valid_from"], valid_to=raw.get("valid_to"),
                            occupations=frozenset(raw["occupations"]), source=raw["source"],
                            clauses=tuple(_clause(row, file) for row in raw["clause"])))
    return tuple(sets)


def get_rules(code: str) -> RuleSet:
    for rules in all_rule_sets():
        if rules.code == code:
            return rules
    raise LookupError(f"unknown rule set {code!r}; known: {', '.join(r.code for r in all_rule_sets())}")


def rules_for(occupation_code: str, on: date) -> RuleSet:
    """The rule set in force: the occupation's own standard if one is loaded, else the generic template."""
    candidates = [r for r in all_rule_sets()
                  if r.in_force(on) and (not r.occupations or occupation_code in r.occupations)]
    if not candidates:
        raise LookupError(f"no application conditions were in force on {on.isoformat()}")
    return max(candidates, key=lambda r: (bool(r.occupations), r.valid_from))


# ---- what is missing ----------------------------------------------------------------------------------

def _diploma_label(key: str) -> Text:
    school, _, stream = key.partition("/")
    name = vocabulary("school_types")[school]
    if not stream:
        return name
    extra = vocabulary("streams")[stream]
    return Text(f"{name.zh}（{extra.zh}）", f"{name.en} ({extra.en})")


@dataclass(frozen=True)
class Missing:
    # prev_level | years_since_prev | years_in_occupation | years_after_graduation | training_hours | diploma
    # | already_held | not_in_force
    code: str
    required: int | str | tuple[str, ...]
    actual: float | int | str | tuple[str, ...] | None
    level: str | None = None          # the level the requirement is about
    until: date | None = None         # when time alone satisfies it, if it can
    remaining_months: int | None = None
    counting: str = "cumulative"
    same_major: bool = False

    def describe(self, lang: str = "zh") -> str:
        short = get_level(self.level).short.get(lang) if self.level else ""
        zh = lang == "zh"
        if self.code == "prev_level":
            return f"需先取得{short}等级" if zh else f"Needs {short} first"
        if self.code == "already_held":
            return f"已取得{short}或更高等级" if zh else f"Already holds {short} or higher"
        if self.code == "years_since_prev":
            months = self.remaining_months or 0
            if zh:
                return f"还需在{short}等级工作 {duration(months, 'zh')}"
            return f"{more_duration_en(months)} at {short}"
        if self.code == "years_in_occupation":
            months, continuous = self.remaining_months or 0, self.counting == "continuous"
            if zh:
                return f"还需{'连续' if continuous else '累计'}从事本职业 {duration(months, 'zh')}"
            how = "continuous" if continuous else "cumulative"
            return f"{more_duration_en(months)} of {how} work in the occupation"
        if self.code == "years_after_graduation":
            months, continuous = self.remaining_months or 0, self.counting == "continuous"
            if zh:
                return f"还需毕业后{'连续' if continuous else '累计'}从事本职业 {duration(months, 'zh')}"
            how = "continuous" if continuous else "cumulative"
            return f"{more_duration_en(months)} of {how} work in the occupation after graduation"
        if self.code == "not_in_force":
            if zh:
                return f"这些申报条件自 {self.required} 起施行"
            return f"These application conditions apply from {self.required}"
        if self.code == "training_hours":
            assert isinstance(self.required, int) and not isinstance(self.actual, str | tuple)  # hours, as _assess records them
            hours = int(self.required) - int(self.actual or 0)
            if zh:
                return f"还需完成{short}培训 {hours} 学时"
            return f"{hours} more training hours towards {short}"
        if self.code == "diploma":
            assert isinstance(self.required, tuple)  # the diploma keys a clause accepts
            names = [_diploma_label(key).get(lang) for key in self.required]
            if zh:
                field = "（本专业或相关专业）" if self.same_major else ""
                return "需具备以下学历之一：" + "、".join(names) + field
            field = " (in the field)" if self.same_major else ""
            return "Needs one of these diplomas: " + ", ".join(names) + field
        raise ValueError(f"no description for missing requirement {self.code!r}")


@dataclass(frozen=True)
class Eligibility:
    target_level: str
    rules: str
    on: date
    eligible: bool
    eligible_from: date | None  # first day a clause holds if work goes on; None: time alone will not do
    matched_clause: str | None
    closest_clause: str | None
    missing: tuple[Missing, ...]

    def describe(self, lang: str = "zh") -> tuple[str, ...]:
        return tuple(m.describe(lang) for m in self.missing)


# ---- evaluation ---------------------------------------------------------------------------------------

class _Facts:
    """One worker's history in one occupation, read once per evaluation."""

    def __init__(self, history: WorkerHistory, occupation: str, rules: RuleSet, on: date):
        self.occupation, self.on, self.counting = occupation, on, rules.counting
        self.held = [h for h in history.held_levels if h.occupation_code == occupation]
        continuous = rules.counting == "continuous"
        self.work = WorkTime.of(history.work_periods, occupation, continuous=continuous, on=on)
        self.history = history

    def reached(self, level: str) -> date | None:
        rank = level_rank(level)
        return min((h.reached_on for h in self.held if level_rank(h.level_code) >= rank), default=None)

    def training_done(self, target: str, hours: int) -> tuple[date | None, int]:
        done = sorted((t.completed_on, t.hours) for t in self.history.training if t.completed_on
                      and t.occupation_code == self.occupation and t.target_level == target)
        total, when = 0, None
        for completed_on, record_hours in done:
            total += record_hours
            if when is None and total >= hours:
                when = completed_on
        return when, sum(h for d, h in done if d <= self.on)

    def diploma_from(self, clause: Clause, *, graduated: bool = False) -> date | None:
        """When the worker first held a diploma the clause accepts; `graduated`: the day of graduation
        itself (an 应届 student who may apply before it has none yet)."""
        dates = []
        for d in self.history.diplomas:
            if {d.school_type, f"{d.school_type}/{d.stream}"}.isdisjoint(clause.diplomas):
                continue
            if clause.same_major and d.major_occupation_code != self.occupation:
                continue
            if d.is_current_graduate and clause.current_graduate_ok and not graduated:
                dates.append(self.on)  # 应届 students may apply before the diploma arrives
            elif d.graduated_on is not None:
                dates.append(d.graduated_on)
        return min(dates, default=None)

    def years(self, code: str, anchor: date, required: int, level: str | None) -> tuple[date | None, Missing]:
        due = self.work.reached(anchor, required)
        worked = self.work.worked_days(anchor)
        if due is None:  # not working now: the time left if work resumed today (a continuous count restarts)
            credit = (0, 0) if self.counting == "continuous" else self.work.credit(anchor)
            remaining = months_until(self.on, due_after(self.on, 12 * required, credit))
        else:
            remaining = months_until(self.on, due)
        return due, Missing(code, required, round(years_between(worked), 2), level=level, until=due,
                            remaining_months=remaining, counting=self.counting)


def _assess(clause: Clause, facts: _Facts, in_force: date) -> tuple[date | None, list[Missing]]:
    """Date from which the clause holds (None: not by time alone), and what is missing on facts.on.

    Never before `in_force`, the day its rule set came into force.
    """
    parts: list[tuple[date | None, Missing]] = [
        (in_force, Missing("not_in_force", in_force.isoformat(), None, until=in_force))]
    prev_since = None
    if clause.prev_level:
        prev_since = facts.reached(clause.prev_level)
        top = max(facts.held, key=lambda h: level_rank(h.level_code), default=None)
        actual = top.level_code if top else None
        parts.append((prev_since, Missing("prev_level", clause.prev_level, actual, level=clause.prev_level)))
    if clause.years_since_prev:
        if prev_since is None:
            years = clause.years_since_prev
            parts.append((None, Missing("years_since_prev", years, 0, level=clause.prev_level,
                                        remaining_months=12 * years, counting=facts.counting)))
        else:
            parts.append(facts.years("years_since_prev", prev_since, clause.years_since_prev,
                                     clause.prev_level))
    if clause.years_in_occupation:
        parts.append(facts.years("years_in_occupation", date.min, clause.years_in_occupation, None))
    if clause.years_after_graduation:
        years = clause.years_after_graduation
        graduated = facts.diploma_from(clause, graduated=True)
        if graduated is not None:
            parts.append(facts.years("years_after_graduation", graduated, years, None))
        elif facts.diploma_from(clause) is not None:  # an 应届 student: the years start at graduation
            parts.append((None, Missing("years_after_graduation", years, 0, remaining_months=12 * years,
                                        counting=facts.counting)))
    if clause.training_hours:
        when, done = facts.training_done(clause.target, clause.training_hours)
        parts.append((when, Missing("training_hours", clause.training_hours, done, level=clause.target,
                                    until=when)))
    if clause.diplomas:
        held = tuple(f"{d.school_type}/{d.stream}" for d in facts.history.diplomas)
        parts.append((facts.diploma_from(clause), Missing("diploma", tuple(sorted(clause.diplomas)), held,
                                                          same_major=clause.same_major)))
    dates = [due for due, _ in parts if due is not None]
    since = max(dates, default=date.min) if len(dates) == len(parts) else None
    return since, [m for due, m in parts if due is None or due > facts.on]


def evaluate(history: WorkerHistory, occupation_code: str, target_level: str, *, on: date,
             rules: RuleSet | str | None = None) -> Eligibility:
    """Whether the worker may apply for `target_level` on `on` by the regular route, else what is missing."""
    if rules is None:
        rules = rules_for(occupation_code, on)
    elif isinstance(rules, str):
        rules = get_rules(rules)
    clauses = rules.clauses_for(target_level)
    if not clauses:
        raise NoRegularRoute(f"{rules.code} has no application conditions for {target_level!r}: "
                             "it is reached by appointment, not by appraisal")
    facts = _Facts(history, occupation_code, rules, on)
    if facts.reached(target_level) is not None:
        return Eligibility(target_level, rules.code, on, False, None, None, None,
                           (Missing("already_held", target_level, None, level=target_level),))
    facts.held += history.title_stand_ins(occupation_code, target_level, on)  # 职称 → skill (DOMAIN §5.2)
    assessed = [(clause, *_assess(clause, facts, rules.valid_from)) for clause in clauses]
    dated = [(since, i) for i, (_, since, _) in enumerate(assessed) if since is not None]
    eligible_from = min(dated)[0] if dated else None
    met = [(since, i) for since, i in dated if since <= on]
    if met:
        matched = assessed[min(met)[1]][0].id
        return Eligibility(target_level, rules.code, on, True, eligible_from, matched, None, ())
    # The closest clause is the one time will satisfy first, else the one with the fewest gaps.
    closest = min(range(len(assessed)), key=lambda i: (assessed[i][1] is None, assessed[i][1] or date.max,
                                                       len(assessed[i][2]), i))
    clause, _, missing = assessed[closest]
    return Eligibility(target_level, rules.code, on, False, eligible_from, None, clause.id, tuple(missing))


def next_regular_target(history: WorkerHistory, occupation_code: str,
                        framework: str = "skill-2022") -> str | None:
    """The next appraised level above the highest one held (junior when none is); None past the last."""
    held = history.highest_level(occupation_code)
    floor = level_rank(held.level_code) if held else 0
    return next((lv.code for lv in get_framework(framework).appraised if lv.rank > floor), None)


__all__ = ["Clause", "Diploma", "Eligibility", "HeldLevel", "Missing", "NoRegularRoute", "RuleSet",
           "TrainingRecord", "WorkPeriod", "WorkerHistory", "all_rule_sets", "evaluate", "get_rules",
           "next_regular_target", "rules_for"]

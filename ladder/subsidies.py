"""Training subsidies (DOMAIN §8): whether a training record qualifies, how much, and the rule that says so.

Schedules are dated data per jurisdiction in ``ladder/data/subsidies-*.toml``. The most specific
jurisdiction with a rule for the training type and level decides: the city, then its province, then the
national default. "Once per person, occupation and level" needs the person's records, so the services
apply it and ask this module for the words (`withheld`).

A rule paid on the certificate rather than the training (技能提升补贴, DOMAIN §8: `needs_certificate`) is
never granted at enrolment: until the certificate is obtained the decision is `after_certification`
("may claim after certification"); then it needs the insured months (`min_insured_months`, an input:
None is unknown, hence not granted) and a claim within `claim_within_months` of the certificate date.

A target group counts only when the whole training falls within the dates the person belonged to it
(`groups_during`).

A decision is kept on the record as a short code (`SubsidyDecision.code`, e.g. ``CN-2017.upgrading`` or
``not_in_group:3205-2019.employment``); `restore` turns that code back into the decision and its
explanation, so a list of records never recomputes anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import Any

from ladder.frameworks import NATIONAL, LadderDataError, check_unique_ids, data_files, get_level, read_data
from ladder.i18n import Text
from ladder.timeline import Dated, add_months

_RULE_KEYS = {"id", "training_types", "levels", "groups", "amounts", "amount", "valid_from", "valid_to",
              "needs_certificate", "min_insured_months", "claim_within_months", "confidence", "source",
              "text_zh", "text_en"}
CLAIM_REASONS = ("after_certification", "insured_months_unknown", "insured_months_short", "claim_too_late")
ONCE_PER_LEVEL = Text("每人每职业每等级限享受一次", "once per person, occupation and level")
_WITHHELD = {
    "already_subsidised": Text("该劳动者已享受过本职业本等级的培训补贴（每人每职业每等级限享受一次）",
                               "The worker already received a training subsidy for this occupation and level "
                               "(once per person, occupation and level)"),
    "dropped_out": Text("未完成培训，不予补贴", "Training not completed: no subsidy"),
}


@cache
def training_vocabulary(group: str) -> Mapping[str, Text]:
    """Codes and labels of training_types, training_forms or target_groups."""
    rows = read_data("training-vocabulary.toml")[group]
    return MappingProxyType({code: Text.of(row) for code, row in rows.items()})


@dataclass(frozen=True)
class SubsidyRule(Dated):
    id: str
    jurisdiction: str
    jurisdiction_name: Text
    training_types: frozenset[str]
    levels: frozenset[str] | None  # None: every level
    groups: tuple[str, ...]  # empty: everyone
    amounts: Mapping[str, Decimal]  # per level; empty with `flat_amount` None: the city sets the sum
    flat_amount: Decimal | None
    valid_from: date | None
    valid_to: date | None
    text: Text
    confidence: str
    source: str
    needs_certificate: bool = False  # paid on the certificate, claimed after it (技能提升补贴)
    min_insured_months: int | None = None
    claim_within_months: int | None = None

    def covers(self, training_type: str, level: str, on: date) -> bool:
        return (training_type in self.training_types and (self.levels is None or level in self.levels)
                and self.in_force(on))

    def admits(self, groups: frozenset[str]) -> bool:
        return not self.groups or not groups.isdisjoint(self.groups)

    def amount_for(self, level: str) -> Decimal | None:
        return self.amounts.get(level, self.flat_amount)


@dataclass(frozen=True)
class SubsidyDecision:
    eligible: bool
    amount: Decimal | None
    rule_id: str | None
    explanation: Text  # the rule, in words, as shown to the user
    # granted | not_in_group | no_rule | already_subsidised | dropped_out | after_certification
    # | insured_months_unknown | insured_months_short | claim_too_late
    reason: str = "granted"

    @property
    def pending(self) -> bool:
        """Not granted yet, but may be claimed once the certificate is obtained."""
        return self.reason == "after_certification"

    @property
    def code(self) -> str:
        """What a record keeps: the rule id when granted, else the reason (and the rule it concerns)."""
        if self.eligible:
            return self.rule_id or ""
        return f"{self.reason}:{self.rule_id}" if self.rule_id else self.reason


def _check(code: str, group: str, what: str, where: str) -> None:
    if code not in training_vocabulary(group):
        known = ", ".join(training_vocabulary(group))
        raise LadderDataError(f"{where}: unknown {what} {code!r}; known: {known}")


def _rule(row: Mapping[str, Any], jurisdiction: str, name: Text, file: str) -> SubsidyRule:
    where = f"{file}: rule {row.get('id')!r}"
    unknown = set(row) - _RULE_KEYS
    if unknown:
        raise LadderDataError(f"{where} has unknown keys {sorted(unknown)}")
    if "amounts" in row and ("amount" in row or "levels" in row):
        raise LadderDataError(f"{where}: give per-level `amounts`, or `levels` with one `amount`, not both")
    for code in row["training_types"]:
        _check(code, "training_types", "training type", where)
    for code in row.get("groups", ()):
        _check(code, "target_groups", "target group", where)
    amounts = {level: Decimal(str(value)) for level, value in row.get("amounts", {}).items()}
    levels = set(amounts) or set(row.get("levels", ())) or None
    for level in levels or ():
        get_level(level)
    if any(value < 0 for value in amounts.values()) or row.get("amount", 0) < 0:
        raise LadderDataError(f"{where}: amounts cannot be negative")
    claim_keys = {"min_insured_months", "claim_within_months"} & set(row)
    if claim_keys and not row.get("needs_certificate"):
        raise LadderDataError(f"{where}: {sorted(claim_keys)} apply only with needs_certificate = true")
    return SubsidyRule(
        id=row["id"], jurisdiction=jurisdiction, jurisdiction_name=name,
        training_types=frozenset(row["training_types"]), levels=frozenset(levels) if levels else None,
        groups=tuple(row.get("groups", ())), amounts=MappingProxyType(amounts),
        flat_amount=Decimal(str(row["amount"])) if "amount" in row else None,
        valid_from=row.get("valid_from"), valid_to=row.get("valid_to"), text=Text.of(row, "text_"),
        confidence=row["confidence"], source=row["source"], needs_certificate=row.get("needs_certificate", False),
        min_insured_months=row.get("min_insured_months"), claim_within_months=row.get("claim_within_months"))


@cache
def all_rules() -> tuple[SubsidyRule, ...]:
    rules: list[SubsidyRule] = []
    for file in data_files("subsidies-"):
        raw = read_data(file)
        name = Text.of(raw, "name_")
        rules += [_rule(row, str(raw["jurisdiction"]), name, file) for row in raw["rule"]]
    check_unique_ids((rule.id for rule in rules), "subsidy rule")
    return tuple(rules)


def get_rule(rule_id: str) -> SubsidyRule:
    for rule in all_rules():
        if rule.id == rule_id:
            return rule
    raise LookupError(f"unknown subsidy rule {rule_id!r}")


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def _granted(rule: SubsidyRule, amount: Decimal | None) -> Text:
    where = rule.jurisdiction_name
    if amount is None:
        return Text(f"{rule.text.zh}：符合补贴条件，金额按当地标准核定（{where.zh}；{ONCE_PER_LEVEL.zh}）",
                    f"{rule.text.en}: qualifies; the amount follows the local schedule "
                    f"({where.en}; {ONCE_PER_LEVEL.en})")
    return Text(f"{rule.text.zh}：补贴 {_yuan(amount)} 元（{where.zh}；{ONCE_PER_LEVEL.zh}）",
                f"{rule.text.en}: CNY {_yuan(amount)} ({where.en}; {ONCE_PER_LEVEL.en})")


def _not_in_group(rule: SubsidyRule) -> Text:
    labels = [training_vocabulary("target_groups")[g] for g in rule.groups]
    return Text(f"{rule.text.zh}：仅限{'、'.join(t.zh for t in labels)}，该劳动者不属于以上对象",
                f"{rule.text.en}: only for {', '.join(t.en for t in labels)}; "
                "the worker is in none of these groups")


def _no_rule(training_type: str, level: str, on: date) -> Text:
    kind, rank = training_vocabulary("training_types")[training_type], get_level(level)
    return Text(f"{on.isoformat()} 适用的补贴目录不含{kind.zh}（{rank.name_zh}）",
                f"No subsidy schedule in force on {on.isoformat()} covers {kind.en} at {rank.name_en}")


def _claim_text(rule: SubsidyRule, reason: str, level: str) -> Text:
    """Words for a rule paid on the certificate: pending until it, or why a claim is refused."""
    months, window = rule.min_insured_months, rule.claim_within_months
    if reason == "insured_months_unknown":
        return Text(f"{rule.text.zh}：参保月数未知，不能认定（须参保满 {months} 个月）",
                    f"{rule.text.en}: insured months unknown, so not granted (needs {months} or more)")
    if reason == "insured_months_short":
        return Text(f"{rule.text.zh}：参保不满 {months} 个月，不予补贴",
                    f"{rule.text.en}: insured for fewer than {months} months, so not granted")
    if reason == "claim_too_late":
        return Text(f"{rule.text.zh}：未在取得证书后 {window} 个月内申领，不予补贴",
                    f"{rule.text.en}: not claimed within {window} months of the certificate date, so not granted")
    amount = rule.amount_for(level)
    sum_zh = f"，补贴 {_yuan(amount)} 元" if amount is not None else "，金额按当地标准核定"
    sum_en = f" (CNY {_yuan(amount)})" if amount is not None else " (the amount follows the local schedule)"
    terms_zh = "".join(part for part in (f"参保满 {months} 个月" if months else "",
                                         f"，取证后 {window} 个月内申领" if window else "")).lstrip("，")
    terms_en = "; ".join(part for part in (f"insured {months} months or more" if months else "",
                                          f"claim within {window} months of the certificate date" if window else "")
                         if part)
    where = rule.jurisdiction_name
    return Text(f"{rule.text.zh}：报名时不予认定，取得证书后可申领{sum_zh}（{terms_zh}；{where.zh}；{ONCE_PER_LEVEL.zh}）",
                f"{rule.text.en}: not granted at enrolment; may claim after certification{sum_en} "
                f"({terms_en}; {where.en}; {ONCE_PER_LEVEL.en})")


def _claim_problem(rule: SubsidyRule, certificate_on: date | None, insured_months: int | None,
                   claim_on: date) -> str | None:
    if certificate_on is None or claim_on < certificate_on:
        return "after_certification"
    if rule.claim_within_months is not None and claim_on > add_months(certificate_on, rule.claim_within_months):
        return "claim_too_late"
    if rule.min_insured_months is not None:
        if insured_months is None:
            return "insured_months_unknown"
        if insured_months < rule.min_insured_months:
            return "insured_months_short"
    return None


def groups_during(memberships: Iterable[tuple[str, date, date | None]], start: date,
                  end: date | None = None) -> frozenset[str]:
    """The target groups a person belonged to for the whole of a training from `start` to `end` (inclusive;
    None: `start` alone, as at enrolment). `memberships`: (group, valid_from, valid_until or None while it
    lasts); back-to-back or overlapping ones of a group join."""
    end = max(end or start, start)
    spans: dict[str, list[tuple[date, date | None]]] = {}
    for group, valid_from, valid_until in sorted(memberships, key=lambda m: (m[0], m[1])):
        joined = spans.setdefault(group, [])
        last = joined[-1] if joined else None
        if last is not None and (last[1] is None or valid_from <= last[1] + timedelta(days=1)):
            joined[-1] = (last[0], None if last[1] is None or valid_until is None else max(last[1], valid_until))
        else:
            joined.append((valid_from, valid_until))
    return frozenset(group for group, joined in spans.items()
                     if any(first <= start and (until is None or end <= until) for first, until in joined))


def subsidy_for(city_code: str, training_type: str, target_level: str, target_groups: frozenset[str], *,
                on: date, certificate_on: date | None = None, insured_months: int | None = None,
                claim_on: date | None = None) -> SubsidyDecision:
    """The subsidy a training record earns in a city on a date, for a person in `target_groups`.

    A rule paid on the certificate (`needs_certificate`) also reads the certificate date, the insured months
    (None: unknown) and the claim date (default `on`); without a certificate it answers
    `after_certification`, never eligible.
    """
    _check(training_type, "training_types", "training type", "subsidy_for")
    for group in target_groups:
        _check(group, "target_groups", "target group", "subsidy_for")
    get_level(target_level)
    for place in dict.fromkeys((city_code, city_code[:2], NATIONAL)):
        covering = [r for r in all_rules()
                    if r.jurisdiction == place and r.covers(training_type, target_level, on)]
        if not covering:
            continue
        for rule in covering:
            if rule.admits(target_groups):
                problem = (_claim_problem(rule, certificate_on, insured_months, claim_on or on)
                           if rule.needs_certificate else None)
                if problem is not None:
                    return SubsidyDecision(False, None, rule.id, _claim_text(rule, problem, target_level), problem)
                amount = rule.amount_for(target_level)
                return SubsidyDecision(True, amount, rule.id, _granted(rule, amount))
        return SubsidyDecision(False, None, covering[0].id, _not_in_group(covering[0]), "not_in_group")
    return SubsidyDecision(False, None, None, _no_rule(training_type, target_level, on), "no_rule")


def withheld(reason: str) -> SubsidyDecision:
    """A subsidy refused for a reason found in the records: already_subsidised or dropped_out."""
    return SubsidyDecision(False, None, None, _WITHHELD[reason], reason)


def restore(code: str | None, *, training_type: str, target_level: str, on: date,
            amount: Decimal | None) -> SubsidyDecision:
    """The decision a record keeps as `code`, with its explanation (see `SubsidyDecision.code`)."""
    reason, _, rule_id = (code or "no_rule").partition(":")
    if reason in _WITHHELD:
        return withheld(reason)
    if reason == "no_rule":
        return SubsidyDecision(False, None, None, _no_rule(training_type, target_level, on), "no_rule")
    if reason == "not_in_group":
        rule = get_rule(rule_id)
        return SubsidyDecision(False, None, rule.id, _not_in_group(rule), "not_in_group")
    if reason in CLAIM_REASONS:
        rule = get_rule(rule_id)
        return SubsidyDecision(False, None, rule.id, _claim_text(rule, reason, target_level), reason)
    rule = get_rule(reason)
    return SubsidyDecision(True, amount, rule.id, _granted(rule, amount))

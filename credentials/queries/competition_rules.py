"""Bureau reward rules as the engine reads them: a stored rule (or a draft of one) as the same
`ladder.competitions.CompetitionPolicy` the shipped policies are, which rule governs a competition, a rule's
versions, and what each role may see of them.

A competition is judged by, in order: the bureau rule it names (that rule's current version), the shipped
policy it names, the shipped tier default of its place, and then the bureau rule of its region — the city's
rule before the province's, and among rules of the same place the one whose notice took effect last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from ladder.competitions import CompetitionPolicy, LevelEffect, Reward, medals
from ladder.frameworks import get_level
from ladder.i18n import Text
from ladder.timeline import in_window

from ..models import (
    BureauScope,
    Competition,
    CompetitionPromotion,
    CompetitionResult,
    CompetitionRule,
    ResultOutcome,
    User,
)
from .scopes import competition_rule_scope, competition_scope

POLICY_PREFIX = "rule-"  # policy ids of bureau rules: "rule-12" is the CompetitionRule with id 12
# Tiers a bureau's own notice may govern: the competitions of its region (national tiers are national).
BUREAU_TIERS: Mapping[BureauScope, tuple[str, ...]] = {
    BureauScope.CITY: ("city", "enterprise"),
    BureauScope.PROVINCE: ("provincial_class_1", "provincial_class_2", "city", "enterprise"),
}


class RuleLike(Protocol):
    """What choosing among rules reads: a stored rule, or a draft about to become one."""

    @property
    def id(self) -> int | None: ...
    @property
    def province_code(self) -> str: ...
    @property
    def city_code(self) -> str | None: ...
    @property
    def tiers(self) -> list[str]: ...
    @property
    def valid_from(self) -> date: ...
    @property
    def valid_to(self) -> date | None: ...


R = TypeVar("R", bound=RuleLike)


# ---- a rule as a policy ------------------------------------------------------------------------------------

def policy_key(rule_id: int | None) -> str:
    return f"{POLICY_PREFIX}{rule_id if rule_id is not None else 'draft'}"


def rule_id_of(policy_id: str) -> int | None:
    """The rule id inside a bureau rule's policy id; None for a shipped policy."""
    tail = policy_id.removeprefix(POLICY_PREFIX)
    return int(tail) if policy_id.startswith(POLICY_PREFIX) and tail.isdigit() else None


def rule_name(rule: CompetitionRule) -> Text:
    return Text(rule.name_zh, rule.name_en or rule.name_zh)


def _level(code: str) -> Text:
    level = get_level(code)
    return Text(level.name_zh, level.name_en)


def _who(ranks: Sequence[int | None] | None, medal_codes: Sequence[str]) -> Text:
    parts: list[Text] = []
    if ranks:
        first, last = ranks[0], ranks[1] if len(ranks) > 1 else None
        if last is None:
            parts.append(Text(f"第 {first} 名及以后", f"place {first} and below"))
        elif last == first:
            parts.append(Text(f"第 {first} 名", f"place {first}"))
        else:
            parts.append(Text(f"第 {first} 至 {last} 名", f"places {first} to {last}"))
    if medal_codes:
        names = [medals()[code] for code in medal_codes]
        parts.append(Text("、".join(n.zh for n in names), ", ".join(n.en for n in names)))
    return Text("或".join(p.zh for p in parts), " or ".join(p.en for p in parts))


def effect_text(effect: str | None) -> Text:
    if not effect:
        return Text("不晋升等级", "no level")
    parsed = LevelEffect.parse(effect)
    if parsed.kind == "set":
        assert parsed.level is not None  # parse sets it for set:L
        target = _level(parsed.level)
        return Text(f"晋升{target.zh}", f"promoted to {target.en}")
    if parsed.kind == "set_or_up":
        assert parsed.level is not None
        target = _level(parsed.level)
        return Text(f"晋升{target.zh}，已是{target.zh}及以上的晋升一个等级",
                    f"promoted to {target.en} (one level up if already there or above)")
    steps = Text(f"晋升 {parsed.steps} 个等级", f"{parsed.steps} level{'s' if parsed.steps > 1 else ''} up")
    if parsed.cap:
        cap = _level(parsed.cap)
        return Text(f"{steps.zh}，最高至{cap.zh}", f"{steps.en}, at most to {cap.en}")
    return steps


def reward_text(row: Mapping[str, Any]) -> Text:
    """One row of a bureau rule in words, in both languages (the officer enters structure, not prose)."""
    who = _who(row.get("ranks"), row.get("medals") or ())
    text = Text(f"{who.zh}：", f"{who.en}: ")
    if row.get("effect"):
        done = effect_text(row["effect"])
        text = Text(text.zh + done.zh, text.en + done.en)
    titles = [Text.coerce(t) for t in row.get("titles") or ()]
    if titles:
        joiner = ("；" if row.get("effect") else "", "; " if row.get("effect") else "")
        text = Text(f"{text.zh}{joiner[0]}授予{'、'.join(t.zh for t in titles)}",
                    f"{text.en}{joiner[1]}awarded {', '.join(t.en for t in titles)}")
    return text


def reward_of(row: Mapping[str, Any]) -> Reward:
    ranks = row.get("ranks")
    return Reward(text=reward_text(row), effect=LevelEffect.parse(row["effect"]) if row.get("effect") else None,
                  titles=tuple(Text.coerce(t) for t in row.get("titles") or ()),
                  ranks=(ranks[0], ranks[1] if len(ranks) > 1 else None) if ranks else None,
                  medals=frozenset(row.get("medals") or ()))


def policy_from(*, key: str, name: Text, tiers: Iterable[str], jurisdiction: str, valid_from: date | None,
                valid_to: date | None, rewards: Iterable[Mapping[str, Any]], max_promotions_per_year: int | None,
                source: str) -> CompetitionPolicy:
    """A policy from plain values. Medals and ranks stay apart (no medal stands for a rank): a medal row
    matches medals, a rank row matches ranks, and a result with both is judged by each."""
    return CompetitionPolicy(
        id=key, name=name, tiers=tuple(tiers), jurisdictions=(jurisdiction,), is_tier_default=False,
        valid_from=valid_from, valid_to=valid_to, rewards=tuple(reward_of(row) for row in rewards), medal_ranks={},
        max_promotions_per_year=max_promotions_per_year, source=source)


def policy_of(rule: CompetitionRule) -> CompetitionPolicy:
    return policy_from(key=policy_key(rule.id), name=rule_name(rule), tiers=rule.tiers,
                       jurisdiction=rule.jurisdiction, valid_from=rule.valid_from, valid_to=rule.valid_to,
                       rewards=rule.rewards, max_promotions_per_year=rule.max_promotions_per_year,
                       source=f"{rule.document_number}（{rule.issued_on.isoformat()}）")


# ---- which rule governs a competition ----------------------------------------------------------------------

def covers(rule: RuleLike, competition: Competition) -> bool:
    """The rule's place, tiers and dates include the competition (judged by its last day)."""
    if competition.province_code is None or competition.tier not in rule.tiers:
        return False
    if rule.city_code is not None and rule.city_code != competition.city_code:
        return False
    return rule.province_code == competition.province_code and in_window(
        competition.ends_on, rule.valid_from, rule.valid_to)


def pick_rule(candidates: Iterable[R], competition: Competition) -> R | None:
    """The city's rule before the province's; then the notice that took effect last (a draft counts as newest)."""
    fitting = [rule for rule in candidates if covers(rule, competition)]
    return max(fitting, key=lambda r: (r.city_code is not None, r.valid_from, r.id is None, r.id or 0),
               default=None)


def region_rules(session: Session, competition: Competition) -> list[CompetitionRule]:
    """The current rules of the competition's province that could govern it."""
    if competition.province_code is None:
        return []
    place: ColumnElement[bool] = CompetitionRule.city_code.is_(None)
    if competition.city_code:
        place = or_(place, CompetitionRule.city_code == competition.city_code)
    return list(session.scalars(select(CompetitionRule).where(
        CompetitionRule.superseded_at.is_(None), CompetitionRule.province_code == competition.province_code,
        place)))


def applicable_rule(session: Session, competition: Competition) -> CompetitionRule | None:
    return pick_rule(region_rules(session, competition), competition)


# ---- versions and use --------------------------------------------------------------------------------------

def current_version(session: Session, rule: CompetitionRule) -> CompetitionRule:
    """The newest version of the rule's line (the rule itself while nobody has revised it)."""
    while rule.superseded_at is not None:
        following = session.scalar(select(CompetitionRule).where(CompetitionRule.replaces_id == rule.id))
        if following is None:
            break
        rule = following
    return rule


def versions_of(session: Session, rule: CompetitionRule) -> list[CompetitionRule]:
    """Every version of the rule's line, newest first."""
    line = [current_version(session, rule)]
    while line[-1].replaces is not None:
        previous = line[-1].replaces
        assert previous is not None
        line.append(previous)
    return line


def rule_in_use(session: Session, rule: CompetitionRule) -> bool:
    """Results were judged under it (a proposal always comes from one): it can no longer change in place."""
    return session.scalar(select(CompetitionResult.id).where(CompetitionResult.rule_id == rule.id).limit(1)) \
        is not None


def proposals_under(rule: CompetitionRule) -> Select[CompetitionPromotion]:
    return (select(CompetitionPromotion).where(CompetitionPromotion.rule_id == rule.id)
            .order_by(CompetitionPromotion.id.desc()))


def competitions_naming(rule: CompetitionRule) -> Select[Competition]:
    return select(Competition).where(Competition.rule_id == rule.id).order_by(Competition.ends_on.desc())


def competitions_waiting(rule: CompetitionRule, user: User) -> Select[Competition]:
    """Competitions the user sees in the rule's place, tiers and dates with results no rule applied to yet:
    the ones to judge again once the rule is saved."""
    place = (Competition.city_code == rule.city_code if rule.city_code
             else Competition.province_code == rule.province_code)
    statement = select(Competition).where(
        competition_scope(user), place, Competition.tier.in_(rule.tiers), Competition.ends_on >= rule.valid_from,
        Competition.results.any(CompetitionResult.outcome == ResultOutcome.NO_RULE))
    if rule.valid_to is not None:
        statement = statement.where(Competition.ends_on <= rule.valid_to)
    return statement.order_by(Competition.ends_on, Competition.id)


# ---- what each role sees -------------------------------------------------------------------------------------

def rules_for(user: User, *, current_only: bool = True) -> Select[CompetitionRule]:
    """Rules the user may see, the city's before the province's, newest notice first."""
    statement = select(CompetitionRule).where(competition_rule_scope(user))
    if current_only:
        statement = statement.where(CompetitionRule.superseded_at.is_(None))
    return statement.order_by(CompetitionRule.province_code, CompetitionRule.city_code.is_(None),
                              CompetitionRule.city_code, CompetitionRule.valid_from.desc(),
                              CompetitionRule.id.desc())


def rules_for_competition(session: Session, user: User, competition: Competition) -> list[CompetitionRule]:
    """The current rules the user sees that could govern this competition (for naming one)."""
    if competition.province_code is None:
        return []
    statement = rules_for(user).where(CompetitionRule.province_code == competition.province_code)
    return [rule for rule in session.scalars(statement) if covers(rule, competition)]

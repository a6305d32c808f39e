"""Promotion through vocational skills competitions (DOMAIN §4): which result earns which level and title.

Every reward table is a dated, sourced policy in ``ladder/data/competitions.toml``; there is no national
table to hard-code (DOMAIN §9 item 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from ladder.frameworks import NATIONAL, LadderDataError, framework_for, get_framework, level_rank, read_data
from ladder.i18n import Text, join
from ladder.timeline import Dated

_REWARD_KEYS = {"ranks", "ranks_by_team_size", "medals", "paper_level", "top_share", "tiers", "effect",
                "titles", "text_zh", "text_en"}


class UnknownPolicy(LookupError):
    pass


@dataclass(frozen=True)
class LevelEffect:
    """`set:L`, `set_or_up:L`, `up:N` or `up:N cap:L`, applied along a ladder of appraised level codes."""

    kind: str
    level: str | None = None
    steps: int = 0
    cap: str | None = None

    @classmethod
    def parse(cls, text: str) -> LevelEffect:
        head, *rest = text.split()
        kind, _, arg = head.partition(":")
        cap = rest[0].removeprefix("cap:") if rest and rest[0].startswith("cap:") else None
        if kind in ("set", "set_or_up") and arg and not rest:
            level_rank(arg)
            return cls(kind, level=arg)
        if kind == "up" and arg.isdigit() and len(rest) == (1 if cap else 0):
            if cap:
                level_rank(cap)
            return cls(kind, steps=int(arg), cap=cap)
        raise LadderDataError(f"cannot read level effect {text!r}; "
                              "expected set:L, set_or_up:L, up:N or up:N cap:L")

    def apply(self, current: str | None, ladder: tuple[str, ...]) -> str | None:
        """The level reached from `current` (None: no level yet), or None when the effect gives nothing."""
        rank = level_rank(current) if current else 0
        position = max((i for i, code in enumerate(ladder) if level_rank(code) <= rank), default=-1)
        if self.kind == "up":
            target = position + self.steps
            if self.cap:
                target = min(target, ladder.index(self.cap))
        else:
            target = ladder.index(self.level)
            if position >= target:
                target = position + 1 if self.kind == "set_or_up" else -1
        return ladder[target] if position < target < len(ladder) else None


@dataclass(frozen=True)
class Reward:
    text: Text
    effect: LevelEffect | None = None
    titles: tuple[Text, ...] = ()
    ranks: tuple[int, int | None] | None = None
    ranks_by_team_size: Mapping[int, tuple[int, int | None]] | None = None
    medals: frozenset[str] = frozenset()
    paper_level: str | None = None
    top_share: float | None = None
    tiers: frozenset[str] = frozenset()

    def matches(self, tier: str, rank: int | None, medal: str | None, *, team_size: int,
                paper_level: str | None, entrants: int | None) -> bool:
        if (self.tiers and tier not in self.tiers) or (self.paper_level and paper_level != self.paper_level):
            return False
        if self.top_share is not None:
            return rank is not None and entrants is not None and rank <= self.top_share * entrants
        if medal is not None and medal in self.medals:
            return True
        ranks = (self.ranks_by_team_size or {}).get(team_size, self.ranks)
        if ranks is None or rank is None:
            return False
        first, last = ranks
        return first <= rank and (last is None or rank <= last)


@dataclass(frozen=True)
class CompetitionPolicy(Dated):
    id: str
    name: Text
    tiers: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    is_tier_default: bool
    valid_from: date | None
    valid_to: date | None
    rewards: tuple[Reward, ...]
    medal_ranks: Mapping[str, int]
    max_promotions_per_year: int | None
    source: str


@dataclass(frozen=True)
class CompetitionPromotion:
    policy_id: str
    policy_name: Text
    target_level: str | None  # None: titles only, or the yearly limit is reached
    titles: tuple[Text, ...]
    rule: Text
    limit_reached: bool = False


def _ranks(value: list[int]) -> tuple[int, int | None]:
    return (value[0], value[1] if len(value) > 1 else None)


def _reward(row: Mapping[str, Any], policy_id: str, tiers: set[str]) -> Reward:
    unknown = (set(row) - _REWARD_KEYS) | (set(row.get("tiers", ())) - tiers)
    if unknown:
        raise LadderDataError(f"competitions.toml: a reward of {policy_id!r} has unknown keys or tiers: "
                              f"{sorted(unknown)}")
    by_team = {int(size): _ranks(ranks) for size, ranks in row.get("ranks_by_team_size", {}).items()}
    return Reward(text=Text.of(row, "text_"),
                  effect=LevelEffect.parse(row["effect"]) if "effect" in row else None,
                  titles=tuple(Text.of(t) for t in row.get("titles", ())),
                  ranks=_ranks(row["ranks"]) if "ranks" in row else None, ranks_by_team_size=by_team or None,
                  medals=frozenset(row.get("medals", ())), paper_level=row.get("paper_level"),
                  top_share=row.get("top_share"), tiers=frozenset(row.get("tiers", ())))


@cache
def _data() -> tuple[Mapping[str, Text], Mapping[str, Text], tuple[CompetitionPolicy, ...]]:
    raw = read_data("competitions.toml")
    tiers = {code: Text.of(row) for code, row in raw["tiers"].items()}
    medals = {code: Text.of(row) for code, row in raw["medals"].items()}
    policies = []
    for row in raw["policy"]:
        if set(row["tiers"]) - set(tiers) or set(row.get("medal_ranks", {})) - set(medals):
            raise LadderDataError(f"competitions.toml: policy {row['id']!r} names unknown tiers or medals")
        policies.append(CompetitionPolicy(
            id=row["id"], name=Text.of(row, "name_"), tiers=tuple(row["tiers"]),
            jurisdictions=tuple(row["jurisdictions"]), is_tier_default=row.get("is_tier_default", False),
            valid_from=row.get("valid_from"), valid_to=row.get("valid_to"),
            rewards=tuple(_reward(r, row["id"], set(tiers)) for r in row["reward"]),
            medal_ranks=row.get("medal_ranks", {}), source=row["source"],
            max_promotions_per_year=row.get("max_promotions_per_year")))
    return tiers, medals, tuple(policies)


def tiers() -> Mapping[str, Text]:
    return _data()[0]


def medals() -> Mapping[str, Text]:
    return _data()[1]


def all_policies() -> tuple[CompetitionPolicy, ...]:
    return _data()[2]


def get_policy(policy_id: str) -> CompetitionPolicy:
    for policy in all_policies():
        if policy.id == policy_id:
            return policy
    raise UnknownPolicy(f"unknown competition policy {policy_id!r}")


def default_policy(tier: str, *, on: date, jurisdiction: str = NATIONAL) -> CompetitionPolicy | None:
    """The policy that applies to a tier when a competition names none: local first, then national."""
    if tier not in tiers():
        raise ValueError(f"unknown competition tier {tier!r}; known: {', '.join(tiers())}")
    for place in dict.fromkeys((jurisdiction, NATIONAL)):
        found = [p for p in all_policies()
                 if p.is_tier_default and tier in p.tiers and place in p.jurisdictions and p.in_force(on)]
        if found:
            return max(found, key=lambda p: p.valid_from or date.min)
    return None


def promotion_for(tier: str, result: int | str, current_level: str | None, *, on: date,
                  policy: CompetitionPolicy | str | None = None, jurisdiction: str = NATIONAL,
                  team_size: int = 1, paper_level: str | None = None, entrants: int | None = None,
                  prior_promotions: Iterable[date] = ()) -> CompetitionPromotion | None:
    """What a result (a rank, or a medal such as "excellence") earns; None when no reward row matches it.

    `policy`: the competition's own policy; by default the tier's policy for the jurisdiction (else national).
    `prior_promotions`: dates of the worker's earlier competition promotions, for yearly limits.
    """
    if isinstance(policy, str):
        policy = get_policy(policy)
    policy = policy or default_policy(tier, on=on, jurisdiction=jurisdiction)
    if policy is None:
        return None
    if tier not in policy.tiers:
        raise ValueError(f"policy {policy.id!r} covers {', '.join(policy.tiers)}, not {tier!r}")
    if isinstance(result, str) and result not in medals():
        raise ValueError(f"unknown medal {result!r}; known: {', '.join(medals())}")
    medal: str | None
    if isinstance(result, str):
        medal, rank = result, policy.medal_ranks.get(result)
    else:
        medal, rank = next((m for m, r in policy.medal_ranks.items() if r == result), None), result
    matched = [r for r in policy.rewards if r.matches(tier, rank, medal, team_size=team_size,
                                                      paper_level=paper_level, entrants=entrants)]
    if not matched:
        return None
    ladder = tuple(level.code for level in framework_for(on).appraised)
    reached = [r.effect.apply(current_level, ladder) for r in matched if r.effect]
    target = max((code for code in reached if code), key=level_rank, default=None)
    limited = bool(target and policy.max_promotions_per_year is not None and
                   sum(d.year == on.year for d in prior_promotions) >= policy.max_promotions_per_year)
    return CompetitionPromotion(policy_id=policy.id, policy_name=policy.name,
                                target_level=None if limited else target,
                                titles=tuple(t for r in matched for t in r.titles),
                                rule=join([r.text for r in matched]), limit_reached=limited)


def promotion_steps(policy: CompetitionPolicy, framework: str) -> dict[tuple[str, str], list[Text]]:
    """Every (from, to) level pair a policy can grant within a framework, with the reward texts behind it."""
    ladder = tuple(level.code for level in get_framework(framework).appraised)
    steps: dict[tuple[str, str], list[Text]] = {}
    for reward in policy.rewards:
        if reward.effect is None:
            continue
        for current in ladder:
            target = reward.effect.apply(current, ladder)
            if target is None:
                continue
            texts = steps.setdefault((current, target), [])
            if reward.text not in texts:
                texts.append(reward.text)
    return steps

"""Reward rules a city or province bureau enters from its own competition notice (DOMAIN §4.2, §10 "a reward
policy table"): checked row by row, written (a new rule; a revision in place while no result was judged under
it, else a new version beside the old one), and previewed — what the rule would give each result already
entered in the region's matching competitions, by the same engine, before anything is saved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from ladder.competitions import CompetitionPolicy, LevelEffect, medals, tiers
from ladder.frameworks import appraised_levels, get_level
from ladder.i18n import Text

from ..clock import china_today
from ..errors import Conflict, Forbidden, ValidationFailed
from ..models import BureauScope, Competition, CompetitionResult, CompetitionRule, ResultOutcome, User, utcnow
from ..permissions import may_edit_rule, may_write_rules
from ..queries.competition_rules import (
    BUREAU_TIERS,
    RuleLike,
    current_version,
    pick_rule,
    policy_from,
    policy_key,
    region_rules,
    rule_in_use,
    rule_name,
)
from .audit import record
from .competition_promotions import governing_policy, judge, prior_promotions
from .promotions import current_level

MAX_ROWS, MAX_TITLES, MAX_STEPS, MAX_RANK, MAX_PER_YEAR = 20, 5, 4, 100_000, 12
PREVIEW_CAP = 500  # results a preview judges; the count of all is still given


@dataclass(frozen=True)
class RewardDraft:
    """One row of the notice as entered: a rank range and/or medals → a level effect and/or titles."""

    rank_from: int | None = None
    rank_to: int | None = None  # None with rank_from: "and below"
    medals: tuple[str, ...] = ()
    effect: str | None = None  # set:L, set_or_up:L, up:N, up:N cap:L (as in ladder/data/competitions.toml)
    titles: tuple[Text, ...] = ()


@dataclass(frozen=True)
class RuleDraft:
    name_zh: str
    document_number: str
    issued_on: date | None
    valid_from: date | None
    tiers: tuple[str, ...]
    rewards: tuple[RewardDraft, ...]
    name_en: str = ""
    valid_to: date | None = None
    max_promotions_per_year: int | None = None


@dataclass(frozen=True)
class CheckedRule:
    """A draft that passed every check, in the shape it is stored (and a `RuleLike` for choosing rules)."""

    province_code: str
    city_code: str | None
    name: Text
    document_number: str
    issued_on: date
    valid_from: date
    valid_to: date | None
    tiers: list[str]
    rewards: list[dict[str, Any]]
    max_promotions_per_year: int | None
    id: int | None = None

    def policy(self) -> CompetitionPolicy:
        return policy_from(key=policy_key(self.id), name=self.name, tiers=self.tiers,
                           jurisdiction=f"{self.city_code}00" if self.city_code else f"{self.province_code}0000",
                           valid_from=self.valid_from, valid_to=self.valid_to, rewards=self.rewards,
                           max_promotions_per_year=self.max_promotions_per_year,
                           source=f"{self.document_number}（{self.issued_on.isoformat()}）")

    def columns(self) -> dict[str, Any]:
        return {"name_zh": self.name.zh, "name_en": self.name.en, "document_number": self.document_number,
                "issued_on": self.issued_on, "valid_from": self.valid_from, "valid_to": self.valid_to,
                "province_code": self.province_code, "city_code": self.city_code, "tiers": self.tiers,
                "rewards": self.rewards, "max_promotions_per_year": self.max_promotions_per_year}


# ---- checking ----------------------------------------------------------------------------------------------

def _why(zh: str, en: str) -> Text:
    return Text(zh, en)


def _fail(field_name: str, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed("binding", field=field_name, reason=_why(zh, en))


def check_effect(text: str | None, *, field_name: str = "effect") -> str | None:
    """The effect in its canonical spelling, levels among the appraised five; None for "titles only"."""
    text = " ".join((text or "").split())
    if not text:
        return None
    try:
        effect = LevelEffect.parse(text)
    except ValueError:  # LadderDataError and UnknownLevel are both ValueErrors
        raise _fail(field_name, f"无法识别的晋升方式“{text}”：应为 set:等级、set_or_up:等级、up:N 或 up:N cap:等级",
                    f"cannot read the level effect “{text}”: use set:L, set_or_up:L, up:N or up:N cap:L") from None
    appraised = [level.code for level in appraised_levels()]
    for code in (effect.level, effect.cap):
        if code is not None and code not in appraised:
            name = get_level(code)
            raise _fail(field_name, f"{name.name_zh}不是评价等级（初级工至高级技师）",
                        f"{name.name_en} is not an appraised level (Junior Worker to Senior Technician)")
    if effect.kind == "up" and not 1 <= effect.steps <= MAX_STEPS:
        raise _fail(field_name, f"晋升等级数须为 1 到 {MAX_STEPS}", f"levels up must be 1 to {MAX_STEPS}")
    return text


def _row(index: int, draft: RewardDraft, seen_medals: dict[str, int]) -> dict[str, Any]:
    at = f"rewards.{index}."
    if draft.rank_from is None and draft.rank_to is not None:
        raise ValidationFailed("required", field=at + "rank_from")
    if draft.rank_from is None and not draft.medals:
        raise _fail(at + "rank_from", "每行须填名次范围或奖项", "each row needs a range of places or medals")
    for name, value in (("rank_from", draft.rank_from), ("rank_to", draft.rank_to)):
        if value is not None and not 1 <= value <= MAX_RANK:
            raise _fail(at + name, f"名次须在 1 到 {MAX_RANK} 之间", f"places run from 1 to {MAX_RANK}")
    if draft.rank_from is not None and draft.rank_to is not None and draft.rank_to < draft.rank_from:
        raise _fail(at + "rank_to", "末名次不能小于起始名次", "the last place cannot come before the first")
    for medal in draft.medals:
        if medal not in medals():
            raise ValidationFailed("unknown_choice", field=at + "medals", what=_why("奖项", "medal"), value=medal)
        if medal in seen_medals:
            raise _fail(at + "medals", f"{medals()[medal].zh}已在第 {seen_medals[medal] + 1} 行",
                        f"the {medals()[medal].en} is already in row {seen_medals[medal] + 1}")
        seen_medals[medal] = index
    effect = check_effect(draft.effect, field_name=at + "effect")
    titles = [Text(t.zh.strip(), (t.en or "").strip() or t.zh.strip()) for t in draft.titles if t.zh.strip()]
    if len(titles) > MAX_TITLES or any(len(t.zh) > 100 or len(t.en) > 100 for t in titles):
        raise _fail(at + "titles", f"至多 {MAX_TITLES} 个称号，每个不超过 100 字",
                    f"at most {MAX_TITLES} titles of up to 100 characters")
    if effect is None and not titles:
        raise _fail(at + "effect", "每行须给出晋升方式或荣誉称号", "each row needs a level effect or a title")
    ranks = [draft.rank_from, draft.rank_to] if draft.rank_from is not None else None
    return {"ranks": ranks, "medals": [m for m in medals() if m in draft.medals], "effect": effect,
            "titles": [t.as_dict() for t in titles]}


def _no_overlap(rows: Sequence[dict[str, Any]]) -> None:
    ranked = sorted((row["ranks"][0], row["ranks"][1], index) for index, row in enumerate(rows) if row["ranks"])
    for (_, last, before), (first, _, index) in zip(ranked, ranked[1:], strict=False):
        if last is None or last >= first:
            raise _fail(f"rewards.{index}.rank_from", f"与第 {before + 1} 行的名次范围重叠",
                        f"overlaps the places of row {before + 1}")


def _region(by: User) -> tuple[str, str | None]:
    assert by.region_code is not None  # city and province officers have one (users' officer region constraint)
    if by.bureau_scope is BureauScope.CITY:
        return by.region_code[:2], by.region_code
    return by.region_code, None


def check_rule(draft: RuleDraft, *, by: User, today: date | None = None) -> CheckedRule:
    """Every rule of a bureau rule, field by field (`rewards.<i>.<field>` names a row's input)."""
    today = today or china_today()
    if not may_write_rules(by):
        raise Forbidden("action")
    name_zh, name_en, number = draft.name_zh.strip(), draft.name_en.strip(), draft.document_number.strip()
    for value, name, limit in ((name_zh, "name_zh", 200), (number, "document_number", 100)):
        if not value:
            raise ValidationFailed("required", field=name)
        if len(value) > limit:
            raise _fail(name, f"不超过 {limit} 字", f"at most {limit} characters")
    if len(name_en) > 200:
        raise _fail("name_en", "不超过 200 字", "at most 200 characters")
    if draft.issued_on is None:
        raise ValidationFailed("required", field="issued_on")
    if draft.issued_on > today:
        raise ValidationFailed("date_in_future", field="issued_on")
    if draft.valid_from is None:
        raise ValidationFailed("required", field="valid_from")
    if draft.valid_to is not None and draft.valid_to < draft.valid_from:
        raise ValidationFailed("dates_out_of_order", field="valid_to")
    assert by.bureau_scope is not None  # may_write_rules: a city or province officer
    allowed = BUREAU_TIERS[by.bureau_scope]
    if not draft.tiers:
        raise ValidationFailed("required", field="tiers")
    for tier in draft.tiers:
        if tier not in tiers():
            raise ValidationFailed("unknown_choice", field="tiers", what=_why("竞赛级别", "tier"), value=tier)
        if tier not in allowed:
            raise _fail("tiers", f"本级人社部门的奖励办法只适用于：{'、'.join(tiers()[t].zh for t in allowed)}",
                        f"a rule of your bureau covers only: {', '.join(tiers()[t].en for t in allowed)}")
    if draft.max_promotions_per_year is not None and not 1 <= draft.max_promotions_per_year <= MAX_PER_YEAR:
        raise _fail("max_promotions_per_year", f"须为 1 到 {MAX_PER_YEAR}，不限则留空",
                    f"1 to {MAX_PER_YEAR}, or empty for no limit")
    if not draft.rewards:
        raise _fail("rewards", "至少填写一行奖励", "enter at least one row")
    if len(draft.rewards) > MAX_ROWS:
        raise _fail("rewards", f"至多 {MAX_ROWS} 行", f"at most {MAX_ROWS} rows")
    seen: dict[str, int] = {}
    rows = [_row(index, row, seen) for index, row in enumerate(draft.rewards)]
    _no_overlap(rows)
    rows.sort(key=lambda row: (row["ranks"] is None, row["ranks"][0] if row["ranks"] else 0))
    province, city = _region(by)
    return CheckedRule(province_code=province, city_code=city, name=Text(name_zh, name_en or name_zh),
                       document_number=number, issued_on=draft.issued_on, valid_from=draft.valid_from,
                       valid_to=draft.valid_to, tiers=[t for t in tiers() if t in draft.tiers], rewards=rows,
                       max_promotions_per_year=draft.max_promotions_per_year)


# ---- writing -----------------------------------------------------------------------------------------------

def rule_snapshot(rule: CompetitionRule) -> dict[str, object]:
    return {"name_zh": rule.name_zh, "name_en": rule.name_en, "document_number": rule.document_number,
            "issued_on": rule.issued_on.isoformat(), "valid_from": rule.valid_from.isoformat(),
            "valid_to": rule.valid_to.isoformat() if rule.valid_to else None, "province": rule.province_code,
            "city": rule.city_code, "tiers": list(rule.tiers), "rewards": list(rule.rewards),
            "max_promotions_per_year": rule.max_promotions_per_year, "version": rule.version,
            "replaces_id": rule.replaces_id}


def create_rule(session: Session, draft: RuleDraft, *, by: User, today: date | None = None) -> CompetitionRule:
    checked = check_rule(draft, by=by, today=today)
    rule = CompetitionRule(**checked.columns(), version=1, created_by_id=by.id)
    session.add(rule)
    session.flush()
    record(session, actor=by, action="competition_rule.created", entity_type="competition_rule", entity_id=rule.id,
           after=rule_snapshot(rule))
    return rule


def revise_rule(session: Session, rule: CompetitionRule, draft: RuleDraft, *, by: User,
                today: date | None = None) -> CompetitionRule:
    """Change the rule in place while no result was judged under it; else add the next version, which
    governs from now on, and keep the old one (superseded) to explain what was decided under it."""
    if not may_edit_rule(by, rule):
        raise Forbidden("action")
    if not rule.is_current:
        raise Conflict("rule_superseded", rule=rule_name(rule), version=current_version(session, rule).version)
    checked = check_rule(draft, by=by, today=today)
    if not rule_in_use(session, rule):
        before = rule_snapshot(rule)
        for name, value in checked.columns().items():
            setattr(rule, name, value)
        session.flush()
        record(session, actor=by, action="competition_rule.updated", entity_type="competition_rule",
               entity_id=rule.id, before=before, after=rule_snapshot(rule))
        return rule
    closed = session.execute(update(CompetitionRule).where(CompetitionRule.id == rule.id,
                                                           CompetitionRule.superseded_at.is_(None))
                             .values(superseded_at=utcnow()).execution_options(synchronize_session=False))
    assert isinstance(closed, CursorResult)  # what an UPDATE returns (Session.execute is typed as Result)
    if closed.rowcount != 1:  # another officer revised it since it was read
        session.refresh(rule)
        raise Conflict("rule_superseded", rule=rule_name(rule), version=current_version(session, rule).version)
    session.refresh(rule)
    successor = CompetitionRule(**checked.columns(), version=rule.version + 1, replaces_id=rule.id,
                                created_by_id=by.id)
    session.add(successor)
    session.flush()
    record(session, actor=by, action="competition_rule.versioned", entity_type="competition_rule",
           entity_id=successor.id, before=rule_snapshot(rule), after=rule_snapshot(successor))
    return successor


# ---- preview -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PreviewRow:
    competition: Competition
    result: CompetitionResult
    held: str | None
    outcome: ResultOutcome  # what the draft gives
    target: str | None
    titles: tuple[Text, ...]
    governed_by: Text | None  # None: the draft would judge it once saved; else what judges it instead


@dataclass
class RulePreview:
    rows: list[PreviewRow] = field(default_factory=list)
    competitions: int = 0
    results: int = 0  # in all the matching competitions; `rows` holds at most PREVIEW_CAP of them

    @property
    def truncated(self) -> bool:
        return self.results > len(self.rows)

    @property
    def proposed(self) -> int:
        return sum(row.outcome is ResultOutcome.PROPOSED and row.governed_by is None for row in self.rows)


def _governor(session: Session, competition: Competition, draft: CheckedRule,
              replacing: CompetitionRule | None) -> Text | None:
    """What would judge the competition's results once the draft is saved: None when the draft would."""
    named = current_version(session, competition.rule) if competition.rule is not None else None
    if named is not None and replacing is not None and named.id == replacing.id:
        return None
    if named is not None and competition.tier in named.tiers:
        return rule_name(named)
    policy, _rule = governing_policy(session, competition)
    if competition.policy_id or (policy is not None and _rule is None):
        assert policy is not None  # a named shipped policy always resolves
        return policy.name
    candidates: list[RuleLike] = [rule for rule in region_rules(session, competition)
                                   if replacing is None or rule.id != replacing.id]
    chosen = pick_rule([*candidates, draft], competition)
    return None if chosen is draft else rule_name(chosen) if isinstance(chosen, CompetitionRule) else None


def preview_rule(session: Session, draft: RuleDraft, *, by: User, replacing: CompetitionRule | None = None,
                 today: date | None = None, cap: int = PREVIEW_CAP) -> RulePreview:
    """What the draft would give each result of the region's matching competitions (held in its dates, of
    its tiers), oldest competition first; nothing is written. Results judged earlier in the preview count
    toward the yearly limit of later ones, as they would when entered."""
    if replacing is not None and not may_edit_rule(by, replacing):
        raise Forbidden("action")
    checked = check_rule(draft, by=by, today=today)
    policy = checked.policy()
    place = (Competition.city_code == checked.city_code if checked.city_code
             else Competition.province_code == checked.province_code)
    statement = (select(Competition).where(place, Competition.tier.in_(checked.tiers),
                                           Competition.ends_on >= checked.valid_from)
                 .order_by(Competition.ends_on, Competition.id))
    if checked.valid_to is not None:
        statement = statement.where(Competition.ends_on <= checked.valid_to)
    preview, granted = RulePreview(), dict[int, list[date]]()
    for competition in session.scalars(statement):
        preview.competitions += 1
        preview.results += len(competition.results)
        governed_by = _governor(session, competition, checked, replacing)
        for result in competition.results:
            if len(preview.rows) >= cap:
                break
            held = current_level(session, result.worker, competition.occupation)
            prior = prior_promotions(session, result.worker_id, exclude=result.proposal.id if result.proposal else None)
            verdict = judge(result, policy, held=held, prior=[*prior, *granted.get(result.worker_id, [])])
            if verdict.target is not None and governed_by is None:
                granted.setdefault(result.worker_id, []).append(competition.ends_on)
            preview.rows.append(PreviewRow(competition, result, held, verdict.outcome, verdict.target,
                                           verdict.titles, governed_by))
    return preview

"""The campaign cities' performance evaluation (plan 五, 第三阶段): per city, each indicator's whole-campaign target
(the city's plan) against its actual (the kept tallies, from the campaign's first day to the date asked), scored by
the campaign's rule in force on that date (`ladder.campaign_scoring`, data in ladder/data/campaign-scoring.toml),
ranked among ALL the campaign's cities, with the province's and the ministry's comments.

Nothing here is stored: a score is computed for any date, and says when it was computed and from what
(`Provenance.statement`). The actuals take one `indicator_by_city` call per indicator of the rule over the whole
nation (never one per city), so a ranking costs the same for 3 cities as for 100. Who may read which city's
evaluation is the caller's question (`credentials.permissions.may_read_region`): `within` only picks the rows
returned; the ranks are always among every city of the campaign.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.campaign_scoring import CityScore, IndicatorScore, ScoringRule, rank, rule_for, score_city
from ladder.i18n import Text

from ..clock import china_now, china_today
from ..errors import NotFound, ValidationFailed
from ..models import Campaign, CampaignCity, City, CityTarget, CommentLevel, EvaluationComment, PhaseCode, Province, User
from ..models.campaigns import WHOLE_CAMPAIGN
from ..models.reference import city_display_name
from .indicators import INDICATOR_BY_CODE, Indicator, Region, covered_months, indicator_by_city

NATION = Region("")


@dataclass(frozen=True)
class Provenance:
    """When the scores were computed, from which months of tallies, under which rule."""

    computed_at: datetime  # China time
    as_of: date
    period_start: date  # the campaign's first day
    period_end: date  # `as_of`, or the campaign's last day when `as_of` is later
    covered_start: date  # the tallies are monthly: the whole months read
    covered_end: date
    rule_id: str
    rule_name: Text
    rule_valid_from: date | None

    @property
    def statement(self) -> Text:
        at = self.computed_at.strftime("%Y-%m-%d %H:%M")
        since = self.rule_valid_from.isoformat() if self.rule_valid_from else "—"
        return Text(
            f"于 {at}（北京时间）计算，依据登记簿截至 {self.period_end} 的统计数据（按月统计：{self.covered_start} 至 "
            f"{self.covered_end}；按计算时登记簿中的记录，日后补录或撤销的记录会改变结果）；评分办法 {self.rule_id}，"
            f"{since} 起施行。",
            f"Computed at {at} China time from the registry's tallies as of {self.period_end} (counted by month: "
            f"{self.covered_start} to {self.covered_end}; the records as the registry held them when computed, so "
            f"records entered or revoked later change the result); scoring rule {self.rule_id}, in force from {since}.")


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator  # its name, plain description and unit
    score: IndicatorScore  # target, actual, achievement, weights, points


@dataclass(frozen=True)
class CityEvaluation:
    campaign_city_id: int
    city_code: str
    city_name: str
    province_code: str
    province_name: str
    lines: tuple[IndicatorLine, ...]  # in the rule's order
    score: CityScore
    rank: int | None  # among every city of the campaign; None when not scored

    @property
    def targets(self) -> int:
        return sum(1 for line in self.lines if (line.score.target or 0) > 0)


@dataclass(frozen=True)
class CampaignEvaluation:
    campaign_code: str
    campaign_name: Text
    starts_on: date
    ends_on: date
    evaluation_from: date  # the evaluation phase's first day: comments are written from then on
    rule: ScoringRule
    provenance: Provenance
    cities: tuple[CityEvaluation, ...]  # those `within` the region asked: ranked first (by rank, then code), then the rest
    city_count: int  # the campaign's cities, everywhere
    scored_count: int  # how many of them are scored (and ranked)

    def indicator(self, code: str) -> Indicator:
        return INDICATOR_BY_CODE[code]


@dataclass(frozen=True)
class CommentView:
    id: int
    level: CommentLevel
    author: str  # the account's display name (a bureau's name, e.g. 江苏省人社厅)
    text: str
    created_at: datetime  # UTC, as stored


@dataclass(frozen=True)
class CityReport:
    evaluation: CampaignEvaluation  # the campaign's, holding this one city
    city: CityEvaluation
    comments: tuple[CommentView, ...]  # oldest first


def evaluation_opens_on(campaign: Campaign) -> date:
    """The first day of the campaign's evaluation phase (plan 五: 第三阶段); a campaign without one: its last phase's
    first day [U: our reading for campaigns that name their phases otherwise]."""
    phases = sorted(campaign.phases, key=lambda phase: phase.position)
    chosen = next((p for p in phases if p.code == PhaseCode.EVALUATION.value), phases[-1] if phases else None)
    return chosen.starts_on if chosen is not None else campaign.starts_on


def _campaign(session: Session, code: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        raise NotFound("record", what=Text(f"活动 {code}", f"campaign {code}"))
    return campaign


def _rule(campaign: Campaign, as_of: date, today: date) -> ScoringRule:
    if as_of < campaign.starts_on:
        raise ValidationFailed("binding", field="as_of", reason=Text(
            f"评估日期不能早于活动开始日期 {campaign.starts_on}", f"the date cannot be before the campaign began on "
            f"{campaign.starts_on}"))
    if as_of > today:
        raise ValidationFailed("date_in_future", field="as_of")
    rule = rule_for(campaign.code, on=as_of)
    if rule is None:
        raise ValidationFailed("binding", field="as_of", reason=Text(
            f"本活动在 {as_of} 没有施行中的评分办法", f"the campaign has no scoring rule in force on {as_of}"))
    return rule


def rule_indicators(rule: ScoringRule) -> list[Indicator]:
    """The rule's indicators; a code that is no indicator, or a stock (counted only as of now, so not for a past
    date), is an error in the shipped data, not the user's."""
    found = []
    for code in rule.codes:
        indicator = INDICATOR_BY_CODE.get(code)
        if indicator is None or indicator.is_stock:
            raise ValueError(f"scoring rule {rule.id}: {code!r} is {'a stock' if indicator else 'no'} indicator")
        found.append(indicator)
    return found


def _targets(session: Session, campaign: Campaign, codes: Iterable[str]) -> dict[tuple[str, str], Decimal]:
    """(city, indicator) -> the city's whole-campaign target (phase targets are the city's own milestones)."""
    return {(city, code): target for city, code, target in session.execute(
        select(CampaignCity.city_code, CityTarget.indicator_code, CityTarget.target)
        .join(CampaignCity, CampaignCity.id == CityTarget.campaign_city_id)
        .where(CampaignCity.campaign_id == campaign.id, CityTarget.phase_code == WHOLE_CAMPAIGN,
               CityTarget.indicator_code.in_(list(codes))))}


_city_name = city_display_name  # a municipality's one division is named 市辖区 in GB/T 2260; readers know 北京市


def _within(region: Region, city_code: str) -> bool:
    return region.kind == "nation" or city_code[:len(region.code)] == region.code


def evaluate_campaign(session: Session, campaign_code: str, *, as_of: date, within: Region,
                      now: datetime | None = None, today: date | None = None) -> CampaignEvaluation:
    """Every campaign city's targets, actuals (campaign start to `as_of`), score and rank; the rows of the cities
    `within` the region. Refuses a date before the campaign, after today, or with no rule in force."""
    campaign = _campaign(session, campaign_code)
    rule = _rule(campaign, as_of, today or china_today())
    indicators = rule_indicators(rule)
    end = min(as_of, campaign.ends_on)
    cities = session.execute(
        select(CampaignCity.id, CampaignCity.city_code, City.name, City.province_code, Province.name)
        .join(City, City.code == CampaignCity.city_code).join(Province, Province.code == City.province_code)
        .where(CampaignCity.campaign_id == campaign.id).order_by(CampaignCity.city_code)).all()
    targets = _targets(session, campaign, rule.codes)
    actuals = {indicator.code: dict(indicator_by_city(session, indicator.code, NATION, campaign.starts_on, end))
               for indicator in indicators}
    scores = {}
    for _id, city, *_names in cities:
        scores[city] = score_city(rule, {i.code: (actuals[i.code].get(city, None if i.is_ratio else Decimal(0)),
                                                  targets.get((city, i.code))) for i in indicators})
    ranks = rank(scores)
    rows = [CityEvaluation(campaign_city_id, city, _city_name(name, province_name), province, province_name,
                           tuple(IndicatorLine(i, scores[city].indicator(i.code)) for i in indicators), scores[city],
                           ranks.get(city))
            for campaign_city_id, city, name, province, province_name in cities if _within(within, city)]
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.city_code))
    covered = covered_months(campaign.starts_on, end)
    provenance = Provenance(china_now(now), as_of, campaign.starts_on, end, *covered, rule.id, rule.name, rule.valid_from)
    return CampaignEvaluation(campaign.code, Text(campaign.name_zh, campaign.name_en), campaign.starts_on,
                              campaign.ends_on, evaluation_opens_on(campaign), rule, provenance, tuple(rows),
                              len(cities), len(ranks))


def evaluate_city(session: Session, campaign_code: str, city_code: str, *, as_of: date, now: datetime | None = None,
                  today: date | None = None) -> CityReport:
    """One city's evaluation, its rank among ALL the campaign's cities, and the comments on it."""
    evaluation = evaluate_campaign(session, campaign_code, as_of=as_of, within=Region.of(city_code), now=now,
                                   today=today)
    city = next((row for row in evaluation.cities if row.city_code == city_code), None)
    if city is None:
        raise NotFound("record", what=Text(f"参加活动的城市 {city_code}", f"campaign city {city_code}"))
    return CityReport(evaluation, city, comments_on(session, city.campaign_city_id))


def comments_on(session: Session, campaign_city_id: int) -> tuple[CommentView, ...]:
    rows = session.execute(
        select(EvaluationComment, User.display_name).join(User, User.id == EvaluationComment.author_id)
        .where(EvaluationComment.campaign_city_id == campaign_city_id)
        .order_by(EvaluationComment.created_at, EvaluationComment.id))
    return tuple(CommentView(comment.id, comment.level, author, comment.text, comment.created_at)
                 for comment, author in rows)

"""Campaigns as each officer may see them: the campaign with its phases, its cities, and a city's plan, funds and
targets. A city officer sees their own city, a province officer the province's cities, the ministry and admins
all (`scopes.campaign_city_scope`); a campaign nobody of the officer's region takes part in is not found.
Plain, typed values; the ORM `CampaignCity` is handed out only to pass to the write services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session, selectinload

from ladder.i18n import Text

from ..models import Campaign, CampaignCity, City, CityPlan, FundingChannel, Province, User
from ..models.campaigns import WHOLE_CAMPAIGN
from ..models.reference import MUNICIPAL_DISTRICTS
from ..permissions import may_read_region
from .scopes import campaign_city_scope


@dataclass(frozen=True)
class PolicyDocument:
    """A policy document the city issued for the campaign (plan 四(二): 出台本地……意见)."""

    title: str
    number: str = ""  # 文号, e.g. 苏府发〔2013〕12号
    issued_on: date | None = None


@dataclass(frozen=True)
class Phase:
    code: str
    name: Text
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class CampaignSummary:
    code: str
    name: Text
    starts_on: date
    ends_on: date
    cities_illustrative: bool  # the shipped city list is our illustrative choice (the plan names none)
    phases: tuple[Phase, ...]

    def phase(self, code: str) -> Phase | None:
        return next((phase for phase in self.phases if phase.code == code), None)

    def phase_on(self, day: date) -> Phase | None:
        return next((phase for phase in self.phases if phase.starts_on <= day <= phase.ends_on), None)


@dataclass(frozen=True)
class CampaignCityRow:
    city_code: str
    city_name: str
    province_code: str
    has_plan: bool
    targets: int  # how many targets the city entered


@dataclass(frozen=True)
class CampaignView:
    campaign: CampaignSummary
    cities: tuple[CampaignCityRow, ...]  # those the user may see, by code
    all_cities: int  # how many take part, visible or not


@dataclass(frozen=True)
class Funding:
    channel: FundingChannel
    phase_code: str | None  # None: the whole campaign
    amount: Decimal


@dataclass(frozen=True)
class Target:
    indicator_code: str
    phase_code: str | None  # None: the whole campaign
    target: Decimal


@dataclass(frozen=True)
class CityPlanView:
    campaign: CampaignSummary
    city_code: str
    city_name: str
    leadership_group: str
    lead_department: str
    policy_documents: tuple[PolicyDocument, ...]
    updated_at: datetime | None  # of the plan record; None: no plan entered yet
    funding: tuple[Funding, ...]
    targets: tuple[Target, ...]

    def target(self, indicator_code: str, phase_code: str | None = None) -> Decimal | None:
        return next((t.target for t in self.targets if t.indicator_code == indicator_code and t.phase_code == phase_code),
                    None)


def _summary(campaign: Campaign) -> CampaignSummary:
    return CampaignSummary(campaign.code, Text(campaign.name_zh, campaign.name_en), campaign.starts_on, campaign.ends_on,
                           campaign.cities_illustrative,
                           tuple(Phase(p.code, Text(p.name_zh, p.name_en), p.starts_on, p.ends_on) for p in campaign.phases))


def _visible(statement: Select[Campaign], user: User) -> Select[Campaign]:
    """Campaigns the user may see: all for the ministry and admins, else those with a city of the user's region."""
    if may_read_region(user, ""):
        return statement
    return statement.where(select(CampaignCity.id).where(CampaignCity.campaign_id == Campaign.id,
                                                         campaign_city_scope(user)).exists())


def visible_campaigns(session: Session, user: User) -> list[CampaignSummary]:
    """The campaigns the user may see, the latest first."""
    statement = select(Campaign).options(selectinload(Campaign.phases)).order_by(Campaign.starts_on.desc(), Campaign.id)
    return [_summary(campaign) for campaign in session.scalars(_visible(statement, user))]


def _campaign(session: Session, user: User, code: str) -> Campaign | None:
    return session.scalar(_visible(select(Campaign).where(Campaign.code == code), user))


def campaign_for(session: Session, user: User, code: str) -> CampaignView | None:
    """The campaign, its phases and the cities the user may see; None when the user may not see it."""
    campaign = _campaign(session, user, code)
    if campaign is None:
        return None
    rows = session.execute(
        select(CampaignCity, case((City.name == MUNICIPAL_DISTRICTS, Province.name), else_=City.name), City.province_code)
        .join(City, City.code == CampaignCity.city_code).join(Province, Province.code == City.province_code)
        .where(CampaignCity.campaign_id == campaign.id, campaign_city_scope(user))
        .options(selectinload(CampaignCity.plan), selectinload(CampaignCity.targets))
        .order_by(CampaignCity.city_code)).all()
    cities = tuple(CampaignCityRow(city.city_code, name, province, city.plan is not None, len(city.targets))
                   for city, name, province in rows)
    return CampaignView(_summary(campaign), cities, len(campaign.cities))


def campaign_city_for(session: Session, user: User, code: str, city_code: str) -> CampaignCity | None:
    """The city's row in the campaign (to pass to the write services), when the user may see it."""
    return session.scalar(select(CampaignCity).join(Campaign, Campaign.id == CampaignCity.campaign_id)
                          .where(Campaign.code == code, CampaignCity.city_code == city_code, campaign_city_scope(user)))


def phase_or_none(code: str) -> str | None:
    """A stored phase code as readers take it: the whole campaign ("" in the tables) is None."""
    return None if code == WHOLE_CAMPAIGN else code


def city_plan(session: Session, user: User, code: str, city_code: str) -> CityPlanView | None:
    """A campaign city's plan record, funds and targets (empty until the city enters them); None when unseen."""
    campaign_city = campaign_city_for(session, user, code, city_code)
    if campaign_city is None:
        return None
    return plan_view(_summary(campaign_city.campaign), campaign_city, campaign_city.city.full_name)


def plan_view(campaign: CampaignSummary, campaign_city: CampaignCity, city_name: str) -> CityPlanView:
    """A campaign city's plan, funds and targets as pages and the API show them, from rows already loaded."""
    plan: CityPlan | None = campaign_city.plan
    documents = tuple(PolicyDocument(d["title"], d.get("number", ""),
                                     date.fromisoformat(d["issued_on"]) if d.get("issued_on") else None)
                      for d in (plan.policy_documents if plan else []))
    return CityPlanView(
        campaign, campaign_city.city_code, city_name,
        plan.leadership_group if plan else "", plan.lead_department if plan else "", documents,
        plan.updated_at if plan else None,
        tuple(Funding(f.channel, phase_or_none(f.phase_code), f.amount) for f in campaign_city.funding),
        tuple(Target(t.indicator_code, phase_or_none(t.phase_code), t.target) for t in campaign_city.targets))

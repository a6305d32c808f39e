"""A campaign as a bureau's own system reads it (app/api/campaigns.py): every city taking part, with its province,
and for each city the reader may read its plan, funds and targets; and the indicators of a region and period beside
the city's target that covers exactly that period.

Which target stands beside a value: a city's targets are each for the whole campaign or for one phase, and a
target is never prorated. So a period equal to the campaign's own dates gets the whole-campaign target, a period
equal to one phase's dates that phase's target, and any other period no target (`target_period` says which).
Provinces and the nation have no targets of their own (a sum of city targets would compare unlike periods).
Who reads what: `credentials.permissions.may_read_region`, as on the pages; the list of participating cities is
the ministry's published choice, so every reader of the campaign sees it, but only readable cities' records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ladder.i18n import Text

from ..errors import ValidationFailed
from ..models import Campaign, CampaignCity, City, Province, User
from ..models.campaigns import WHOLE_CAMPAIGN
from ..permissions import may_read_region
from .campaigns import CampaignSummary, CityPlanView, campaign_for, city_plan, phase_or_none, plan_view
from .indicators import IndicatorValue, Region, indicator_values

NATION = Text("全国", "the nation")


@dataclass(frozen=True)
class CampaignCityEntry:
    city_code: str
    city_name: str
    province_code: str
    province_name: str
    plan: CityPlanView | None  # None: the reader may not read this city's records


@dataclass(frozen=True)
class CampaignDetail:
    campaign: CampaignSummary
    cities: tuple[CampaignCityEntry, ...]  # every city taking part, by code


@dataclass(frozen=True)
class TargetPeriod:
    """Which of a city's targets measures the period: the whole campaign (phase_code ""), one phase, or none."""

    phase_code: str | None  # WHOLE_CAMPAIGN, a phase's code, or None: the period is neither

    @property
    def kind(self) -> str | None:
        if self.phase_code is None:
            return None
        return "campaign" if self.phase_code == WHOLE_CAMPAIGN else "phase"


@dataclass(frozen=True)
class IndicatorAgainstTarget:
    value: IndicatorValue
    target: Decimal | None  # the city's target for exactly this period, in the indicator's unit


@dataclass(frozen=True)
class RegionIndicators:
    campaign: CampaignSummary
    region: Region
    region_name: Text
    start: date
    end: date
    target_period: TargetPeriod
    is_campaign_city: bool
    rows: tuple[IndicatorAgainstTarget, ...]


def campaign_detail(session: Session, user: User, code: str) -> CampaignDetail | None:
    """The campaign's phases and all its cities; the plan, funds and targets of those the user may read.
    None when the user may not see the campaign. Three statements, whatever the number of cities."""
    view = campaign_for(session, user, code)
    if view is None:
        return None
    rows = session.execute(
        select(CampaignCity, City, Province).join(Campaign, Campaign.id == CampaignCity.campaign_id)
        .join(City, City.code == CampaignCity.city_code).join(Province, Province.code == City.province_code)
        .where(Campaign.code == code)
        .options(selectinload(CampaignCity.plan), selectinload(CampaignCity.funding),
                 selectinload(CampaignCity.targets))
        .order_by(CampaignCity.city_code)).all()
    cities = tuple(
        CampaignCityEntry(entry.city_code, city.full_name, province.code, province.name,
                          plan_view(view.campaign, entry, city.full_name)
                          if may_read_region(user, entry.city_code) else None)
        for entry, city, province in rows)
    return CampaignDetail(view.campaign, cities)


def target_period(campaign: CampaignSummary, start: date, end: date) -> TargetPeriod:
    """The campaign's dates: the whole-campaign targets; a phase's exact dates: that phase's; else none."""
    if (start, end) == (campaign.starts_on, campaign.ends_on):
        return TargetPeriod(WHOLE_CAMPAIGN)
    phase = next((p for p in campaign.phases if (p.starts_on, p.ends_on) == (start, end)), None)
    return TargetPeriod(phase.code if phase else None)


def region_name(session: Session, region: Region) -> Text | None:
    """The region's name; None when no such province or city is on record."""
    if region.kind == "nation":
        return NATION
    if region.kind == "province":
        name = session.scalar(select(Province.name).where(Province.code == region.code))
        return Text(name, name) if name else None
    city = session.get(City, region.code)
    return Text(city.full_name, city.full_name) if city else None


def region_indicators(session: Session, user: User, code: str, region: Region, start: date | None = None,
                      end: date | None = None) -> RegionIndicators | None:
    """Every indicator of the region over the period (by default the campaign's dates), each beside the city's
    target for exactly that period. None when the user may not see the campaign or may not read the region (the
    caller answers 404); ValidationFailed for a region that does not exist or dates out of order."""
    view = campaign_for(session, user, code)
    if view is None or not may_read_region(user, region.code):
        return None
    start, end = start or view.campaign.starts_on, end or view.campaign.ends_on
    name = region_name(session, region)
    if name is None:
        raise ValidationFailed("binding", field="region", reason=Text(
            f"没有代码为 {region.code} 的省或市", f"no province or city has the code {region.code}"))
    if end < start:
        raise ValidationFailed("dates_out_of_order", field="to")
    period = target_period(view.campaign, start, end)
    plan = city_plan(session, user, code, region.code) if region.kind == "city" else None
    values = indicator_values(session, region=region, start=start, end=end)
    rows = tuple(IndicatorAgainstTarget(value, plan.target(value.code, phase_or_none(period.phase_code))
                                        if plan is not None and period.phase_code is not None else None)
                 for value in values)
    return RegionIndicators(view.campaign, region, name, start, end, period, plan is not None, rows)

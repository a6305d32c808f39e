"""The 100-city campaign for the systems bureaus already run: campaigns, one campaign's cities with their plans
and targets, a region's indicators beside the city's target, and a city's evaluation.

Scoped as the pages are (`credentials.permissions.may_read_region`): a city officer reads their city, a province
officer the province and its cities, the ministry and admins everything; another region answers 404. Every
participating city is listed (the ministry publishes the list), but only readable cities carry their plan and
targets. Amounts, targets and indicator values are decimal strings with two places ("1234.50"), so nothing is
lost to floating point; a ratio is a percentage.
"""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask import abort
from flask_smorest import Blueprint

from credentials.models import Role
from credentials.queries.campaign_detail import (
    CampaignDetail,
    IndicatorAgainstTarget,
    RegionIndicators,
    campaign_detail,
    region_indicators,
)
from credentials.queries.campaigns import CampaignSummary, CityPlanView, visible_campaigns
from credentials.queries.indicators import Region, Unit

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from .common import Bilingual, boolean, choice, day, iso_utc, many, moment, nested, problems, string

PREFIX = "/campaigns"
blp = Blueprint("api_campaigns", __name__, description="The 100-city skills campaign: cities, plans, targets, "
                                                        "indicators and evaluation (bureaus and admins)")
READERS = (Role.BUREAU_OFFICER, Role.ADMIN)
FIRST_DAY, LAST_DAY = date(1949, 10, 1), date(2099, 12, 31)
CAMPAIGN_CODE = "skills-100-2013"
PERIOD_KINDS = ["campaign", "phase"]


# ---------------------------------------------------------------- answers

class PhaseOut(ma.Schema):
    code = string("Phase code (launch, implementation, evaluation, or a later campaign's own)", "launch")
    name = nested(Bilingual, "Name", example={"zh": "启动阶段", "en": "launch"})
    starts_on = day("First day", "2013-02-01")
    ends_on = day("Last day", "2013-04-30")


class CampaignOut(ma.Schema):
    code = string("Campaign code, used in URLs", CAMPAIGN_CODE)
    name = nested(Bilingual, "Name", example={"zh": "全国百家城市技能振兴专项活动", "en": "100-city skills campaign"})
    starts_on = day("First day", "2013-02-01")
    ends_on = day("Last day", "2014-12-31")
    cities_illustrative = boolean("The list of cities is an illustrative choice (the plan names none)", True)
    phases = many(PhaseOut, "Its phases, in order")


class CampaignList(ma.Schema):
    campaigns = many(CampaignOut, "The campaigns with a city the caller may read (all, for the ministry), latest first")


class ProvinceRef(ma.Schema):
    code = string("Two-digit province code", "32")
    name = string("Name", "江苏省")


class PolicyDocumentOut(ma.Schema):
    title = string("Title", "关于加强职业培训促进就业的实施意见")
    number = string("Document number (文号), empty when none", "苏府发〔2013〕12号")
    issued_on = day("Date of issue", "2013-03-15", null=True)


class FundingOut(ma.Schema):
    channel = string("Funding channel", "employment_fund")
    phase = string("Phase code; null: for the whole campaign", null=True)
    amount = string("Yuan, decimal string", "5000000.00")


class PlanSummaryOut(ma.Schema):
    entered = boolean("The city has entered its plan record", True)
    leadership_group = string("Leadership group (领导小组), as entered", "市技能振兴专项活动领导小组")
    lead_department = string("Lead department", "市人力资源和社会保障局")
    policy_documents = many(PolicyDocumentOut, "Policy documents the city issued for the campaign")
    updated_at = moment("Last change of the plan record (UTC); null before one is entered", null=True)
    funding = many(FundingOut, "Funds committed, per channel and phase")


class TargetOut(ma.Schema):
    indicator = string("Indicator code (see .../indicators)", "high_skilled_new")
    phase = string("Phase code; null: for the whole campaign", null=True)
    target = string("The promised value, in the indicator's unit, decimal string", "1200.00")


class CampaignCityOut(ma.Schema):
    code = string("Four-digit city code", "3205")
    name = string("Name", "苏州市")
    province = nested(ProvinceRef, "Its province")
    readable = boolean("The caller may read this city's records (plan and targets below)", True)
    plan = nested(PlanSummaryOut, "The plan summary; null when the caller may not read the city", null=True)
    targets = many(TargetOut, "Its targets; null when the caller may not read the city", null=True)


class CampaignDetailOut(CampaignOut):
    cities = many(CampaignCityOut, "Every city taking part, by code")


class RegionOut(ma.Schema):
    code = string("\"\" the nation, 2 digits a province, 4 a city", "3205")
    kind = choice(["nation", "province", "city"], "What the code names", "city")
    name = nested(Bilingual, "Name", example={"zh": "苏州市", "en": "苏州市"})
    is_campaign_city = boolean("A city taking part in this campaign (only these have targets)", True)


class TargetPeriodOut(ma.Schema):
    kind = choice(PERIOD_KINDS, "Which targets measure this period: the whole campaign's (the period is the "
                  "campaign's dates), one phase's (exactly its dates), or none (null)", "phase", null=True)
    phase = string("The phase, when kind is phase", "implementation", null=True)


class IndicatorOut(ma.Schema):
    code = string("Indicator code", "high_skilled_new")
    name = nested(Bilingual, "Name", example={"zh": "新增高技能人才", "en": "new highly skilled workers"})
    description = nested(Bilingual, "What it counts, in plain words (how revocations and moves count)",
                         example={"zh": "期间取得高级工及以上证书的人数", "en": "people certified 高级工 or above"})
    unit = choice([u.value for u in Unit], "Unit (% for a ratio)", "人")
    unit_name = nested(Bilingual, "Unit in words", example={"zh": "人", "en": "people"})
    value = string("Value, decimal string; null for a ratio whose denominator is 0", "1234.00", null=True)
    numerator = string("The count it rests on (a ratio's numerator)", "1234.00")
    denominator = string("A ratio's denominator; null for a count", null=True)
    target = string("The city's target for exactly this period (see target_period); else null", "1200.00",
                    null=True)
    covered_start = day("First day counted (periods are whole months); null: a stock, counted as of now",
                        "2013-05-01", null=True)
    covered_end = day("Last day counted; null for a stock", "2014-09-30", null=True)


# `from` and `to` (the query's own names) are Python keywords, hence from_dict.
CampaignIndicators = ma.Schema.from_dict({
    "campaign": string("Campaign code", CAMPAIGN_CODE),
    "region": nested(RegionOut, "The region read"),
    "from": day("The period read: first day asked for (default: the campaign's)", "2013-05-01"),
    "to": day("The period read: last day asked for (default: the campaign's)", "2014-09-30"),
    "target_period": nested(TargetPeriodOut, "Which of the city's targets stand beside the values"),
    "indicators": many(IndicatorOut, "Every indicator, in the campaign's order"),
}, name="CampaignIndicators")


# ---------------------------------------------------------------- arguments

def _day(key: str, description: str) -> ma.fields.Date:
    return ma.fields.Date(data_key=key, load_default=None, validate=ma.validate.Range(min=FIRST_DAY, max=LAST_DAY),
                          metadata={"description": description})


class IndicatorArgs(ma.Schema):
    region = ma.fields.String(load_default="", validate=ma.validate.Length(max=8), metadata={
        "description": "2-digit province or 4-digit city code; empty or absent: the nation"})
    start = _day("from", "First day (YYYY-MM-DD); absent: the campaign's first day")
    end = _day("to", "Last day; absent: the campaign's last day")


# ---------------------------------------------------------------- dicts

def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def phase_dicts(campaign: CampaignSummary) -> list[dict]:
    return [{"code": p.code, "name": p.name.as_dict(), "starts_on": p.starts_on.isoformat(),
             "ends_on": p.ends_on.isoformat()} for p in campaign.phases]


def campaign_dict(campaign: CampaignSummary) -> dict:
    return {"code": campaign.code, "name": campaign.name.as_dict(), "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(), "cities_illustrative": campaign.cities_illustrative,
            "phases": phase_dicts(campaign)}


def plan_dict(plan: CityPlanView) -> dict:
    return {
        "entered": plan.updated_at is not None, "leadership_group": plan.leadership_group,
        "lead_department": plan.lead_department,
        "policy_documents": [{"title": d.title, "number": d.number,
                              "issued_on": d.issued_on.isoformat() if d.issued_on else None}
                             for d in plan.policy_documents],
        "updated_at": iso_utc(plan.updated_at),
        "funding": [{"channel": f.channel.value, "phase": f.phase_code, "amount": _money(f.amount)}
                    for f in plan.funding],
    }


def detail_dict(detail: CampaignDetail) -> dict:
    cities = []
    for city in detail.cities:
        plan = city.plan
        cities.append({
            "code": city.city_code, "name": city.city_name,
            "province": {"code": city.province_code, "name": city.province_name}, "readable": plan is not None,
            "plan": plan_dict(plan) if plan is not None else None,
            "targets": [{"indicator": t.indicator_code, "phase": t.phase_code, "target": _money(t.target)}
                        for t in plan.targets] if plan is not None else None,
        })
    return {**campaign_dict(detail.campaign), "cities": cities}


def indicator_dict(row: IndicatorAgainstTarget) -> dict:
    value, indicator = row.value, row.value.indicator
    return {
        "code": indicator.code, "name": indicator.name.as_dict(), "description": indicator.description.as_dict(),
        "unit": indicator.unit.value, "unit_name": indicator.unit.label.as_dict(), "value": _money(value.value),
        "numerator": _money(value.numerator), "denominator": _money(value.denominator),
        "target": _money(row.target),
        "covered_start": value.covered_start.isoformat() if value.covered_start else None,
        "covered_end": value.covered_end.isoformat() if value.covered_end else None,
    }


def indicators_dict(found: RegionIndicators) -> dict:
    return {
        "campaign": found.campaign.code,
        "region": {"code": found.region.code, "kind": found.region.kind, "name": found.region_name.as_dict(),
                   "is_campaign_city": found.is_campaign_city},
        "from": found.start.isoformat(), "to": found.end.isoformat(),
        "target_period": {"kind": found.target_period.kind,
                          "phase": found.target_period.phase_code if found.target_period.kind == "phase" else None},
        "indicators": [indicator_dict(row) for row in found.rows],
    }


# ---------------------------------------------------------------- views

@blp.route("", methods=["GET"])
@allow(*READERS)
@blp.response(200, CampaignList)
@problems(401, 403)
def list_campaigns():
    return {"campaigns": [campaign_dict(c) for c in visible_campaigns(db.session(), current_actor())]}


@blp.route("/<code>", methods=["GET"])
@allow(*READERS)
@blp.response(200, CampaignDetailOut)
@problems(401, 403, 404)
def get_campaign(code: str):
    detail = campaign_detail(db.session(), current_actor(), code)
    if detail is None:
        abort(404)
    return detail_dict(detail)


@blp.route("/<code>/indicators", methods=["GET"])
@allow(*READERS)
@blp.arguments(IndicatorArgs, location="query")
@blp.response(200, CampaignIndicators)
@problems(401, 403, 404, 422)
@blp.doc(description="Every indicator of a region over a period (default: the whole campaign), read from the kept "
                     "tallies. For a campaign city, `target` is its target for exactly the period asked: the "
                     "whole-campaign target when from/to are the campaign's dates, a phase's target when they are "
                     "that phase's dates, else null (a target is never prorated). Another region answers 404 "
                     "(a city officer passes region=<their city>); a malformed or unknown region, or dates out of "
                     "order, 422 naming the field.")
def campaign_indicators(args: dict, code: str):
    region = Region.of(args["region"])  # a malformed code: 422 on `region`
    found = region_indicators(db.session(), current_actor(), code, region, args["start"], args["end"])
    if found is None:
        abort(404)
    return indicators_dict(found)

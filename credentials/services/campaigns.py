"""The campaign's records: the ministry creates a campaign and chooses its cities; each city enters its own plan,
funds and targets. Verb-first, actor explicit, audited, flushed and never committed.

`by=None` is the shipped data and the demo seed (no account acts); every page and API call passes the officer.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..clock import china_today
from ..errors import Forbidden, NotFound, ValidationFailed
from ..models import (
    Campaign,
    CampaignCity,
    CampaignPhase,
    City,
    CityFunding,
    CityPlan,
    CityTarget,
    FundingChannel,
    User,
    utcnow,
)
from ..models.campaigns import CODE_MAX, DEPARTMENT_MAX, NAME_MAX, WHOLE_CAMPAIGN
from ..permissions import is_observer, may_edit_city_plan, may_manage_campaigns
from ..queries.campaigns import PolicyDocument
from ..queries.indicators import Unit, get_indicator
from .audit import record

CODE = re.compile(rf"[a-z0-9][a-z0-9-]{{2,{CODE_MAX - 1}}}")
LEADERSHIP_MAX, TITLE_MAX, NUMBER_MAX, DOCUMENTS_MAX = 2000, 200, 64, 50
AMOUNT_MAX = Decimal("999999999999.99")  # Numeric(14, 2)
Entry = TypeVar("Entry", CityFunding, CityTarget)


@dataclass(frozen=True)
class PhaseSpec:
    code: str
    name_zh: str
    name_en: str
    starts_on: date
    ends_on: date


def _invalid(field: str, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed("binding", field=field, reason=Text(zh, en))


def _text(value: str | None, field: str, limit: int, *, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise ValidationFailed("required", field=field)
    if len(value) > limit:
        raise _invalid(field, f"最多 {limit} 个字", f"at most {limit} characters")
    return value


def _checked_phases(phases: Sequence[PhaseSpec], starts_on: date, ends_on: date) -> list[PhaseSpec]:
    if not phases:
        raise _invalid("phases", "至少需要一个阶段", "a campaign needs at least one phase")
    ordered = sorted((PhaseSpec(p.code, _text(p.name_zh, "phases", NAME_MAX), _text(p.name_en, "phases", NAME_MAX),
                                p.starts_on, p.ends_on) for p in phases), key=lambda phase: phase.starts_on)
    for index, phase in enumerate(ordered):
        if not CODE.fullmatch(phase.code):
            raise _invalid("phases", f"阶段代码“{phase.code}”只能由小写字母、数字和“-”组成",
                           f"phase code “{phase.code}” may hold only lower-case letters, digits and “-”")
        if phase.ends_on < phase.starts_on:
            raise ValidationFailed("dates_out_of_order", field="phases")
        if phase.starts_on < starts_on or phase.ends_on > ends_on:
            raise _invalid("phases", f"阶段“{phase.name_zh}”超出了活动的起止日期",
                           f"phase “{phase.name_en}” lies outside the campaign's dates")
        if index and phase.starts_on <= ordered[index - 1].ends_on:
            raise _invalid("phases", f"阶段“{phase.name_zh}”与上一阶段重叠",
                           f"phase “{phase.name_en}” overlaps the phase before it")
    if len({phase.code for phase in phases}) != len(phases):
        raise _invalid("phases", "阶段代码不能重复", "phase codes must differ")
    return ordered


def create_campaign(session: Session, *, code: str, name_zh: str, name_en: str, starts_on: date, ends_on: date,
                    phases: Sequence[PhaseSpec], cities_illustrative: bool = False, by: User | None) -> Campaign:
    """A new campaign with its phases (dated, in order, within the campaign); the ministry's act."""
    if by is not None and not may_manage_campaigns(by):
        raise Forbidden("action")
    code = (code or "").strip().lower()
    if not CODE.fullmatch(code):
        raise _invalid("code", "活动代码为 3 至 32 位小写字母、数字或“-”，如 skills-100-2013",
                       "a campaign code has 3 to 32 lower-case letters, digits or “-”, e.g. skills-100-2013")
    if session.scalar(select(Campaign.id).where(Campaign.code == code)) is not None:
        raise _invalid("code", f"活动代码 {code} 已被使用", f"the campaign code {code} is taken")
    names = _text(name_zh, "name_zh", NAME_MAX), _text(name_en, "name_en", NAME_MAX)
    if ends_on < starts_on:
        raise ValidationFailed("dates_out_of_order", field="ends_on")
    ordered = _checked_phases(phases, starts_on, ends_on)
    campaign = Campaign(code=code, name_zh=names[0], name_en=names[1], starts_on=starts_on, ends_on=ends_on,
                        cities_illustrative=cities_illustrative, created_by_id=by.id if by else None,
                        phases=[CampaignPhase(code=p.code, name_zh=p.name_zh, name_en=p.name_en,
                                              starts_on=p.starts_on, ends_on=p.ends_on, position=position)
                                for position, p in enumerate(ordered, start=1)])
    session.add(campaign)
    session.flush()
    record(session, actor=by, action="campaign.created", entity_type="campaign", entity_id=campaign.id,
           after=campaign_snapshot(campaign))
    return campaign


def set_campaign_cities(session: Session, campaign: Campaign, city_codes: Sequence[str], *,
                        by: User | None) -> list[CampaignCity]:
    """The campaign's cities become exactly `city_codes`; a city that entered a plan, funds or targets stays."""
    if by is not None and not may_manage_campaigns(by):
        raise Forbidden("action")
    wanted = sorted({code.strip() for code in city_codes if code and code.strip()})
    known = set(session.scalars(select(City.code).where(City.code.in_(wanted)))) if wanted else set()
    if unknown := [code for code in wanted if code not in known]:
        raise ValidationFailed("unknown_city", field="cities", city="、".join(unknown))
    current = {city.city_code: city for city in campaign.cities}
    leaving = [city for code, city in current.items() if code not in wanted]
    if busy := [city.city_code for city in leaving if city.plan is not None or city.funding or city.targets]:
        raise _invalid("cities", f"城市 {'、'.join(busy)} 已填报实施方案、资金或目标，不能移出",
                       f"cities {', '.join(busy)} have entered a plan, funds or targets and cannot leave")
    before = sorted(current)
    for city in leaving:
        campaign.cities.remove(city)
    for code in wanted:
        if code not in current:
            campaign.cities.append(CampaignCity(city_code=code))
    session.flush()
    record(session, actor=by, action="campaign.cities_set", entity_type="campaign", entity_id=campaign.id,
           before={"cities": before}, after={"cities": wanted})
    return list(campaign.cities)


def _may_edit(by: User | None, campaign_city: CampaignCity) -> None:
    if by is not None and not may_edit_city_plan(by, campaign_city.city_code):
        raise Forbidden("ministry_observes" if is_observer(by) else "action")


def update_city_plan(session: Session, campaign_city: CampaignCity, *, leadership_group: str, lead_department: str,
                     policy_documents: Sequence[PolicyDocument], by: User | None,
                     today: date | None = None) -> CityPlan:
    """The city's implementation plan record, replaced as a whole (the city's own bureau only)."""
    _may_edit(by, campaign_city)
    today = today or china_today()
    if len(policy_documents) > DOCUMENTS_MAX:
        raise _invalid("policy_documents", f"最多 {DOCUMENTS_MAX} 份文件", f"at most {DOCUMENTS_MAX} documents")
    documents = []
    for document in policy_documents:
        if document.issued_on is not None and document.issued_on > today:
            raise ValidationFailed("date_in_future", field="policy_documents")
        documents.append({"title": _text(document.title, "policy_documents", TITLE_MAX),
                          "number": _text(document.number, "policy_documents", NUMBER_MAX, required=False),
                          "issued_on": document.issued_on.isoformat() if document.issued_on else ""})
    plan = campaign_city.plan
    before = plan_snapshot(plan) if plan is not None else None
    if plan is None:
        plan = CityPlan()
        campaign_city.plan = plan
    plan.leadership_group = _text(leadership_group, "leadership_group", LEADERSHIP_MAX, required=False)
    plan.lead_department = _text(lead_department, "lead_department", DEPARTMENT_MAX, required=False)
    plan.policy_documents = documents
    plan.updated_by_id, plan.updated_at = (by.id if by else None), utcnow()
    session.flush()
    record(session, actor=by, action="campaign.plan_updated", entity_type="campaign_city", entity_id=campaign_city.id,
           before=before, after=plan_snapshot(plan))
    return plan


def _phase(campaign_city: CampaignCity, phase_code: str | None) -> str:
    if not phase_code:
        return WHOLE_CAMPAIGN
    if phase_code not in {phase.code for phase in campaign_city.campaign.phases}:
        raise _invalid("phase_code", f"本活动没有阶段“{phase_code}”", f"the campaign has no phase “{phase_code}”")
    return phase_code


def _amount(value: Decimal | str | int | None, field: str, *, maximum: Decimal = AMOUNT_MAX) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise _invalid(field, "请填写数字", "enter a number") from None
    if not amount.is_finite() or amount < 0 or amount > maximum or amount != amount.quantize(Decimal("0.01")):
        raise _invalid(field, f"须为 0 到 {maximum} 之间、至多两位小数的数", f"enter a number from 0 to {maximum} "
                       "with at most two decimals")
    return amount


def set_city_funding(session: Session, campaign_city: CampaignCity, *, channel: FundingChannel | str,
                     amount: Decimal | str | int | None, phase_code: str | None = None,
                     by: User | None) -> CityFunding | None:
    """Funds committed through one channel (yuan) for a phase or the whole campaign; None removes the entry."""
    _may_edit(by, campaign_city)
    try:
        channel = FundingChannel(channel)
    except ValueError:
        raise ValidationFailed("unknown_choice", field="channel", what=Text("资金渠道", "funding channel"),
                               value=str(channel)) from None
    phase, value = _phase(campaign_city, phase_code), _amount(amount, "amount")
    entry = next((f for f in campaign_city.funding if f.channel is channel and f.phase_code == phase), None)
    return _write(session, campaign_city, campaign_city.funding, entry, value, by=by, column="amount",
                  key={"channel": channel.value, "phase": phase},
                  make=lambda: CityFunding(channel=channel, phase_code=phase, amount=value))


def set_city_target(session: Session, campaign_city: CampaignCity, *, indicator_code: str,
                    target: Decimal | str | int | None, phase_code: str | None = None,
                    by: User | None) -> CityTarget | None:
    """What the city promises for one indicator, in its unit, for a phase or the whole campaign; None removes it."""
    _may_edit(by, campaign_city)
    try:
        indicator = get_indicator(indicator_code)
    except NotFound:
        raise ValidationFailed("unknown_choice", field="indicator_code", what=Text("指标", "indicator"),
                               value=indicator_code) from None
    maximum = Decimal(100) if indicator.unit is Unit.PERCENT else AMOUNT_MAX
    phase, value = _phase(campaign_city, phase_code), _amount(target, "target", maximum=maximum)
    entry = next((t for t in campaign_city.targets if t.indicator_code == indicator.code and t.phase_code == phase),
                 None)
    return _write(session, campaign_city, campaign_city.targets, entry, value, by=by, column="target",
                  key={"indicator": indicator.code, "phase": phase},
                  make=lambda: CityTarget(indicator_code=indicator.code, phase_code=phase, target=value))


def _write(session: Session, campaign_city: CampaignCity, collection: list[Entry], entry: Entry | None,
           value: Decimal | None, *, by: User | None, column: str, key: dict[str, str],
           make: Callable[[], Entry]) -> Entry | None:
    """Create, change or (value None) remove one funding or target entry, audited with what it was."""
    kind = "funding" if column == "amount" else "target"
    before = {**key, column: str(getattr(entry, column))} if entry is not None else None
    if value is None:
        if entry is not None:
            collection.remove(entry)
        entry = None
    elif entry is None:
        entry = make()
        collection.append(entry)
    else:
        setattr(entry, column, value)
    if entry is not None:
        entry.updated_by_id, entry.updated_at = (by.id if by else None), utcnow()
    session.flush()
    record(session, actor=by, action=f"campaign.{kind}_set", entity_type="campaign_city", entity_id=campaign_city.id,
           before=before, after={**key, column: str(value)} if value is not None else None)
    return entry


def campaign_snapshot(campaign: Campaign) -> dict[str, Any]:
    return {"code": campaign.code, "name": [campaign.name_zh, campaign.name_en],
            "starts_on": campaign.starts_on.isoformat(), "ends_on": campaign.ends_on.isoformat(),
            "cities_illustrative": campaign.cities_illustrative,
            "phases": [{"code": p.code, "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat()}
                       for p in campaign.phases]}


def plan_snapshot(plan: CityPlan) -> dict[str, Any]:
    return {"leadership_group": plan.leadership_group, "lead_department": plan.lead_department,
            "policy_documents": list(plan.policy_documents)}


def load_shipped_campaigns(session: Session) -> int:
    """Create the campaigns of credentials/data/campaigns.toml that are not there yet (with their cities);
    never changes one already there (the ministry may have edited it). Returns how many were created."""
    text = resources.files("credentials").joinpath("data", "campaigns.toml").read_text(encoding="utf-8")
    created = 0
    for spec in tomllib.loads(text)["campaign"]:
        if session.scalar(select(Campaign.id).where(Campaign.code == spec["code"])) is not None:
            continue
        campaign = create_campaign(
            session, code=spec["code"], name_zh=spec["name_zh"], name_en=spec["name_en"], starts_on=spec["starts_on"],
            ends_on=spec["ends_on"], cities_illustrative=spec.get("cities_illustrative", False), by=None,
            phases=[PhaseSpec(p["code"], p["name_zh"], p["name_en"], p["starts_on"], p["ends_on"]) for p in spec["phases"]])
        if spec.get("cities") == "campaign-cities":
            set_campaign_cities(session, campaign, list(session.scalars(select(City.code).where(City.is_campaign_city))),
                                by=None)
        created += 1
    return created

"""The demo's campaign page for Suzhou (苏州市, a city of the shipped 2013-2014 campaign): its implementation plan
record, funds by channel and a few targets, entered by the Suzhou bureau as a city enters its own. The figures
are illustrative and sized to the demo's handful of workers; the document numbers say 演示 (demo)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Campaign, CampaignCity, FundingChannel, User
from ..queries.campaigns import PolicyDocument
from ..services.campaigns import set_city_funding, set_city_target, update_city_plan

DEMO_CAMPAIGN = "skills-100-2013"
FUNDS = ((FundingChannel.EMPLOYMENT_FUND, "30000000"), (FundingChannel.HIGH_SKILL_FUND, "8000000"),
         (FundingChannel.EDUCATION_SURCHARGE, "5000000"), (FundingChannel.ENTERPRISE_FUND, "12000000"))
TARGETS = (("certificates_issued", None, "5"), ("certificates_issued", "implementation", "4"),
           ("new_high_skilled", None, "2"), ("trainees", None, "3"), ("appraisal_sittings", None, "5"),
           ("pass_rate", None, "85"), ("high_skilled_share", None, "60"))


def seed_campaign_city(session: Session, *, city_code: str = "3205", officer: str = "suzhou-hrss") -> bool:
    """Enter the city's plan, funds and targets; False when the campaign or the city is not there."""
    by = session.scalar(select(User).where(User.username == officer))
    city = session.scalar(select(CampaignCity).join(Campaign).where(Campaign.code == DEMO_CAMPAIGN,
                                                                  CampaignCity.city_code == city_code))
    if by is None or city is None:
        return False
    update_city_plan(
        session, city, by=by, lead_department="苏州市人力资源和社会保障局",
        leadership_group="苏州市技能振兴专项活动工作领导小组：分管副市长任组长，市人社局、财政局、发改委、教育局、"
                         "经信委、总工会为成员单位，办公室设在市人社局职业能力建设处",
        policy_documents=[
            PolicyDocument("关于加强职业培训促进就业的实施意见", "演示〔2013〕1号", date(2013, 3, 28)),
            PolicyDocument("苏州市技能振兴专项活动实施方案", "演示〔2013〕2号", date(2013, 4, 15)),
            PolicyDocument("苏州市高技能人才振兴计划（2013—2014年）", "演示〔2013〕3号", date(2013, 6, 3))])
    for channel, amount in FUNDS:
        set_city_funding(session, city, channel=channel, amount=Decimal(amount), by=by)
    for indicator, phase, target in TARGETS:
        set_city_target(session, city, indicator_code=indicator, phase_code=phase, target=Decimal(target), by=by)
    return True

"""A campaign of four cities with its officers (city, a neighbouring city, the province, the ministry) and an
institution's clerk, for the campaign plan and campaign creation pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials.models import Campaign, CampaignCity
from credentials.services.campaigns import PhaseSpec, create_campaign, set_campaign_cities, set_city_target

CODE = "skills-100-2013"
PLAN = f"/bureau/campaigns/{CODE}/cities/3205/plan"
PHASES = [PhaseSpec("launch", "启动阶段", "Launch", date(2013, 2, 1), date(2013, 4, 30)),
          PhaseSpec("implementation", "全面实施阶段", "Implementation", date(2013, 5, 1), date(2014, 9, 30)),
          PhaseSpec("evaluation", "绩效评估阶段", "Performance evaluation", date(2014, 10, 1), date(2014, 12, 31))]


@pytest.fixture
def officers(make_user, make_institution):
    return {"city": make_user("bureau_officer", scope="city", region="3205"),
            "wuxi": make_user("bureau_officer", scope="city", region="3202"),
            "province": make_user("bureau_officer", scope="province", region="32"),
            "ministry": make_user("bureau_officer", scope="ministry"),
            "staff": make_user("institution_staff")}


@pytest.fixture
def campaign(officers):
    """The 2013-2014 campaign with four cities (Suzhou, Wuxi, Shanghai, Guangzhou); Guangzhou has a target."""
    session = db.session()
    found = create_campaign(session, code=CODE, name_zh="全国百家城市技能振兴专项活动", name_en="100-City Campaign",
                            starts_on=date(2013, 2, 1), ends_on=date(2014, 12, 31), phases=PHASES,
                            cities_illustrative=True, by=None)
    set_campaign_cities(session, found, ["3205", "3202", "3101", "4401"], by=None)
    guangzhou = next(city for city in found.cities if city.city_code == "4401")
    set_city_target(session, guangzhou, indicator_code="trainees", target=Decimal(900), by=None)
    db.session.commit()
    return found


@pytest.fixture
def as_officer(client, login, officers, campaign):
    def sign_in(who: str):
        login(client, officers[who])
        return client
    return sign_in


def suzhou() -> CampaignCity:
    db.session.expire_all()
    return db.session.scalar(select(CampaignCity).join(Campaign).where(Campaign.code == CODE,
                                                                        CampaignCity.city_code == "3205"))


def cell(indicator: str, phase: str | None) -> str:
    return f"target-{indicator}-" + (f"phase-{phase}" if phase else "campaign")


def fund(channel: str, phase: str | None) -> str:
    return f"funding-{channel}-" + (f"phase-{phase}" if phase else "campaign")

"""A small campaign for the evaluation tests, built by hand through the real services on the campaign fixtures'
registry (tests/campaign_fixtures.py): the shipped 2013-2014 campaign with four cities — Suzhou and Wuxi with
targets and records, Nanjing with one target only (not scored), Hangzhou (Zhejiang) with targets and nothing done.

Under the shipped rule (ladder/data/campaign-scoring.toml) on 2014-12-31:
- Suzhou 3205: trainees 2/2, sittings 2/2, pass rate 50/80, certificates 2/2, new high-skilled 1/1; five targets, the
  weights 20+10+10+15+20 = 75 scaled to 100: 26.67 + 13.33 + 8.33 + 20.00 + 26.67 = 95.0, 优秀, rank 1;
- Wuxi 3202: trainees 1/1, certificates 1/2, new high-skilled 0/1; weights 55 scaled: 36.36 + 13.64 + 0 = 50.0, rank 2;
- Hangzhou 3301: three targets, nothing done: 0.0, rank 3; Nanjing 3201: one target, not scored.
On 2013-06-30 Suzhou has 45.0 and Wuxi and Hangzhou tie at 0.0 (rank 2, 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from credentials.models import Campaign, CampaignCity, User
from credentials.services.campaigns import load_shipped_campaigns, set_campaign_cities, set_city_target

CODE = "skills-100-2013"
END, EARLY = date(2014, 12, 31), date(2013, 6, 30)
TARGETS = {
    "3205": {"trainees": 2, "appraisal_sittings": 2, "pass_rate": 80, "certificates_issued": 2, "new_high_skilled": 1},
    "3202": {"trainees": 1, "certificates_issued": 2, "new_high_skilled": 1},
    "3201": {"trainees": 4},
    "3301": {"trainees": 1, "certificates_issued": 1, "new_high_skilled": 1},
}


@dataclass
class Evaluated:
    campaign: Campaign
    ministry: User
    province: User  # Jiangsu (32)
    city: User  # Suzhou (3205)
    zhejiang: User  # Zhejiang's province officer (33)

    def city_row(self, code: str) -> CampaignCity:
        return next(city for city in self.campaign.cities if city.city_code == code)


def build(registry, make_user) -> Evaluated:
    """The campaign, its four cities, their targets and the records behind Suzhou's and Wuxi's actuals."""
    load_shipped_campaigns(db.session())
    campaign = db.session.scalar(select(Campaign).where(Campaign.code == CODE))
    set_campaign_cities(db.session(), campaign, list(TARGETS), by=registry.ministry)
    for city_code, targets in TARGETS.items():
        city = next(c for c in campaign.cities if c.city_code == city_code)
        for indicator, target in targets.items():
            set_city_target(db.session(), city, indicator_code=indicator, target=Decimal(target), by=None)
    wuxi = next(c for c in campaign.cities if c.city_code == "3202")
    # a phase target is the city's own milestone: the evaluation reads the whole-campaign ones only
    set_city_target(db.session(), wuxi, indicator_code="certificates_issued", target=Decimal(100),
                    phase_code="implementation", by=None)
    db.session.commit()

    trainee, candidate = registry.worker("李学员"), registry.worker("钱考生", worked_since=date(2005, 1, 1))
    registry.training(trainee, date(2013, 3, 10))
    registry.training(trainee, date(2014, 6, 1), level="intermediate")
    registry.sitting(candidate, date(2013, 5, 5), passed=False)
    registry.sitting(candidate, date(2013, 6, 5), passed=True)  # its junior certificate: Suzhou, June 2013
    registry.certificate(registry.worker("孙高级"), "senior", date(2014, 3, 1))
    wuxi_worker = registry.worker("周无锡", city_code="3202")
    registry.training(wuxi_worker, date(2013, 7, 1), at=registry.wuxi)
    registry.certificate(wuxi_worker, "junior", date(2013, 8, 1), at=registry.wuxi)
    return Evaluated(campaign, registry.ministry, registry.province, registry.city,
                     make_user("bureau_officer", scope="province", region="33"))

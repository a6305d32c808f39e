"""The bureau officer's pages: counts of the officer's region, what is waiting, the exports of the region."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from credentials.models import User
from tests.web.html import sheet_rows


def glance_values(html: str) -> dict[str, str]:
    card = html.split('id="campaign-glance"')[1].split("</section>")[0]
    return dict(re.findall(r'<div data-indicator="(\w+)" data-value="([^"]*)"', card))


@pytest.fixture
def two_cities(make_institution, make_worker, make_certificate):
    school = make_institution()
    suzhou, nanjing = make_worker("苏人"), make_worker("宁人", city_code="3201", area="320102")
    make_certificate(suzhou, school, level="junior", issued_on=date(2015, 1, 1))
    make_certificate(suzhou, school, level="senior", issued_on=date(2019, 1, 1))
    make_certificate(nanjing, school, level="senior", issued_on=date(2020, 1, 1))
    make_certificate(make_worker("深人", city_code="4403", area="440305"), school, level="technician")


@pytest.mark.parametrize(("scope", "region", "certificates"), [
    # counted where they were issued: the one college is in Suzhou, whoever holds them
    ("city", "3205", "4.00"), ("city", "3201", "0.00"), ("province", "32", "4.00"), ("ministry", None, "4.00"),
])
def test_bureau_home_shows_the_campaign_at_a_glance_for_the_officers_region(client, login, make_user, two_cities,
                                                                           scope, region, certificates):
    from app.extensions import db
    from app.web.bureau.campaign_dashboards import GLANCE
    from credentials.queries.indicators import Region, indicator_values
    from credentials.services.campaigns import PhaseSpec, create_campaign, set_campaign_cities

    campaign = create_campaign(db.session(), code="glance-2015", name_zh="测试活动", name_en="Test", by=None,
                               starts_on=date(2015, 1, 1), ends_on=date(2020, 12, 31),
                               phases=[PhaseSpec("all", "全程", "All", date(2015, 1, 1), date(2020, 12, 31))])
    set_campaign_cities(db.session(), campaign, ["3205", "3201", "4403"], by=None)
    db.session.commit()
    login(client, make_user("bureau_officer", scope=scope, region=region))

    html = client.get("/bureau/").text

    values = indicator_values(db.session(), region=Region.of(region), start=date(2015, 1, 1), end=date(2020, 12, 31),
                              codes=GLANCE)
    assert glance_values(html) == {v.code: "" if v.value is None else str(v.value) for v in values}
    assert glance_values(html)["certificates_issued"] == certificates
    assert 'href="/bureau/campaign"' in html


def test_province_officer_sees_both_cities_certificates(client, login, make_user, two_cities):
    login(client, make_user("bureau_officer", scope="province", region="32"))

    html = client.get("/bureau/certificates").text

    assert "苏人" in html and "宁人" in html and "深人" not in html
    assert "江苏" in client.get("/bureau/").text



def test_bureau_home_opens_with_what_is_waiting_for_the_officer(client, login, make_user, db, vault):
    from credentials.demo.seed import seed_demo

    seed_demo(db.session(), vault)
    db.session.commit()
    officer = db.session.scalar(select(User).where(User.username == "suzhou-hrss"))
    client.post("/login", data={"account": "suzhou-hrss", "password": "ladder-demo-2024"})

    html = client.get("/bureau/").text

    waiting = html.split('id="waiting"')[1].split("</section>")[0]
    assert "等待您处理" in waiting and "/bureau/queue" in waiting
    assert waiting.count('class="timeline__item"') >= 1, "the demo has a city-stage nomination waiting"
    assert officer.region_code == "3205"



def test_a_city_officer_exports_exactly_the_certificates_of_the_city(client, login, make_user, two_cities):
    login(client, make_user("bureau_officer", scope="city", region="3205"))

    rows = sheet_rows(client.get("/bureau/certificates.xlsx"))

    assert rows[0][:3] == ("证书编号", "姓名", "身份证号")
    assert sorted(row[1] for row in rows[1:]) == ["苏人", "苏人"]
    assert all("*" in row[2] for row in rows[1:]), "IDs leave the registry masked"

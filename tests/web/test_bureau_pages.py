"""The bureau officer's pages: counts of the officer's region, what is waiting, the exports of the region."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from credentials.models import User
from tests.web.html import sheet_rows


def level_cells(html: str) -> dict[str, int]:
    return {code: int(count) for code, count in
            re.findall(r'<tr data-level="(\w+)"><td>[^<]+</td><td>(\d+)</td>', html)}


@pytest.fixture
def two_cities(make_institution, make_worker, make_certificate):
    school = make_institution()
    suzhou, nanjing = make_worker("苏人"), make_worker("宁人", city_code="3201", area="320102")
    make_certificate(suzhou, school, level="junior", issued_on=date(2015, 1, 1))
    make_certificate(suzhou, school, level="senior", issued_on=date(2019, 1, 1))
    make_certificate(nanjing, school, level="senior", issued_on=date(2020, 1, 1))
    make_certificate(make_worker("深人", city_code="4403", area="440305"), school, level="technician")


@pytest.mark.parametrize(("scope", "region", "workers", "counts"), [
    ("city", "3205", 1, {"junior": 1, "senior": 1}),
    ("province", "32", 2, {"junior": 1, "senior": 2}),
    ("ministry", None, 3, {"junior": 1, "senior": 2, "technician": 1}),
])
def test_bureau_home_counts_match_the_officers_region(client, login, make_user, two_cities,
                                                      scope, region, workers, counts):
    login(client, make_user("bureau_officer", scope=scope, region=region))

    html = client.get("/bureau/").text

    expected = {"junior": 0, "intermediate": 0, "senior": 0, "technician": 0, "senior_technician": 0} | counts
    assert level_cells(html) == expected
    assert f'id="stat-workers">{workers}<' in html
    assert f'id="stat-certificates">{sum(counts.values())}<' in html


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

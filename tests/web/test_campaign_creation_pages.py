"""The ministry's campaigns through the pages: creating a campaign with its own phases (refusals keep what was
typed), choosing its cities with the picker and the boxes, and the pages no one else has."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from credentials.models import Campaign
from tests.campaign_plan_fixtures import CODE
from tests.web.html import field_error, rows


def test_the_ministry_creates_a_campaign_with_its_own_phases(as_officer):
    client = as_officer("ministry")
    form = client.get("/bureau/campaigns/new").text
    assert [f'name="phases-{i}-code" type="text" value="{code}"' in form
            for i, code in enumerate(("launch", "implementation", "evaluation"))] == [True, True, True]
    response = client.post("/bureau/campaigns/new", data={
        "code": "skills-2025", "name_zh": "2025 年技能振兴专项活动", "name_en": "2025 Skills Campaign",
        "starts_on": "2025-01-01", "ends_on": "2026-12-31",
        "phases-0-code": "launch", "phases-0-name_zh": "启动", "phases-0-name_en": "Launch",
        "phases-0-starts_on": "2025-01-01", "phases-0-ends_on": "2025-03-31",
        "phases-1-code": "delivery", "phases-1-name_zh": "实施", "phases-1-name_en": "Delivery",
        "phases-1-starts_on": "2025-04-01", "phases-1-ends_on": "2026-12-31",
        "phases-2-code": "", "phases-2-name_zh": "", "phases-2-name_en": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/bureau/campaigns/skills-2025/cities")
    created = db.session.scalar(select(Campaign).where(Campaign.code == "skills-2025"))
    assert [p.code for p in created.phases] == ["launch", "delivery"] and not created.cities_illustrative
    page = client.get("/bureau/campaigns/skills-2025/cities").text
    assert "已建立专项活动“2025 年技能振兴专项活动”" in page and 'id="illustrative"' not in page


def test_a_refused_campaign_keeps_what_was_typed(as_officer):
    client = as_officer("ministry")
    response = client.post("/bureau/campaigns/new", data={
        "code": "Skills 2025", "name_zh": "2025 年活动", "name_en": "2025", "starts_on": "2025-01-01",
        "ends_on": "2025-12-31", "phases-0-code": "launch", "phases-0-name_zh": "启动", "phases-0-name_en": "Launch",
        "phases-0-starts_on": "2025-01-01", "phases-0-ends_on": "2025-06-30"})
    assert response.status_code == 422
    assert "小写字母" in field_error(response.text, "code") and 'value="Skills 2025"' in response.text
    overlapping = client.post("/bureau/campaigns/new", data={
        "code": "skills-2025", "name_zh": "2025 年活动", "name_en": "2025", "starts_on": "2025-01-01",
        "ends_on": "2025-12-31", "phases-0-code": "a1", "phases-0-name_zh": "一", "phases-0-name_en": "One",
        "phases-0-starts_on": "2025-01-01", "phases-0-ends_on": "2025-06-30", "phases-1-code": "b2",
        "phases-1-name_zh": "二", "phases-1-name_en": "Two", "phases-1-starts_on": "2025-06-01",
        "phases-1-ends_on": "2025-12-31", "phases-2-code": "c3"})
    assert overlapping.status_code == 422
    assert field_error(overlapping.text, "phases-2-starts_on") == "必填"  # a half-filled row
    assert 'value="b2"' in overlapping.text
    assert db.session.scalar(select(Campaign).where(Campaign.code == "skills-2025")) is None


def test_only_the_ministry_has_the_new_campaign_page(as_officer, client, login, officers):
    assert as_officer("province").get("/bureau/campaigns/new").status_code == 404
    login(client, officers["city"])
    assert client.post("/bureau/campaigns/new", data={"code": "x-city"}).status_code == 404


def test_the_ministry_chooses_the_cities_with_the_picker_and_the_boxes(as_officer):
    client = as_officer("ministry")
    page = client.get(f"/bureau/campaigns/{CODE}/cities").text
    assert 'id="illustrative"' in page and 'data-picker="city"' in page
    listed = rows(page, "campaign-cities")
    assert len(listed) == 4 and any("上海市" in r and "3101" in r for r in listed)
    assert any("广州市" in r and "广东省" in r for r in listed)
    response = client.post(f"/bureau/campaigns/{CODE}/cities", data={
        "cities": ["3205", "3202", "4401"], "add": "3201 南京市, 杭州"})
    assert response.status_code == 302
    db.session.expire_all()
    chosen = db.session.scalar(select(Campaign).where(Campaign.code == CODE))
    assert [c.city_code for c in chosen.cities] == ["3201", "3202", "3205", "3301", "4401"]  # Shanghai left
    assert "已保存参与城市：共 5 个" in client.get(f"/bureau/campaigns/{CODE}/cities").text


def test_an_unknown_city_or_one_that_entered_targets_cannot_be_chosen_away(as_officer):
    client = as_officer("ministry")
    unknown = client.post(f"/bureau/campaigns/{CODE}/cities", data={"cities": ["3205", "4401"], "add": "火星 无锡"})
    assert unknown.status_code == 422
    assert "火星" in field_error(unknown.text, "add") and 'value="火星 无锡"' in unknown.text
    leaving = client.post(f"/bureau/campaigns/{CODE}/cities", data={"cities": ["3205"]})
    assert leaving.status_code == 422 and "4401" in field_error(leaving.text, "cities")
    db.session.expire_all()
    assert len(db.session.scalar(select(Campaign).where(Campaign.code == CODE)).cities) == 4

"""The campaign: the shipped 2013-2014 campaign, the ministry's campaigns and cities, each city's own plan, funds
and targets, and who sees what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from credentials import Forbidden, ValidationFailed
from credentials.models import AuditEvent, Campaign, City, FundingChannel
from credentials.permissions import may_edit_city_plan, may_manage_campaigns, may_read_region
from credentials.queries.campaigns import PolicyDocument, campaign_city_for, campaign_for, city_plan, visible_campaigns
from credentials.services.campaigns import (
    PhaseSpec,
    create_campaign,
    load_shipped_campaigns,
    set_campaign_cities,
    set_city_funding,
    set_city_target,
    update_city_plan,
)
from credentials.services.reference import load_reference_data

SHIPPED = "skills-100-2013"
PHASES = [PhaseSpec("launch", "启动阶段", "Launch", date(2025, 1, 1), date(2025, 3, 31)),
          PhaseSpec("implementation", "实施阶段", "Implementation", date(2025, 4, 1), date(2025, 12, 31))]


@pytest.fixture
def shipped(registry):
    load_shipped_campaigns(db.session())
    db.session.commit()
    return db.session.scalar(select(Campaign).where(Campaign.code == SHIPPED))


def suzhou_of(campaign):
    return next(city for city in campaign.cities if city.city_code == "3205")


# ---- the shipped campaign ------------------------------------------------------------------------------

def test_the_shipped_campaign_has_the_plans_three_phases_and_its_illustrative_cities(shipped):
    assert (shipped.name_zh, shipped.starts_on, shipped.ends_on) == ("全国百家城市技能振兴专项活动", date(2013, 2, 1),
                                                                     date(2014, 12, 31))
    assert [(p.code, p.starts_on, p.ends_on) for p in shipped.phases] == [
        ("launch", date(2013, 2, 1), date(2013, 4, 30)),
        ("implementation", date(2013, 5, 1), date(2014, 9, 30)),
        ("evaluation", date(2014, 10, 1), date(2014, 12, 31))]
    flagged = set(db.session.scalars(select(City.code).where(City.is_campaign_city)))
    assert {c.city_code for c in shipped.cities} == flagged and len(flagged) == 100
    assert shipped.cities_illustrative and shipped.created_by_id is None


def test_loading_the_reference_data_again_changes_no_campaign(shipped, registry):
    update_city_plan(db.session(), suzhou_of(shipped), leadership_group="领导小组", lead_department="市人社局",
                     policy_documents=[], by=None)
    db.session.commit()

    again = load_reference_data(db.session())
    db.session.commit()

    assert again.campaigns == 0
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1
    assert city_plan(db.session(), registry.ministry, SHIPPED, "3205").lead_department == "市人社局"


# ---- the ministry's campaigns --------------------------------------------------------------------------

def test_only_the_ministry_creates_a_campaign_and_it_is_audited(registry):
    for officer in (registry.city, registry.province, registry.clerk):
        with pytest.raises(Forbidden):
            create_campaign(db.session(), code="skills-2025", name_zh="技能振兴", name_en="Skills", starts_on=date(2025, 1, 1),
                            ends_on=date(2025, 12, 31), phases=PHASES, by=officer)
    campaign = create_campaign(db.session(), code="Skills-2025", name_zh=" 技能振兴 ", name_en="Skills",
                               starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31), phases=PHASES, by=registry.ministry)
    db.session.commit()

    assert (campaign.code, campaign.name_zh, [p.position for p in campaign.phases]) == ("skills-2025", "技能振兴", [1, 2])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.created"))
    assert event.actor_id == registry.ministry.id and event.after["code"] == "skills-2025"


@pytest.mark.parametrize(("change", "field"), [
    ({"code": "x"}, "code"),
    ({"ends_on": date(2024, 12, 31)}, "ends_on"),
    ({"phases": []}, "phases"),
    ({"phases": [PHASES[0], PhaseSpec("late", "后期", "Late", date(2025, 3, 1), date(2026, 1, 31))]}, "phases"),
    ({"phases": [PHASES[1], PhaseSpec("overlap", "重叠", "Overlap", date(2025, 6, 1), date(2025, 7, 1))]}, "phases"),
    ({"phases": [PHASES[0], PhaseSpec("launch", "再启动", "Again", date(2025, 4, 1), date(2025, 5, 1))]}, "phases"),
    ({"name_en": ""}, "name_en"),
])
def test_a_campaign_with_bad_codes_dates_or_phases_is_refused(registry, change, field):
    fields = {"code": "skills-2025", "name_zh": "技能振兴", "name_en": "Skills", "starts_on": date(2025, 1, 1),
              "ends_on": date(2025, 12, 31), "phases": PHASES, **change}
    with pytest.raises(ValidationFailed) as refused:
        create_campaign(db.session(), by=registry.ministry, **fields)
    assert refused.value.field == field and refused.value.message("en")


def test_a_taken_code_is_refused(shipped, registry):
    with pytest.raises(ValidationFailed, match="skills-100-2013"):
        create_campaign(db.session(), code=SHIPPED, name_zh="再来", name_en="Again", starts_on=date(2025, 1, 1),
                        ends_on=date(2025, 12, 31), phases=PHASES, by=registry.ministry)


def test_the_ministry_chooses_the_cities_and_a_city_with_a_plan_stays(shipped, registry):
    with pytest.raises(Forbidden):
        set_campaign_cities(db.session(), shipped, ["3205"], by=registry.province)
    with pytest.raises(ValidationFailed):
        set_campaign_cities(db.session(), shipped, ["3205", "9999"], by=registry.ministry)
    set_city_target(db.session(), suzhou_of(shipped), indicator_code="trainees", target=10, by=registry.city)
    with pytest.raises(ValidationFailed, match="3205"):
        set_campaign_cities(db.session(), shipped, ["3202"], by=registry.ministry)

    cities = set_campaign_cities(db.session(), shipped, ["3205", "3202", "1101"], by=registry.ministry)
    db.session.commit()
    assert sorted(c.city_code for c in cities) == ["1101", "3202", "3205"]


# ---- each city's own plan, funds and targets ------------------------------------------------------------

def test_a_city_enters_its_own_plan_and_nobody_else_does(shipped, registry):
    suzhou = suzhou_of(shipped)
    for officer, code in ((registry.wuxi_city, "action"), (registry.province, "action"),
                          (registry.ministry, "ministry_observes"), (registry.clerk, "action")):
        with pytest.raises(Forbidden) as refused:
            update_city_plan(db.session(), suzhou, leadership_group="x", lead_department="y", policy_documents=[],
                             by=officer)
        assert refused.value.code == code
    plan = update_city_plan(db.session(), suzhou, leadership_group="市技能振兴领导小组", lead_department="苏州市人社局",
                            policy_documents=[PolicyDocument("实施方案", "苏人社发〔2013〕1号", date(2013, 4, 1)),
                                              PolicyDocument("培训意见")], by=registry.city)
    db.session.commit()

    assert plan.policy_documents == [{"title": "实施方案", "number": "苏人社发〔2013〕1号", "issued_on": "2013-04-01"},
                                     {"title": "培训意见", "number": "", "issued_on": ""}]
    view = city_plan(db.session(), registry.province, SHIPPED, "3205")
    assert view.policy_documents[0] == PolicyDocument("实施方案", "苏人社发〔2013〕1号", date(2013, 4, 1))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.plan_updated")).actor_id == \
        registry.city.id


def test_a_plan_refuses_a_document_without_title_or_dated_in_the_future(shipped, registry):
    for document in (PolicyDocument(" "), PolicyDocument("方案", issued_on=date(2030, 1, 1))):
        with pytest.raises(ValidationFailed):
            update_city_plan(db.session(), suzhou_of(shipped), leadership_group="", lead_department="",
                             policy_documents=[document], by=registry.city, today=date(2026, 1, 1))


def test_funds_and_targets_are_set_per_channel_and_phase_and_removed_with_none(shipped, registry):
    suzhou = suzhou_of(shipped)
    set_city_funding(db.session(), suzhou, channel="employment_fund", amount="3000000", by=registry.city)
    set_city_funding(db.session(), suzhou, channel=FundingChannel.EMPLOYMENT_FUND, amount="1000000",
                     phase_code="launch", by=registry.city)
    set_city_funding(db.session(), suzhou, channel="employment_fund", amount="3500000.50", by=registry.city)
    set_city_target(db.session(), suzhou, indicator_code="new_high_skilled", target=40, phase_code="implementation",
                    by=registry.city)
    set_city_target(db.session(), suzhou, indicator_code="pass_rate", target="85.5", by=registry.city)
    set_city_target(db.session(), suzhou, indicator_code="trainees", target=100, by=registry.city)
    set_city_target(db.session(), suzhou, indicator_code="trainees", target=None, by=registry.city)
    db.session.commit()

    view = city_plan(db.session(), registry.city, SHIPPED, "3205")
    assert {(f.channel.value, f.phase_code, f.amount) for f in view.funding} == {
        ("employment_fund", None, Decimal("3500000.50")), ("employment_fund", "launch", Decimal("1000000.00"))}
    assert view.target("new_high_skilled", "implementation") == 40 and view.target("pass_rate") == Decimal("85.5")
    assert view.target("trainees") is None and view.updated_at is None  # no plan record entered yet


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"indicator_code": "no_such_thing", "target": 1}, "indicator_code"),
    ({"indicator_code": "pass_rate", "target": 101}, "target"),
    ({"indicator_code": "trainees", "target": -1}, "target"),
    ({"indicator_code": "trainees", "target": "1.005"}, "target"),
    ({"indicator_code": "trainees", "target": "lots"}, "target"),
    ({"indicator_code": "trainees", "target": 5, "phase_code": "summer"}, "phase_code"),
])
def test_a_target_must_name_an_indicator_and_phase_and_fit_its_unit(shipped, registry, kwargs, field):
    with pytest.raises(ValidationFailed) as refused:
        set_city_target(db.session(), suzhou_of(shipped), by=registry.city, **kwargs)
    assert refused.value.field == field


def test_a_funding_channel_must_be_one_the_plan_names(shipped, registry):
    with pytest.raises(ValidationFailed) as refused:
        set_city_funding(db.session(), suzhou_of(shipped), channel="lottery", amount=1, by=registry.city)
    assert refused.value.field == "channel"


# ---- who sees what -------------------------------------------------------------------------------------

def test_a_city_sees_its_own_city_a_province_its_cities_the_ministry_all(shipped, registry, make_user):
    jiangsu = {c.city_code for c in campaign_for(db.session(), registry.province, SHIPPED).cities}
    assert jiangsu and all(code.startswith("32") for code in jiangsu) and "3205" in jiangsu
    assert [c.city_code for c in campaign_for(db.session(), registry.city, SHIPPED).cities] == ["3205"]
    assert len(campaign_for(db.session(), registry.ministry, SHIPPED).cities) == 100
    assert campaign_for(db.session(), registry.ministry, SHIPPED).all_cities == 100

    outsider = make_user("bureau_officer", scope="city", region="3207")  # 连云港: not a campaign city here
    assert visible_campaigns(db.session(), outsider) == [] and campaign_for(db.session(), outsider, SHIPPED) is None
    assert city_plan(db.session(), registry.wuxi_city, SHIPPED, "3205") is None  # another's city: not found
    assert campaign_city_for(db.session(), registry.clerk, SHIPPED, "3205") is None
    assert [c.code for c in visible_campaigns(db.session(), registry.city)] == [SHIPPED]
    summary = visible_campaigns(db.session(), registry.city)[0]
    assert summary.phase_on(date(2014, 1, 1)).code == "implementation" and summary.phase("evaluation") is not None


def test_the_ministry_sees_a_campaign_before_it_has_cities(registry):
    create_campaign(db.session(), code="skills-2025", name_zh="技能振兴", name_en="Skills", starts_on=date(2025, 1, 1),
                    ends_on=date(2025, 12, 31), phases=PHASES, by=registry.ministry)
    db.session.commit()
    assert [c.code for c in visible_campaigns(db.session(), registry.ministry)] == ["skills-2025"]
    assert visible_campaigns(db.session(), registry.province) == []


@pytest.mark.parametrize(("who", "region", "allowed"), [
    ("ministry", "", True), ("ministry", "3205", True), ("province", "32", True), ("province", "3205", True),
    ("province", "", False), ("province", "11", False), ("province", "1101", False), ("city", "3205", True),
    ("city", "32", False), ("city", "3202", False), ("clerk", "3205", False),
])
def test_who_reads_which_regions_figures(registry, who, region, allowed):
    assert may_read_region(getattr(registry, who), region) is allowed


def test_campaign_permissions(registry):
    assert may_manage_campaigns(registry.ministry) and not may_manage_campaigns(registry.province)
    assert may_edit_city_plan(registry.city, "3205") and not may_edit_city_plan(registry.city, "3202")
    assert not may_edit_city_plan(registry.province, "3205") and not may_edit_city_plan(registry.ministry, "3205")


def test_the_demo_gives_suzhou_a_plan_funds_and_targets(shipped, make_user):
    from credentials.demo.campaign import seed_campaign_city

    officer = make_user("bureau_officer", scope="city", region="3205", username="suzhou-hrss")
    assert seed_campaign_city(db.session())
    db.session.commit()
    view = city_plan(db.session(), officer, SHIPPED, "3205")
    assert view.lead_department and len(view.policy_documents) == 3 and len(view.funding) == 4
    assert view.target("certificates_issued") == 5 and view.target("certificates_issued", "implementation") == 4

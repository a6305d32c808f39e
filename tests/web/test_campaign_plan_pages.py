"""The campaign's records through the pages: the campaigns an officer sees, a city's bureau entering its plan
record, funds and targets (field errors beside their fields, the input kept, repeatable rows without
JavaScript), the province and the ministry reading them, another region not finding them, and the XLSX of the
region's plans and targets. The ministry's own pages: test_campaign_creation_pages.py."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from credentials.models import AuditEvent
from credentials.queries.campaigns import PolicyDocument
from credentials.services.campaigns import (
    set_city_funding,
    set_city_target,
    update_city_plan,
)
from tests.campaign_plan_fixtures import CODE, PLAN, cell, fund, suzhou
from tests.web.html import XLSX, field_error, rows

# ---- the campaigns -------------------------------------------------------------------------------------------

def test_each_officer_lists_the_campaigns_of_their_region_with_phases_and_cities(as_officer):
    html = as_officer("city").get("/bureau/campaigns/").text
    assert "全国百家城市技能振兴专项活动" in html
    assert [("2013-05-01 – 2014-09-30" in r) for r in rows(html, f"phases-{CODE}")] == [False, True, False]
    assert "参与城市 4 个，其中本地区 1 个" in html and "示例名单" in html
    assert f'href="{PLAN}"' in html  # the city's own plan, one click away
    assert "新建专项活动" not in html


def test_the_province_counts_its_cities_and_the_ministry_may_create_a_campaign(as_officer, client, login, officers):
    html = as_officer("province").get("/bureau/campaigns/").text
    assert "参与城市 4 个，其中本地区 2 个" in html and "新建专项活动" not in html
    login(client, officers["ministry"])
    html = client.get("/bureau/campaigns/").text
    assert "参与城市 4 个；" in html and 'href="/bureau/campaigns/new"' in html


# ---- the city's plan record ----------------------------------------------------------------------------------

def test_the_city_officer_enters_the_plan_record_with_its_policy_documents(as_officer):
    client = as_officer("city")
    page = client.get(PLAN).text
    assert 'id="plan-form"' in page and 'id="targets-form"' in page and 'id="funding-form"' in page
    response = client.post(f"/bureau/campaigns/{CODE}/cities/3205/plan", data={
        "lead_department": "苏州市人力资源和社会保障局", "leadership_group": "分管副市长任组长",
        "policy_documents-0-title": "苏州市技能振兴专项活动实施方案", "policy_documents-0-number": "苏府发〔2013〕12号",
        "policy_documents-0-issued_on": "2013-04-15",
        "policy_documents-1-title": "", "policy_documents-1-number": "", "policy_documents-1-issued_on": "",
        "policy_documents-2-title": "关于加强职业培训促进就业的实施意见"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/plan#plan")
    plan = suzhou().plan
    assert plan.lead_department == "苏州市人力资源和社会保障局"
    assert plan.policy_documents == [
        {"title": "苏州市技能振兴专项活动实施方案", "number": "苏府发〔2013〕12号", "issued_on": "2013-04-15"},
        {"title": "关于加强职业培训促进就业的实施意见", "number": "", "issued_on": ""}]  # the blank row counts for nothing
    page = client.get(PLAN).text
    assert "已保存实施方案" in page
    assert 'value="苏府发〔2013〕12号"' in page and 'value="2013-04-15"' in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.plan_updated")) is not None


def test_rows_are_added_and_dropped_without_javascript_and_nothing_is_saved(as_officer):
    client = as_officer("city")
    typed = {"lead_department": "市人社局", "policy_documents-0-title": "第一份", "policy_documents-1-title": "第二份"}
    added = client.post(f"/bureau/campaigns/{CODE}/cities/3205/plan", data={**typed, "add-row": "policy_documents"})
    assert added.status_code == 200
    assert 'name="policy_documents-2-title"' in added.text and 'value="第二份"' in added.text
    assert "尚未保存" in added.text
    dropped = client.post(f"/bureau/campaigns/{CODE}/cities/3205/plan",
                          data={**typed, "drop-row": "policy_documents-0"})
    assert 'value="第一份"' not in dropped.text and 'value="第二份"' in dropped.text
    assert 'value="市人社局"' in dropped.text
    assert suzhou().plan is None


def test_a_refused_plan_keeps_what_was_typed_with_the_error_beside_its_field(as_officer):
    client = as_officer("city")
    response = client.post(f"/bureau/campaigns/{CODE}/cities/3205/plan", data={
        "lead_department": "市人社局", "leadership_group": "小组",
        "policy_documents-0-title": "", "policy_documents-0-number": "苏府发〔2013〕12号"})
    assert response.status_code == 422
    assert field_error(response.text, "policy_documents-0-title") == "必填"
    assert "第 1 行有误" in field_error(response.text, "policy_documents")
    assert 'value="苏府发〔2013〕12号"' in response.text and 'value="市人社局"' in response.text
    assert 'id="error-summary"' in response.text
    future = client.post(f"/bureau/campaigns/{CODE}/cities/3205/plan", data={
        "policy_documents-0-title": "明年的文件", "policy_documents-0-issued_on": "2999-01-01"})
    assert future.status_code == 422
    assert field_error(future.text, "policy_documents") == "日期不能晚于今天"
    assert 'value="明年的文件"' in future.text
    assert suzhou().plan is None


def test_one_document_too_many_is_refused_never_dropped(as_officer):
    client = as_officer("city")
    many = {f"policy_documents-{i}-title": f"文件 {i}" for i in range(51)}
    refused = client.post(f"/bureau/campaigns/{CODE}/cities/3205/plan", data=many)
    assert refused.status_code == 422 and "最多 50 行" in field_error(refused.text, "policy_documents")
    full = {f"policy_documents-{i}-title": f"文件 {i}" for i in range(60)}
    assert client.post(f"/bureau/campaigns/{CODE}/cities/3205/plan",
                       data={**full, "add-row": "policy_documents"}).status_code == 200  # no room: no new row
    assert suzhou().plan is None


# ---- targets and funds ---------------------------------------------------------------------------------------

def test_the_city_officer_enters_targets_per_phase_and_for_the_whole_campaign(as_officer):
    client = as_officer("city")
    response = client.post(f"/bureau/campaigns/{CODE}/cities/3205/targets", data={
        cell("new_high_skilled", "implementation"): "1200", cell("trainees", "implementation"): "30,000",
        cell("high_skilled_share", None): "28.5", cell("certificates_issued", "launch"): ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("#targets")
    targets = {(t.indicator_code, t.phase_code): t.target for t in suzhou().targets}
    assert targets == {("new_high_skilled", "implementation"): Decimal(1200),
                       ("trainees", "implementation"): Decimal(30000), ("high_skilled_share", ""): Decimal("28.5")}
    page = client.get(PLAN).text
    assert "已保存 3 项改动" in page
    assert f'name="{cell("new_high_skilled", "implementation")}" type="text" value="1,200"' in page
    assert 'value="28.5"' in page and "高技能人才占持证技能劳动者比例" in page and ">%<" in page  # the unit shown

    emptied = client.post(f"/bureau/campaigns/{CODE}/cities/3205/targets", data={
        cell("trainees", "implementation"): "", cell("new_high_skilled", "implementation"): "1200.00"})
    assert emptied.status_code == 302
    assert {t.indicator_code for t in suzhou().targets} == {"new_high_skilled", "high_skilled_share"}
    assert "已保存 1 项改动" in client.get(PLAN).text  # 1200.00 is what was there
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.target_set",
                                                         AuditEvent.entity_id == str(suzhou().id)).order_by(AuditEvent.id)).all()
    assert len(events) == 4 and events[-1].after is None  # the removal is audited with what it was


def test_refused_targets_keep_every_typed_figure_and_save_none(as_officer):
    client = as_officer("city")
    response = client.post(f"/bureau/campaigns/{CODE}/cities/3205/targets", data={
        cell("trainees", "launch"): "500", cell("pass_rate", "implementation"): "120",
        cell("certificates_issued", None): "-3"})
    assert response.status_code == 422
    assert "0 到 100" in field_error(response.text, cell("pass_rate", "implementation"))
    assert "0 到" in field_error(response.text, cell("certificates_issued", None))
    assert 'value="120"' in response.text and 'value="-3"' in response.text and 'value="500"' in response.text
    assert "技能评价合格率（%） · 全面实施阶段" in response.text  # the summary names the cell
    not_a_number = client.post(f"/bureau/campaigns/{CODE}/cities/3205/targets",
                               data={cell("trainees", "launch"): "三百"})
    assert field_error(not_a_number.text, cell("trainees", "launch")) == "请填写数字"
    assert 'value="三百"' in not_a_number.text
    assert suzhou().targets == []


def test_funds_by_channel_in_yuan_with_two_decimals(as_officer):
    client = as_officer("city")
    response = client.post(f"/bureau/campaigns/{CODE}/cities/3205/funding", data={
        fund("employment_fund", None): "30,000,000", fund("high_skill_fund", "implementation"): "1200000.5",
        fund("enterprise_fund", "implementation"): "800000"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#funding")
    funding = {(f.channel.value, f.phase_code): f.amount for f in suzhou().funding}
    assert funding == {("employment_fund", ""): Decimal(30000000), ("high_skill_fund", "implementation"):
                       Decimal("1200000.50"), ("enterprise_fund", "implementation"): Decimal(800000)}
    page = client.get(PLAN).text
    assert 'value="30,000,000.00"' in page and 'value="1,200,000.50"' in page  # grouped, as read
    assert "2,000,000.50" in page  # the implementation phase's channels together

    refused = client.post(f"/bureau/campaigns/{CODE}/cities/3205/funding", data={
        fund("education_surcharge", "launch"): "10.005"})
    assert refused.status_code == 422
    assert "两位小数" in field_error(refused.text, fund("education_surcharge", "launch"))
    assert 'value="10.005"' in refused.text


# ---- who reads, who writes -----------------------------------------------------------------------------------

@pytest.fixture
def entered(campaign, officers):
    city = suzhou()
    by = officers["city"]
    update_city_plan(db.session(), city, leadership_group="分管副市长任组长", lead_department="苏州市人社局",
                     policy_documents=[PolicyDocument("实施方案", "苏府发〔2013〕12号", date(2013, 4, 15))], by=by)
    set_city_target(db.session(), city, indicator_code="new_high_skilled", phase_code="implementation",
                    target=Decimal(1200), by=by)
    set_city_funding(db.session(), city, channel="employment_fund", amount=Decimal("30000000"), by=by)
    db.session.commit()


@pytest.mark.parametrize("who", ["province", "ministry"])
def test_the_province_and_the_ministry_read_the_citys_plan_and_may_not_change_it(as_officer, entered, who):
    client = as_officer(who)
    page = client.get(PLAN).text
    assert "由苏州市人社部门填报，您可以查看" in page
    assert "<form" not in page.split('id="plan"')[1]  # no form on the page's own sections
    assert any("实施方案" in r and "苏府发〔2013〕12号" in r and "2013-04-15" in r for r in rows(page, "policy-documents"))
    targets = rows(page, "targets-grid")
    assert len(targets) == 1 and "新增高技能人才" in targets[0] and "1,200" in targets[0]
    assert "30,000,000.00" in rows(page, "funding-grid")[0]
    for section in ("plan", "targets", "funding"):
        assert client.post(f"/bureau/campaigns/{CODE}/cities/3205/{section}", data={}).status_code == 403
    assert len(suzhou().targets) == 1


def test_the_ministry_sees_every_city_and_the_province_only_its_own(as_officer, client, login, officers):
    guangzhou = f"/bureau/campaigns/{CODE}/cities/4401/plan"
    assert as_officer("province").get(guangzhou).status_code == 404
    login(client, officers["ministry"])
    page = client.get(guangzhou).text
    assert "广州市实施方案和目标" in page and "900" in rows(page, "targets-grid")[0]
    shanghai = client.get(f"/bureau/campaigns/{CODE}/cities/3101/plan").text
    assert "上海市实施方案和目标" in shanghai  # a municipality by its own name, not 市辖区


def test_another_city_or_a_city_outside_the_campaign_is_not_found(as_officer):
    client = as_officer("wuxi")
    assert client.get(PLAN).status_code == 404
    assert client.post(f"/bureau/campaigns/{CODE}/cities/3205/targets",
                       data={cell("trainees", None): "5"}).status_code == 404
    assert client.get(f"/bureau/campaigns/{CODE}/cities/3206/plan").status_code == 404
    assert client.get("/bureau/campaigns/no-such/cities/3202/plan").status_code == 404
    assert suzhou().targets == []


def test_institution_staff_reach_none_of_the_campaign_pages(as_officer, client, login, officers):
    login(client, officers["staff"])
    for path in ("/bureau/campaigns/", "/bureau/campaigns/new", f"/bureau/campaigns/{CODE}/cities", PLAN,
                 f"/bureau/campaigns/{CODE}/plans.xlsx"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/bureau/campaigns/{CODE}/cities/3205/targets", data={}).status_code == 403


def test_the_province_lists_its_cities_with_their_plans_and_chooses_none(as_officer, entered):
    client = as_officer("province")
    page = client.get(f"/bureau/campaigns/{CODE}/cities").text
    listed = rows(page, "campaign-cities")
    assert len(listed) == 2 and 'id="cities-form"' not in page
    assert any("苏州市" in r and "已填报" in r and f'href="{PLAN}"' in r for r in listed)
    assert client.post(f"/bureau/campaigns/{CODE}/cities", data={"cities": ["3205"]}).status_code == 403


# ---- the XLSX ------------------------------------------------------------------------------------------------

def _sheets(response) -> dict[str, list[tuple]]:
    assert response.status_code == 200 and response.mimetype == XLSX
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_export_holds_the_regions_targets_funds_and_plans(as_officer, entered, client, login, officers):
    sheets = _sheets(as_officer("province").get(f"/bureau/campaigns/{CODE}/plans.xlsx"))
    assert list(sheets) == ["目标", "资金", "实施方案"]
    assert sheets["目标"][0] == ("省份", "城市代码", "城市", "指标代码", "指标", "单位", "阶段代码", "阶段", "目标值")
    assert sheets["目标"][1:] == [("江苏省", "3205", "苏州市", "new_high_skilled", "新增高技能人才", "人次",
                                  "implementation", "全面实施阶段", 1200)]  # not Guangzhou's
    assert sheets["资金"][1:] == [("江苏省", "3205", "苏州市", "就业专项资金", None, "全程", 30000000)]
    assert [r[:4] for r in sheets["实施方案"][1:]] == [("江苏省", "3202", "无锡市", None),  # entered nothing yet
                                                       ("江苏省", "3205", "苏州市", "苏州市人社局")]
    assert sheets["实施方案"][2][5] == "实施方案（苏府发〔2013〕12号） 2013-04-15"
    login(client, officers["ministry"])
    national = _sheets(client.get(f"/bureau/campaigns/{CODE}/plans.xlsx"))
    assert sorted(r[1] for r in national["目标"][1:]) == ["3205", "4401"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "data.exported")) is not None


def test_the_bureau_home_leads_to_the_campaign_pages(as_officer):
    assert 'href="/bureau/campaigns/"' in as_officer("city").get("/bureau/").text


def test_the_plan_page_reads_in_english(as_officer, entered):
    page = as_officer("province").get(f"{PLAN}?lang=en").text
    assert "资金投入" not in page and "口径" not in page  # the page's own words, in English
    for text in ("Entered by the", "Implementation plan", "Funds (yuan)", "new high-skilled workers", "Implementation",
                 "whole campaign", "employment special fund", "30,000,000.00"):
        assert text in page, text

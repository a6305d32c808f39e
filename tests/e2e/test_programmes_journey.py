"""The Suzhou bureau keeps its programmes: it finds the demo masters' studio, is refused (beside the field) when it
names a Technician as the studio's master, registers a technician training cohort with the pickers and enters a
trainee; the apprentice then sees the studio on their phone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, demo_national_id

from .conftest import page_width, sign_in

SHOTS = Path("/tmp/shots/programmes")
ZHOU_JIE = demo_national_id(date(2001, 5, 9), 911)  # the demo studio's apprentice


def test_a_city_bureau_keeps_its_studio_and_registers_a_cohort(page, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, "suzhou-hrss", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/bureau/")
    page.locator(".nav-more > summary").click()  # the bureau's less-used pages sit under "更多"
    page.get_by_role("link", name="技能人才项目").click()
    expect(page.locator("#programmes tbody tr")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "list.png"), full_page=True)

    page.get_by_role("link", name="李秀英技能大师工作室").click()
    expect(page.locator("#master")).to_contain_text("李秀英")
    expect(page.locator("#programme-members tbody tr")).to_have_count(2)
    page.get_by_label("劳动者").fill("黄")
    expect(page.locator("#member-form datalist option")).to_have_count(1)  # the picker finds 黄磊 by name
    value = page.locator("#member-form datalist option").first.get_attribute("value")
    page.get_by_label("劳动者").fill(value)
    page.get_by_label("身份").select_option(label="领办大师")
    page.get_by_label("开始日期").fill("2026-03-01")
    page.get_by_role("button", name="添加").click()
    expect(page.locator("#worker-error")).to_contain_text("领办大师须在 2026-03-01 持有高级技师")
    expect(page.locator("#error-summary")).to_be_visible()
    page.screenshot(path=str(SHOTS / "master-refused.png"), full_page=True)

    page.goto(f"{live_server}/bureau/programmes/new")
    page.get_by_label("项目类别").select_option(label="技师培训项目")
    page.get_by_label("名称").fill("2026 年技师培训项目（车工）")
    page.get_by_label("依托单位").fill("苏州技师学院")
    page.get_by_label("职业", exact=True).fill("6-18-01-01")
    page.get_by_label("目标等级").select_option("technician")
    page.get_by_label("认定或开始日期").fill("2026-03-01")
    page.screenshot(path=str(SHOTS / "new-cohort.png"), full_page=True)
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".flash--success")).to_contain_text("已登记“2026 年技师培训项目（车工）”")
    page.get_by_label("劳动者").fill("黄磊")  # a name only one worker has
    page.get_by_label("开始日期").fill("2026-03-01")
    page.get_by_role("button", name="添加").click()
    expect(page.locator("#programme-members tbody tr")).to_have_count(1)
    expect(page.locator("#programme-members")).to_contain_text("学员")
    page.get_by_label("金额（元）").fill("80000")
    page.get_by_label("资金来源").select_option(label="就业专项资金")
    page.get_by_label("批准或拨付日期").fill("2026-03-10")
    page.get_by_role("button", name="登记").last.click()
    expect(page.locator("#programme-funding tfoot")).to_contain_text("80,000.00")
    page.screenshot(path=str(SHOTS / "cohort.png"), full_page=True)

    page.goto(f"{live_server}/bureau/programmes")
    expect(page.locator("#programmes tbody tr")).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_apprentice_sees_the_studio_on_a_phone(phone, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(phone, live_server, ZHOU_JIE, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    section = phone.locator("#programmes")
    expect(section).to_contain_text("师从")
    expect(section).to_contain_text("李秀英技能大师工作室")
    expect(section).to_contain_text("2026-02-01 起")
    section.scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "worker-phone.png"), full_page=True)
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"


def test_a_programmes_page_fits_an_officers_phone(phone, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(phone, live_server, "suzhou-hrss", DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/bureau/")
    phone.goto(f"{live_server}/bureau/programmes")
    phone.get_by_role("link", name="李秀英技能大师工作室").click()
    expect(phone.locator("#master")).to_contain_text("李秀英")
    phone.screenshot(path=str(SHOTS / "studio-phone.png"), full_page=True)
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"

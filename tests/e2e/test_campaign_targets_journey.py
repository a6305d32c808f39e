"""The Suzhou bureau opens the campaign, enters its targets for the implementation phase, a funding line and a
policy document (a row added in place), and sees them saved; the Jiangsu province then reads them, unable to
change them; the ministry creates a campaign and picks its cities from the searchable list."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD

from .conftest import page_width, sign_in

SHOTS = Path("/tmp/shots/campaign-plans")
IMPLEMENTATION = "全面实施阶段"


def test_the_city_enters_its_targets_and_the_province_reads_them(page, phone, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, "suzhou-hrss", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/bureau/")
    page.get_by_role("link", name="专项活动：实施方案、资金和目标").click()
    expect(page.locator("#campaign-skills-100-2013")).to_contain_text("参与城市 100 个，其中本地区 1 个")
    page.screenshot(path=str(SHOTS / "campaigns.png"), full_page=True)
    page.get_by_role("link", name="本市实施方案和目标").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("苏州市实施方案和目标")

    targets = page.locator("#targets-form")
    targets.get_by_label(f"新增高技能人才（人次） · {IMPLEMENTATION}").fill("1500")
    targets.get_by_label(f"职业培训人次（人次） · {IMPLEMENTATION}").fill("20,000")
    targets.get_by_label(f"高技能人才占持证技能劳动者比例（%） · {IMPLEMENTATION}").fill("120")
    targets.get_by_role("button", name="保存目标").click()
    expect(page.locator("#error-summary")).to_contain_text("高技能人才占持证技能劳动者比例（%） · 全面实施阶段")
    share = targets.get_by_label(f"高技能人才占持证技能劳动者比例（%） · {IMPLEMENTATION}")
    expect(share).to_have_value("120")
    expect(targets.get_by_label(f"新增高技能人才（人次） · {IMPLEMENTATION}")).to_have_value("1500")  # kept
    page.screenshot(path=str(SHOTS / "targets-refused.png"), full_page=True)
    share.fill("32.5")
    targets.get_by_role("button", name="保存目标").click()
    expect(page.locator(".flash--success")).to_contain_text("已保存 3 项改动")
    expect(page.locator("#targets-form").get_by_label(f"职业培训人次（人次） · {IMPLEMENTATION}")).to_have_value("20,000")

    funding = page.locator("#funding-form")
    funding.get_by_label(f"高技能人才专项工作经费 · {IMPLEMENTATION}").fill("2,500,000")
    funding.get_by_role("button", name="保存资金").click()
    expect(page.locator(".flash--success")).to_contain_text("已保存 1 项改动")
    expect(page.locator("#funding-form").get_by_label(f"高技能人才专项工作经费 · {IMPLEMENTATION}")).to_have_value(
        "2,500,000.00")

    plan = page.locator("#plan-form")
    documents = plan.locator("[data-row]")
    before = documents.count()
    plan.get_by_role("button", name="添加一份文件").click()  # in place, no round trip
    expect(documents).to_have_count(before + 1)
    documents.last.get_by_label("文件名称").fill("苏州市高技能人才培养补贴办法")
    documents.last.get_by_label("文号").fill("演示〔2013〕9号")
    documents.last.get_by_label("印发日期").fill("2013-09-01")
    plan.get_by_role("button", name="保存实施方案").last.click()
    expect(page.locator(".flash--success")).to_contain_text("已保存实施方案")
    assert page.locator('#plan-form input[value="苏州市高技能人才培养补贴办法"]').count() == 1
    page.screenshot(path=str(SHOTS / "city-plan.png"), full_page=True)

    sign_in(phone, live_server, "suzhou-hrss", DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/bureau/")
    phone.goto(f"{live_server}/bureau/campaigns/skills-100-2013/cities/3205/plan#targets")
    expect(phone.locator("#targets-form").get_by_label(f"新增高技能人才（人次） · {IMPLEMENTATION}")).to_have_value("1,500")
    phone.screenshot(path=str(SHOTS / "city-plan-phone.png"), full_page=True)
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"

    province = page.context.browser.new_context(locale="zh-CN").new_page()
    sign_in(province, live_server, "jiangsu-hrss", DEMO_PASSWORD)
    province.wait_for_url(f"{live_server}/bureau/")
    province.goto(f"{live_server}/bureau/campaigns/")
    province.locator("#campaign-skills-100-2013").get_by_role("link", name="参与城市").click()
    expect(province.locator("#campaign-cities tbody tr")).not_to_have_count(0)
    province.screenshot(path=str(SHOTS / "province-cities.png"), full_page=True)
    province.locator("#campaign-cities").get_by_role("link", name="苏州市").click()
    expect(province.locator("#read-only")).to_contain_text("由苏州市人社部门填报，您可以查看")
    expect(province.locator("#targets-grid tr[data-key=new_high_skilled]")).to_contain_text("1,500")
    expect(province.locator("#targets-grid tr[data-key=trainees]")).to_contain_text("20,000")
    expect(province.locator("#funding-grid tr[data-key=high_skill_fund]")).to_contain_text("2,500,000.00")
    expect(province.locator("#policy-documents")).to_contain_text("苏州市高技能人才培养补贴办法")
    assert province.locator("#targets-form, #funding-form, #plan-form").count() == 0
    province.screenshot(path=str(SHOTS / "province-reads.png"), full_page=True)
    province.context.close()


def test_the_ministry_creates_a_campaign_and_picks_its_cities(page, phone, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, "mohrss", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/bureau/")
    page.goto(f"{live_server}/bureau/campaigns/")
    page.get_by_role("link", name="新建专项活动").click()
    page.get_by_label("活动名称").fill("2025 年技能振兴专项活动")
    page.get_by_label("英文名称").first.fill("2025 Skills Campaign")
    page.get_by_label("活动代码").fill("skills-2025")
    page.locator("#starts_on").fill("2025-01-01")
    page.locator("#ends_on").fill("2026-12-31")
    rows = page.locator("#phases [data-row]")
    expect(rows).to_have_count(3)
    for index, (start, end) in enumerate((("2025-01-01", "2025-03-31"), ("2025-04-01", "2026-09-30"),
                                          ("2026-10-01", "2026-12-31"))):
        rows.nth(index).get_by_label("开始日期").fill(start)
        rows.nth(index).get_by_label("结束日期").fill(end)
    page.get_by_role("button", name="添加一个阶段").click()
    expect(rows).to_have_count(4)
    rows.nth(3).get_by_role("button", name="删除此行").click()
    expect(rows).to_have_count(3)
    page.screenshot(path=str(SHOTS / "new-campaign.png"), full_page=True)
    page.get_by_role("button", name="建立").last.click()
    expect(page.locator(".flash--success")).to_contain_text("已建立专项活动“2025 年技能振兴专项活动”")

    picker = page.get_by_label("城市名称或代码")
    for name, code in (("苏州", "3205"), ("西宁", "6301")):
        picker.fill(name)
        expect(page.locator(f'#cities-form datalist option[value="{code}"]')).to_have_count(1, timeout=15_000)
        picker.fill(code)
        expect(page.locator(f'#campaign-cities tr[data-city="{code}"] input[type=checkbox]')).to_be_checked()
    expect(page.locator("#picked-status")).to_contain_text("西宁市")
    page.screenshot(path=str(SHOTS / "choose-cities.png"), full_page=True)
    page.get_by_role("button", name="保存参与城市").last.click()
    expect(page.locator(".flash--success")).to_contain_text("已保存参与城市：共 2 个")
    expect(page.locator("#campaign-cities tbody tr")).to_have_count(2)

    sign_in(phone, live_server, "mohrss", DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/bureau/")
    phone.goto(f"{live_server}/bureau/campaigns/skills-100-2013/cities")
    phone.get_by_label("在名单中查找").fill("江苏")
    expect(phone.locator("#campaign-cities tbody tr:visible")).not_to_have_count(100)
    phone.screenshot(path=str(SHOTS / "cities-phone.png"), full_page=True)
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"


def test_a_city_typed_before_the_picker_script_runs_is_still_searched(page, live_server, demo):
    """On a slow phone the clerk can type before the deferred picker script runs: the script searches what is
    already in the field instead of waiting for the next keystroke (CI once filled the field in that gap)."""
    sign_in(page, live_server, "mohrss", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/bureau/")
    held = []
    page.route("**/static/js/pickers.js*", lambda route: held.append(route))
    page.goto(f"{live_server}/bureau/campaigns/skills-100-2013/cities", wait_until="commit")
    picker = page.get_by_label("城市名称或代码")
    picker.fill("西宁")
    expect(page.locator("#cities-form datalist")).to_have_count(0)  # the script has not run yet
    assert held, "the picker script was requested"
    held[0].continue_()
    expect(page.locator('#cities-form datalist option[value="6301"]')).to_have_count(1)

"""Promotion by competition in Chromium (issue 14, journey c): an enterprise registers its 技术比武 and applies
for the government competition plan; the city officer finds it in the work queue and the inbox and includes
it; the enterprise enters three ranks, which wait for a rule; the officer enters the reward rule of the city's
notice, previews what it gives those ranks, saves it and judges them again; the city confirms the proposal
below 技师 and the province the 技师 one, each issuing a certificate on the competition route; the worker sees
the certificate and the message on a phone. Another city's officer, created by the admin, sees none of it."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID, demo_national_id

from .conftest import page_width, sign_in

CONTEST = "2026年苏州精工车工技术比武"
ZHOU = demo_national_id(date(2001, 5, 9), 911)  # 周杰: no level as a 车工 (turner) yet
HUANG = demo_national_id(date(1982, 2, 5), 909)  # 黄磊: 技师 as a 铣工 (miller), none as a 车工
RANKS = ((DEMO_WORKER_ID, "1"), (ZHOU, "2"), (HUANG, "9"))  # 王建国, the demo worker: 高级工 车工 since 2017
RULE = "苏州市企业技术比武奖励办法"
NOTICE = "苏人社发〔2026〕18号"
CERTIFICATE = re.compile(r"证书 ([SY]\d{21}) 已发放")


def shot(page, step: str) -> None:
    page.screenshot(path=f"/tmp/shots/competition-{step}.png", full_page=True)


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login*")



def register_and_apply(page, base: str) -> None:
    sign_in(page, base, "jinggong", DEMO_PASSWORD)
    page.get_by_role("link", name="技术比武", exact=True).click()
    form = page.locator("#register")
    form.get_by_label("竞赛名称").fill(CONTEST)
    expect(form.get_by_label("竞赛级别")).to_have_value("enterprise")  # the only tier an enterprise registers
    form.get_by_label("职业", exact=True).fill("车工")
    form.get_by_label("开始日期").fill("2026-10-20")
    form.get_by_label("结束日期").fill("2026-10-22")
    form.get_by_label("主办单位").fill("苏州精工机械有限公司")
    form.get_by_label("参赛人数").fill("24")
    form.get_by_role("button", name="登记").click()
    expect(page.get_by_text(f"已登记竞赛“{CONTEST}”")).to_be_visible()
    row = page.locator("#competitions tr", has_text=CONTEST)
    expect(row).to_contain_text("未申请纳入计划")
    row.get_by_role("button", name="申请纳入计划").click()
    expect(page.get_by_text("已申请纳入政府竞赛计划")).to_be_visible()
    expect(row).to_contain_text("申请纳入计划待定")
    shot(page, "01-enterprise-applied")
    sign_out(page)


def include_in_plan(page, base: str) -> None:
    sign_in(page, base, "suzhou-hrss", DEMO_PASSWORD)
    expect(page.get_by_role("link", name=f"纳入竞赛计划申请 · {CONTEST}")).to_be_visible()  # home: what waits
    page.get_by_role("link", name="消息", exact=True).click()
    expect(page.locator("#inbox")).to_contain_text(f"苏州精工机械有限公司申请将“{CONTEST}”（企业技术比武，"
                                                   "2026-10-20 至 2026-10-22）纳入政府竞赛计划")
    shot(page, "02-city-inbox")
    page.get_by_role("link", name="待办审批", exact=True).click()
    row = page.locator("#queue tr", has_text=CONTEST)
    expect(row).to_contain_text("纳入竞赛计划申请")
    shot(page, "03-city-queue")
    row.get_by_role("link", name="审批").click()
    expect(page.locator("#plan-state")).to_have_text("申请纳入计划待定")
    page.get_by_label("决定").select_option(label="纳入政府竞赛计划")
    page.get_by_label("理由").fill("赛项设置和评判标准符合市级竞赛要求，同意纳入2026年度政府竞赛计划。")
    page.get_by_role("button", name="记录决定").click()
    expect(page.get_by_text("已记录纳入计划的决定")).to_be_visible()
    expect(page.locator("#plan-state")).to_contain_text("已纳入政府竞赛计划")
    sign_out(page)


def enter_ranks(page, base: str) -> None:
    sign_in(page, base, "jinggong", DEMO_PASSWORD)
    page.get_by_role("link", name="消息", exact=True).click()
    expect(page.locator("#inbox")).to_contain_text(f"“{CONTEST}”已纳入政府竞赛计划")
    page.get_by_role("link", name="技术比武", exact=True).click()
    for national_id, rank in RANKS:
        row = page.locator("#competitions tr", has_text=CONTEST)
        row.get_by_text("登记成绩").click()
        row.get_by_label("身份证号").fill(national_id)
        row.get_by_label("名次").fill(rank)
        row.get_by_role("button", name="登记").click()
        expect(page.get_by_text("已登记成绩：无适用的奖励办法")).to_be_visible()  # Suzhou has no rule yet
    expect(page.locator("#competitions tr", has_text=CONTEST).locator("td").nth(3)).to_contain_text("3")
    shot(page, "04-enterprise-ranks")
    sign_out(page)


def fill_rule(page) -> None:
    page.get_by_label("奖励办法名称").fill(RULE)
    page.get_by_label("文号").fill(NOTICE)
    page.get_by_label("发文日期").fill("2026-03-01")
    page.get_by_label("生效日期").fill("2026-03-01")
    page.get_by_label("适用的竞赛级别").select_option(label="企业技术比武")
    page.get_by_label("每人每年竞赛晋升次数上限").fill("1")
    rows = (("1", "1", "技师（二级）", "苏州市企业技术能手 | Suzhou Enterprise Technical Expert"),
            ("2", "3", "高级工（三级）", ""))  # one level up, at most to the level named
    for index, (first, last, cap, titles) in enumerate(rows):
        row = page.locator(f"#row-{index}")
        row.get_by_label("起始名次").fill(first)
        row.get_by_label("末名次").fill(last)
        row.get_by_label("晋升方式").select_option(label="晋升若干等级（可设最高等级）")
        row.get_by_label("晋升等级数").fill("1")
        row.get_by_label("等级", exact=True).select_option(label=cap)
        row.get_by_label("荣誉称号").fill(titles)


def enter_rule_and_judge_again(page, base: str) -> str:
    """The officer enters the city's rule, previews it, saves it and judges the contest again; the rule's URL."""
    sign_in(page, base, "suzhou-hrss", DEMO_PASSWORD)
    page.locator(".nav-more > summary").click()  # the bureau's less-used pages sit under "更多"
    page.get_by_role("link", name="竞赛", exact=True).click()
    page.get_by_role("link", name=CONTEST).click()
    expect(page.locator("#governing-rule")).to_contain_text("尚无适用的奖励办法")
    expect(page.locator("#results")).to_contain_text("无适用的奖励办法")
    shot(page, "05-city-no-rule")
    page.get_by_role("link", name="录入本地区的奖励办法").click()
    expect(page.locator("#rules")).to_contain_text("还没有奖励办法")
    page.get_by_role("link", name="录入奖励办法").click()
    fill_rule(page)
    page.get_by_role("button", name="预览").click()

    preview = page.locator("#preview")
    expect(preview).to_contain_text("竞赛 1 项、成绩 3 条；按此办法将生成晋升建议 2 条（尚未保存）")
    expect(preview).to_be_in_viewport()  # the answer on the first screen, not under the long form
    rows = preview.locator("#preview-rows tbody tr")
    expect(rows.filter(has_text="王建国")).to_contain_text("技师（二级）")
    expect(rows.filter(has_text="王建国")).to_contain_text("苏州市企业技术能手")
    expect(rows.filter(has_text="周杰")).to_contain_text("初级工（五级）")
    expect(rows.filter(has_text="黄磊")).to_contain_text("不晋升")
    shot(page, "06-rule-preview")
    expect(page.get_by_label("文号")).to_have_value(NOTICE)  # nothing typed is lost
    preview.get_by_role("button", name="核对无误，保存").click()

    expect(page.get_by_text(f"已保存奖励办法“{RULE}”")).to_be_visible()
    facts = page.locator(".facts")
    expect(facts).to_contain_text(NOTICE)
    expect(facts).to_contain_text("2026-03-01")
    expect(facts).to_contain_text("苏州市")
    expect(page.get_by_text("第 1 名：晋升 1 个等级，最高至技师（二级）；授予苏州市企业技术能手")).to_be_visible()
    expect(page.get_by_text("第 2 至 3 名：晋升 1 个等级，最高至高级工（三级）")).to_be_visible()
    expect(page.locator("#waiting")).to_contain_text("3 条成绩待评定")
    shot(page, "07-rule-saved")
    rule_url = page.url

    page.locator("#waiting").get_by_role("link", name=CONTEST).click()
    page.get_by_role("button", name="重新评定").click()
    expect(page.get_by_text("已重新评定 3 条成绩，生成 2 条晋升建议")).to_be_visible()
    expect(page.locator("#governing-rule")).to_contain_text(f"{RULE}（{NOTICE}，第 1 版）")
    results = page.locator("#results tbody tr")
    expect(results.filter(has_text="王建国")).to_contain_text("已生成晋升建议 · 技师（二级） · 待确认")
    expect(results.filter(has_text="周杰")).to_contain_text("已生成晋升建议 · 初级工（五级） · 待确认")
    expect(results.filter(has_text="黄磊")).to_contain_text("奖励办法不晋升等级")
    shot(page, "08-judged-again")
    return rule_url


def confirm(page, name: str, step: str) -> str:
    """Confirm the worker's proposal from the queue, issued by the appraisal centre; the certificate number."""
    page.get_by_role("link", name="待办审批", exact=True).click()
    page.locator("#queue tr", has_text=name).filter(has_text="竞赛晋升").get_by_role("link", name="审批").click()
    expect(page.locator("#proposal-rule")).to_contain_text(NOTICE)
    shot(page, step)
    page.get_by_label("发证机构").select_option(label="苏州市职业技能鉴定中心")
    page.get_by_label("我已核对竞赛成绩与奖励办法，确认作出此决定").check()
    page.get_by_role("button", name="确认并发证").click()
    flash = page.get_by_text(CERTIFICATE)
    expect(flash).to_be_visible()
    return CERTIFICATE.search(flash.inner_text()).group(1)


def test_an_enterprise_contest_leads_through_the_citys_rule_to_certificates(page, phone, live_server, demo):
    base = live_server
    register_and_apply(page, base)
    include_in_plan(page, base)
    enter_ranks(page, base)
    rule_url = enter_rule_and_judge_again(page, base)

    # the city confirms 初级工; 技师 is for the province (经核准后由省级人社部门晋升)
    confirm(page, "周杰", "09-city-proposal")
    page.get_by_role("link", name="待办审批", exact=True).click()
    expect(page.locator("#queue tr", has_text="竞赛晋升")).to_have_count(0)
    sign_out(page)
    sign_in(page, base, "jiangsu-hrss", DEMO_PASSWORD)
    number = confirm(page, "王建国", "10-province-proposal")
    sign_out(page)

    sign_in(phone, base, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{base}/worker/")
    expect(phone.locator("#promotions")).to_contain_text(f"竞赛晋升 · {CONTEST} → 技师（二级）")
    phone.get_by_role("link", name="技师（二级）", exact=True).click()
    expect(phone.get_by_text(number).first).to_be_visible()
    expect(phone.locator("main")).to_contain_text("竞赛晋升")
    shot(phone, "11-worker-certificate")
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"
    phone.get_by_role("link", name="消息", exact=True).click()
    message = phone.locator("#inbox li", has_text="竞赛晋升已确认")
    expect(message).to_contain_text(f"王*国凭“{CONTEST}”的成绩晋升技师（二级），证书编号 {number}。")
    shot(phone, "12-worker-inbox")
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"

    # another city's officer, created by the admin, does not see Suzhou's rule
    sign_in(page, base, "admin", DEMO_PASSWORD)
    page.get_by_role("link", name="新建账号").click()
    page.get_by_label("账号").fill("wuxi-hrss")
    page.get_by_label("显示名称").fill("无锡市人社局")
    page.get_by_label("初始密码").fill(DEMO_PASSWORD)
    page.get_by_label("角色").select_option(label="人社局人员")
    page.get_by_label("管辖范围").select_option(label="市级")
    page.get_by_label("地区代码").fill("3202")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_text("账号已创建")).to_be_visible()
    sign_out(page)
    sign_in(page, base, "wuxi-hrss", DEMO_PASSWORD)
    page.locator(".nav-more > summary").click()  # the bureau's less-used pages sit under "更多"
    page.get_by_role("link", name="竞赛", exact=True).click()
    expect(page.locator("#competitions")).not_to_contain_text(CONTEST)
    page.get_by_role("link", name="竞赛奖励办法").click()
    expect(page.locator("#rules")).to_contain_text("还没有奖励办法")
    shot(page, "13-other-city-rules")
    assert page.goto(rule_url).status == 404

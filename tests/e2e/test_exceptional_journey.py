"""The exceptional road to a certificate in Chromium (issue 14, journey b): an employer nominates a worker for
exceptional promotion to 技师 with evidence; the city takes it up and forwards it; the province approves, the
request naming the institution that appraises; that institution finds the approved candidate, opens a
session, seats them and enters the result — without the 综合评审 score it is incomplete (not failed), completed
it passes and the certificate is issued on the exceptional route. The worker follows each step on a phone;
the ministry opens the request from the certificate but decides nothing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from playwright.sync_api import expect

from credentials.clock import china_today
from credentials.demo.seed import DEMO_PASSWORD, demo_national_id
from tests.promotion_fixtures import png_bytes

from .conftest import sign_in

WORKER_ID = demo_national_id(date(1993, 4, 18), 906)  # 赵敏, 高级工 of 中式烹调师 (4-03-02-01)
# The nominating employer appraises: the demo accredits it up to 技师 in every demo occupation.
APPRAISER = "苏州精工机械有限公司"
SITE = "苏州精工培训中心 2 号楼"
SHOTS = Path("/tmp/shots")


def shot(page, step: str) -> None:
    page.screenshot(path=str(SHOTS / f"exceptional-{step}.png"), full_page=True)


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login*")


def nav(page, name: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


def fits_a_phone(phone) -> None:
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen"


def nominate(page, base: str) -> None:
    sign_in(page, base, "jinggong", DEMO_PASSWORD)
    nav(page, "破格/越级提名")
    page.get_by_role("link", name="提名劳动者").click()
    page.get_by_placeholder("输入劳动者身份证号查找").fill(WORKER_ID)
    page.get_by_role("button", name="查找").click()
    page.get_by_role("heading", name="劳动者的记录").wait_for()
    page.get_by_label("职业", exact=True).fill("4-03-02-01")
    page.get_by_label("晋升方式").select_option(label="破格晋升")
    page.get_by_label("申报等级").select_option(label="技师（二级）")
    page.get_by_label("提名理由").select_option(label=["绝技绝活", "带徒传技"])
    page.get_by_label("事迹陈述").fill("独创宴席热菜快速出品法，出菜时间缩短一半；带徒 5 名。")
    page.get_by_label("证明材料").set_input_files([{"name": "出品法鉴定.png", "mimeType": "image/png",
                                                   "buffer": png_bytes()}])
    shot(page, "01-nominate")
    page.get_by_role("button", name="保存提名").click()
    page.get_by_text("已保存提名草稿").wait_for()
    assert page.locator("#appraiser").inner_text() == APPRAISER
    page.get_by_role("button", name="提交市级初审").click()
    page.get_by_text("已提交，等待市级初审").wait_for()
    shot(page, "02-submitted")
    sign_out(page)


def open_from_queue(page, base: str, officer: str) -> None:
    sign_in(page, base, officer, DEMO_PASSWORD)
    nav(page, "待办审批")
    page.locator("#queue tr", has_text="赵敏").get_by_role("link", name="审批").click()


def decide(page, button: str, reason: str) -> None:
    page.get_by_label("理由").fill(reason)
    page.get_by_label("我已核对申请与材料，确认作出此决定").check()
    page.get_by_role("button", name=button).click()
    page.get_by_text("已记录决定").wait_for()


def test_exceptional_nomination_to_certificate(page, phone, live_server, demo):
    base = live_server
    SHOTS.mkdir(parents=True, exist_ok=True)
    nominate(page, base)

    # -- the city takes it up and forwards it; the province approves, naming the appraiser --------------------
    open_from_queue(page, base, "suzhou-hrss")
    expect(page.get_by_role("link", name="出品法鉴定.png")).to_be_visible()
    page.get_by_role("button", name="受理审核").click()
    page.get_by_text("已受理，请审核后作出决定").wait_for()
    shot(page, "03-city")
    decide(page, "初审通过，报送省级", "事迹属实，材料齐全，同意报省")
    sign_out(page)
    open_from_queue(page, base, "jiangsu-hrss")
    assert "省级审核" in page.locator("#request").inner_text()
    assert page.locator("#appraiser").inner_text() == APPRAISER
    shot(page, "04-province")
    decide(page, "批准", "同意破格参加技师考评")
    sign_out(page)

    # -- the worker, on a phone: approved, and where to sit ---------------------------------------------------
    sign_in(phone, base, WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{base}/worker/")
    approval = phone.locator("[data-approval]")
    assert "已批准：请在" in approval.inner_text() and "技师（二级）" in approval.inner_text()
    assert "已批准" in phone.locator("#promotions").inner_text()
    shot(phone, "05-worker-approved")
    fits_a_phone(phone)
    approval.get_by_role("link").click()
    assert phone.locator("#appraiser").inner_text() == APPRAISER
    assert "同意破格参加技师考评" in phone.locator(".decisions").inner_text()
    fits_a_phone(phone)

    # -- the appraising institution: the candidate, a session, a seat -----------------------------------------
    sign_in(page, base, "jinggong", DEMO_PASSWORD)
    nav(page, "申报审核")
    row = page.locator("#applications-table tr", has_text="赵敏")
    assert "破格/越级" in row.inner_text() and "审核通过，待安排考试" in row.inner_text()
    shot(page, "06-applications")
    row.get_by_role("link").first.click()
    assert "经破格/越级批准" in page.locator("#verdict").inner_text()
    page.get_by_role("link", name="新建考试场次").click()
    page.get_by_label("职业", exact=True).select_option(label="中式烹调师 4-03-02-01")
    page.get_by_label("考试等级").select_option(label="技师（二级）")
    page.get_by_label("考试日期").fill(china_today().isoformat())
    page.get_by_label("考试地点").fill(SITE)
    page.get_by_label("容纳人数").fill("20")
    page.get_by_role("button", name="新建").click()
    page.get_by_text("已新建考试场次").wait_for()
    page.locator("#candidates li", has_text="赵敏").get_by_role("button", name="安排到本场次").click()
    page.get_by_text("已安排 赵敏 参加").wait_for()
    assert "已占 1 / 20 个座位" in page.locator("#seats").inner_text()
    shot(page, "07-seated")

    nav(phone, "我的申报")
    sitting = phone.locator("[data-application]", has_text="中式烹调师")
    assert "已安排考试" in sitting.inner_text() and SITE in sitting.inner_text()
    today = china_today().isoformat()
    assert sitting.locator('[data-step="approval"] time').inner_text() == today  # the day in China, not UTC
    shot(phone, "08-worker-seated")
    fits_a_phone(phone)

    # -- the result: without the review score it is incomplete, not failed; completed, it passes -------------
    row = page.locator("#roster-table tr", has_text="赵敏")
    row.get_by_label("理论知识考试成绩").fill("86")
    row.get_by_label("操作技能考核成绩").fill("91")
    row.get_by_role("button", name="保存").click()
    page.get_by_text("赵敏：成绩不完整").wait_for()
    recorded = page.locator("#session-results-table tr", has_text="赵敏")
    assert recorded.locator("[data-outcome]").get_attribute("data-outcome") == "incomplete"
    assert "未通过" not in recorded.inner_text()
    shot(page, "09-incomplete")

    phone.reload()
    assert "成绩不完整" in phone.locator("[data-application]", has_text="中式烹调师").inner_text()
    assert "未通过" not in phone.locator("[data-application]").inner_text()

    recorded.get_by_role("link", name="补录综合评审成绩").click()
    assert "综合评审成绩缺失" in page.locator("#outcome").inner_text()
    page.locator("#complete").get_by_label("综合评审成绩").fill("83")
    page.get_by_role("button", name="补录").click()
    page.get_by_text("已补录综合评审成绩").wait_for()
    assert page.locator("#outcome").inner_text() == "通过"
    number = page.locator("dt:text-is('证书') + dd code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{20,24}", number), number
    shot(page, "10-completed")
    sign_out(page)

    # -- the worker: result, certificate (exceptional route), inbox -------------------------------------------
    phone.reload()
    sitting = phone.locator("[data-application]", has_text="中式烹调师")
    assert "考试成绩：通过" in sitting.inner_text() and f"证书 {number}" in sitting.inner_text()
    sitting.get_by_role("link", name="中式烹调师 · 技师（二级）").click()
    shot(phone, "11-worker-passed")
    phone.get_by_role("link", name="查看证书").click()
    certificate = phone.locator(".certificate").inner_text()
    assert number in certificate and "破格/越级" in certificate and APPRAISER in certificate
    shot(phone, "12-worker-certificate")
    fits_a_phone(phone)

    nav(phone, "我的阶梯")
    assert "技师（二级）" in phone.locator('[aria-current="step"]').first.inner_text()
    assert phone.locator("[data-approval]").count() == 0  # the approval is used
    assert f"已取得证书 {number}" in phone.locator("#promotions").inner_text()
    shot(phone, "13-worker-ladder")
    fits_a_phone(phone)

    nav(phone, "消息")
    inbox = phone.locator("#inbox").inner_text()
    for said in ("初审通过，已报送省级", "申请已批准", "同意破格参加技师考评", "已安排考试", SITE, "成绩不完整",
                 "证书已发放", number):
        assert said in inbox, said
    shot(phone, "14-worker-inbox")
    fits_a_phone(phone)

    # -- the ministry opens the request from the certificate, and decides nothing -----------------------------
    sign_in(page, base, "mohrss", DEMO_PASSWORD)
    nav(page, "证书")
    page.get_by_placeholder("按证书编号或姓名搜索").fill(number)
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=number).click()
    page.get_by_role("link", name=re.compile(r"^#\d+$")).click()
    assert page.locator("#appraiser").inner_text() == APPRAISER
    assert "已批准" in page.locator("#request").inner_text()
    decide_panel = page.locator("#decide")
    assert "部级账号可查看全国数据，但不审批个案" in decide_panel.inner_text()
    for button in ("受理审核", "批准", "初审通过，报送省级", "退回补充材料", "驳回"):
        assert decide_panel.get_by_role("button", name=button).count() == 0, button
    assert page.get_by_label("理由").count() == 0
    shot(page, "15-ministry")

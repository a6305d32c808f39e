"""The approval journey in Chromium: an institution nominates a worker for exceptional promotion with evidence,
the city bureau takes it up and passes the first review, the province approves, and the worker sees the
outcome in the inbox and on the progression page of a phone."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, demo_national_id
from tests.promotion_fixtures import png_bytes

from .conftest import sign_in

WORKER_ID = demo_national_id(date(1993, 4, 18), 906)  # 赵敏, Senior Worker (高级工) in 4-03-02-01


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login*")


def decide(page, base: str, username: str, button: str, reason: str) -> None:
    sign_in(page, base, username, DEMO_PASSWORD)
    page.goto(f"{base}/bureau/queue")
    page.locator("#queue tr", has_text="赵敏").get_by_role("link", name="审批").click()
    page.get_by_label("理由").fill(reason)
    page.get_by_label("我已核对申请与材料，确认作出此决定").check()
    page.get_by_role("button", name=button).click()
    page.get_by_text("已记录决定").wait_for()
    sign_out(page)


def test_nomination_to_approval_reaches_the_worker(page, phone, live_server, demo):
    base = live_server
    sign_in(page, base, "jinggong", DEMO_PASSWORD)
    page.goto(f"{base}/institution/nominations/new")
    page.get_by_label("劳动者身份证号").fill(WORKER_ID)
    page.get_by_role("button", name="查找").click()
    page.get_by_role("heading", name="劳动者的记录").wait_for()
    page.get_by_label("职业", exact=True).fill("4-03-02-01")
    page.get_by_label("晋升方式").select_option("exceptional")
    page.get_by_label("申报等级").select_option("technician")
    page.get_by_label("提名理由").select_option(["unique_mastery", "apprentices_trained"])
    page.get_by_label("事迹陈述").fill("独创快速检修法，故障排除时间缩短一半；带徒 5 名。")
    page.get_by_label("证明材料").set_input_files([{"name": "检修法鉴定.png", "mimeType": "image/png",
                                                   "buffer": png_bytes()}])
    page.get_by_role("button", name="保存提名").click()
    page.get_by_role("button", name="提交市级初审").click()
    page.get_by_text("已提交，等待市级初审").wait_for()
    sign_out(page)

    sign_in(page, base, "suzhou-hrss", DEMO_PASSWORD)
    page.goto(f"{base}/bureau/queue")
    page.locator("#queue tr", has_text="赵敏").get_by_role("link", name="审批").click()
    expect(page.get_by_role("link", name="检修法鉴定.png")).to_be_visible()  # waits for the page
    page.get_by_role("button", name="受理审核").click()
    page.get_by_text("已受理").wait_for()
    sign_out(page)
    decide(page, base, "suzhou-hrss", "初审通过，报送省级", "事迹属实，材料齐全，同意报省")
    decide(page, base, "jiangsu-hrss", "批准", "同意破格参加技师考评")

    sign_in(phone, base, WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{base}/worker/")
    block = phone.locator("#promotions")
    assert "已批准" in block.inner_text() and "请在" in block.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.goto(f"{base}/worker/inbox")
    inbox = phone.locator("#inbox").inner_text()
    assert "申请已批准" in inbox and "同意破格参加技师考评" in inbox
    assert "初审通过，已报送省级" in inbox
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

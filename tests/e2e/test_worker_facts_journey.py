"""On a phone, a worker adds a work period they claim and sees it wait for the employer; the employer's clerk
opens the worker's record and attests it, and the worker's claim then counts."""

from __future__ import annotations

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID

from .conftest import page_width, sign_in


def test_a_worker_claims_work_on_a_phone_and_the_employer_attests_it(phone, page, live_server, demo):
    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    phone.get_by_role("link", name="我的经历", exact=True).click()
    phone.wait_for_url(f"{live_server}/worker/history")
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"

    phone.get_by_text("补充工作经历").click()
    phone.get_by_label("从事的职业").fill("6-18-01-02")
    phone.get_by_label("开始日期").first.fill("2005-03-01")
    phone.get_by_label("结束日期").first.fill("2006-02-28")
    phone.get_by_label("工作单位").first.fill("苏州精工机械有限公司")
    phone.get_by_role("button", name="提交，待证实").first.click()

    claim = phone.locator("#work_period .fact--unverified")
    expect(claim).to_contain_text("待证实")
    expect(claim).to_contain_text("2005-03-01")
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"

    sign_in(page, live_server, "jinggong", DEMO_PASSWORD)
    page.goto(f"{live_server}/institution/workers")
    page.get_by_role("link", name="王建国").click()
    expect(page.locator("#work_period .fact--unverified")).to_contain_text("待证实")
    page.locator("#work_period .fact--unverified").get_by_role("button", name="证实").click()
    expect(page.get_by_text("已证实：此后计入申报条件")).to_be_visible()

    phone.reload()
    expect(phone.locator("#work_period .fact--unverified")).to_have_count(0)

"""On a phone, a visitor finds Suzhou's skilled talents from the home page: nobody is shown until 李秀英 (the demo's
master, a provincial technical expert) agrees on her "my data" page; then her studio and honour appear, masked."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, WORKERS, demo_national_id

from .conftest import page_width, sign_in

SHOTS = Path("/tmp/shots/talents")


def test_a_visitor_sees_only_the_masters_who_agreed(phone, browser, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.goto(f"{live_server}/")
    phone.locator("#talents-link").click()
    phone.wait_for_url(f"{live_server}/talents/")
    expect(phone.locator("#talents-summary")).to_contain_text("活动城市 100 个")
    assert page_width(phone) <= 375, f"the index is {page_width(phone)}px wide on a 375px screen"
    phone.screenshot(path=str(SHOTS / "0-index.png"))
    phone.get_by_label("城市名称").fill("苏州")
    phone.get_by_role("button", name="查找").click()
    expect(phone.locator("#talents-summary")).to_contain_text("名称含“苏州”的城市 1 个")
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"
    phone.screenshot(path=str(SHOTS / "1-search.png"), full_page=True)
    phone.locator('[data-city="3205"]').click()
    expect(phone.locator("#studios")).to_contain_text("暂无可公开展示的技能大师工作室")

    master = next(w for w in WORKERS if w.name == "李秀英")
    own = browser.new_context(locale="zh-CN").new_page()
    sign_in(own, live_server, demo_national_id(master.birth, master.sequence), DEMO_PASSWORD)
    own.goto(f"{live_server}/worker/my-data")
    own.get_by_role("button", name="同意在公开页面展示").click()
    expect(own.locator("#consent-state")).to_contain_text("您已同意在公开页面展示")
    own.context.close()

    phone.reload()
    expect(phone.locator("#studios")).to_contain_text("李*英技能大师工作室")
    expect(phone.locator("#honours")).to_contain_text("李*英")
    expect(phone.locator("body")).not_to_contain_text("李秀英")
    expect(phone.locator("#consent-note")).to_be_visible()
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"
    phone.screenshot(path=str(SHOTS / "2-city.png"), full_page=True)
    phone.goto(f"{live_server}/talents/3205?lang=en")
    expect(phone.locator("h1")).to_contain_text("Skilled talents of")
    phone.screenshot(path=str(SHOTS / "3-city-en.png"), full_page=True)

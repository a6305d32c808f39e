"""A city bureau officer finds the demo worker registered a second time under a mistyped ID, checks the two
records side by side, and merges them after confirming what moves; the pair then leaves the work queue."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID
from tests.duplicate_records import insert_worker, one_digit_off

from .conftest import page_width, sign_in

SHOTS = Path("/tmp/shots/duplicates")


def test_an_officer_merges_a_worker_entered_twice(page, phone, live_server, demo, vault):
    SHOTS.mkdir(parents=True, exist_ok=True)
    second = insert_worker(vault, one_digit_off(DEMO_WORKER_ID, 16), name="王建国")

    sign_in(page, live_server, "suzhou-hrss", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/bureau/")
    expect(page.locator("#duplicates-waiting")).to_contain_text("1")
    page.get_by_role("link", name="疑似重复登记的劳动者").click()
    expect(page.locator("#duplicate-pairs tbody tr")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "list.png"), full_page=True)

    page.get_by_role("link", name="核实").click()
    expect(page.locator(f"#record-{second.id}")).to_contain_text("未开通")
    page.screenshot(path=str(SHOTS / "pair.png"), full_page=True)
    page.get_by_label("合并原因").fill("持身份证原件核对，第二份为录入错误")
    page.get_by_role("button", name="下一步：确认合并内容").click()

    expect(page.locator("#confirm-merge")).to_contain_text(f"记录 {second.id}")
    page.screenshot(path=str(SHOTS / "confirm.png"), full_page=True)
    page.get_by_role("button", name="确认合并").click()

    expect(page.locator(".flash--success")).to_contain_text(f"已将记录 {second.id} 并入记录")
    expect(page.locator("#duplicate-pairs tbody tr td.muted")).to_have_count(1)  # the empty state
    page.screenshot(path=str(SHOTS / "after.png"), full_page=True)

    page.goto(f"{live_server}/bureau/workers/{second.id}/recognition")  # the merged record leads to the survivor
    expect(page.locator("h1")).to_contain_text("王建国")
    assert not page.url.endswith(f"/workers/{second.id}/recognition")
    page.get_by_role("link", name="审计记录").click()
    expect(page.locator("main")).to_contain_text("worker.merged")
    page.screenshot(path=str(SHOTS / "trail.png"), full_page=True)


def test_the_pair_page_fits_a_phone(phone, live_server, demo, vault):
    SHOTS.mkdir(parents=True, exist_ok=True)
    second = insert_worker(vault, one_digit_off(DEMO_WORKER_ID, 16), name="王建国")

    sign_in(phone, live_server, "suzhou-hrss", DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/bureau/")
    phone.goto(f"{live_server}/bureau/duplicates")
    phone.get_by_role("link", name="核实").click()
    expect(phone.locator(f"#record-{second.id}")).to_be_visible()
    phone.screenshot(path=str(SHOTS / "pair-phone.png"), full_page=True)
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"

"""A bureau officer revokes a certificate after seeing the holder's history and confirming; the worker, on a
phone, sees it revoked on their ladder at once, with the next-level answer recomputed."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID

from .conftest import sign_in

REASON = "经复核，该次鉴定存在替考，证书依法撤销"


def test_officer_revokes_with_a_reason_and_the_worker_sees_it_on_a_phone(page, phone, live_server, demo):
    sign_in(page, live_server, "suzhou-hrss", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/bureau/")
    page.goto(f"{live_server}/bureau/certificates?q=王建国")
    page.get_by_role("row").filter(has_text="高级工（三级）").get_by_role("link").click()

    expect(page.get_by_role("heading", name="持证人的完整记录")).to_be_visible()  # waits for the page
    assert "下一级：技师（二级） — 现在即可申报" in page.locator(".next").first.inner_text()
    page.get_by_label("撤销原因").fill(REASON)
    page.get_by_role("button", name="撤销…").click()
    assert page.get_by_role("heading", level=1).inner_text() == "确认撤销证书"
    assert REASON in page.locator("blockquote").inner_text()
    page.get_by_role("button", name="确认撤销").click()

    page.wait_for_url(re.compile(r".*/bureau/certificates/\w+$"))
    assert "已撤销" in page.locator(".flash--success").inner_text()
    assert REASON in page.locator(".facts").inner_text()
    assert page.get_by_role("button", name="撤销…").count() == 0

    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    assert "中级工" in phone.locator('[aria-current="step"]').first.inner_text()
    assert phone.locator(".timeline__item", has_text="高级工（三级）").locator(".badge--revoked").count() == 1
    assert "下一级：高级工（三级）" in phone.locator(".next").first.inner_text()
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, f"page is {scroll_width}px wide on a 375px screen"

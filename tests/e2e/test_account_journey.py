"""Accounts in Chromium (issue 12): the administrator resets a worker's password; the worker signs in with it on
a phone and is made to change it first; the administrator disables a clerk's account and the clerk's open
browser session ends there and then."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID

from .conftest import page_width, sign_in

SHOTS = Path("/tmp/shots/accounts")
NEW_PASSWORD = "my own ladder password"  # noqa: S105 - test credential


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_reset_password_is_changed_on_a_phone_and_a_disabled_clerk_is_signed_out(browser, page, phone,
                                                                                   live_server, demo):
    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/admin/")
    page.get_by_role("link", name="全部账号").click()
    page.get_by_placeholder("按账号或显示名称搜索").fill("王建国")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#accounts-table tbody tr")).to_have_count(1)
    expect(page.locator("#accounts-table")).to_contain_text("王*国")
    assert "王" not in unquote(page.url), page.url  # the name went by POST; the list's URL holds it sealed
    shot(page, "1-accounts-list")
    page.locator("#accounts-table tbody tr a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("王*国")

    page.get_by_label("由系统生成（推荐）").check()
    page.locator("#reset-form").get_by_role("button", name="重置密码").click()
    temporary = page.locator("#temporary-password code").inner_text().strip()
    assert len(temporary) == 19
    shot(page, "2-temporary-password")

    sign_in(phone, live_server, DEMO_WORKER_ID, temporary)
    phone.wait_for_url(f"{live_server}/account/password")
    expect(phone.locator("#must-change")).to_be_visible()
    phone.goto(f"{live_server}/worker/history")  # every page leads back here until the password is changed
    phone.wait_for_url(f"{live_server}/account/password")
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"
    shot(phone, "3-phone-must-change")
    phone.get_by_label("当前密码").fill(temporary)
    phone.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("再次输入新密码").fill(NEW_PASSWORD + "!")
    phone.get_by_role("button", name="修改密码").click()
    expect(phone.locator("#confirm_password-error")).to_contain_text("两次输入的新密码不一致")
    shot(phone, "4-phone-mismatch")
    phone.get_by_label("当前密码").fill(temporary)  # passwords are never sent back in a page
    phone.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="修改密码").click()
    phone.wait_for_url(f"{live_server}/worker/")
    expect(phone.get_by_text("密码已修改")).to_be_visible()
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"
    shot(phone, "5-phone-changed")

    clerk_context = browser.new_context(locale="zh-CN")
    clerk = clerk_context.new_page()
    try:
        sign_in(clerk, live_server, "jinggong", DEMO_PASSWORD)
        clerk.wait_for_url(f"{live_server}/institution/")

        page.goto(f"{live_server}/admin/users?q=jinggong")
        page.locator("#accounts-table tbody tr a").click()
        page.get_by_label("停用原因").fill("人员调岗，账号停用")
        page.get_by_role("button", name="停用账号").click()
        expect(page.locator(".flash--success")).to_contain_text("已停用")
        expect(page.locator("#account-state")).to_have_text("已停用")
        shot(page, "6-clerk-disabled")

        clerk.reload()
        clerk.wait_for_url(f"{live_server}/login**")
        sign_in(clerk, live_server, "jinggong", DEMO_PASSWORD)
        expect(clerk.locator(".field__error")).to_have_text(
            "账号或密码不正确（连续输错 5 次后，须等待 15 分钟再试）")
        shot(clerk, "7-clerk-refused")
    finally:
        clerk_context.close()

    # the security administrator who did all this cannot read the trail of it (三员分立): the auditor reads it
    assert page.goto(f"{live_server}/admin/audit?action=account.").status == 403
    auditor_context = browser.new_context(locale="zh-CN")
    auditor = auditor_context.new_page()
    try:
        sign_in(auditor, live_server, "auditor", DEMO_PASSWORD)
        auditor.goto(f"{live_server}/admin/audit?action=account.")
        expect(auditor.locator("#audit-table")).to_contain_text("account.disabled")
        expect(auditor.locator("#audit-table")).to_contain_text("account.password_reset")
        expect(auditor.locator("#audit-table")).to_contain_text("account.password_changed")
        shot(auditor, "8-audit")
    finally:
        auditor_context.close()

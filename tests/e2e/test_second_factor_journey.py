"""Two-step verification in Chromium (issue 12, control 1), on a 375-pixel phone: an officer whose role requires it
signs in and is led straight to set it up (the code computed with pyotp from the key the page shows, as an
authenticator app would), keeps the recovery codes, signs out; signs in with the password and a code (a wrong
code refused first); then, phone lost, with a recovery code. A clerk running out of recovery codes makes a new
set with the password and a code from the app (a recovery code refused)."""

from __future__ import annotations

import time
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

from .conftest import page_width, sign_in

SHOTS = Path("/tmp/shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"second-factor-{name}.png"), full_page=True)


def fits(page) -> None:
    assert page_width(page) <= 375, f"the page is {page_width(page)}px wide on a 375px screen"


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已安全退出")).to_be_visible()


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "SECOND_FACTOR_REQUIRED_ROLES", ("bureau_officer", "admin"))


def test_an_officer_sets_up_two_step_verification_and_signs_in_with_a_code_then_a_recovery_code(
        phone, live_server, make_user, required):
    officer = make_user("bureau_officer", username="suzhou-officer")

    sign_in(phone, live_server, officer.username, PASSWORD)
    phone.wait_for_url(f"{live_server}/account/second-factor")  # before anything else
    expect(phone.locator("#enrolment-required")).to_be_visible()
    expect(phone.locator(".enrol-qr svg.qr")).to_be_visible()
    fits(phone)
    shot(phone, "1-enrol")
    secret = phone.locator("#totp-secret").inner_text().replace(" ", "").strip()
    totp = pyotp.TOTP(secret)
    phone.get_by_label("验证码").fill(totp.now())
    phone.get_by_role("button", name="确认并启用").click()
    expect(phone.get_by_role("heading", name="两步验证已启用")).to_be_visible()
    codes = [code.strip() for code in phone.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    fits(phone)
    shot(phone, "2-recovery-codes")
    phone.get_by_role("link", name="我已保存恢复码，继续").click()
    phone.wait_for_url(f"{live_server}/bureau/")
    sign_out(phone)

    sign_in(phone, live_server, officer.username, PASSWORD)
    phone.wait_for_url(f"{live_server}/login/second-factor")
    phone.goto(f"{live_server}/bureau/")  # the password alone opens nothing
    phone.wait_for_url(f"{live_server}/login?next=/bureau/")
    sign_in(phone, live_server, officer.username, PASSWORD)
    phone.wait_for_url(f"{live_server}/login/second-factor")
    wrong = "000000" if totp.at(time.time() + 30) != "000000" else "111111"
    phone.get_by_label("验证码").fill(wrong)
    phone.get_by_role("button", name="验证并登录").click()
    expect(phone.locator("#code-error")).to_have_text("验证码不正确或已使用（连续输错 5 次后，须等待 15 分钟再试）")
    fits(phone)
    shot(phone, "3-wrong-code")
    phone.get_by_label("验证码").fill(totp.at(time.time() + 30))  # the next step's code: the enrolment's is spent
    phone.get_by_role("button", name="验证并登录").click()
    phone.wait_for_url(f"{live_server}/bureau/")
    sign_out(phone)

    sign_in(phone, live_server, officer.username, PASSWORD)
    phone.get_by_label("验证码").fill(codes[0])
    phone.get_by_role("button", name="验证并登录").click()
    phone.wait_for_url(f"{live_server}/bureau/")
    expect(phone.locator(".flash--info")).to_contain_text("还剩 9 个")
    fits(phone)
    shot(phone, "4-recovery-used")
    phone.goto(f"{live_server}/account/second-factor")
    expect(phone.locator("#codes-left")).to_have_text("9")
    expect(phone.locator("#cannot-disable")).to_be_visible()
    fits(phone)
    shot(phone, "5-status")


def test_a_clerk_running_out_of_recovery_codes_makes_a_new_set(phone, live_server, make_user):
    clerk = make_user("institution_staff", username="college-clerk")
    sign_in(phone, live_server, clerk.username, PASSWORD)
    phone.wait_for_url(f"{live_server}/institution/")
    phone.goto(f"{live_server}/account/second-factor")
    totp = pyotp.TOTP(phone.locator("#totp-secret").inner_text().replace(" ", "").strip())
    phone.get_by_label("验证码").fill(totp.now())
    phone.get_by_role("button", name="确认并启用").click()
    old = [code.strip() for code in phone.locator("#recovery-codes code").all_inner_texts()]
    phone.get_by_role("link", name="我已保存恢复码，继续").click()
    phone.goto(f"{live_server}/account/second-factor")

    renew = phone.locator("#renew-codes-form")
    renew.get_by_label("密码").fill(PASSWORD)
    renew.get_by_label("验证码").fill(old[0])  # a recovery code cannot buy a new set
    renew.get_by_role("button", name="生成新的恢复码").click()
    expect(phone.locator("#renew-code-error")).to_contain_text("恢复码不能用于此处")
    expect(phone.locator("#renew-password")).to_have_value("")  # a password is never sent back into the page
    fits(phone)
    shot(phone, "6-renew-refused")
    renew.get_by_label("密码").fill(PASSWORD)
    renew.get_by_label("验证码").fill(totp.at(time.time() + 30))  # the enrolment spent this step's code
    renew.get_by_role("button", name="生成新的恢复码").click()

    expect(phone.get_by_role("heading", name="新的恢复码")).to_be_visible()
    new = [code.strip() for code in phone.locator("#recovery-codes code").all_inner_texts()]
    assert len(new) == 10 and not set(new) & set(old)
    fits(phone)
    shot(phone, "7-new-codes")
    phone.get_by_role("link", name="我已保存恢复码，继续").click()
    expect(phone.locator("#codes-left")).to_have_text("10")

"""Each role signs in through the real login page in Chromium and lands on its own home."""

from __future__ import annotations

import pytest

from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID

from .conftest import sign_in

ROLES = [
    (DEMO_WORKER_ID, "/worker/", "我的阶梯"),
    ("szjsxy", "/institution/", "苏州技师学院"),
    ("suzhou-hrss", "/bureau/", "苏州市技能人才概览"),
    ("jiangsu-hrss", "/bureau/", "江苏省技能人才概览"),
    ("admin", "/admin/", "系统管理"),
]


@pytest.mark.parametrize(("account", "path", "heading"), ROLES)
def test_each_demo_role_signs_in_to_its_home(page, live_server, demo, account, path, heading):
    sign_in(page, live_server, account, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}{path}")
    assert page.get_by_role("heading", level=1).inner_text().strip() == heading


def test_worker_ladder_fits_a_phone_and_highlights_the_current_level(phone, live_server, demo):
    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    current = phone.locator('[aria-current="step"]')
    assert "高级工" in current.first.inner_text()
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, f"page is {scroll_width}px wide on a 375px screen"


def test_wrong_password_shows_the_error_beside_the_field(page, live_server, demo):
    sign_in(page, live_server, "admin", "not-the-right-password")
    assert page.locator(".field__error").inner_text() == "账号或密码不正确（连续输错 5 次后，须等待 15 分钟再试）"
    assert page.get_by_label("身份证号或账号").input_value() == "admin"

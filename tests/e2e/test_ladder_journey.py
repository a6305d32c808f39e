"""A worker on a phone opens their ladder picture, sees where they stand and the highlighted route, then asks
for the routes to 高级工程师."""

from __future__ import annotations

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID

from .conftest import page_width, sign_in


def assert_drawn_as_route(edge) -> None:
    """A straight route line has a zero-width box, which Playwright calls hidden: check what the eye sees."""
    box = edge.bounding_box()
    assert box is not None and max(box["width"], box["height"]) > 10
    style = edge.evaluate("e => { const s = getComputedStyle(e); return [s.visibility, s.display, s.stroke, "
                          "parseFloat(s.strokeWidth)]; }")
    assert style[:3] == ["visible", "inline", "rgb(179, 38, 30)"] and style[3] >= 3


def test_worker_sees_the_highlighted_route_on_a_phone(phone, live_server, demo):
    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")

    phone.get_by_role("link", name="阶梯图", exact=True).click()
    phone.wait_for_url(f"{live_server}/worker/ladder")

    current = phone.locator(".ladder-svg .node.is-current")
    expect(current).to_be_visible()
    assert "高级工（三级）" in current.text_content()
    route = phone.locator(".ladder-svg .edge.is-route")
    assert route.count() >= 1
    for index in range(route.count()):
        assert_drawn_as_route(route.nth(index))
    for node in phone.locator(".ladder-svg .node.is-route").all():
        expect(node).to_be_visible()
    assert route.first.get_attribute("data-source") == "skill-2022:senior"
    expect(phone.locator("#route-steps li").first).to_contain_text("技师（二级）")
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"

    phone.get_by_role("link", name="选择其他目标，查看全部路线").click()
    phone.get_by_label("目标").select_option(label="高级工程师")
    phone.get_by_role("button", name="查看路线").click()

    goal = phone.locator(".ladder-svg .node.is-target")
    expect(goal).to_be_visible()
    assert goal.get_attribute("data-node") == "title:engineering:associate_senior"
    assert_drawn_as_route(phone.locator(".ladder-svg .edge.is-route").last)
    expect(phone.locator(".routes__item").first).to_contain_text("路线 1")
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"

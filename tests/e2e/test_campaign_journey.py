"""The ministry follows the campaign down: the national dashboard (provinces and cities side by side, charts with
their tables), Jiangsu's cities, then Suzhou's targets against its actuals, with the evaluation report one click
away; the same city page reads on a 375-pixel phone (charts full width, tables scrolling in their box)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from credentials.demo.campaign import DEMO_CAMPAIGN
from credentials.demo.seed import DEMO_PASSWORD

from .conftest import page_width, sign_in

SHOTS = Path("/tmp/shots/campaign")
CITY_PAGE = f"/bureau/campaigns/{DEMO_CAMPAIGN}/cities/3205"


def watch_console(page) -> list[str]:
    """Errors the page logs (a chart refused by the content security policy would show here); the browser's own
    request for /favicon.ico (the site has none) is not the page's."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.text} {message.location.get('url')}")
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    return problems


def test_the_ministry_follows_the_campaign_from_the_nation_to_suzhou(page, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = watch_console(page)
    sign_in(page, live_server, "mohrss", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/bureau/")
    expect(page.locator("#campaign-glance")).to_contain_text("发放职业技能证书")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="专项活动").click()
    page.wait_for_url(f"{live_server}/bureau/campaigns/{DEMO_CAMPAIGN}/")
    expect(page.locator("h1")).to_contain_text("全国")
    expect(page.locator("#chart-provinces canvas")).to_have_count(1)  # drawn by ECharts, beside its table
    expect(page.locator("#chart-trend")).to_have_attribute("role", "img")
    expect(page.locator("#table-provinces tbody tr").first).to_contain_text("江苏省")
    page.screenshot(path=str(SHOTS / "national.png"), full_page=True)

    page.locator("#table-provinces").get_by_role("link", name="江苏省").click()
    page.wait_for_url(f"{live_server}/bureau/campaigns/{DEMO_CAMPAIGN}/provinces/32")
    expect(page.locator("#table-cities tbody tr").first).to_contain_text("苏州市")
    page.get_by_label("阶段", exact=True).select_option("implementation")
    page.get_by_role("button", name="应用筛选").click()
    expect(page.locator("#period")).to_contain_text("全面实施阶段")
    expect(page.locator("#table-trend tbody tr")).to_have_count(17)  # 2013-05 .. 2014-09
    page.screenshot(path=str(SHOTS / "province.png"), full_page=True)

    page.locator("#table-cities").get_by_role("link", name="苏州市").click()
    page.wait_for_url(f"{live_server}{CITY_PAGE}?phase=implementation")
    targets = page.locator("#table-targets")
    expect(targets).to_contain_text("发放职业技能证书")  # Suzhou's target of 4 for the implementation phase
    expect(targets.locator("tbody tr").first.locator("td").nth(2)).to_have_text("4")
    page.get_by_label("阶段", exact=True).select_option("")
    page.get_by_role("button", name="应用筛选").click()
    expect(page.locator("#table-targets tbody tr")).to_have_count(6)  # the whole campaign's six targets
    expect(page.locator("#evaluation-link")).to_have_attribute("href", f"{CITY_PAGE}/evaluation")
    expect(page.locator("#chart-targets canvas")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "city.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("#download-targets-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # the evaluation report, one click away (issue 9 item 5), and its XLSX
    page.locator("#evaluation-link").click()
    page.wait_for_url(f"{live_server}{CITY_PAGE}/evaluation")
    expect(page.locator("#evaluation-report h1")).to_contain_text("苏州市")
    expect(page.locator("#evaluation-report #indicators tbody tr[data-indicator='trainees']")).to_be_visible()
    with page.expect_download() as report:
        page.locator("#report-xlsx").click()
    with open(report.value.path(), "rb") as xlsx:
        sheet = list(load_workbook(xlsx, read_only=True).worksheets[0].iter_rows(values_only=True))
    labels = {row[0]: row[1:] for row in sheet if row and row[0]}
    assert labels["城市"][0] == "苏州市（3205）" and "trainees" in labels and "计算依据" in labels
    assert not problems, problems


def test_the_city_page_reads_on_a_phone(phone, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = watch_console(phone)
    sign_in(phone, live_server, "suzhou-hrss", DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/bureau/")
    phone.screenshot(path=str(SHOTS / "home-phone.png"), full_page=True)
    phone.goto(f"{live_server}/bureau/campaign")
    phone.wait_for_url(f"{live_server}{CITY_PAGE}")
    expect(phone.locator("#chart-trend canvas")).to_have_count(1)

    assert page_width(phone) <= 375
    chart = phone.locator("#chart-trend").bounding_box()
    assert chart["width"] > 280 and chart["x"] + chart["width"] <= 375  # full width, inside the screen
    levels = phone.locator("#section-levels .table-wrap")
    assert levels.evaluate("box => box.scrollWidth > box.clientWidth")  # the wide table scrolls in its box
    phone.screenshot(path=str(SHOTS / "city-phone.png"), full_page=True)
    assert not problems, problems

"""The ministry opens the campaign's evaluation ranking, opens Suzhou's report, downloads its XLSX, adds a comment
that then stands in the report, and prints it (A4, Chinese with English); the report reads on a 375-pixel phone."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from credentials.demo.campaign import DEMO_CAMPAIGN
from credentials.demo.seed import DEMO_PASSWORD

from .conftest import page_width, sign_in

SHOTS = Path("/tmp/shots/campaign-eval")
RANKING = f"/bureau/campaigns/{DEMO_CAMPAIGN}/evaluation"
REPORT = f"/bureau/campaigns/{DEMO_CAMPAIGN}/cities/3205/evaluation"
COMMENT = "培训和发证目标完成较好；评价合格率低于承诺，请加强考前培训。"


def test_the_ministry_ranks_the_cities_files_suzhous_report_and_comments(page, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    sign_in(page, live_server, "mohrss", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/bureau/")

    page.goto(f"{live_server}{RANKING}")
    expect(page.locator("h1")).to_contain_text("绩效评估")
    expect(page.locator("#as_of")).to_have_value("2014-12-31")  # the campaign is over: its last day
    suzhou = page.locator('#ranking tr[data-city="3205"]')
    expect(suzhou.locator("td").first).to_have_text("1")  # the demo's only city with targets
    expect(page.locator("#ranked-among")).to_contain_text("其中 1 个评分")
    page.screenshot(path=str(SHOTS / "ranking.png"), full_page=True)

    suzhou.get_by_role("link", name="苏州市").click()
    page.wait_for_url(f"{live_server}{REPORT}?as_of=2014-12-31")
    report = page.locator("#evaluation-report")
    expect(report.locator("h1")).to_contain_text("苏州市")
    expect(report.locator("h1")).to_contain_text("City performance evaluation report")
    expect(report.locator("#indicators tbody tr")).to_have_count(9)
    expect(report.locator("#provenance")).to_contain_text("评分办法 skills-100-2013.v1")
    expect(report.locator("#definitions")).to_contain_text("每报名参加一次培训计 1 人次")

    with page.expect_download() as download:
        page.locator("#report-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as xlsx:
        sheet = list(load_workbook(xlsx, read_only=True).worksheets[0].iter_rows(values_only=True))
    labels = {row[0]: row[1:] for row in sheet if row and row[0]}
    assert labels["城市"][0] == "苏州市（3205）" and labels["排名"][0] == 1
    assert "skills-100-2013.v1" in labels["计算依据"][0]
    assert {"trainees", "certificates_issued", "new_high_skilled"} <= set(labels)

    page.get_by_role("textbox", name="评语").fill(COMMENT)
    page.get_by_role("button", name="保存评语").click()
    expect(page.locator(".flash--success")).to_contain_text("评语已保存")
    expect(page.locator("#comment-list")).to_contain_text(COMMENT)
    expect(page.locator("#comment-list")).to_contain_text("部级意见")
    page.screenshot(path=str(SHOTS / "report.png"), full_page=True)

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 700, "height": 990})  # A4's printable width (184 mm) at 96 dpi
    expect(page.locator("#as-of-form")).to_be_hidden()
    expect(page.locator("#comment-form")).to_be_hidden()
    expect(page.locator(".eval-report__seal")).to_be_visible()  # the seal and date lines a filed report carries
    page.screenshot(path=str(SHOTS / "report-print.png"), full_page=True)
    page.pdf(path=str(SHOTS / "report.pdf"), format="A4", print_background=True)
    assert not problems, problems


def test_the_report_reads_on_a_phone(phone, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(phone, live_server, "jiangsu-hrss", DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/bureau/")
    phone.goto(f"{live_server}{REPORT}")
    expect(phone.locator("#total")).to_be_visible()

    assert page_width(phone) <= 375
    table = phone.locator("#indicators").locator("xpath=..")
    assert table.evaluate("box => box.scrollWidth > box.clientWidth")  # the wide table scrolls in its box
    phone.screenshot(path=str(SHOTS / "report-phone.png"), full_page=True)
    phone.goto(f"{live_server}{RANKING}")
    assert page_width(phone) <= 375
    phone.screenshot(path=str(SHOTS / "ranking-phone.png"), full_page=True)

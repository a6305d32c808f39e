"""On a phone, a worker reports that a training on their ladder has the wrong completion date, with a photo of
the certificate of completion; the college's clerk opens the request on a desktop, sees the explanation and the
evidence beside the record, and corrects the date; the worker reads the result in their messages, in their
request, and on the record itself — the earlier date kept in the request's history (issue 10 item 1)."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID

from .conftest import page_width, sign_in

SHOTS = Path(os.environ.get("E2E_SHOTS_CORRECTIONS", "/tmp/shots/corrections"))


def certificate_photo(path: Path) -> Path:
    Image.new("RGB", (60, 40), "white").save(path, "PNG")
    return path


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(phone) -> None:
    assert page_width(phone) <= 375, f"{phone.url} is {page_width(phone)}px wide on a 375px screen"


def test_a_worker_reports_a_wrong_training_date_and_the_college_corrects_it(phone, page, live_server, demo, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    training = phone.locator(".timeline__item--training", has_text="600")
    expect(training.locator("time")).to_have_attribute("datetime", "2008-06-20")
    training.get_by_role("link", name="报告记录有误").click()

    expect(phone.locator("#subject")).to_contain_text("2007-09-01 开始的培训")
    phone.get_by_label("哪一项有误").select_option(label="结业日期")
    phone.get_by_label("应当是").fill("2008-06-30")
    phone.get_by_label("说明").fill("结业证书上的日期是 2008 年 6 月 30 日，登记成了 6 月 20 日。")
    phone.get_by_label("证明材料").set_input_files(str(certificate_photo(tmp_path / "结业证书.png")))
    fits(phone)
    shot(phone, "1-worker-files-on-a-phone")
    phone.get_by_role("button", name="提交更正申请").click()

    expect(phone.get_by_text("更正申请已提交")).to_be_visible()
    expect(phone.locator("[data-step=filed]")).to_contain_text("由苏州技师学院处理")
    fits(phone)
    shot(phone, "2-worker-sees-the-request")

    sign_in(page, live_server, "szjsxy", DEMO_PASSWORD)
    expect(page.locator("#corrections-waiting")).to_contain_text("1 份")
    page.locator("#corrections-waiting a").click()
    shot(page, "3a-clerk-queue-oldest-first")
    page.locator("#correction-queue").get_by_role("link", name="2007-09-01 开始的培训").click()
    expect(page.locator("#explanation")).to_contain_text("6 月 30 日")
    expect(page.locator(".evidence")).to_contain_text("结业证书.png")
    shot(page, "3-clerk-opens-the-request")
    fix = page.locator("#fix-correct")
    expect(fix.get_by_label("结业日期")).to_have_value("2008-06-20")
    fix.get_by_label("结业日期").fill("2008-06-30")
    fix.get_by_label("更正说明").fill("已核对结业证书原件，按申请更正。")
    fix.get_by_role("button", name="更正培训记录").click()
    expect(page.get_by_text("已更正并告知劳动者")).to_be_visible()
    expect(page.locator("[data-step=accepted]")).to_contain_text("2008-06-20 → 2008-06-30")
    shot(page, "4-clerk-corrected-it")

    phone.goto(f"{live_server}/worker/inbox")
    expect(phone.locator("#inbox")).to_contain_text("记录已更正")
    expect(phone.locator("#inbox")).to_contain_text("2008-06-20 → 2008-06-30")
    fits(phone)
    shot(phone, "5-worker-inbox")
    phone.locator("[data-code='correction.accepted']").get_by_role("link", name="查看").click()
    expect(phone.locator("[data-step=accepted]")).to_contain_text("结业日期：2008-06-20 → 2008-06-30")
    expect(phone.locator("[data-step=accepted]")).to_contain_text("已核对结业证书原件")
    fits(phone)
    shot(phone, "6-worker-reads-the-result")
    phone.goto(f"{live_server}/worker/")
    expect(phone.locator(".timeline__item--training", has_text="600").locator("time")).to_have_attribute(
        "datetime", "2008-06-30")
    shot(phone, "7-worker-ladder-shows-the-corrected-date")

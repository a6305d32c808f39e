"""On a phone, the demo worker opens "my data" from their ladder, sees that their employer's clerk looked at their
record, agrees to appear on public pages, downloads everything as JSON and prints the page."""

from __future__ import annotations

import json
from pathlib import Path

from flask import current_app
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID
from credentials.models import Worker

from .conftest import page_width, sign_in

SHOTS = Path("/tmp/shots/my-data")


def test_a_worker_reads_downloads_and_prints_everything_held_about_them(phone, browser, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    worker = db.session.scalar(select(Worker).where(
        Worker.id_hash == current_app.extensions["vault"].index(DEMO_WORKER_ID)))
    clerk = browser.new_context(locale="zh-CN").new_page()
    sign_in(clerk, live_server, "jinggong", DEMO_PASSWORD)
    clerk.goto(f"{live_server}/institution/workers/{worker.id}")
    expect(clerk.locator("h1")).to_be_visible()
    clerk.context.close()

    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    phone.locator("#my-data-link").click()
    phone.wait_for_url(f"{live_server}/worker/my-data")
    expect(phone.get_by_role("heading", name="我的全部数据")).to_be_visible()
    expect(phone.locator("#record-views")).to_contain_text("苏州精工 人力资源部")
    expect(phone.locator("#consent-state")).to_contain_text("您没有同意公开展示")
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"
    phone.screenshot(path=str(SHOTS / "1-phone.png"), full_page=True)

    phone.get_by_role("button", name="同意在公开页面展示").click()
    phone.wait_for_url(f"{live_server}/worker/my-data#consent")
    expect(phone.locator("#consent-state")).to_contain_text("您已同意在公开页面展示")
    phone.locator("#consent").screenshot(path=str(SHOTS / "2-consent.png"))

    with phone.expect_download() as download:
        phone.locator("#download-my-data").click()
    export = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert export["identity"]["national_id"] == DEMO_WORKER_ID
    assert export["consent"]["public_profile"] is True
    assert export["records"]["certificates"]["rows"], "the demo worker's certificates are in the download"

    phone.emulate_media(media="print")
    expect(phone.locator(".site-header")).to_be_hidden()
    expect(phone.locator("#consent form")).to_be_hidden()
    phone.screenshot(path=str(SHOTS / "3-print.png"), full_page=True)

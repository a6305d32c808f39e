"""On a phone, the demo worker shares two of their certificates and shows the QR code; an employer, not signed in,
opens the link and sees exactly those two with their status and nothing else of the worker; the worker withdraws
the link, and the employer's next look finds it no longer valid."""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.trust import qr_svg
from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID
from credentials.models import Certificate, CertificateStatus, Worker

from .conftest import sign_in

SHOTS = Path("/tmp/shots/sharing")


def _demo_worker() -> tuple[Worker, list[Certificate]]:
    id_hash = current_app.extensions["vault"].index(DEMO_WORKER_ID)
    worker = db.session.scalar(select(Worker).where(Worker.id_hash == id_hash))
    held = db.session.scalars(select(Certificate).where(Certificate.worker_id == worker.id,
                                                       Certificate.status == CertificateStatus.VALID)
                              .order_by(Certificate.issued_on.desc())).all()
    return worker, list(held)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _stroke_path(svg: str) -> str:
    return re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)


def test_a_worker_shares_two_certificates_by_qr_code_then_withdraws_the_link(phone, browser, live_server, demo, app,
                                                                             monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)  # the QR code points at this server
    SHOTS.mkdir(parents=True, exist_ok=True)
    worker, held = _demo_worker()
    assert len(held) >= 2, "the demo worker holds at least two valid certificates"
    chosen, left_out = held[:2], held[2:]

    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    phone.get_by_role("link", name="分享证书", exact=True).click()
    phone.wait_for_url(f"{live_server}/worker/shares")
    for certificate in chosen:
        phone.locator(f'input[name=certificates][value="{certificate.number}"]').check()
    phone.get_by_label("链接有效期").select_option("7")
    phone.get_by_label("备注（可不填）").fill("给苏州精工机械")
    phone.screenshot(path=str(SHOTS / "1-choose.png"), full_page=True)
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"
    phone.get_by_role("button", name="生成分享链接").click()

    qr = phone.locator("#share-qr svg.qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 250, f"the QR code is {box['width']}px wide: too small to scan from a screen"
    url = phone.locator("#share-url").input_value()
    assert url.startswith(f"{live_server}/shared/")
    assert _stroke_path(qr.evaluate("svg => svg.outerHTML")) == _stroke_path(str(qr_svg(url)))  # it encodes the url
    phone.get_by_role("button", name="复制链接").click()
    expect(phone.locator("[data-copy-status]")).not_to_be_empty()
    assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"
    phone.screenshot(path=str(SHOTS / "2-qr.png"), full_page=True)

    employer_context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2,
                                           is_mobile=True, has_touch=True, locale="zh-CN")
    try:
        employer = employer_context.new_page()
        employer.goto(url)  # what scanning the code opens: no account, no sign-in
        shown = employer.locator("section.shared-cert")
        expect(shown).to_have_count(2)
        assert sorted(shown.evaluate_all("sections => sections.map(s => s.dataset.certificate)")) == sorted(
            c.number for c in chosen)
        for section in shown.all():
            assert "证书真实有效" in section.inner_text()
        html = employer.content()
        assert "王*国" in html and worker.name not in html
        assert worker.id_masked not in html and DEMO_WORKER_ID not in html
        assert not any(c.number in html for c in left_out)
        assert page_width(employer) <= 375, f"the page is {page_width(employer)}px wide on a 375px screen"
        employer.screenshot(path=str(SHOTS / "3-employer.png"), full_page=True)

        phone.goto(f"{live_server}/worker/shares")
        card = phone.locator("#active-shares .share-card").first
        expect(card).to_contain_text("给苏州精工机械")
        expect(card).to_contain_text("查看 1 次")
        card.get_by_text("撤回链接").click()
        phone.screenshot(path=str(SHOTS / "4-confirm-withdraw.png"), full_page=True)
        card.get_by_role("button", name="确认撤回").click()
        expect(phone.get_by_text("已撤回：对方再打开这个链接时，将看到链接无效")).to_be_visible()
        expect(phone.locator("#past-shares .share-card").first).to_contain_text("已撤回")
        assert page_width(phone) <= 375, f"the page is {page_width(phone)}px wide on a 375px screen"
        phone.screenshot(path=str(SHOTS / "5-withdrawn.png"), full_page=True)

        response = employer.goto(url)
        assert response.status == 404
        expect(employer.get_by_role("heading", name="分享链接无效或已被撤回")).to_be_visible()
        expect(employer.locator("section.shared-cert")).to_have_count(0)
        employer.screenshot(path=str(SHOTS / "6-employer-after.png"), full_page=True)
    finally:
        employer_context.close()

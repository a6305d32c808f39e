"""A worker prints a certificate; an employer scans its QR code with a phone and sees "valid"; after the
bureau revokes it, the same scan says "revoked"."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.trust import qr_svg
from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID
from credentials.models import Certificate, CertificateStatus, Worker

from .conftest import sign_in


def _demo_workers_latest_certificate() -> str:
    id_hash = current_app.extensions["vault"].index(DEMO_WORKER_ID)
    worker_id = db.session.scalar(select(Worker.id).where(Worker.id_hash == id_hash))
    return db.session.scalar(select(Certificate.number).where(Certificate.worker_id == worker_id)
                             .order_by(Certificate.issued_on.desc()).limit(1))


def _stroke_path(svg: str) -> str:
    """The QR modules, as drawn: the `d` of the dark path (the rest of the SVG is presentation)."""
    return re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)


def test_print_scan_verify_then_revoked_on_the_next_scan(page, phone, live_server, demo, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)  # the QR code points at this server
    number = _demo_workers_latest_certificate()
    sign_in(page, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/worker/")
    page.goto(f"{live_server}/worker/certificates/{number}")

    page.emulate_media(media="print")  # the print view: the certificate alone
    assert page.locator("#certificate-print").is_visible()
    assert not page.locator("section.certificate").is_visible()
    assert "扫码核验" in page.locator("#certificate-print").inner_text()
    page.emulate_media(media="screen")

    link = page.locator("#verify-link").inner_text().strip()
    drawn = page.locator("#certificate-print svg.qr").evaluate("svg => svg.outerHTML")
    assert link.startswith(f"{live_server}/verify?n={number}&h=")
    assert _stroke_path(drawn) == _stroke_path(str(qr_svg(link)))  # the QR code encodes exactly this link

    phone.goto(link)  # the employer's phone, not signed in, opens what the QR code says
    verdict = phone.locator("#verdict")
    assert "有效" in verdict.inner_text() and "王*国" in verdict.inner_text()
    assert "王建国" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    officer = page.context.browser.new_context(locale="zh-CN").new_page()  # the bureau revokes it
    try:
        sign_in(officer, live_server, "suzhou-hrss", DEMO_PASSWORD)
        officer.wait_for_url(f"{live_server}/bureau/")
        officer.goto(f"{live_server}/bureau/certificates/{number}")
        officer.locator("#revoke textarea[name=reason]").fill("材料造假")
        officer.locator("#revoke button[type=submit]").click()
        officer.locator('form[action$="/revoke"] button[type=submit]').click()  # the confirmation step
        officer.wait_for_url(f"{live_server}/bureau/certificates/{number}")
    finally:
        officer.context.close()
    db.session.expire_all()
    revoked = db.session.scalar(select(Certificate).where(Certificate.number == number))
    assert revoked.status is CertificateStatus.REVOKED

    phone.reload()
    assert "已撤销" in phone.locator("#verdict").inner_text()
    assert "撤销日期" in phone.locator("#verdict").inner_text()


def test_printable_certificate_fits_a_phone(phone, live_server, demo):
    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    phone.goto(f"{live_server}/worker/certificates/{_demo_workers_latest_certificate()}")

    assert phone.locator("#certificate-print svg.qr").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

"""Latency of the pages and API calls users make most, on a database holding synthetic workers."""

from __future__ import annotations

import re

from sqlalchemy import select

from .harness import Bench


def bench_pages(bench: Bench, app, runs: int) -> None:
    from app.extensions import db
    from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID
    from credentials.models import Certificate

    with app.app_context():
        number = db.session.scalar(select(Certificate.number).order_by(Certificate.id.desc()).limit(1))
    worker = _signed_in(app, DEMO_WORKER_ID, DEMO_PASSWORD)
    officer = _signed_in(app, "mohrss", DEMO_PASSWORD)
    staff = _signed_in(app, "szjsxy", DEMO_PASSWORD)
    api = app.test_client()
    token = api.post("/api/v1/auth/token", json={"account": "mohrss", "password": DEMO_PASSWORD}).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    bench.latency("page.worker_progression", lambda: _ok(worker.get("/worker/")), runs)
    bench.latency("page.institution_certificates", lambda: _ok(staff.get("/institution/certificates")), runs)
    bench.latency("page.bureau_overview_national", lambda: _ok(officer.get("/bureau/")), max(20, runs // 10))
    bench.latency("api.certificate_by_number", lambda: _ok(api.get(f"/api/v1/certificates/{number}", headers=headers)),
                  runs)


def _signed_in(app, account: str, password: str):
    client = app.test_client()
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post("/login", data={"account": account, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"benchmark sign-in failed for {account}: {response.status_code}")
    return client


def _ok(response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.path}: {response.status_code}")

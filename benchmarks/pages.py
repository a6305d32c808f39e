"""Server time of the pages people open most, at the population size: the Flask test client calls the app in
this process (no network, no server), so each sample is the app's own time for one request.

No campaign dashboard exists yet: the bureau home page (level counts, workers, recent certificates, waiting
work) stands in for it, for a city officer (苏州) and for the ministry; each line says which page it timed.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from .harness import Bench, p95, percentile, timed

CITY_OFFICER, NATIONAL_OFFICER = "suzhou-hrss", "mohrss"


def bench_pages(bench: Bench, app, runs: int, budget_s: float) -> None:
    from app.extensions import db
    from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID
    from credentials.models import Certificate, Worker

    with app.app_context():
        number, name = db.session.execute(
            select(Certificate.number, Worker.name).join(Worker, Worker.id == Certificate.worker_id)
            .order_by(Certificate.id.desc()).limit(1)).one()
    worker = signed_in(app, DEMO_WORKER_ID, DEMO_PASSWORD)
    city = signed_in(app, CITY_OFFICER, DEMO_PASSWORD)
    national = signed_in(app, NATIONAL_OFFICER, DEMO_PASSWORD)
    public = app.test_client()
    heavy = max(10, runs // 10)  # national pages read every worker: fewer runs

    def page(name: str, call, count: int, **details: object) -> None:
        samples = timed(lambda: _ok(call()), count, budget_s=budget_s)
        bench.report(name, p95(samples), "ms", p50=percentile(samples, 0.5), runs=len(samples), **details)

    page("progression_p95_ms", lambda: worker.get("/worker/"), runs, page="/worker/", who="demo_worker")
    page("bureau_queue_p95_ms", lambda: city.get("/bureau/queue"), runs, page="/bureau/queue", who=CITY_OFFICER)
    page("dashboard_city_p95_ms", lambda: city.get("/bureau/"), runs, page="/bureau/", who=CITY_OFFICER,
         stands_in_for="campaign_dashboard")
    page("dashboard_national_p95_ms", lambda: national.get("/bureau/"), heavy, page="/bureau/", who=NATIONAL_OFFICER,
         stands_in_for="campaign_dashboard")
    page("verify_api_p95_ms", lambda: public.post("/api/v1/verify", json={"number": number, "name": name}), runs,
         page="/api/v1/verify")


def signed_in(app, account: str, password: str):
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

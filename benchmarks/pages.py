"""Server time of the pages people open most, at the population size: the Flask test client calls the app in
this process (no network, no server), so each sample is the app's own time for one request.

The campaign dashboards are timed for a city officer (苏州's page) and for the ministry (the national page), over
the 120 months (the longest period a dashboard reads) around the median certificate: synthetic populations are
certified years before the shipped 2013 campaign, whose own period would read empty tallies and look falsely fast.
Each line says which page and period it timed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from .harness import Bench, p95, percentile, timed

CITY_OFFICER, NATIONAL_OFFICER = "suzhou-hrss", "mohrss"
CAMPAIGN, CITY = "skills-100-2013", "3205"
MAX_MONTHS = 120  # the longest period a dashboard reads


def bench_pages(bench: Bench, app, runs: int, budget_s: float) -> None:
    from app.extensions import db
    from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID
    from credentials.models import Certificate, Worker

    with app.app_context():
        number, name = db.session.execute(
            select(Certificate.number, Worker.name).join(Worker, Worker.id == Certificate.worker_id)
            .order_by(Certificate.id.desc()).limit(1)).one()
        first, last, count = db.session.execute(select(func.min(Certificate.issued_on), func.max(Certificate.issued_on),
                                                        func.count())).one()
        middle = db.session.scalar(select(Certificate.issued_on).order_by(Certificate.issued_on).offset(count // 2)
                                   .limit(1))
    period = dashboard_period(first, middle, last)
    worker = signed_in(app, DEMO_WORKER_ID, DEMO_PASSWORD)
    city = signed_in(app, CITY_OFFICER, DEMO_PASSWORD)
    national = signed_in(app, NATIONAL_OFFICER, DEMO_PASSWORD)
    public = app.test_client()

    def page(name: str, call, count: int, **details: object) -> None:
        samples = timed(lambda: _ok(call()), count, budget_s=budget_s)
        bench.report(name, p95(samples), "ms", p50=percentile(samples, 0.5), runs=len(samples), **details)

    page("progression_p95_ms", lambda: worker.get("/worker/"), runs, page="/worker/", who="demo_worker")
    page("bureau_queue_p95_ms", lambda: city.get("/bureau/queue"), runs, page="/bureau/queue", who=CITY_OFFICER)
    city_page, national_page = f"/bureau/campaigns/{CAMPAIGN}/cities/{CITY}", f"/bureau/campaigns/{CAMPAIGN}/"
    page("dashboard_city_p95_ms", lambda: city.get(city_page, query_string=period), runs, page=city_page,
         who=CITY_OFFICER, period=f"{period['from']}..{period['to']}")
    page("dashboard_national_p95_ms", lambda: national.get(national_page, query_string=period), runs,
         page=national_page, who=NATIONAL_OFFICER, period=f"{period['from']}..{period['to']}")
    page("verify_api_p95_ms", lambda: public.post("/api/v1/verify", json={"number": number, "name": name}), runs,
         page="/api/v1/verify")


def dashboard_period(first: date, middle: date, last: date) -> dict[str, str]:
    """MAX_MONTHS months around the median certificate's issue date (the bulk of the registry), within the
    registry's span: the demo's recent certificates must not pull the window away from the synthetic mass."""
    def shifted(day: date, months: int) -> date:
        index = day.year * 12 + day.month - 1 + months
        return date(index // 12, index % 12 + 1, 1)

    start = max(first.replace(day=1), shifted(middle, -(MAX_MONTHS // 2)))
    end = min(last, shifted(start, MAX_MONTHS) - timedelta(days=1))
    return {"from": start.isoformat(), "to": end.isoformat()}


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

"""Route planning: `route_plan_us` is one worker's plan towards an engineering title (the graph built once per
process, the worker's history already loaded), over many workers; beside it the history load, the graph
build, the national ladder census (every worker judged, as the bureau's ladder page does uncached) and the
worker's routes page."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import select

from .harness import Bench, p95, percentile, timed
from .pages import _ok, signed_in

GOAL = "title:engineering:associate_senior"  # 高级工程师: a route that crosses over


def bench_routes(bench: Bench, app, workers: int, runs: int, budget_s: float) -> None:
    from app.extensions import db
    from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID
    from credentials.models import Certificate, User
    from credentials.queries.career import occupations_of
    from credentials.queries.census import ladder_census
    from credentials.queries.history import history_of
    from ladder.graph import build_graph, graph_for
    from ladder.routes import plan_for_worker

    today = date.today()
    started = time.perf_counter()
    build_graph(today)
    bench.report("route_graph_build_ms", (time.perf_counter() - started) * 1000, "ms")
    g = graph_for(today)  # built once per process, shared by every request
    with app.app_context():
        session = db.session()
        ids = session.scalars(select(Certificate.worker_id).distinct().order_by(Certificate.worker_id)
                              .limit(workers)).all()
        loads, plans = [], []
        for worker_id in ids:
            started = time.perf_counter()
            history = history_of(session, worker_id)
            loaded = time.perf_counter()
            plan_for_worker(g, history, occupations_of(history)[0], GOAL, today=today)
            plans.append((time.perf_counter() - loaded) * 1e6)
            loads.append((loaded - started) * 1e6)
        plans.sort()
        loads.sort()
        bench.report("route_plan_us", p95(plans), "us", p50=percentile(plans, 0.5), runs=len(plans), goal=GOAL,
                     history_load_p95_us=p95(loads))
        national = session.scalar(select(User).where(User.username == "mohrss"))
        started = time.perf_counter()
        census = ladder_census(session, national, today=today)
        bench.report("census_national_s", time.perf_counter() - started, "s", workers=census.workers,
                     on_ladder=census.on_ladder, page="/bureau/ladder_uncached")
    worker = signed_in(app, DEMO_WORKER_ID, DEMO_PASSWORD)
    samples = timed(lambda: _ok(worker.get(f"/worker/routes?to={GOAL}")), runs, budget_s=budget_s)
    bench.report("routes_page_p95_ms", p95(samples), "ms", p50=percentile(samples, 0.5), runs=len(samples),
                 page="/worker/routes")

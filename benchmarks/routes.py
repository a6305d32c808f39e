"""Route planning speed: the graph built once; one worker's plan (history load + plan_for_worker) over
many workers; the bureau's census of a whole (national) region; and the ladder pages that use them."""

from __future__ import annotations

import statistics
import time
from datetime import date

from sqlalchemy import select

from .harness import Bench
from .pages import _ok, _signed_in

GOAL = "title:engineering:associate_senior"  # 高级工程师: a route that crosses over


def bench_routes(bench: Bench, app, workers: int) -> None:
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
    bench.report("route.graph_build", (time.perf_counter() - started) * 1000, "ms")
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
            plans.append((time.perf_counter() - loaded) * 1000)
            loads.append((loaded - started) * 1000)
        _percentiles(bench, "route.worker_plan", plans)
        _percentiles(bench, "route.history_load", loads)
        _percentiles(bench, "route.worker_total", [a + b for a, b in zip(loads, plans, strict=True)])
        national = session.scalar(select(User).where(User.username == "mohrss"))
        started = time.perf_counter()
        census = ladder_census(session, national, today=today)
        bench.report("route.bureau_census_national", time.perf_counter() - started, "s",
                     workers=census.workers, on_ladder=census.on_ladder)
    officer = _signed_in(app, "mohrss", DEMO_PASSWORD)
    bench.latency("page.bureau_ladder_national", lambda: _ok(officer.get("/bureau/ladder")), 5)
    worker = _signed_in(app, DEMO_WORKER_ID, DEMO_PASSWORD)
    bench.latency("page.worker_routes", lambda: _ok(worker.get(f"/worker/routes?to={GOAL}")), 100)


def _percentiles(bench: Bench, name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    bench.report(f"{name}.p50", statistics.median(ordered), "ms", p95=p95, runs=len(ordered))

"""`eligibility_workers_per_s`: every worker of one city judged in one batch — each worker's histories read in
keyset chunks (`histories_for`: a fixed number of queries per chunk), then, in every occupation they hold or
work in, the regular-route verdict for the next level up (`ladder.eligibility.evaluate`). The city is the
campaign city with the most workers."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import func, select

from .harness import Bench

CHUNK = 2000


def bench_eligibility(bench: Bench, app) -> None:
    from app.extensions import db
    from credentials.models import Worker
    from credentials.queries.career import occupations_of
    from credentials.queries.history import histories_for
    from ladder.eligibility import NoRegularRoute, evaluate, next_regular_target

    today = date.today()
    with app.app_context():
        session = db.session()
        city = session.execute(select(Worker.city_code, func.count()).group_by(Worker.city_code)
                               .order_by(func.count().desc(), Worker.city_code).limit(1)).one()[0]
        started = time.perf_counter()
        workers = judgements = eligible = 0
        last_id = 0
        while ids := session.scalars(select(Worker.id).where(Worker.city_code == city, Worker.id > last_id)
                                     .order_by(Worker.id).limit(CHUNK)).all():
            last_id = ids[-1]
            for history in histories_for(session, ids).values():
                workers += 1
                for occupation in occupations_of(history):
                    target = next_regular_target(history, occupation)
                    if target is None:
                        continue
                    try:
                        verdict = evaluate(history, occupation, target, on=today)
                    except (NoRegularRoute, LookupError):
                        continue
                    judgements += 1
                    eligible += verdict.eligible
        elapsed = time.perf_counter() - started
    bench.report("eligibility_workers_per_s", workers / elapsed if elapsed else 0.0, "workers/s", city=city,
                 workers=workers, judgements=judgements, eligible=eligible, seconds=elapsed)

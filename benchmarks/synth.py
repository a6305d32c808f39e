"""Bulk generation rate of the synthetic population (`flask synth`): workers and their certificates."""

from __future__ import annotations

from .harness import Bench


def bench_synth(bench: Bench, app, workers: int) -> None:
    from app.extensions import db
    from credentials.demo.synth import synthesize

    with app.app_context():
        result = synthesize(db.session(), app.extensions["vault"], workers=workers, seed=1)
    bench.report("synth_workers_per_s", result.workers / result.seconds, "workers/s", workers=result.workers,
                 certificates=result.certificates, seconds=result.seconds)

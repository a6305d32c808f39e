"""Bulk generation rate (`flask synth`)."""

from __future__ import annotations

from .harness import Bench


def bench_synth(bench: Bench, app, workers: int) -> None:
    from app.extensions import db
    from credentials.demo.synth import synthesize

    with app.app_context():
        result = synthesize(db.session(), app.extensions["vault"], workers=workers, seed=1)
    bench.report("synth.workers_per_s", result.workers / result.seconds, "rows/s", workers=result.workers,
                 certificates=result.certificates)

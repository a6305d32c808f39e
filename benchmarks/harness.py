"""Timing helpers and a scratch application for benchmarks."""

from __future__ import annotations

import contextlib
import statistics
import time
import uuid
from collections.abc import Callable, Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


class Bench:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def report(self, name: str, value: float, unit: str, **extra: float | str) -> None:
        tail = " ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in extra.items())
        line = f"BENCH {name} {value:.4g} {unit} {tail}".rstrip()
        self.lines.append(line)
        print(line, flush=True)

    def latency(self, name: str, call: Callable[[], object], runs: int) -> None:
        for _ in range(min(20, runs)):
            call()  # warm caches and the connection pool
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            call()
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        p95 = samples[int(0.95 * (len(samples) - 1))]
        self.report(f"{name}.p50", statistics.median(samples), "ms", p95=p95, runs=runs)

    def summary(self) -> None:
        print(f"-- {len(self.lines)} measurements", flush=True)


@contextlib.contextmanager
def fresh_app(scratch: str, database_url: str | None) -> Iterator:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from credentials.demo.seed import seed_demo

    url, drop = _database(scratch, database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": scratch, "LOG_LEVEL": "WARNING",
                      "LOGIN_RATE_LIMIT": "1000000 per minute"})
    try:
        with app.app_context():
            upgrade(revision="heads")
            seed_demo(db.session(), app.extensions["vault"])
            db.session.commit()
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        drop()


def _database(scratch: str, server_url: str | None) -> tuple[str, Callable[[], None]]:
    if not server_url:
        return f"sqlite:///{scratch}/bench.sqlite3", lambda: None
    admin_url = make_url(server_url).set(drivername="postgresql+psycopg", database="postgres")
    name = f"tl_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop

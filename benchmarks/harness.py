"""Timing helpers, memory readings and a scratch application for benchmarks."""

from __future__ import annotations

import contextlib
import math
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .report import Bench

MIN_SAMPLES = 5
__all__ = ["Bench", "fresh_app", "p95", "percentile", "timed", "peak_rss_mb", "reset_peak_rss"]


def timed(call: Callable[[], object], runs: int, *, warmup: int = 3, budget_s: float | None = None) -> list[float]:
    """Milliseconds of up to `runs` calls (after `warmup` untimed ones that fill caches and the pool), sorted.

    With a budget, sampling stops once the budget is spent and at least five samples are in: pages that read
    every worker take seconds each at a million workers, and 300 of them would take an hour."""
    for _ in range(min(warmup, runs)):
        call()
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s if budget_s else None
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
        if deadline is not None and len(samples) >= MIN_SAMPLES and time.perf_counter() > deadline:
            break
    return sorted(samples)


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted samples (share 0.95 for p95)."""
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def p95(ordered: list[float]) -> float:
    return percentile(ordered, 0.95)


def _status(pid: int | str, field: str) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024  # kB → MB
    except OSError:
        return None
    return None


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """Peak resident memory (VmHWM) of a process in MB; None where /proc cannot tell (not Linux)."""
    return _status(pid, "VmHWM")


def reset_peak_rss() -> bool:
    """Start the peak over from the current resident size (Linux: write 5 to clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@contextlib.contextmanager
def fresh_app(scratch: str, database_url: str | None) -> Iterator:
    """A migrated scratch database with the demo loaded, and an app on it: (app, database URL)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from credentials.demo.seed import seed_demo

    url, drop = _database(scratch, database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": scratch, "LOG_LEVEL": "WARNING",
                      "LOGIN_RATE_LIMIT": "1000000 per minute", "VERIFY_RATE_LIMIT": "1000000 per minute"})
    try:
        with app.app_context():
            upgrade(revision="heads")
            seed_demo(db.session(), app.extensions["vault"])
            db.session.commit()
        yield app, url
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

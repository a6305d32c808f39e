"""Several gunicorn workers on PostgreSQL and Redis under a bounded, mixed concurrent load (benchmarks/load.py):
no error, and every acknowledged write in the database exactly once.

Slow by nature (a scratch database with the demo, four workers, then LOAD_TEST_SECONDS of load): it runs only when
LOAD_TEST_SECONDS is set, with the suite on PostgreSQL and Redis reachable; `.ci/run` runs it for 12 s. The longer
run is `python -m benchmarks.load` (README "Scale-out").
"""

from __future__ import annotations

import os
import socket

import pytest

from benchmarks.load import run

SECONDS = float(os.environ.get("LOAD_TEST_SECONDS") or 0)
REDIS_URL = os.environ.get("LOAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not SECONDS or not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres") or not _redis_answers(),
    reason="set LOAD_TEST_SECONDS, with TEST_DATABASE_URL on PostgreSQL and Redis on 127.0.0.1:6379")


def test_mixed_concurrent_load_loses_and_doubles_nothing():
    tally, problems, _elapsed = run(seconds=SECONDS, clients=16, workers=4,
                                    database_url=os.environ["TEST_DATABASE_URL"], redis_url=REDIS_URL)

    assert tally.errors == []
    assert problems == []
    # every kind of request was served, writes among them (else the checks above proved nothing)
    assert {kind for kind, count in tally.answered.items() if count} == {
        "verify", "dashboard", "worker_read", "register", "work_period", "result"}
    assert tally.registered and tally.work_periods and tally.results

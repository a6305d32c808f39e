"""The replica lag guard's decision (app.replica_lag), without any database: when the streaming replica may serve
the read engine, how often its lag is measured, what is logged, and how REPLICA_MAX_LAG_SECONDS and
REPLICA_LAG_CHECK_SECONDS are read. The guard against a real replica is in tests/test_replica.py."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from app.config import ConfigError, load_config
from app.replica_lag import ReplicaLagGuard, measure_replica_lag, replica_usable


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Lags:
    """A replica whose lag the test sets; counts the measurements."""

    def __init__(self, lag: float | None = 0.0) -> None:
        self.lag = lag
        self.unreachable = False
        self.calls = 0

    def __call__(self) -> float | None:
        self.calls += 1
        if self.unreachable:
            raise OperationalError("SELECT", {}, ConnectionRefusedError("secret-host:5433 refused"))
        return self.lag


class Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.getMessage()}")


@pytest.fixture
def logger() -> logging.Logger:
    logger = logging.getLogger("test_replica_lag")
    logger.handlers = [Messages()]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def logged(logger: logging.Logger) -> list[str]:
    handler = logger.handlers[0]
    assert isinstance(handler, Messages)
    return handler.lines


def usable(guard: ReplicaLagGuard, lags: Callable[[], float | None], *, limit: float = 10.0,
           every: float = 1.0) -> bool:
    return guard.replica_usable(lags, max_lag_seconds=limit, check_seconds=every)


@pytest.mark.parametrize(("lag", "limit", "expected"), [
    (0.0, 10.0, True), (9.99, 10.0, True), (10.0, 10.0, True), (10.01, 10.0, False), (90.0, 10.0, False),
    (0.0, 0.0, True), (0.3, 0.2, False), (None, 10.0, False), (None, 1e9, False)])
def test_the_replica_serves_only_within_the_limit_and_never_with_an_unknown_lag(lag, limit, expected):
    assert replica_usable(lag, limit) is expected


def test_the_lag_is_measured_at_most_once_per_check_interval(logger):
    clock, lags = Clock(), Lags(0.5)
    guard = ReplicaLagGuard(logger, clock)

    assert all(usable(guard, lags) for _ in range(100))
    assert lags.calls == 1
    clock.now += 0.99
    assert usable(guard, lags) and lags.calls == 1
    clock.now += 0.01
    assert usable(guard, lags) and lags.calls == 2


def test_a_zero_check_interval_measures_every_time(logger):
    lags = Lags(0.0)
    guard = ReplicaLagGuard(logger, Clock())
    for _ in range(5):
        usable(guard, lags, every=0)
    assert lags.calls == 5


def test_a_lagging_replica_sends_the_reads_to_the_primary_until_it_catches_up(logger):
    clock, lags = Clock(), Lags(0.1)
    guard = ReplicaLagGuard(logger, clock)
    assert usable(guard, lags)

    lags.lag = 90.0  # a write burst
    assert usable(guard, lags)  # the reading of a moment ago still holds
    clock.now += 1
    assert not usable(guard, lags)
    assert guard.reading is not None and guard.reading.lag_seconds == 90.0 and guard.reading.problem == "lagging"
    clock.now += 1
    assert not usable(guard, lags)

    lags.lag = 0.0
    clock.now += 1
    assert usable(guard, lags)
    assert logged(logger) == [
        "WARNING replica lag guard: reading the primary; replica 90.0 s behind (limit 10.0 s)",
        "WARNING replica lag guard: back to the replica (lag 0.0 s, limit 10.0 s)"]  # each switch once


def test_an_unreachable_replica_sends_the_reads_to_the_primary_with_a_warning_naming_no_host(logger):
    clock, lags = Clock(), Lags()
    lags.unreachable = True
    guard = ReplicaLagGuard(logger, clock)

    assert not usable(guard, lags)
    clock.now += 1
    assert not usable(guard, lags)

    assert guard.reading is not None and guard.reading.problem == "OperationalError"
    assert logged(logger) == ["WARNING replica lag guard: reading the primary; replica unusable (OperationalError)"]
    assert "secret-host" not in " ".join(logged(logger))


def test_a_lagging_replica_that_becomes_unreachable_logs_the_new_reason(logger):
    clock, lags = Clock(), Lags(30.0)
    guard = ReplicaLagGuard(logger, clock)
    assert not usable(guard, lags)
    lags.unreachable = True
    clock.now += 1
    assert not usable(guard, lags)
    assert [line.split("; ")[1] for line in logged(logger)] == [
        "replica 30.0 s behind (limit 10.0 s)", "replica unusable (OperationalError)"]


def test_an_unknown_lag_falls_back(logger):
    guard = ReplicaLagGuard(logger, Clock())
    assert not usable(guard, Lags(None))
    assert logged(logger) == ["WARNING replica lag guard: reading the primary; replica unusable (lag unknown)"]


def test_a_healthy_replica_logs_nothing(logger):
    clock, lags = Clock(), Lags(0.2)
    guard = ReplicaLagGuard(logger, clock)
    for _ in range(3):
        assert usable(guard, lags)
        clock.now += 5
    assert logged(logger) == []


def test_while_one_thread_measures_the_others_keep_the_last_reading(logger):
    """A slow or hanging replica delays only the thread that measures; the other requests go on."""
    clock, measuring, release = Clock(), threading.Event(), threading.Event()
    guard = ReplicaLagGuard(logger, clock)
    assert usable(guard, Lags(0.0))
    clock.now += 5

    def slow_lag() -> float:
        measuring.set()
        assert release.wait(10)
        return 60.0

    results: list[bool] = []
    measurer = threading.Thread(target=lambda: results.append(usable(guard, slow_lag)))
    measurer.start()
    assert measuring.wait(10)
    others = Lags(0.0)
    assert all(usable(guard, others) for _ in range(20))  # the previous reading, no measurement of their own
    assert others.calls == 0
    release.set()
    measurer.join(10)
    assert results == [False] and not usable(guard, others)


def test_concurrent_first_requests_measure_once(logger):
    guard, calls, lock = ReplicaLagGuard(logger, Clock()), [], threading.Lock()

    def counted_lag() -> float:
        with lock:
            calls.append(1)
        return 0.0

    threads = [threading.Thread(target=lambda: usable(guard, counted_lag)) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1


def test_a_read_engine_that_is_not_postgresql_has_no_lag():
    assert measure_replica_lag(create_engine("sqlite://")) == 0.0


def test_the_lag_settings_default_to_ten_seconds_checked_every_second(monkeypatch):
    monkeypatch.delenv("REPLICA_MAX_LAG_SECONDS", raising=False)
    monkeypatch.delenv("REPLICA_LAG_CHECK_SECONDS", raising=False)
    config = load_config()
    assert (config["REPLICA_MAX_LAG_SECONDS"], config["REPLICA_LAG_CHECK_SECONDS"]) == (10.0, 1.0)

    monkeypatch.setenv("REPLICA_MAX_LAG_SECONDS", "2.5")
    monkeypatch.setenv("REPLICA_LAG_CHECK_SECONDS", "0")
    config = load_config()
    assert (config["REPLICA_MAX_LAG_SECONDS"], config["REPLICA_LAG_CHECK_SECONDS"]) == (2.5, 0.0)


@pytest.mark.parametrize("raw", ["-1", "ten", "nan", "-inf"])
def test_a_lag_setting_that_is_not_a_number_of_seconds_is_refused(monkeypatch, raw):
    monkeypatch.setenv("REPLICA_MAX_LAG_SECONDS", raw)
    with pytest.raises(ConfigError, match="REPLICA_MAX_LAG_SECONDS"):
        load_config()

"""The replica lag guard: the read engine (app.extensions.read_session/read_engine) reads the streaming replica
only while it is at most REPLICA_MAX_LAG_SECONDS behind the primary, and the primary otherwise.

Why: a replica that falls behind (1.5 minutes under a write burst on a busy machine) answers "valid" for a
certificate revoked in that window. Falling back to the primary costs load, never correctness.

The lag is measured on the replica at most once per REPLICA_LAG_CHECK_SECONDS per process (one guard per app,
a timestamped reading behind a lock), so a request normally pays no round trip for it. This is a health
reading of the replica, not a cache of any data.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

# The standard idiom: no lag while everything received has been replayed (an idle primary sends nothing, and
# the last replayed transaction's time would otherwise read as a growing lag); else the age of the last
# transaction replayed. A server not in recovery is a primary (a misconfigured URL, or a promoted replica):
# it has no replay to lag behind.
LAG_QUERY = text(
    "SELECT pg_is_in_recovery(), "
    "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END")


def measure_replica_lag(engine: Engine) -> float | None:
    """Seconds the replica's replay is behind (None: unknown, e.g. nothing replayed yet since it started).
    Raises SQLAlchemyError when the replica cannot be reached."""
    if engine.dialect.name != "postgresql":
        return 0.0  # only PostgreSQL streams; any other read engine is a copy with nothing to replay
    with engine.connect() as connection:
        in_recovery, lag = connection.execute(LAG_QUERY).one()
    if not in_recovery:
        return 0.0
    if lag is None:
        return None
    return max(0.0, float(lag))  # clock skew between the servers can make it slightly negative


@dataclass(frozen=True)
class LagReading:
    """One measurement: when it was taken (monotonic clock), the lag seen, and whether the replica may serve."""

    taken_at: float
    lag_seconds: float | None
    replica_usable: bool
    problem: str | None = None  # why the replica may not serve, one word or an exception's class name


def replica_usable(lag_seconds: float | None, max_lag_seconds: float) -> bool:
    """The guard's decision: an unknown lag (unreachable, or nothing replayed yet) is too much."""
    return lag_seconds is not None and lag_seconds <= max_lag_seconds


class ReplicaLagGuard:
    """Per process (one per app): the latest lag reading, refreshed by one thread at a time when it is older
    than the check interval. Other threads keep using the previous reading meanwhile, so a slow or unreachable
    replica delays only the thread that measures (and the very first requests, which have no reading yet)."""

    def __init__(self, logger: logging.Logger, clock: Callable[[], float] = time.monotonic) -> None:
        self._logger = logger
        self._clock = clock
        self._lock = threading.Lock()
        self._reading: LagReading | None = None

    @property
    def reading(self) -> LagReading | None:
        return self._reading

    def replica_usable(self, measure: Callable[[], float | None], *, max_lag_seconds: float,
                       check_seconds: float) -> bool:
        reading = self._reading
        if reading is None or self._is_stale(reading, check_seconds):
            reading = self._refresh(measure, max_lag_seconds, check_seconds)
        return reading.replica_usable

    def _is_stale(self, reading: LagReading, check_seconds: float) -> bool:
        return self._clock() - reading.taken_at >= check_seconds

    def _refresh(self, measure: Callable[[], float | None], max_lag_seconds: float,
                 check_seconds: float) -> LagReading:
        previous = self._reading
        # Without any reading yet every thread waits for the first; after that, one measures and the rest go on.
        if not self._lock.acquire(blocking=previous is None):
            assert previous is not None
            return previous
        try:
            previous = self._reading
            if previous is not None and not self._is_stale(previous, check_seconds):
                return previous  # another thread measured while this one waited
            reading = self._measure(measure, max_lag_seconds)
            self._log_switch(previous, reading, max_lag_seconds)
            self._reading = reading
            return reading
        finally:
            self._lock.release()

    def _measure(self, measure: Callable[[], float | None], max_lag_seconds: float) -> LagReading:
        try:
            lag = measure()
        except SQLAlchemyError as error:
            # The driver's message can name hosts and users: the log gets the exception's class only.
            return LagReading(self._clock(), None, replica_usable=False, problem=type(error).__name__)
        usable = replica_usable(lag, max_lag_seconds)
        problem = None if usable else ("lag unknown" if lag is None else "lagging")
        return LagReading(self._clock(), lag, replica_usable=usable, problem=problem)

    def _log_switch(self, previous: LagReading | None, reading: LagReading, max_lag_seconds: float) -> None:
        was_usable = True if previous is None else previous.replica_usable  # a new process starts on the replica
        if reading.replica_usable and not was_usable:
            self._logger.warning("replica lag guard: back to the replica (lag %.1f s, limit %.1f s)",
                                 reading.lag_seconds or 0.0, max_lag_seconds)
        elif not reading.replica_usable and (was_usable or previous is None or previous.problem != reading.problem):
            if reading.lag_seconds is not None:
                self._logger.warning("replica lag guard: reading the primary; replica %.1f s behind (limit %.1f s)",
                                     reading.lag_seconds, max_lag_seconds)
            else:
                self._logger.warning("replica lag guard: reading the primary; replica unusable (%s)", reading.problem)

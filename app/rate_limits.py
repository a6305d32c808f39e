"""The rate limits' counters kept in the process, when no Redis is configured (development, tests, one machine).

limits' MemoryStorage purges expired counters from a timer thread that it starts again, 10 ms later, on every
counted request once the last timer has run: under load nearly every rate-limited request started a thread and
waited for it to run, which cost more than the public verification's whole look-up. This storage purges the
same way but inline, at most once a second. Nothing else changes: a counter read after its window ended is
already treated as expired by MemoryStorage.get, so the limits hold exactly as before; the purge only keeps
memory bounded. With several gunicorn workers the counters must be shared: set REDIS_URL (README).
"""

from __future__ import annotations

import time

from limits.storage import MemoryStorage

URI = "memory-inline://"
PURGE_EVERY_S = 1.0


class InlineExpiryMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["memory-inline"]  # registered by limits under this name when the class is defined

    _next_purge = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces MemoryStorage's timer thread (name-mangled)
        now = time.monotonic()
        if now >= self._next_purge:
            self._next_purge = now + PURGE_EVERY_S
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]

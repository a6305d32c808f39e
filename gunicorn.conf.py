"""gunicorn, the production WSGI server: `gunicorn -c gunicorn.conf.py` (what `make serve` runs).

Every setting below can be changed from the environment without editing this file:

  GUNICORN_BIND          127.0.0.1:8000     address(es) to listen on, comma-separated (a reverse proxy in front)
  WEB_CONCURRENCY        2 x cores + 1      worker processes (5 on a 2-core machine)
  GUNICORN_TIMEOUT       60                 seconds a request may run before its worker is killed and replaced
  GUNICORN_GRACEFUL_TIMEOUT  30             seconds workers get to finish requests in flight on TERM or HUP
  GUNICORN_MAX_REQUESTS  2000               a worker is replaced after this many requests (plus a random
  GUNICORN_MAX_REQUESTS_JITTER  200           0..jitter, so that workers are not all replaced at once)
  GUNICORN_PRELOAD       1                  load the app once in the master, then fork (0: load per worker)
  GUNICORN_ACCESS_LOG    -                  access log file ("-" = stdout)
  GUNICORN_ERROR_LOG     -                  server log file ("-" = stderr; the app's JSON logs go to stderr)
  GUNICORN_PIDFILE       unset              write the master's pid there (for `kill -HUP $(cat …)`)
  GUNICORN_CONTROL_SOCKET  unset            gunicorn's control socket (`gunicornc`); off unless set

Signals to the master: HUP re-reads this file and replaces the workers gracefully (each finishes its
requests first); TERM stops gracefully (no new connections, requests in flight finish within the graceful
timeout, then exit 0); INT or QUIT stop at once; TTIN / TTOU add / remove a worker; USR1 reopens the log
files (logrotate). With the app preloaded, HUP reloads configuration but not code: to deploy new code, send
USR2 (a new master starts with the new code beside the old one), then WINCH and QUIT to the old master.

Preloading is safe here: create_app() opens no database or Redis connection (the SQLAlchemy pool and the
Redis clients connect on first use, and redis-py reconnects in a forked child by itself), and `post_fork`
still drops any pooled database connection a worker inherited, so no two processes ever share a socket.

The access log holds the path without the query string (%(U)s, never %(r)s or %(q)s) and no referrer:
query strings and referrers can carry names and search terms. Each line ends with the request id that the
app's own JSON log lines carry, to join the two. Both gunicorn logs pass through app.logs.QueryStringFilter,
which also cuts query strings from gunicorn's error messages and masks ID numbers.
"""

from __future__ import annotations

import gc
import logging
import os
import sys


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "app.wsgi:app"
proc_name = "talent-ladder"
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address.strip()]
workers = _env_int("WEB_CONCURRENCY", 2 * _cores() + 1)
worker_class = "sync"  # one request per process at a time: the app and its database sessions are synchronous
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5  # behind a reverse proxy that reuses its connections
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = "info"
# remote address, time, method, path (no query string), protocol, status, bytes, milliseconds, request id
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True  # one machine may run several servers (the benchmark runs two)


def on_starting(server) -> None:
    """Scrub gunicorn's own log lines (access and error) before any handler writes them."""
    from app.logs import QueryStringFilter

    for name in ("gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, QueryStringFilter) for f in logger.filters):
            logger.addFilter(QueryStringFilter())


def pre_fork(server, worker) -> None:
    """Freeze what the preloaded master holds (the app, its templates, reference data) into the collector's
    permanent generation before forking, as Python's gc documentation advises for pre-fork servers: a worker's
    full collections then neither walk those objects (a pause of 100+ ms in the middle of a request) nor write
    to their pages, which the worker would otherwise copy out of the memory it shares with the master."""
    gc.freeze()


def post_fork(server, worker) -> None:
    """A preloaded app's engine may hold pooled connections made in the master: forget them (without closing
    them, which would close the master's sockets too); this worker opens its own on first use."""
    module = sys.modules.get("app.wsgi")
    if module is None:
        return  # not preloaded: this worker builds its own app
    from app.extensions import db

    with module.app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)

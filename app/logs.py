"""Structured JSON logs (UTC, request id, actor) with national ID numbers redacted, and never a query string.

`scrub` is the one cleaning step for every line the server writes: this app's JSON logs and gunicorn's own
access and error logs (`QueryStringFilter`, installed by gunicorn.conf.py). Query strings can carry names
(`/verify?number=…&name=…`) and search terms, and a database error's bound parameters carry whatever the
statement was given, so both are cut; ID numbers are masked wherever they appear."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

from credentials.identity import redact_ids

# "?" right after a path character, up to the next space or quote: the query string of a URL or request line.
QUERY_STRING = re.compile(r"(?<=[\w/%.~-])\?[^\s\"'<>]*")
# SQLAlchemy's error text lists the statement's bound values on one line ("[parameters: (…)]").
BOUND_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
# A share link's token is its whole secret and sits in the path (/shared/<token>/...): whoever reads the log
# must not be able to open the worker's shared certificates.
SHARE_TOKEN = re.compile(r"(/shared/)[^/\s\"'<>?]+")


def scrub(text: str) -> str:
    """A log line with query strings and bound SQL parameters removed and ID numbers masked."""
    text = QUERY_STRING.sub("", text)
    text = BOUND_PARAMETERS.sub("[parameters: hidden]", text)
    text = SHARE_TOKEN.sub(r"\1[token]", text)
    return redact_ids(text)


class QueryStringFilter(logging.Filter):
    """Scrubs a record before any handler writes it (message, arguments and traceback alike)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": scrub(record.getMessage()),
        }
        if has_request_context():
            entry["request_id"] = getattr(g, "request_id", None)
            entry["path"] = scrub(request.path)  # never the query string nor a share token
            actor = getattr(g, "actor", None)
            entry["actor"] = actor.id if actor is not None else None
        for key in ("outcome", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = scrub(record.exc_text)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    app.logger.handlers = [handler]
    default = "WARNING" if app.config.get("TESTING") else "INFO"
    app.logger.setLevel(app.config.get("LOG_LEVEL") or os.environ.get("LOG_LEVEL", default))
    app.logger.propagate = False

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if not request.path.startswith("/static/"):
            elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
            extra = {"status": response.status_code, "duration_ms": round(elapsed, 1)}
            if "outcome" in g:  # what the request found (a verification's verdict), on its one line
                extra["outcome"] = g.outcome
            app.logger.info("%s %s", request.method, request.path, extra=extra)
        return response

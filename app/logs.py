"""Structured JSON logs (UTC, request id, actor) with national ID numbers redacted."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

from credentials.identity import redact_ids


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": redact_ids(record.getMessage()),
        }
        if has_request_context():
            entry["request_id"] = getattr(g, "request_id", None)
            entry["path"] = request.path
            actor = getattr(g, "actor", None)
            entry["actor"] = actor.id if actor is not None else None
        for key in ("outcome", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = redact_ids(self.formatException(record.exc_info))
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
            app.logger.info("%s %s", request.method, request.path,
                            extra={"status": response.status_code, "duration_ms": round(elapsed, 1)})
        return response

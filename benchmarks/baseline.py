"""The baseline of `verify_rps`: a bare Flask route doing the verification's one indexed SELECT.

Served by gunicorn with the repository's gunicorn.conf.py and the same worker count as the real API
(`gunicorn -c gunicorn.conf.py benchmarks.baseline:app`), on the same database. It takes the same JSON body
as `POST /api/v1/verify` (number and holder's name), looks the number up through the unique index on
`certificates.number` with the holder's name in the same statement, and answers whether they match: the
least any verification must do. Nothing else of the app runs (no ORM, sessions, logging, rate limit,
security headers or schema), which is what the ratio measures.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from app.config import normalise_database_url

app = Flask(__name__)
LOOK_UP = text(
    "SELECT c.number, c.status, w.name FROM certificates c JOIN workers w ON w.id = c.worker_id WHERE c.number = :number"
)
_engine: Engine | None = None  # made in the worker on first use, never in a forked master


def engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = create_engine(normalise_database_url(os.environ["DATABASE_URL"]))
    return _engine


@app.post("/verify")
def verify():
    body = request.get_json(silent=True) or {}
    with engine().connect() as connection:
        row = connection.execute(LOOK_UP, {"number": str(body.get("number", ""))}).first()
    matched = row is not None and row.name == body.get("name")
    status = ("valid" if row.status == "valid" else "revoked") if matched and row is not None else "not_found"
    return jsonify(valid=status == "valid", status=status)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")

"""The read engine (app.extensions.read_session): public verification reads through a streaming replica when
DATABASE_REPLICA_URL names one, and nothing can be written through it.

The replica tests need the replica that `scripts/replica start` runs (`.ci/run` starts it) and the suite on
PostgreSQL: REPLICA_TEST_URL=postgresql://postgres@127.0.0.1:5433/postgres with TEST_DATABASE_URL on the primary.
The replica copies the whole primary cluster, so it holds this session's test database under the same name.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from io import BytesIO

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from app import create_app
from app.config import REPLICA_BIND, replica_engine_options
from app.extensions import db as _db
from app.extensions import read_session
from credentials.models import AuditEvent, Province

REPLICA_TEST_URL = os.environ.get("REPLICA_TEST_URL")
needs_replica = pytest.mark.skipif(
    not REPLICA_TEST_URL or not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="needs the streaming replica (scripts/replica start; REPLICA_TEST_URL) and the suite on PostgreSQL")


def test_without_a_replica_the_read_session_is_the_primary_session(db):
    assert REPLICA_BIND not in db.engines
    assert read_session() is db.session()


def test_database_replica_url_adds_a_read_only_engine(monkeypatch):
    from app.config import load_config

    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@replica.internal/registry")
    replica = load_config()["SQLALCHEMY_BINDS"][REPLICA_BIND]

    assert replica["url"] == "postgresql+psycopg://reader@replica.internal/registry"
    assert replica["connect_args"] == {"options": "-c default_transaction_read_only=on"}
    monkeypatch.delenv("DATABASE_REPLICA_URL")
    assert "SQLALCHEMY_BINDS" not in load_config()


@pytest.fixture
def replicated_app(app, database_url) -> Iterator[Flask]:
    """The test app again, with the replica of its database as the read engine."""
    replica_url = make_url(REPLICA_TEST_URL).set(database=make_url(database_url).database)
    url = replica_url.render_as_string(hide_password=False)
    application = create_app(dict(app.config) | {"SQLALCHEMY_BINDS": {REPLICA_BIND: replica_engine_options(url)}})
    yield application
    with application.app_context():
        for engine in _db.engines.values():
            engine.dispose()


def wait_until_replayed(application: Flask, timeout: float = 120) -> None:
    """Until the replica has replayed everything the primary has written so far (this test database's creation
    included: the wait asks the replica's `postgres` database). Milliseconds on a quiet machine.

    The test database commits asynchronously (synchronous_commit off), so a commit record may sit in the WAL
    buffers past pg_current_wal_lsn(), which only counts what has been written out: wait for the insert position."""
    with application.app_context(), _db.engines[None].connect() as primary:
        written = primary.execute(text("SELECT pg_current_wal_insert_lsn()")).scalar_one()
    replica = create_engine(make_url(REPLICA_TEST_URL).set(drivername="postgresql+psycopg", database="postgres"),
                            poolclass=NullPool)
    deadline = time.monotonic() + timeout
    with replica.connect() as connection:
        while not connection.execute(text("SELECT pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)"),
                                     {"lsn": written}).scalar_one():
            assert time.monotonic() < deadline, f"the replica did not catch up within {timeout:.0f} s"
            time.sleep(0.05)
            connection.rollback()


def statements_by_engine(application: Flask) -> Counter[str]:
    """A running count of the statements each engine of the app executes."""
    counts: Counter[str] = Counter()
    with application.app_context():
        for key, engine in _db.engines.items():
            name = key or "primary"
            event.listen(engine, "before_cursor_execute",
                         lambda *_args, name=name, **_kwargs: counts.update([name]))
    return counts


@needs_replica
def test_a_certificate_issued_on_the_primary_verifies_through_the_replica(
        replicated_app, make_institution, make_worker, make_certificate):
    certificate = make_certificate(make_worker("李建华"), make_institution("无锡技师学院"), level="senior",
                                   issued_on=date(2022, 6, 1))
    wait_until_replayed(replicated_app)
    counts = statements_by_engine(replicated_app)

    response = replicated_app.test_client().post("/api/v1/verify", json={"number": certificate.number,
                                                                          "name": "李建华"})

    assert response.status_code == 200 and response.json["status"] == "valid"
    assert counts[REPLICA_BIND] >= 1 and counts["primary"] == 0  # the look-up never touched the primary


@needs_replica
def test_a_certificate_export_reads_its_rows_on_the_replica_and_audits_on_the_primary(
        replicated_app, make_institution, make_worker, make_certificate, make_user, login):
    certificate = make_certificate(make_worker("周明"), make_institution("常州技师学院"), issued_on=date(2023, 3, 1))
    officer = make_user("bureau_officer")
    client = replicated_app.test_client()
    login(client, officer)
    wait_until_replayed(replicated_app)
    counts = statements_by_engine(replicated_app)

    response = client.get("/bureau/certificates.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data), read_only=True).worksheets[0]
    assert certificate.number in [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert counts[REPLICA_BIND] >= 2  # the size check and the rows
    with replicated_app.app_context():
        exported = _db.session.scalar(select(func.count()).select_from(AuditEvent)
                                      .where(AuditEvent.action == "data.exported", AuditEvent.actor_id == officer.id))
    assert exported == 1  # written on the primary, beside the read


@needs_replica
def test_the_read_engine_refuses_writes(replicated_app):
    wait_until_replayed(replicated_app)  # the test database exists there
    with replicated_app.app_context():
        session = read_session()
        assert session.get_bind() is _db.engines[REPLICA_BIND]
        assert session.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
        session.add(Province(code="99", name="不存在的省"))
        with pytest.raises(DBAPIError, match="read-only transaction"):
            session.flush()
        session.rollback()


def test_the_read_engine_is_read_only_even_when_its_url_names_the_primary(app, database_url):
    """A misconfigured DATABASE_REPLICA_URL (the primary's own address) still cannot write."""
    if not database_url.startswith("postgres"):
        pytest.skip("the read-only setting is PostgreSQL's (SQLite has no replica)")
    application = create_app(dict(app.config) | {"SQLALCHEMY_BINDS": {REPLICA_BIND: replica_engine_options(database_url)}})
    with application.app_context():
        session = read_session()
        session.add(Province(code="99", name="不存在的省"))
        with pytest.raises(DBAPIError, match="read-only transaction"):
            session.flush()
        session.rollback()
        for engine in _db.engines.values():
            engine.dispose()

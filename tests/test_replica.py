"""The read engine (app.extensions.read_session): public verification reads through a streaming replica when
DATABASE_REPLICA_URL names one, and nothing can be written through it.

The replica tests need the replica that `scripts/replica start` runs (`.ci/run` starts it) and the suite on
PostgreSQL: REPLICA_TEST_URL=postgresql://postgres@127.0.0.1:5433/postgres with TEST_DATABASE_URL on the primary.
The replica copies the whole primary cluster, so it holds this session's test database under the same name.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from io import BytesIO

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from app import create_app
from app.config import REPLICA_BIND, REPLICA_CONNECT_TIMEOUT_SECONDS, replica_engine_options
from app.extensions import LAG_GUARD, read_session
from app.extensions import db as _db
from app.replica_lag import measure_replica_lag
from credentials.models import AuditEvent, Certificate, Province, User
from credentials.services.certificates import revoke_certificate

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
    assert replica["connect_args"] == {"options": "-c default_transaction_read_only=on",
                                       "connect_timeout": REPLICA_CONNECT_TIMEOUT_SECONDS}
    monkeypatch.delenv("DATABASE_REPLICA_URL")
    assert "SQLALCHEMY_BINDS" not in load_config()


@pytest.fixture
def replicated_app(app, database_url) -> Iterator[Flask]:
    """The test app again, with the replica of its database as the read engine."""
    yield from app_reading(app, replica_of(database_url))


@pytest.fixture
def guarded_app(app, database_url) -> Iterator[Callable[[float], Flask]]:
    """The replicated app with a given REPLICA_MAX_LAG_SECONDS, its lag measured on every read engine choice."""
    made: list[Iterator[Flask]] = []

    def make(max_lag_seconds: float) -> Flask:
        made.append(app_reading(app, replica_of(database_url), REPLICA_MAX_LAG_SECONDS=max_lag_seconds,
                                REPLICA_LAG_CHECK_SECONDS=0))
        return next(made[-1])
    yield make
    for application in made:
        next(application, None)  # disposes of its engines


def replica_of(database_url: str) -> str:
    assert REPLICA_TEST_URL
    replica_url = make_url(REPLICA_TEST_URL).set(database=make_url(database_url).database)
    return replica_url.render_as_string(hide_password=False)


def app_reading(app: Flask, replica_url: str, **config: object) -> Iterator[Flask]:
    """The test app again with `replica_url` as its read engine (and the given settings); disposed when resumed."""
    application = create_app(dict(app.config) | config |
                             {"SQLALCHEMY_BINDS": {REPLICA_BIND: replica_engine_options(replica_url)}})
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


# The lag guard (app/replica_lag.py): past REPLICA_MAX_LAG_SECONDS, or unreachable, the read engine is the primary's.

def replica_server() -> Engine:
    """The replica as its superuser sees it (its `postgres` database), for pausing replay and reading its lag."""
    assert REPLICA_TEST_URL
    return create_engine(make_url(REPLICA_TEST_URL).set(drivername="postgresql+psycopg", database="postgres"),
                         poolclass=NullPool)


@contextmanager
def replay_paused() -> Iterator[None]:
    """The replica keeps receiving the primary's WAL but replays none of it: it lags more every moment."""
    replica = replica_server()
    with replica.connect() as connection:
        connection.execute(text("SELECT pg_wal_replay_pause()"))
    try:
        yield
    finally:
        with replica.connect() as connection:
            connection.execute(text("SELECT pg_wal_replay_resume()"))
        replica.dispose()


def wait_until_lagging(more_than: float, timeout: float = 30) -> None:
    """Until the replica has received WAL it has not replayed and its last replay is older than `more_than`."""
    replica, deadline = replica_server(), time.monotonic() + timeout
    try:
        while (lag := measure_replica_lag(replica)) is None or lag <= more_than:
            assert time.monotonic() < deadline, f"the replica did not fall {more_than} s behind within {timeout} s"
            time.sleep(0.05)
    finally:
        replica.dispose()


def verify(application: Flask, number: str, name: str) -> str:
    response = application.test_client().post("/api/v1/verify", json={"number": number, "name": name})
    assert response.status_code == 200
    status: str = response.json["status"]
    return status


def revoke(certificate: Certificate, officer: User) -> None:
    revoke_certificate(_db.session(), _db.session.merge(certificate), reason="证书信息有误", by=_db.session.merge(officer))
    _db.session.commit()


@needs_replica
def test_a_certificate_revoked_while_the_replica_lags_verifies_as_revoked_from_the_primary(
        guarded_app, make_institution, make_worker, make_certificate, make_user):
    application = guarded_app(0.2)
    certificate = make_certificate(make_worker("陈立"), make_institution("苏州技师学院"), issued_on=date(2021, 5, 1))
    officer = make_user("bureau_officer")
    wait_until_replayed(application)
    assert verify(application, certificate.number, "陈立") == "valid"
    counts = statements_by_engine(application)

    with replay_paused():
        revoke(certificate, officer)
        wait_until_lagging(more_than=0.2)
        assert verify(application, certificate.number, "陈立") == "revoked"  # the replica would still say "valid"
    assert counts["primary"] >= 1
    guard = application.extensions[LAG_GUARD]
    assert guard.reading.problem == "lagging" and guard.reading.lag_seconds > 0.2

    wait_until_replayed(application)
    deadline = time.monotonic() + 30  # the other test databases on the primary write too: more may be pending
    while verify(application, certificate.number, "陈立") == "revoked" and not guard.reading.replica_usable:
        assert time.monotonic() < deadline, "the guard did not go back to the caught-up replica"
        time.sleep(0.1)
    assert verify(application, certificate.number, "陈立") == "revoked"  # the caught-up replica agrees


@needs_replica
def test_a_certificate_issued_while_the_replica_lags_verifies_from_the_primary(
        guarded_app, make_institution, make_worker, make_certificate):
    application = guarded_app(0.2)
    worker, institution = make_worker("高远"), make_institution("南通技师学院")
    wait_until_replayed(application)

    with replay_paused():
        certificate = make_certificate(worker, institution, issued_on=date(2024, 1, 15))
        wait_until_lagging(more_than=0.2)
        assert verify(application, certificate.number, "高远") == "valid"  # the replica has not got it yet


@needs_replica
def test_under_the_limit_the_replica_serves_even_while_it_lags(
        guarded_app, make_institution, make_worker, make_certificate, make_user):
    """The limit is what decides: a replica behind by less than it answers, with its slightly older view."""
    application = guarded_app(3600)
    certificate = make_certificate(make_worker("沈静"), make_institution("扬州技师学院"), issued_on=date(2021, 5, 1))
    officer = make_user("bureau_officer")
    wait_until_replayed(application)

    with replay_paused():
        revoke(certificate, officer)
        wait_until_lagging(more_than=0.2)
        counts = statements_by_engine(application)
        assert verify(application, certificate.number, "沈静") == "valid"  # the replica's view, a moment old
        with application.app_context():
            assert read_session().get_bind() is _db.engines[REPLICA_BIND]
    assert counts["primary"] == 0 and counts[REPLICA_BIND] >= 2  # the lag reading, then the look-up
    assert application.extensions[LAG_GUARD].reading.replica_usable


class Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_an_unreachable_replica_falls_back_to_the_primary_with_a_warning(
        app, database_url, make_institution, make_worker, make_certificate):
    """Nothing listens on port 5999: verification answers from the primary (not a 500), on SQLite too."""
    certificate = make_certificate(make_worker("韩梅"), make_institution("泰州技师学院"), issued_on=date(2022, 9, 1))
    unreachable = app_reading(app, "postgresql://reader@127.0.0.1:5999/registry")
    application = next(unreachable)
    messages = Messages()
    application.logger.addHandler(messages)
    try:
        assert verify(application, certificate.number, "韩梅") == "valid"
        with application.app_context():
            assert read_session() is _db.session()
        assert messages.lines == ["replica lag guard: reading the primary; replica unusable (OperationalError)"]
    finally:
        application.logger.removeHandler(messages)
        next(unreachable, None)

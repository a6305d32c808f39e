"""`flask backup` / `flask restore`: a registry backed up while it runs comes back row for row, in every table the
models declare, on the engine the suite runs on (SQLite, or PostgreSQL with TEST_DATABASE_URL); a damaged dump,
one of another schema revision, or a restore over a database that holds data are refused and change nothing."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from app import create_app, trust
from app.backup import manifest_path
from app.cli_backup import code_revision
from app.extensions import db as restored_db  # the same extension object; inside the restoring app's context
from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID, seed_demo
from credentials.models import Base, Institution, User, Worker
from credentials.services.applications import submit_application
from credentials.services.issuer_keys import rotate_issuer_key
from credentials.services.reference import find_occupation
from credentials.services.sessions import create_appraisal_session
from credentials.services.workers import register_worker
from tests.conftest import _postgres_database, national_id


@pytest.fixture
def fresh_url(database_url, tmp_path):
    """An empty database of the suite's engine: a file, or a uniquely named PostgreSQL database dropped after."""
    if database_url.startswith("postgresql"):
        yield from _postgres_database(database_url)
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


@pytest.fixture
def restoring_app(fresh_url, tmp_path):
    """A second app whose DATABASE_URL names the fresh database: what an operator restores with."""
    restored = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_url,
                           "SECRET_KEY": "test-secret-key-that-is-long-enough-123",
                           "INSTANCE_DIR": str(tmp_path / "instance")})
    yield restored
    with restored.app_context():
        restored_db.engine.dispose()


def flask(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=[str(a) for a in args])


def rows(engine, table) -> list[tuple]:
    order = list(table.primary_key.columns) or list(table.columns)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(table).order_by(*order))]


def sequences(engine) -> dict[str, int]:
    """PostgreSQL's identity sequences (a restore that lost them would hand out taken ids); none on SQLite."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as connection:
        return dict(connection.execute(text("SELECT sequencename, last_value FROM pg_sequences")).all())


@pytest.fixture
def registry(db, vault, api_token, client, login):
    """The demo city, plus an appraisal session, an application, a signed-in session, an API token and an issuer
    key, so that rows sit in most tables."""
    seed_demo(db.session(), vault)
    college = db.session.scalar(select(Institution).where(Institution.name == "苏州技师学院"))
    clerk = db.session.scalar(select(User).where(User.username == "szjsxy"))
    worker = db.session.scalar(select(Worker).where(Worker.id_hash == vault.index(DEMO_WORKER_ID)))
    lathe = find_occupation(db.session(), "6-18-01-01")
    create_appraisal_session(db.session(), institution=college, occupation=lathe, levels=("technician",),
                             held_on=date(2099, 6, 1), site="实训楼", capacity=10, by=clerk)
    submit_application(db.session(), worker=worker, occupation=lathe, level="technician", institution=college,
                       by=clerk)
    rotate_issuer_key(db.session(), trust.sealer(), by=None)
    db.session.commit()
    api_token(clerk, password=DEMO_PASSWORD)
    login(client, clerk, password=DEMO_PASSWORD)
    db.session.commit()


def test_a_backup_restores_every_table_row_by_row(app, db, registry, restoring_app, fresh_url, tmp_path):
    dump = tmp_path / "registry.dump"

    backed_up = flask(app, "backup", dump)
    restored = flask(restoring_app, "restore", dump)

    assert backed_up.exit_code == 0, backed_up.output
    assert restored.exit_code == 0, restored.output
    source, target = db.engine, create_engine(fresh_url, poolclass=NullPool)
    try:
        filled = [t.name for t in Base.metadata.sorted_tables if rows(source, t)]
        assert len(filled) > len(Base.metadata.tables) / 2, f"only {len(filled)} tables hold rows: {filled}"
        for table in Base.metadata.sorted_tables:  # a table added later is compared too
            assert rows(target, table) == rows(source, table), table.name
        assert sequences(target) == sequences(source)
    finally:
        target.dispose()
    manifest = json.loads(manifest_path(dump).read_text())
    for table in Base.metadata.sorted_tables:
        assert manifest["row_counts"][table.name] == len(rows(source, table)), table.name
        assert re.search(rf"^  {table.name} +{manifest['row_counts'][table.name]:,}$", restored.output, re.M)
    # the restored registry works: its audit chain is intact and new rows get fresh ids
    assert "audit trail intact" in flask(restoring_app, "audit", "verify").output
    with restoring_app.app_context():
        newest = restored_db.session.scalar(select(func.max(Worker.id)))
        worker = register_worker(restored_db.session(), restoring_app.extensions["vault"], name="新来的",
                                 national_id=national_id(date(1999, 9, 9)), city_code="3205", by=None)
        restored_db.session.commit()
        assert worker.id > newest
        restored_db.session.remove()


def test_the_manifest_describes_the_dump(app, db, make_worker, tmp_path):
    make_worker()
    dump = tmp_path / "small.dump"

    result = flask(app, "backup", dump)

    assert result.exit_code == 0, result.output
    manifest = json.loads(manifest_path(dump).read_text())
    assert manifest["sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()
    assert manifest["size"] == dump.stat().st_size
    assert manifest["schema_revision"] == code_revision()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created_at"])
    assert manifest["engine"] == db.engine.dialect.name
    assert manifest["row_counts"]["workers"] == 1 and manifest["row_counts"]["alembic_version"] == 1
    assert set(manifest["row_counts"]) >= {t.name for t in Base.metadata.sorted_tables}
    assert not list(tmp_path.glob("*.partial"))


def test_a_backup_holds_only_committed_rows_while_another_writes(app, db, tmp_path):
    dump = tmp_path / "busy.dump"
    with db.engine.connect() as writer:
        writer.execute(text("INSERT INTO provinces (code, name) VALUES ('99', '测试省')"))  # not committed

        result = flask(app, "backup", dump)

        writer.rollback()
    assert result.exit_code == 0, result.output
    manifest = json.loads(manifest_path(dump).read_text())
    assert manifest["row_counts"]["provinces"] == db.session.scalar(text("SELECT count(*) FROM provinces"))


def test_a_backup_never_overwrites(app, db, tmp_path):
    dump = tmp_path / "taken.dump"
    dump.write_bytes(b"an earlier backup")

    result = flask(app, "backup", dump)

    assert result.exit_code == 1 and "already exists" in result.output
    assert dump.read_bytes() == b"an earlier backup"


@pytest.fixture
def dump(app, db, make_worker, tmp_path) -> Path:
    make_worker()
    path = tmp_path / "one-worker.dump"
    assert flask(app, "backup", path).exit_code == 0
    return path


def test_a_damaged_dump_is_refused_and_nothing_is_restored(dump, restoring_app, fresh_url):
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    result = flask(restoring_app, "restore", dump)

    assert result.exit_code == 1
    assert "does not match its manifest's sha256" in result.output and "nothing was restored" in result.output
    assert _tables(fresh_url) == []


def test_a_dump_of_another_schema_revision_is_refused(dump, restoring_app, fresh_url):
    manifest = json.loads(manifest_path(dump).read_text())
    manifest["schema_revision"] = "0009_applications"
    manifest_path(dump).write_text(json.dumps(manifest))

    result = flask(restoring_app, "restore", dump)

    assert result.exit_code == 1
    assert f"schema revision '0009_applications', this code at '{code_revision()}'" in result.output
    assert _tables(fresh_url) == []


def test_a_dump_without_its_manifest_is_refused(dump, restoring_app, fresh_url):
    manifest_path(dump).unlink()

    result = flask(restoring_app, "restore", dump)

    assert result.exit_code == 1 and "manifest" in result.output and "missing" in result.output
    assert _tables(fresh_url) == []


def test_a_database_holding_tables_is_replaced_only_with_force(dump, restoring_app, fresh_url):
    assert flask(restoring_app, "restore", dump).exit_code == 0
    with create_engine(fresh_url, poolclass=NullPool).begin() as connection:
        connection.execute(text("DELETE FROM workers"))

    refused = flask(restoring_app, "restore", dump)
    forced = flask(restoring_app, "restore", "--force", dump)

    assert refused.exit_code == 1 and "--force" in refused.output
    assert forced.exit_code == 0, forced.output
    assert re.search(r"^  workers +1$", forced.output, re.M)


def _tables(url: str) -> list[str]:
    from sqlalchemy import inspect

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return []
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return inspect(connection).get_table_names()
    finally:
        engine.dispose()

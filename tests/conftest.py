"""Fixtures: one migrated database per test session (SQLite by default, PostgreSQL when
TEST_DATABASE_URL names a server), emptied after every test except the reference data;
factories for records; logged-in clients per role."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db as _db
from credentials.models import Base
from credentials.passwords import set_hash_cost

pytest_plugins = (
    "tests.promotion_fixtures",  # the cast of roles for the approval tests
    "tests.import_fixtures",  # an accredited institution, its clerk and workers for the bulk-import tests
    "tests.appraisal_fixtures",  # a college, its clerk and candidates for the appraisal-road tests
    "tests.rule_fixtures",  # bureaus of two provinces, an enterprise and workers for the competition-rule tests
    "tests.campaign_fixtures",  # a small registry in two Jiangsu cities for the campaign's indicator tests
    "tests.campaign_plan_fixtures",  # a four-city campaign and its officers, for the campaign plan pages
)
REFERENCE_TABLES = {"provinces", "cities", "occupations", "alembic_version"}
PASSWORD = "correct-horse-battery"  # noqa: S105 - test credential
_serial = iter(range(1, 10**9))


def _postgres_database(base_url: str) -> Iterator[str]:
    """A fresh database on the server named by base_url, dropped afterwards."""
    admin_url = make_url(base_url).set(drivername="postgresql+psycopg", database="postgres")
    name = f"tl_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # A scratch database: a commit need not wait for its WAL to reach the disk (the suite commits ~100,000
        # times; production keeps the server's setting).
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql")):
        yield from _postgres_database(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    set_hash_cost(2**4)  # hashes carry their cost; production keeps 2**14
    application = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_RATE_LIMIT": "10000 per minute",
        "VERIFY_RATE_LIMIT": "10000 per minute",
        "IMPORT_UPLOAD_RATE": "10000 per minute",  # tests/web/test_import_limits.py lowers it where it is the subject
        "SECRET_KEY": "test-secret-key-that-is-long-enough-123",
        "INSTANCE_DIR": str(tmp_path_factory.mktemp("instance")),
    })
    with application.app_context():
        from flask_migrate import upgrade

        from credentials.services.reference import load_reference_data

        upgrade(revision="heads")
        load_reference_data(_db.session())
        _db.session.commit()
        _empty_tables()  # the shipped campaign came too: every test starts from the reference data alone
    yield application
    with application.app_context():
        _db.engine.dispose()


PURE_TESTS = ("tests/ladder/", "tests/credentials/test_identity", "tests/credentials/test_numbers",
              "tests/credentials/vc/", "tests/test_architecture", "tests/test_i18n.py::test_every",
              "tests/test_i18n.py::test_compiled")


@pytest.fixture(autouse=True)
def db(request):
    """Each test starts with only the reference data; what it wrote is removed afterwards.

    Pure unit tests (no database) never start the app."""
    if request.node.nodeid.startswith(PURE_TESTS):
        yield None
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield _db
        _db.session.remove()
        _empty_tables()


@pytest.fixture(autouse=True)
def tallies_agree(db):
    """After every test that used the database, the indicator tallies equal a recount from the records
    (credentials.services.tallies): the whole suite's writes prove that each write path keeps them."""
    yield
    if db is None:
        return
    from credentials.services.tallies import check_tallies

    db.session.remove()  # what the test committed; its unfinished transaction rolled back with its counts
    differences = check_tallies(db.session())
    db.session.remove()
    assert not differences, f"indicator tallies differ from a recount: {differences[:10]}"


def _empty_tables() -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    if _db.engine.dialect.name != "postgresql":
        with _db.engine.begin() as connection:
            for table in tables:
                connection.execute(table.delete())
        return
    # On PostgreSQL a TRUNCATE costs some 7 ms a table however empty (new files for the table and each index,
    # made durable at commit), which was most of the suite's time: DELETE the few rows a test left, only in the
    # tables it wrote to (one probe), children first; then every id sequence starts again at 1.
    probe = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
    try:
        with _db.engine.begin() as connection:
            written = set(connection.execute(text(probe)).scalars())
            for table in tables:
                if table.name in written:
                    connection.execute(table.delete())
    except IntegrityError:  # rows that refer to each other across tables: let the server sort them out
        with _db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(chr(34) + t.name + chr(34) for t in tables)} CASCADE"))
    with _db.engine.begin() as connection:
        connection.execute(text(
            "SELECT setval(s.oid, 1, false) FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace "
            "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
            "AND d.refclassid = 'pg_class'::regclass JOIN pg_class t ON t.oid = d.refobjid "
            "WHERE s.relkind = 'S' AND n.nspname = current_schema() AND NOT t.relname = ANY(:kept)"),
            {"kept": sorted(REFERENCE_TABLES)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def vault(app):
    return app.extensions["vault"]


# ---------------------------------------------------------------- factories

def national_id(birth: date = date(1990, 1, 1), sequence: int | None = None, area: str = "320505") -> str:
    """A valid, unique ID number (sequence 0-899; the demo uses 900+)."""
    from credentials.identity import check_character

    sequence = next(_serial) % 900 if sequence is None else sequence
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + check_character(body)


@pytest.fixture
def make_institution(app):
    from credentials.models import InstitutionKind
    from credentials.services.institutions import accredit, create_institution
    from credentials.services.reference import find_occupation

    def make(name=None, *, kind=InstitutionKind.TECHNICIAN_COLLEGE, city_code="3205",
             scope=(("6-18-01-01", "senior_technician"),), valid_from=date(2000, 1, 1)):
        institution = create_institution(_db.session(), name=name or f"机构{next(_serial)}", kind=kind,
                                         city_code=city_code, by=None)
        for code, level in scope:
            accredit(_db.session(), institution, find_occupation(_db.session(), code), max_level=level,
                     valid_from=valid_from, by=None)
        _db.session.commit()
        return institution
    return make


@pytest.fixture
def make_worker(app, vault):
    from credentials.services.workers import register_worker

    def make(name="王小明", *, city_code="3205", birth=date(1990, 1, 1), id_number=None, employer=None, area="320505"):
        worker = register_worker(_db.session(), vault, name=name, national_id=id_number or national_id(birth, area=area),
                                 city_code=city_code, employer=employer, by=None)
        _db.session.commit()
        return worker
    return make


@pytest.fixture
def make_certificate(app):
    from credentials.services.certificates import issue_certificate
    from credentials.services.reference import find_occupation

    def make(worker, institution, *, level="junior", occupation="6-18-01-01", issued_on=date(2020, 7, 1), number=None,
             route=None):
        from credentials.models import CertificateRoute

        certificate = issue_certificate(
            _db.session(), worker=worker, occupation=find_occupation(_db.session(), occupation), level=level,
            issued_on=issued_on, institution=institution, number=number,
            route=route or CertificateRoute.REGULAR, by=None)
        _db.session.commit()
        return certificate
    return make


@pytest.fixture
def make_user(app, make_worker, make_institution):
    from credentials.models import AdminDuty, BureauScope, Role
    from credentials.services.accounts import create_user

    def make(role: str, *, username=None, worker=None, institution=None, scope=None, region=None, duty=None):
        role = Role(role)
        kwargs = {}
        if role is Role.ADMIN:  # the system administrator reaches the registry's pages; name another duty to test it
            kwargs["admin_duty"] = AdminDuty(duty or "system")
        if role is Role.WORKER:
            kwargs["worker"] = worker or make_worker()
        else:
            kwargs["username"] = username or f"{role.value}-{next(_serial)}"
        if role is Role.INSTITUTION_STAFF:
            kwargs["institution"] = institution or make_institution()
        if role is Role.BUREAU_OFFICER:
            kwargs["bureau_scope"] = BureauScope(scope or "city")
            kwargs["region_code"] = None if kwargs["bureau_scope"] is BureauScope.MINISTRY else (region or "3205")
        user = create_user(_db.session(), role=role, password=PASSWORD, by=None, **kwargs)
        _db.session.commit()
        return user
    return make


@pytest.fixture
def login(app, vault):
    """login(client, user) signs in through the real form (workers with their national ID)."""
    def do_login(client, user, password=PASSWORD):
        account = vault.reveal(user.worker.id_ciphertext) if user.worker is not None else user.username
        response = client.post("/login", data={"account": account, "password": password})
        assert response.status_code == 302, response.text[:500]
        return response
    return do_login


@pytest.fixture
def api_token(client, vault):
    def token_for(user, password=PASSWORD) -> dict:
        account = vault.reveal(user.worker.id_ciphertext) if user.worker is not None else user.username
        response = client.post("/api/v1/auth/token", json={"account": account, "password": password})
        assert response.status_code == 201, response.json
        return {"Authorization": f"Bearer {response.json['access_token']}"}
    return token_for


def csrf_token_from(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def numbered(prefix: str, n: int) -> str:
    """A person's name for the n-th of many test workers: names hold no digits, so the number is written 零一二…"""
    return prefix + "".join("零一二三四五六七八九"[int(d)] for d in str(n))

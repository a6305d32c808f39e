"""Backups that restore: a consistent copy of the database, a manifest beside it, and a restore that checks both.

SQLite is copied with its online backup API (`sqlite3.Connection.backup`): the copy is one consistent state even
while the app writes, and restoring copies it back the same way, in one step that either completes or leaves the
target as it was. PostgreSQL is dumped with `pg_dump -Fc` inside a repeatable-read transaction whose snapshot the
dump shares (`--snapshot`), so the row counts in the manifest are those of the dump; `pg_restore` replays it as a
single transaction. The manifest (`<dump>.manifest.json`) names the schema revision (alembic_version), the row count
of every table, the dump's sha256 and when it was made (UTC). A restore refuses a dump whose checksum or revision
does not match, and a non-empty database unless forced, then compares the restored row counts with the manifest.

Only SQLAlchemy and the PostgreSQL client tools: no Flask, no domain code (the CLI in app/cli_backup.py wires it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # pg_dump/pg_restore with an argument list, never a shell
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, Connection, column, create_engine, func, inspect, make_url, select, table, text
from sqlalchemy.pool import NullPool

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = "talent-ladder-backup/1"
VERSION_TABLE = "alembic_version"
ENGINES = ("sqlite", "postgresql")


class BackupRefused(Exception):
    """A backup or restore that would be unsafe or is impossible; the message tells the operator why."""


@dataclass(frozen=True)
class Manifest:
    engine: str  # "sqlite" | "postgresql": what can restore the dump
    dump: str  # the dump's file name (the manifest sits beside it)
    sha256: str
    size: int  # bytes
    schema_revision: str  # alembic_version's row(s), comma-separated when there are several heads
    created_at: str  # ISO 8601, UTC
    row_counts: dict[str, int]  # every table of the database, in the dump's own snapshot
    format: str = MANIFEST_FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, data: str) -> Manifest:
        try:
            fields = json.loads(data)
            manifest = cls(**fields)
        except (ValueError, TypeError) as error:
            raise BackupRefused(f"the manifest is not readable: {error}") from None
        if manifest.format != MANIFEST_FORMAT or manifest.engine not in ENGINES:
            raise BackupRefused(f"the manifest is not a {MANIFEST_FORMAT} manifest for SQLite or PostgreSQL")
        return manifest


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def revision_text(revisions: Iterable[str]) -> str:
    return ",".join(sorted(revisions))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- backup

def backup(url: str | URL, dump: Path, *, now: datetime | None = None) -> Manifest:
    """Write a consistent dump of the database at `url` to `dump`, then its manifest; refuse to overwrite."""
    url = make_url(url)
    dump = Path(dump)
    if dump.exists() or manifest_path(dump).exists():
        raise BackupRefused(f"{dump} (or its manifest) already exists: choose a new file name")
    dump.parent.mkdir(parents=True, exist_ok=True)
    partial = dump.with_name(dump.name + ".partial")
    try:
        if _engine_of(url) == "sqlite":
            revision, counts = _sqlite_backup(_sqlite_file(url), partial)
        else:
            revision, counts = _postgres_backup(url, partial)
        manifest = Manifest(
            engine=_engine_of(url), dump=dump.name, sha256=sha256_of(partial), size=partial.stat().st_size,
            schema_revision=revision, created_at=_utc_text(now), row_counts=counts)
        partial.replace(dump)  # the dump appears whole or not at all
    finally:
        partial.unlink(missing_ok=True)
    manifest_path(dump).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _sqlite_backup(database: Path, partial: Path) -> tuple[str, dict[str, int]]:
    if not database.is_file():
        raise BackupRefused(f"there is no SQLite database at {database}")
    source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)  # all pages in one step, under one read lock: one consistent state
    finally:
        source.close()
        copy.close()
    with _connect(URL.create("sqlite", database=str(partial))) as connection:
        return _revision(connection), _row_counts(connection)


def _postgres_backup(url: URL, partial: Path) -> tuple[str, dict[str, int]]:
    engine = create_engine(url, poolclass=NullPool, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            connection.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            revision, counts = _revision(connection), _row_counts(connection)
            # pg_dump reads the very snapshot the counts were taken in; it lives while this transaction is open.
            _run_client("pg_dump", url, ["--format=custom", f"--snapshot={snapshot}", f"--file={partial}"])
            connection.rollback()
    finally:
        engine.dispose()
    return revision, counts


# ---------------------------------------------------------------- restore

def read_manifest(dump: Path) -> Manifest:
    path = manifest_path(Path(dump))
    if not Path(dump).is_file():
        raise BackupRefused(f"there is no dump at {dump}")
    if not path.is_file():
        raise BackupRefused(f"the manifest {path} is missing: a dump is restored only with its manifest")
    return Manifest.from_json(path.read_text(encoding="utf-8"))


def check_dump(dump: Path, *, expected_revision: str) -> Manifest:
    """The dump's manifest, once the dump's checksum and schema revision are what this code can restore."""
    dump = Path(dump)
    manifest = read_manifest(dump)
    if sha256_of(dump) != manifest.sha256:
        raise BackupRefused(f"{dump} does not match its manifest's sha256: the dump is damaged or not the one "
                            "the manifest describes; nothing was restored")
    if manifest.schema_revision != expected_revision:
        raise BackupRefused(
            f"the dump is at schema revision {manifest.schema_revision!r}, this code at {expected_revision!r}; "
            "restore it with the release of that revision (then upgrade with `flask db upgrade`); "
            "nothing was restored")
    return manifest


def restore(url: str | URL, dump: Path, *, expected_revision: str, force: bool = False) -> dict[str, int]:
    """Replace the database at `url` with the dump; return the restored row counts (equal to the manifest's)."""
    url = make_url(url)
    manifest = check_dump(Path(dump), expected_revision=expected_revision)
    engine = _engine_of(url)
    if manifest.engine != engine:
        raise BackupRefused(f"the dump is a {manifest.engine} dump and cannot be restored into {engine}")
    present = _tables(url)
    if present and not force:
        raise BackupRefused(f"the database already holds {len(present)} tables: a restore replaces everything "
                            "in it; give --force to do so, or restore into an empty database")
    if engine == "sqlite":
        _sqlite_restore(Path(dump), _sqlite_file(url))
    else:
        strangers = sorted(set(present) - set(manifest.row_counts))
        if strangers:  # pg_restore --clean drops only what the dump holds: these would be left behind
            raise BackupRefused(f"the database holds tables the dump does not know ({', '.join(strangers)}): "
                                "restore into an empty database")
        _run_client("pg_restore", url, ["--clean", "--if-exists", "--single-transaction", "--exit-on-error",
                                        "--no-owner", "--no-privileges", str(dump)])
    with _connect(url) as connection:
        restored = _row_counts(connection)
    if restored != manifest.row_counts:
        differing = sorted(name for name in set(restored) | set(manifest.row_counts)
                           if restored.get(name) != manifest.row_counts.get(name))
        raise BackupRefused(f"the restored row counts differ from the manifest in: {', '.join(differing)}")
    return restored


def _sqlite_restore(dump: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(database)
    try:
        source.backup(target)  # the target's pages replaced under its write lock, as one transaction
    finally:
        source.close()
        target.close()


# ---------------------------------------------------------------- reading a database

def table_counts(url: str | URL) -> dict[str, int]:
    with _connect(make_url(url)) as connection:
        return _row_counts(connection)


def _tables(url: URL) -> list[str]:
    if _engine_of(url) == "sqlite" and not _sqlite_file(url).exists():
        return []  # do not create the file just to look into it
    with _connect(url) as connection:
        return sorted(inspect(connection).get_table_names())


def _row_counts(connection: Connection) -> dict[str, int]:
    return {name: connection.scalar(select(func.count()).select_from(table(name))) or 0
            for name in sorted(inspect(connection).get_table_names())}


def _revision(connection: Connection) -> str:
    if VERSION_TABLE not in inspect(connection).get_table_names():
        raise BackupRefused("the database has no alembic_version table: it was never migrated")
    versions = table(VERSION_TABLE, column("version_num"))
    return revision_text(str(r) for r in connection.scalars(select(versions.c.version_num)))


def _connect(url: URL) -> Connection:
    return create_engine(url, poolclass=NullPool).connect()


def _engine_of(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in ENGINES:
        raise BackupRefused(f"backups cover SQLite and PostgreSQL, not {backend}")
    return backend


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupRefused("an in-memory or URI-named SQLite database cannot be backed up or restored here")
    return Path(url.database)


def _run_client(program: str, url: URL, arguments: list[str]) -> None:
    """pg_dump / pg_restore against `url`: the password goes in the environment, never on the command line."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupRefused(f"{program} is not installed (Debian: apt-get install postgresql-client)")
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    result = subprocess.run([executable, "--no-password", f"--dbname={conninfo}", *arguments],  # noqa: S603
                            env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupRefused(f"{program} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def _utc_text(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""An uploaded import file holds every row's national ID number: it is kept sealed with the ID key set (issue 12,
"national IDs in clear at rest"), opens only for its own job, survives a key rotation, and files kept in the
clear before migration 0023 end sealed."""

from __future__ import annotations

import base64
import io

import pytest
from sqlalchemy import text

from app.extensions import db
from credentials import PersonalDataVault
from credentials.identity import DecryptionError
from credentials.imports.jobs import create_import, run_import
from credentials.imports.kept_files import file_owner, opened_content, seal_kept_files
from credentials.models import ImportJob, ImportStatus
from tests.import_fixtures import RESULT_HEADERS, TODAY, csv_bytes, xlsx_bytes


def stored_files() -> list[tuple[bytes, str | None]]:
    """import_files as the database holds it, read past the ORM."""
    rows = db.session.execute(text("SELECT content, key_id FROM import_files")).all()
    return [(bytes(content), key_id) for content, key_id in rows]


def assert_nothing_readable(stored: bytes, plain: bytes, ids: list[str]) -> None:
    for number in ids:
        for form in (number.encode(), number.encode("utf-16-le"), base64.b64encode(number.encode())):
            assert form not in stored
    assert plain not in stored and plain[:64] not in stored and plain[-64:] not in stored
    assert "王".encode() not in stored  # nor a name


@pytest.mark.parametrize("make_file", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_an_uploaded_file_is_kept_sealed_with_no_id_number_readable(app, client, setting, api_token, monkeypatch,
                                                                     make_file):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "sync")
    rows = [setting.result(index) for index in range(3)]
    plain = make_file(RESULT_HEADERS, *rows)
    form = {"kind": "appraisal_results", "dry_run": "true", "file": (io.BytesIO(plain), "成绩")}

    response = client.post("/api/v1/imports", data=form, headers=api_token(setting.staff),
                           content_type="multipart/form-data")

    assert response.status_code == 202, response.text
    [(stored, key_id)] = stored_files()
    assert key_id == "k1" and stored.startswith(b"v1.k1.")
    assert_nothing_readable(stored, plain, [setting.id_of(index) for index in range(3)])
    job_row = db.session.execute(text("SELECT * FROM import_jobs")).one()
    assert not any(setting.id_of(index) in str(job_row) for index in range(3))
    assert db.session.get(ImportJob, response.json["id"]).status is ImportStatus.VALIDATED  # and it still runs


def test_a_sealed_file_opens_for_its_own_job_only(setting):
    first, second = (setting.run([setting.result(0)], dry_run=True) for _ in range(2))
    theirs = db.session.execute(text("SELECT content FROM import_files WHERE job_id = :id"),
                                {"id": second.id}).scalar_one()

    with pytest.raises(DecryptionError):
        setting.vault.open_file(file_owner(first.id), bytes(theirs))
    assert setting.vault.open_file(file_owner(second.id), bytes(theirs)).startswith("身份证号".encode())


def test_files_in_the_clear_and_under_an_old_key_are_sealed_under_the_current_key(app, setting, runner):
    clear = csv_bytes(RESULT_HEADERS, setting.result(0))
    legacy = create_import(db.session(), kind="appraisal_results", institution=setting.institution,
                           file_bytes=clear, filename="old.csv", dry_run=True, by=setting.staff, vault=setting.vault)
    db.session.flush()
    db.session.execute(text("UPDATE import_files SET content = :clear, key_id = NULL WHERE job_id = :id"),
                       {"clear": clear, "id": legacy.id})  # as migration 0023 found it
    db.session.commit()

    result = runner.invoke(args=["imports", "seal"])

    assert result.exit_code == 0 and "1 import file(s) sealed" in result.output
    db.session.expire_all()
    [(stored, key_id)] = stored_files()
    assert key_id == "k1" and clear not in stored
    keys = app.config["ID_ENCRYPTION_KEYS"]
    rotated = PersonalDataVault(app.config["ID_HASH_KEY"], {**keys, "k2": b"\x02" * 32}, "k2")
    assert seal_kept_files(db.session(), rotated) == 1 and seal_kept_files(db.session(), rotated) == 0
    db.session.commit()
    assert [key for _, key in stored_files()] == ["k2"]
    job = db.session.get(ImportJob, legacy.id)
    assert opened_content(rotated, job) == clear
    assert run_import(db.session(), legacy.id, vault=rotated, today=TODAY).status is ImportStatus.VALIDATED


def test_a_job_whose_clear_file_predates_sealing_still_runs(setting):
    clear = csv_bytes(RESULT_HEADERS, setting.result(0))
    job = create_import(db.session(), kind="appraisal_results", institution=setting.institution, file_bytes=clear,
                        filename="old.csv", dry_run=True, by=setting.staff, vault=setting.vault)
    db.session.flush()
    db.session.execute(text("UPDATE import_files SET content = :clear, key_id = NULL WHERE job_id = :id"),
                       {"clear": clear, "id": job.id})
    db.session.commit()

    assert run_import(db.session(), job.id, vault=setting.vault, today=TODAY).status is ImportStatus.VALIDATED



def _migration_0023():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0023_sealed_uploads.py"
    spec = importlib.util.spec_from_file_location("migration_0023", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_0023_seals_the_files_it_finds_in_the_clear_and_its_downgrade_opens_them(setting):
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    clear = csv_bytes(RESULT_HEADERS, setting.result(0))
    job = create_import(db.session(), kind="appraisal_results", institution=setting.institution, file_bytes=clear,
                        filename="old.csv", dry_run=True, by=setting.staff, vault=setting.vault)
    db.session.flush()
    db.session.execute(text("UPDATE import_files SET content = :clear, key_id = NULL WHERE job_id = :id"),
                       {"clear": clear, "id": job.id})  # what 0022 kept
    db.session.commit()
    migration = _migration_0023()

    with db.engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        migration.seal_clear_files(setting.vault)  # upgrade()'s data step, on the columns it has just added
    [(stored, key_id)] = stored_files()
    assert key_id == "k1" and clear not in stored and setting.id_of(0).encode() not in stored
    assert setting.vault.open_file(file_owner(job.id), stored) == clear

    with db.engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        migration.open_sealed_files(setting.vault)  # downgrade()'s, before it drops key_id
    assert stored_files() == [(clear, None)]


def test_a_tampered_or_foreign_sealed_file_does_not_open(vault):
    sealed = vault.seal_file(file_owner(1), b"320505198806159011")
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])
    other_key = PersonalDataVault(b"\x01" * 32, {"k9": b"\x09" * 32}, "k9")

    for broken, opener in ((flipped, vault), (sealed, other_key), (b"320505198806159011", vault), (b"v1.k1.", vault)):
        with pytest.raises(DecryptionError):
            opener.open_file(file_owner(1), broken)

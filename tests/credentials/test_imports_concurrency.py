"""Imports running at the same moment on PostgreSQL (real parallel transactions): certificate numbers never
collide, overlapping rows are never written twice, and a loser writes nothing."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from credentials.imports.jobs import create_import, run_import
from credentials.models import AppraisalResult, Certificate, ImportStatus
from credentials.services.audit import verify_chain
from tests.import_fixtures import RESULT_HEADERS, TODAY, csv_bytes

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith(("postgres://", "postgresql"))
pytestmark = [pytest.mark.postgres_only,
              pytest.mark.skipif(not ON_POSTGRES, reason="TEST_DATABASE_URL not set: needs parallel transactions")]


def run_at_once(setting, *files: list[list[str]]) -> list[ImportStatus]:
    jobs = []
    for rows in files:
        job = create_import(db.session(), kind="appraisal_results", institution=setting.institution,
                            file_bytes=csv_bytes(RESULT_HEADERS, *rows), filename="x.csv", dry_run=False,
                            by=setting.staff, vault=setting.vault)
        jobs.append(job.id)
    db.session.commit()
    barrier = threading.Barrier(len(jobs), timeout=30)
    outcomes: dict[int, ImportStatus] = {}
    engine = db.engine  # threads have no app context

    def run(job_id: int) -> None:
        with Session(engine) as session:
            barrier.wait()
            outcomes[job_id] = run_import(session, job_id, vault=setting.vault, today=TODAY).status

    threads = [threading.Thread(target=run, args=(job_id,)) for job_id in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [outcomes[job_id] for job_id in jobs]


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("round_", range(3))
def test_two_imports_in_the_same_number_series_at_once_both_commit_with_distinct_numbers(setting, round_):
    outcomes = run_at_once(setting, [setting.result(0), setting.result(1)], [setting.result(2), setting.result(3)])

    assert outcomes == [ImportStatus.COMMITTED, ImportStatus.COMMITTED]
    numbers = sorted(db.session.scalars(select(Certificate.number)))
    assert len(set(numbers)) == 4 and [int(n[-6:]) for n in numbers] == [1, 2, 3, 4]
    assert verify_chain(db.session()).ok


@pytest.mark.parametrize("round_", range(3))
def test_the_same_file_imported_twice_at_once_is_written_once(setting, round_):
    rows = [setting.result(0), setting.result(1, theory="50")]

    outcomes = run_at_once(setting, rows, rows)

    assert ImportStatus.COMMITTED in outcomes
    assert set(outcomes) <= {ImportStatus.COMMITTED, ImportStatus.FAILED}  # the loser says so, writes nothing
    assert (count(AppraisalResult), count(Certificate)) == (2, 1)
    assert verify_chain(db.session()).ok

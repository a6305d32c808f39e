"""Bulk imports: accept a file, run it as a job (dry run or commit), keep who, what, the hash and the outcome.

`create_import` and `commit_import` are ordinary services (flush, no commit). `run_import` is a job's
body, so it owns its transactions: a short one to mark the job running, progress written on a separate
connection while rows are checked, then ONE transaction holding every record of a commit together with
the job's outcome. On an unexpected error everything is rolled back and the job says it failed.

The upload is sealed as it is kept (kept_files.py), and read by the runner only, in a child process held to a CPU
and memory budget (credentials.imports.sheet_budget): the web process sniffs the type and never parses. An
institution has at most a few jobs queued or running at once (`max_active`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..clock import china_today
from ..errors import Conflict, CredentialsError, ImportRejected
from ..models import ImportJob, ImportKind, ImportStatus, Institution, User, utcnow
from ..services.audit import record
from ..spreadsheets import read_sheet, sniff_format
from ..vault import PersonalDataVault
from .columns import data_rows, locate
from .kept_files import FINISHED as FINISHED  # re-exported: the pages and the API read it here
from .kept_files import file_removed, opened_content, sealed_file
from .loader import write_results, write_training
from .loader_people import write_facts, write_workers
from .new_facts import NewFact
from .report import Plan
from .sheet_budget import ParseBudget, read_sheet_within_budget
from .validate_results import NewResult, plan_results
from .validate_training import NewTraining, plan_training
from .validate_work_history import plan_work_history
from .validate_workers import NewWorker, plan_workers

log = logging.getLogger(__name__)
STATUS_NAMES = {
    ImportStatus.QUEUED: Text("排队中", "queued"),
    ImportStatus.RUNNING: Text("处理中", "running"),
    ImportStatus.VALIDATED: Text("试导入通过", "dry run passed"),
    ImportStatus.REJECTED: Text("有错误，未导入", "problems found, nothing imported"),
    ImportStatus.COMMITTED: Text("已导入", "imported"),
    ImportStatus.FAILED: Text("导入失败", "failed"),
}
KIND_NAMES = {
    ImportKind.APPRAISAL_RESULTS: Text("评价结果", "appraisal results"),
    ImportKind.TRAINING_RECORDS: Text("培训记录", "training records"),
    ImportKind.WORKERS: Text("劳动者登记", "worker registrations"),
    ImportKind.WORK_HISTORY: Text("工作经历和学历", "work history and diplomas"),
}
_UNSAFE_NAME = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff\x00-\x1f\\/]")
PROGRESS_SECONDS = 0.25
STUCK_RUNNING, STUCK_QUEUED = timedelta(hours=1), timedelta(hours=24)  # past these, the runner is taken for dead
_ROOM_LOCK_SPACE = 0x1A0B  # pg_advisory_xact_lock(space, institution id): the count of an institution's jobs


def clean_filename(name: str | None) -> str:
    """The name as data only (the bytes live in the database): no path, no bidi or zero-width tricks."""
    cleaned = _UNSAFE_NAME.sub("", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return cleaned[:255] or "upload"


def as_kind(kind: ImportKind | str) -> ImportKind:
    try:
        return ImportKind(kind)
    except ValueError:
        raise ImportRejected("unknown_kind", field="kind", kind=str(kind)[:40]) from None


def create_import(session: Session, *, kind: ImportKind | str, institution: Institution, file_bytes: bytes,
                  filename: str | None, dry_run: bool, by: User, vault: PersonalDataVault,
                  max_active: int | None = None) -> ImportJob:
    """Keep the uploaded file, sealed, and queue its job; an empty, oversized or unreadable type is refused
    here (by its first bytes: the file is parsed by the runner alone), and so is an upload while the
    institution already has `max_active` jobs queued or running."""
    kind = as_kind(kind)
    sniff_format(file_bytes)
    if max_active is not None:
        check_room(session, institution, max_active)
    job = ImportJob(kind=kind, institution_id=institution.id, uploaded_by_id=by.id,
                    filename=clean_filename(filename), file_sha256=hashlib.sha256(file_bytes).hexdigest(),
                    file_size=len(file_bytes), dry_run=dry_run, status=ImportStatus.QUEUED, errors=[])
    session.add(job)
    session.flush()
    job.file = sealed_file(vault, job.id, file_bytes)
    session.flush()
    record(session, actor=by, action="import.created", entity_type="import_job", entity_id=job.id,
           after=_summary(job))
    return job


def check_room(session: Session, institution: Institution, max_active: int, *, now: datetime | None = None) -> None:
    """Conflict if the institution already has `max_active` jobs queued or running (one whose runner died, past
    the sweep's limits, does not count). An advisory lock of the institution's own comes first, so two uploads at
    once cannot both see room for one (PostgreSQL; SQLite runs one writer at a time anyway); not its row, which
    a long import's commit may hold."""
    now = now or utcnow()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :institution)"),
                        {"space": _ROOM_LOCK_SPACE, "institution": institution.id})
    active = session.scalar(select(func.count()).select_from(ImportJob).where(
        ImportJob.institution_id == institution.id,
        ((ImportJob.status == ImportStatus.RUNNING) & (ImportJob.started_at >= now - STUCK_RUNNING))
        | ((ImportJob.status == ImportStatus.QUEUED) & (ImportJob.created_at >= now - STUCK_QUEUED))))
    if (active or 0) >= max_active:
        raise Conflict("imports_busy", field="file", count=active, limit=max_active)


def commit_import(session: Session, job: ImportJob, *, by: User, max_active: int | None = None,
                  retention_days: int | None = None) -> ImportJob:
    """Run a dry run that passed again, for real, from the file already kept (no second upload); Conflict once
    the retention rule has removed the file, or while the institution has `max_active` jobs on the go."""
    if not (job.dry_run and job.status is ImportStatus.VALIDATED):
        name = STATUS_NAMES[job.status]
        raise Conflict("wrong_state", state=(name.zh, name.en), action=Text("正式导入", "commit it"))
    if job.file_removed_at is not None:
        raise file_removed(job, retention_days)
    if max_active is not None:
        check_room(session, job.institution, max_active)
    job.dry_run = False
    job.status = ImportStatus.QUEUED
    job.rows_done = job.rows_created = job.rows_existing = job.rows_flagged = job.error_count = 0
    job.errors, job.failure, job.finished_at = [], None, None
    session.flush()
    record(session, actor=by, action="import.commit_requested", entity_type="import_job", entity_id=job.id,
           after=_summary(job))
    return job


def run_import(session: Session, job_id: int, *, vault: PersonalDataVault, actor_id: int | None = None,
               today: date | None = None, budget: ParseBudget | None = None) -> ImportJob | None:
    """Check the job's file and, unless it is a dry run, write it all or nothing. Returns the finished job
    (None if there is no such job); a job that is not queued is left alone, so a retried job runs once.
    With a `budget` (the runner always gives one) the file is read in a child process held to it."""
    queued = (ImportJob.id == job_id, ImportJob.status == ImportStatus.QUEUED)
    claimed = session.execute(update(ImportJob).where(*queued).values(
        status=ImportStatus.RUNNING, started_at=utcnow(), rows_done=0, rows_total=0))
    assert isinstance(claimed, CursorResult)  # what an UPDATE returns (Session.execute is typed as Result)
    session.commit()
    if claimed.rowcount != 1:
        return session.get(ImportJob, job_id)
    try:
        _run(session, job_id, vault, actor_id, today or china_today(), budget)
    except (ImportRejected, Conflict) as error:  # the file as a whole (or the numbering) cannot go in
        session.rollback()
        _finish_rejected(session, job_id, error, actor_id)
    except IntegrityError:  # another writer got there between our checks and our inserts
        session.rollback()
        _finish_failed(session, job_id, "concurrent_write", actor_id)
    except Exception:
        session.rollback()
        log.exception("import job %s failed", job_id)  # the trace names the code; rows never reach the log
        _finish_failed(session, job_id, "unexpected_failure", actor_id)
    return session.get(ImportJob, job_id)


def _run(session: Session, job_id: int, vault: PersonalDataVault, actor_id: int | None, today: date,
         budget: ParseBudget | None) -> None:
    job = session.get_one(ImportJob, job_id)
    progress = ProgressWriter(session, job_id)
    content = opened_content(vault, job)
    sheet = read_sheet_within_budget(content, budget) if budget else read_sheet(content)
    del content
    layout = locate(job.kind, sheet.rows)
    rows = data_rows(layout, sheet.rows)
    progress.start(len(rows))
    if not rows:
        raise ImportRejected("no_rows", field="file")
    actor = session.get(User, actor_id or job.uploaded_by_id)
    plan: Plan[Any]
    if job.kind is ImportKind.APPRAISAL_RESULTS:
        plan = results = Plan[NewResult](file_format=sheet.file_format, rows_total=len(rows))
        plan_results(session, vault, layout, rows, institution=job.institution, today=today, plan=results,
                     progress=progress)
        status = _outcome(results, job)
        if status is ImportStatus.COMMITTED:
            write_facts(session, results.facts, job=job, by=actor)  # the cohort's work and diplomas first
            write_results(session, results, job=job, institution=job.institution, by=actor)
    elif job.kind is ImportKind.WORKERS:
        plan = workers = Plan[NewWorker](file_format=sheet.file_format, rows_total=len(rows))
        plan_workers(session, vault, layout, rows, institution=job.institution, today=today, plan=workers,
                     progress=progress)
        status = _outcome(workers, job)
        if status is ImportStatus.COMMITTED:
            write_workers(session, workers, job=job, by=actor)
    elif job.kind is ImportKind.WORK_HISTORY:
        plan = history = Plan[NewFact](file_format=sheet.file_format, rows_total=len(rows))
        plan_work_history(session, vault, layout, rows, institution=job.institution, today=today, plan=history,
                          progress=progress)
        status = _outcome(history, job)
        if status is ImportStatus.COMMITTED:
            write_facts(session, history.records, job=job, by=actor)
    else:
        plan = training = Plan[NewTraining](file_format=sheet.file_format, rows_total=len(rows))
        plan_training(session, vault, layout, rows, institution=job.institution, today=today, plan=training,
                      progress=progress)
        status = _outcome(training, job)
        if status is ImportStatus.COMMITTED:
            write_training(session, training, job=job, by=actor)
    job = session.get_one(ImportJob, job_id)
    job.status, job.file_format, job.finished_at = status, plan.file_format, utcnow()
    job.rows_total = job.rows_done = plan.rows_total
    job.rows_created = plan.to_create if status is not ImportStatus.REJECTED else 0
    job.rows_existing, job.rows_flagged = plan.existing, plan.flagged
    job.error_count, job.errors = plan.problems.errors, plan.problems.first()
    record(session, actor=actor, action=f"import.{status.value}", entity_type="import_job", entity_id=job.id,
           after=_summary(job))
    session.commit()


def _outcome(plan: Plan[Any], job: ImportJob) -> ImportStatus:
    """Rejected with any problem; else validated (a dry run) or committed."""
    if plan.problems:
        return ImportStatus.REJECTED
    return ImportStatus.VALIDATED if job.dry_run else ImportStatus.COMMITTED


def _finish_rejected(session: Session, job_id: int, error: CredentialsError, actor_id: int | None) -> None:
    job = session.get_one(ImportJob, job_id)
    job.status, job.finished_at, job.error_count = ImportStatus.REJECTED, utcnow(), 1
    job.rows_created = job.rows_existing = job.rows_flagged = 0
    job.errors = [{"row": None, "column": "", "message_zh": error.message("zh"),
                   "message_en": error.message("en"), "value": "", "severity": "error"}]
    record(session, actor=session.get(User, actor_id or job.uploaded_by_id), action="import.rejected",
           entity_type="import_job", entity_id=job_id,
           after=_summary(job))
    session.commit()


def fail_interrupted_imports(session: Session, *, running_for: timedelta = STUCK_RUNNING,
                             queued_for: timedelta = STUCK_QUEUED, now: datetime | None = None) -> int:
    """Jobs whose runner died are marked failed ("interrupted"): their transaction rolled back with the
    process, so nothing was written. Returns how many it marked. Safe to run at any time."""
    now = now or utcnow()
    stale = session.scalars(select(ImportJob.id).where(or_(
        (ImportJob.status == ImportStatus.RUNNING) & (ImportJob.started_at < now - running_for),
        (ImportJob.status == ImportStatus.QUEUED) & (ImportJob.created_at < now - queued_for),
    ))).all()
    for job_id in stale:
        _finish_failed(session, job_id, "interrupted", None)
    return len(stale)


def _finish_failed(session: Session, job_id: int, code: str, actor_id: int | None) -> None:
    job = session.get_one(ImportJob, job_id)
    job.status, job.finished_at, job.failure = ImportStatus.FAILED, utcnow(), code
    job.rows_created = job.rows_existing = job.rows_flagged = 0
    record(session, actor=session.get(User, actor_id or job.uploaded_by_id), action="import.failed",
           entity_type="import_job", entity_id=job_id,
           after=_summary(job))
    session.commit()


def failure_text(job: ImportJob) -> Text | None:
    if not job.failure:
        return None
    error = ImportRejected(job.failure if job.failure in ImportRejected.messages else "unexpected_failure")
    return Text(error.message("zh"), error.message("en"))


def _summary(job: ImportJob) -> dict[str, object]:
    return {"kind": job.kind.value, "institution_id": job.institution_id, "filename": job.filename,
            "sha256": job.file_sha256, "size": job.file_size, "dry_run": job.dry_run,
            "status": job.status.value,
            "rows_total": job.rows_total, "created": job.rows_created, "existing": job.rows_existing,
            "flagged": job.rows_flagged, "errors": job.error_count}


class ProgressWriter:
    """Rows checked so far, written on a connection of its own in short transactions, so that a status page
    sees them while the job's own transaction is still open (and before it has written anything)."""

    def __init__(self, session: Session, job_id: int) -> None:
        self._bind, self._job_id, self._last = session.get_bind(), job_id, 0.0
        self._total = 0

    def start(self, total: int) -> None:
        self._total = total
        self._write(0, force=True)

    def __call__(self, done: int) -> None:
        self._write(min(done, self._total))

    def _write(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_SECONDS:
            return
        self._last = now
        with Session(self._bind) as side:
            side.execute(update(ImportJob).where(ImportJob.id == self._job_id)
                         .values(rows_total=self._total, rows_done=done))
            side.commit()

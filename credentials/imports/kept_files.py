"""An import's uploaded file: sealed at rest, opened only to run its job, deleted when its retention ends.

The file holds every row's national ID number (issue 12: no ID in clear at rest), so it is sealed with the ID
key set (`PersonalDataVault.seal_file`: AES-GCM, the key id in its header, bound to its job). It is kept only so
that a dry run that passed can be committed without a second upload: once the job has been finished for the
retention period (IMPORT_FILE_RETENTION_DAYS) its bytes are deleted; the job keeps its outcome, counts, problem
report, hash and size, and says when and why the file went.

sealed_file            the ImportFile of a new upload
opened_content         the clear bytes, for the runner (Conflict once the file is gone)
seal_kept_files        seal files kept in the clear before migration 0023, re-seal those under an old key
purge_expired_files    delete the bytes of jobs finished longer ago than the retention period (audited)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ..errors import Conflict
from ..models import ImportFile, ImportJob, ImportStatus, utcnow
from ..services.audit import record
from ..vault import PersonalDataVault

FINISHED = (ImportStatus.VALIDATED, ImportStatus.REJECTED, ImportStatus.COMMITTED, ImportStatus.FAILED)


def file_owner(job_id: int) -> str:
    """What a job's sealed file is bound to: a file moved to another job's row does not open."""
    return f"import_job|{job_id}"


def sealed_file(vault: PersonalDataVault, job_id: int, content: bytes) -> ImportFile:
    return ImportFile(content=vault.seal_file(file_owner(job_id), content), key_id=vault.current_key_id)


def opened_content(vault: PersonalDataVault, job: ImportJob, *, retention_days: int | None = None) -> bytes:
    """The uploaded bytes in the clear (a file from before migration 0023 may not be sealed yet)."""
    kept = job.file
    if kept is None:
        raise file_removed(job, retention_days)
    if kept.key_id is None:
        return kept.content
    return vault.open_file(file_owner(job.id), kept.content)


def file_removed(job: ImportJob, retention_days: int | None) -> Conflict:
    removed = job.file_removed_at or utcnow()
    return Conflict("file_removed", date=removed.date().isoformat(),
                    days=retention_days if retention_days is not None else "—")


def seal_kept_files(session: Session, vault: PersonalDataVault) -> int:
    """Seal every file kept in the clear and re-seal every file sealed under a key other than the current one
    (after a key rotation). One file in memory at a time; flushes, the caller commits. Returns how many."""
    stale = or_(ImportFile.key_id.is_(None), ImportFile.key_id != vault.current_key_id)
    found = session.execute(select(ImportFile.id, ImportFile.job_id, ImportFile.key_id).where(stale)).all()
    for file_id, job_id, key_id in found:
        kept = session.get_one(ImportFile, file_id)
        clear = kept.content if key_id is None else vault.open_file(file_owner(job_id), kept.content)
        kept.content, kept.key_id = vault.seal_file(file_owner(job_id), clear), vault.current_key_id
        session.flush()
        session.expunge(kept)  # its bytes leave memory now, not at the end
    if found:
        record(session, actor=None, action="import.files_sealed", entity_type="import_file", entity_id="*",
               after={"files": len(found), "key_id": vault.current_key_id})
    return len(found)


def purge_expired_files(session: Session, *, retention_days: int, now: datetime | None = None) -> int:
    """Delete the uploaded bytes of every job finished more than `retention_days` ago; each job keeps its
    outcome, report, hash and size and records when its file was removed (one audit event per job). Flushes,
    the caller commits. Returns how many files were deleted."""
    now = now or utcnow()
    expired = session.scalars(select(ImportJob).join(ImportFile, ImportFile.job_id == ImportJob.id).where(
        ImportJob.status.in_(FINISHED), ImportJob.finished_at < now - timedelta(days=retention_days)))
    jobs = list(expired)
    if not jobs:
        return 0
    session.execute(delete(ImportFile).where(ImportFile.job_id.in_([job.id for job in jobs])))
    for job in jobs:
        job.file_removed_at = now
        record(session, actor=None, action="import.file_purged", entity_type="import_job", entity_id=job.id,
               after={"sha256": job.file_sha256, "size": job.file_size, "finished_at": job.finished_at.isoformat()
                      if job.finished_at else None, "retention_days": retention_days})
    session.flush()
    session.expire_all()  # the deleted files are gone from the identity map too
    return len(jobs)

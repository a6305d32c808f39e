"""Bulk imports: who ran them, the file's hash, progress and outcome (kept for good); the uploaded file itself,
sealed, until the retention period (IMPORT_FILE_RETENTION_DAYS) ends."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .institutions import Institution


class ImportKind(enum.StrEnum):
    APPRAISAL_RESULTS = "appraisal_results"
    TRAINING_RECORDS = "training_records"
    WORKERS = "workers"  # registration of new workers (a cohort)
    WORK_HISTORY = "work_history"  # work periods and diplomas


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    VALIDATED = "validated"  # dry run finished without errors: nothing written
    REJECTED = "rejected"  # problems found: nothing written
    COMMITTED = "committed"
    FAILED = "failed"  # the runner itself failed: nothing written


class ImportJob(Base):
    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint("rows_done <= rows_total OR rows_total = 0", name="progress_bounded"),
        CheckConstraint("status <> 'committed' OR NOT dry_run", name="dry_runs_never_commit"),
        Index("ix_import_jobs_institution_created", "institution_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(str_enum(ImportKind))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int]
    file_format: Mapped[str | None] = mapped_column(String(16))  # csv-utf8, csv-utf8-bom, csv-gb18030, xlsx
    dry_run: Mapped[bool] = mapped_column(default=True)
    status: Mapped[ImportStatus] = mapped_column(str_enum(ImportStatus), default=ImportStatus.QUEUED)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_created: Mapped[int] = mapped_column(default=0)
    rows_existing: Mapped[int] = mapped_column(default=0)
    rows_flagged: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    # [{"row": 12, "column": "身份证号", "message_zh": ..., "message_en": ..., "value": ...}, ...] (first 1,000)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    failure: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # When the retention rule deleted the uploaded bytes (credentials/imports/kept_files.py): the outcome,
    # the report, the hash and the size stay; the job can no longer be committed or run again.
    file_removed_at: Mapped[datetime | None]

    institution: Mapped[Institution] = relationship()
    uploaded_by: Mapped[User] = relationship()
    file: Mapped[ImportFile | None] = relationship(back_populates="job", cascade="all, delete-orphan",
                                                   uselist=False)


class ImportFile(Base):
    """The uploaded bytes, apart from the job so that listing jobs never loads them. They hold every row's
    national ID number, so they are sealed with the ID key set (AES-GCM, bound to the job): `key_id` names the
    key; NULL only for a file kept in the clear before migration 0023, until `flask imports seal` seals it."""

    __tablename__ = "import_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id"), unique=True)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    key_id: Mapped[str | None] = mapped_column(String(32))

    job: Mapped[ImportJob] = relationship(back_populates="file")

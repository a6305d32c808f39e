"""A worker's request to correct a record, the earlier values a correction keeps, and superseded credentials.

A `CorrectionRequest` is about one record of the worker's (or about their name, or a record that is missing),
goes to whoever is responsible for that record — the institution that wrote it, or the bureau of the worker's
city (`responsible_institution_id` NULL) — and is accepted (the fix applied through the ordinary services and
named in `resolution`), refused with a reason, or withdrawn by the worker.

`RecordAmendment` keeps what a correction replaced for records that have no history of their own (a training
record, a certificate's issue date or occupation, a worker's name): before and after, why, and by whom.
Appraisal results keep theirs in `ResultCorrection`, worker facts in their superseded rows.

`SupersededCredential`: a certificate whose facts were corrected gets a new status list index, and its old
index stays set in the published status list, so that a digital credential issued before the correction
verifies as superseded while one downloaded since verifies.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .certificates import Certificate
from .institutions import Institution
from .people import Worker


class CorrectionSubject(enum.StrEnum):
    IDENTITY_NAME = "identity_name"  # the worker's name as registered
    CERTIFICATE = "certificate"
    TRAINING = "training"
    RESULT = "result"  # an appraisal result
    WORK_PERIOD = "work_period"
    DIPLOMA = "diploma"
    APPRENTICESHIP = "apprenticeship"
    TITLE = "title"
    MISSING_RECORD = "missing_record"  # a training, result or fact that should be on the record and is not


FACT_SUBJECTS = (CorrectionSubject.WORK_PERIOD, CorrectionSubject.DIPLOMA, CorrectionSubject.APPRENTICESHIP,
                 CorrectionSubject.TITLE)


class CorrectionState(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class CorrectionRequest(Base):
    __tablename__ = "correction_requests"
    __table_args__ = (
        CheckConstraint("(subject_id IS NULL) = (subject_kind IN ('identity_name', 'missing_record'))",
                        name="subject_id_iff_a_record"),
        CheckConstraint("(state = 'open') = (closed_at IS NULL)", name="closed_at_iff_closed"),
        CheckConstraint("(closed_at IS NULL) = (closed_by_id IS NULL)", name="closed_by_iff_closed"),
        CheckConstraint("state <> 'refused' OR resolution_reason IS NOT NULL", name="refusal_has_reason"),
        CheckConstraint("(state = 'accepted') = (resolution IS NOT NULL)", name="resolution_iff_accepted"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_correction_requests_queue", "state", "responsible_institution_id", "city_code", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    subject_kind: Mapped[CorrectionSubject] = mapped_column(str_enum(CorrectionSubject))
    subject_id: Mapped[int | None]  # the record's id in its own table (see subject_kind)
    subject_text: Mapped[dict[str, Any]]  # {"zh", "en"}: the record as it read when the request was filed
    field: Mapped[str | None] = mapped_column(String(32))  # what is wrong (record_corrections.FIELDS)
    proposed_value: Mapped[str | None] = mapped_column(String(200))
    explanation: Mapped[str] = mapped_column(Text)
    state: Mapped[CorrectionState] = mapped_column(str_enum(CorrectionState), default=CorrectionState.OPEN)
    # Who answers: the institution that wrote the record, else (NULL) the bureau of the worker's city then.
    responsible_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    city_code: Mapped[str] = mapped_column(ForeignKey("cities.code"))
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution_reason: Mapped[str | None] = mapped_column(Text)  # the refusal's reason, or the fix's note
    resolution: Mapped[dict[str, Any] | None]  # what fixed it: record, id, action, changes (before, after)
    version: Mapped[int] = mapped_column(default=1)

    worker: Mapped[Worker] = relationship()
    responsible_institution: Mapped[Institution | None] = relationship()
    filed_by: Mapped[User] = relationship(foreign_keys=[filed_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    evidence: Mapped[list[CorrectionEvidence]] = relationship(
        back_populates="request", order_by="CorrectionEvidence.id", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.state is CorrectionState.OPEN

    def __repr__(self) -> str:
        return f"<CorrectionRequest {self.id} {self.subject_kind.value} {self.state.value}>"


class CorrectionEvidence(Base):
    """A file the worker gave to show the record is wrong: checked (credentials.uploads), stored under a random
    name, its bytes in a separate table so that listing never loads them."""

    __tablename__ = "correction_evidence"
    __table_args__ = (CheckConstraint("size > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("correction_requests.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(40), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[CorrectionRequest] = relationship(back_populates="evidence")
    blob: Mapped[CorrectionEvidenceBlob] = relationship(back_populates="evidence", cascade="all, delete-orphan",
                                                        uselist=False)


class CorrectionEvidenceBlob(Base):
    __tablename__ = "correction_evidence_blobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("correction_evidence.id"), unique=True)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    evidence: Mapped[CorrectionEvidence] = relationship(back_populates="blob")


class RecordAmendment(Base):
    """The values a correction replaced (or a voiding removed), kept for the record's history."""

    __tablename__ = "record_amendments"
    __table_args__ = (
        CheckConstraint("action IN ('corrected', 'voided', 'holder_merged')", name="known_action"),
        CheckConstraint("action = 'voided' OR after IS NOT NULL", name="correction_has_after"),
        Index("ix_record_amendments_entity", "entity_type", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    entity_type: Mapped[str] = mapped_column(String(32))  # certificate, training_record, worker
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any]]
    after: Mapped[dict[str, Any] | None]
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User] = relationship()


class SupersededCredential(Base):
    """A status list index a certificate no longer uses: its bit stays set, its credentials are superseded."""

    __tablename__ = "superseded_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    status_list_index: Mapped[int] = mapped_column(unique=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("record_amendments.id"))
    superseded_at: Mapped[datetime] = mapped_column(default=utcnow)

    certificate: Mapped[Certificate] = relationship()
    amendment: Mapped[RecordAmendment] = relationship()

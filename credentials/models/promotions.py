"""Exceptional (破格) and level-skipping (越级) promotion requests, their decisions and evidence files."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .institutions import Institution
from .people import Worker
from .reference import Occupation


class PromotionKind(enum.StrEnum):
    EXCEPTIONAL = "exceptional"  # 破格: before the waiting years
    LEVEL_SKIPPING = "level_skipping"  # 越级: over a level

    @property
    def ladder_kind(self) -> str:
        """The name ladder.exceptional uses for this kind."""
        return "exceptional" if self is PromotionKind.EXCEPTIONAL else "skip"


class PromotionState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


OPEN_STATES = (PromotionState.SUBMITTED, PromotionState.UNDER_REVIEW)  # waiting for an officer
FINAL_STATES = (PromotionState.APPROVED, PromotionState.REJECTED, PromotionState.WITHDRAWN)


class ReviewStage(enum.StrEnum):
    CITY = "city"
    PROVINCE = "province"


class PromotionRequest(Base):
    __tablename__ = "promotion_requests"
    __table_args__ = (
        CheckConstraint("(state = 'approved') = (approval_valid_until IS NOT NULL)",
                        name="validity_iff_approved"),
        CheckConstraint("(state IN ('approved', 'rejected')) = (decided_at IS NOT NULL)",
                        name="decided_at_iff_final"),
        CheckConstraint("(decided_at IS NULL) = (decided_by_id IS NULL)", name="decided_by_iff_decided"),
        CheckConstraint("state IN ('draft', 'withdrawn') OR submitted_at IS NOT NULL",
                        name="submitted_at_once_sent"),
        CheckConstraint("current_level <> target_level", name="target_differs"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_promotion_requests_queue", "state", "stage", "city_code", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PromotionKind] = mapped_column(str_enum(PromotionKind))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    current_level: Mapped[str] = mapped_column(String(32))
    target_level: Mapped[str] = mapped_column(String(32))
    grounds: Mapped[list[str]] = mapped_column(default=list)  # ladder vocabulary "promotion_grounds"
    statement: Mapped[str] = mapped_column(Text)
    rule_id: Mapped[str | None] = mapped_column(String(64))  # the ladder clause or limit relied upon
    # The worker's city when nominated: the region whose bureaus review it.
    city_code: Mapped[str] = mapped_column(ForeignKey("cities.code"))
    nominated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    # The accredited institution that holds the sitting at the target level once approved (the nominating
    # institution when it is accredited for that level); it sees the approved candidate on its pages.
    appraiser_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    state: Mapped[PromotionState] = mapped_column(str_enum(PromotionState), default=PromotionState.DRAFT)
    stage: Mapped[ReviewStage] = mapped_column(str_enum(ReviewStage), default=ReviewStage.CITY)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]  # last time it entered the queue (ages count from here)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approval_valid_until: Mapped[date | None]

    worker: Mapped[Worker] = relationship()
    occupation: Mapped[Occupation] = relationship()
    nominated_by: Mapped[User] = relationship(foreign_keys=[nominated_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    institution: Mapped[Institution | None] = relationship(foreign_keys=[institution_id])
    appraiser: Mapped[Institution | None] = relationship(foreign_keys=[appraiser_id])
    decisions: Mapped[list[PromotionDecision]] = relationship(
        back_populates="request", order_by="PromotionDecision.id", cascade="all, delete-orphan")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="request", order_by="Evidence.id", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def __repr__(self) -> str:
        return f"<PromotionRequest {self.id} {self.kind.value} {self.state.value}>"


class PromotionDecision(Base):
    """One step of a request's history: who moved it, from which state to which, at which stage, and why."""

    __tablename__ = "promotion_decisions"
    __table_args__ = (
        CheckConstraint("action NOT IN ('forwarded', 'approved', 'rejected', 'returned') OR reason IS NOT NULL",
                        name="decisions_have_reasons"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("promotion_requests.id"), index=True)
    stage: Mapped[ReviewStage] = mapped_column(str_enum(ReviewStage))
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[PromotionState] = mapped_column(str_enum(PromotionState))
    to_state: Mapped[PromotionState] = mapped_column(str_enum(PromotionState))
    reason: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[PromotionRequest] = relationship(back_populates="decisions")
    actor: Mapped[User] = relationship()


class Evidence(Base):
    """An uploaded evidence file: checked, stored under a random name, its bytes in a separate table."""

    __tablename__ = "evidence"
    __table_args__ = (CheckConstraint("size > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("promotion_requests.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(40), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))  # data only: cleaned of bidi and zero-width marks
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[PromotionRequest] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User] = relationship()
    blob: Mapped[EvidenceBlob] = relationship(back_populates="evidence", cascade="all, delete-orphan",
                                              uselist=False)


class EvidenceBlob(Base):
    """The bytes, apart from the metadata so that listing evidence never loads them."""

    __tablename__ = "evidence_blobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), unique=True)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))

    evidence: Mapped[Evidence] = relationship(back_populates="blob")

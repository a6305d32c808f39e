"""The appraisal road: the sessions an institution holds, applications (申报) with their qualification review
(资格审核) and seating, and the corrections of recorded results (each with the values it replaced).

An application goes submitted → approved (or refused, with a reason) → seated in a session → passed, failed or
incomplete by its result; a failed one may be seated again (补考) until `retake_until`; an incomplete one is
decided when the missing score is entered. One overtaken by events (the level reached another way) is closed
with the reason.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .certificates import Certificate
from .institutions import Institution
from .people import Worker
from .promotions import PromotionRequest
from .reference import Occupation
from .training import AppraisalResult


class SessionState(enum.StrEnum):
    OPEN = "open"  # candidates may be seated
    CLOSED = "closed"


class AppraisalSession(Base):
    """One sitting an institution holds: a date, a site, an occupation and the levels it examines, a capacity."""

    __tablename__ = "appraisal_sessions"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 10000", name="capacity_in_range"),
        Index("ix_appraisal_sessions_institution_held", "institution_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    levels: Mapped[list[str]] = mapped_column(default=list)  # ladder level codes offered, lowest first
    held_on: Mapped[date]
    site: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int]
    state: Mapped[SessionState] = mapped_column(str_enum(SessionState), default=SessionState.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship()
    occupation: Mapped[Occupation] = relationship()

    def __repr__(self) -> str:
        return f"<AppraisalSession {self.id} {self.held_on}>"


class ApplicationRoute(enum.StrEnum):
    REGULAR = "regular"  # the standard's application conditions (申报条件)
    EXCEPTIONAL = "exceptional"  # an approved exceptional or level-skipping request stands in for them


class ApplicationState(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"  # qualified: may be seated
    REFUSED = "refused"
    SEATED = "seated"
    PASSED = "passed"
    FAILED = "failed"  # may be seated again until retake_until
    INCOMPLETE = "incomplete"  # a required part not yet scored
    CLOSED = "closed"  # overtaken by events (closed_reason says how)


OPEN_APPLICATION_STATES = (ApplicationState.SUBMITTED, ApplicationState.APPROVED, ApplicationState.SEATED,
                           ApplicationState.FAILED, ApplicationState.INCOMPLETE)


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("(state = 'refused') = (refusal_reason IS NOT NULL)", name="refusal_has_reason"),
        CheckConstraint("state <> 'closed' OR closed_reason IS NOT NULL", name="closing_has_reason"),
        CheckConstraint("state <> 'seated' OR session_id IS NOT NULL", name="seated_in_a_session"),
        CheckConstraint("(route = 'exceptional') = (promotion_request_id IS NOT NULL)",
                        name="exceptional_iff_approval"),
        CheckConstraint("(reviewed_at IS NULL) = (reviewed_by_id IS NULL)", name="reviewed_by_iff_reviewed"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_applications_institution_state", "institution_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    level: Mapped[str] = mapped_column(String(32))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("appraisal_sessions.id"), index=True)
    route: Mapped[ApplicationRoute] = mapped_column(str_enum(ApplicationRoute), default=ApplicationRoute.REGULAR)
    promotion_request_id: Mapped[int | None] = mapped_column(ForeignKey("promotion_requests.id"), unique=True)
    state: Mapped[ApplicationState] = mapped_column(str_enum(ApplicationState), default=ApplicationState.SUBMITTED)
    version: Mapped[int] = mapped_column(default=1)
    # The application condition the worker met when qualified (ladder rule set and clause ids).
    rule_set: Mapped[str | None] = mapped_column(String(32))
    matched_clause: Mapped[str | None] = mapped_column(String(64))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    closed_reason: Mapped[str | None] = mapped_column(Text)
    retake_until: Mapped[date | None]  # set by a failed sitting: the last day of the retake window
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]

    worker: Mapped[Worker] = relationship()
    occupation: Mapped[Occupation] = relationship()
    institution: Mapped[Institution] = relationship()
    session: Mapped[AppraisalSession | None] = relationship()
    promotion_request: Mapped[PromotionRequest | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    results: Mapped[list[AppraisalResult]] = relationship(
        primaryjoin="Application.id == foreign(AppraisalResult.application_id)",
        order_by="AppraisalResult.exam_date", viewonly=True)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_APPLICATION_STATES

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.level} {self.state.value}>"


class CorrectionKind(enum.StrEnum):
    CORRECTED = "corrected"  # scores entered wrongly, replaced
    VOIDED = "voided"  # the sitting does not count
    COMPLETED = "completed"  # the missing part of an incomplete sitting entered


class ResultCorrection(Base):
    """One change to a recorded result: the values before and after, why, by whom, and the certificate it
    revoked or issued."""

    __tablename__ = "result_corrections"
    __table_args__ = (
        CheckConstraint("kind = 'completed' OR reason IS NOT NULL", name="changes_have_reasons"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("appraisal_results.id"), index=True)
    kind: Mapped[CorrectionKind] = mapped_column(str_enum(CorrectionKind))
    reason: Mapped[str | None] = mapped_column(Text)
    theory_before: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    practical_before: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    review_before: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    outcome_before: Mapped[str] = mapped_column(String(16))
    theory_after: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    practical_after: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    review_after: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    outcome_after: Mapped[str] = mapped_column(String(16))
    revoked_certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    issued_certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    result: Mapped[AppraisalResult] = relationship()
    actor: Mapped[User | None] = relationship()
    revoked_certificate: Mapped[Certificate | None] = relationship(foreign_keys=[revoked_certificate_id])
    issued_certificate: Mapped[Certificate | None] = relationship(foreign_keys=[issued_certificate_id])

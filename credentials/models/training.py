"""A worker's history: training and appraisal results (work periods and diplomas: `worker_facts`)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .certificates import Certificate
from .institutions import Institution
from .people import Worker
from .reference import Occupation


class TrainingType(enum.StrEnum):
    EMPLOYMENT_SKILLS = "employment_skills"  # 就业技能培训
    ON_THE_JOB_UPGRADING = "on_the_job_upgrading"  # 岗位技能提升培训
    ENTREPRENEURSHIP = "entrepreneurship"  # 创业培训


class TrainingForm(enum.StrEnum):
    DIRECTED = "directed"  # 定向
    POST_SPECIFIC = "post_specific"  # 定岗
    ORDER_BASED = "order_based"  # 订单式
    APPRENTICESHIP = "apprenticeship"  # 新型学徒制
    OTHER = "other"


class TrainingOutcome(enum.StrEnum):
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"


class TrainingRecord(Base):
    __tablename__ = "training_records"
    __table_args__ = (
        UniqueConstraint("worker_id", "institution_id", "occupation_id", "target_level", "started_on",
                         name="one_enrolment"),
        CheckConstraint("hours >= 0 AND hours <= 10000", name="hours_in_range"),
        CheckConstraint("completed_on IS NULL OR completed_on >= started_on", name="dates_ordered"),
        CheckConstraint("(outcome = 'completed') = (completed_on IS NOT NULL)", name="completed_iff_date"),
        CheckConstraint("subsidy_amount IS NULL OR subsidy_amount >= 0", name="subsidy_not_negative"),
        Index("ix_training_records_institution_started", "institution_id", "started_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    target_level: Mapped[str] = mapped_column(String(32))
    training_type: Mapped[TrainingType] = mapped_column(str_enum(TrainingType))
    form: Mapped[TrainingForm] = mapped_column(str_enum(TrainingForm))
    hours: Mapped[int]
    started_on: Mapped[date]
    completed_on: Mapped[date | None]
    outcome: Mapped[TrainingOutcome] = mapped_column(str_enum(TrainingOutcome))
    # Subsidy decided from the city's schedule (ladder data) when the record was written.
    subsidy_eligible: Mapped[bool] = mapped_column(default=False)
    subsidy_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    subsidy_rule: Mapped[str | None] = mapped_column(String(64))
    import_job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker: Mapped[Worker] = relationship()
    institution: Mapped[Institution] = relationship()
    occupation: Mapped[Occupation] = relationship()


class SittingOutcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    INCOMPLETE = "incomplete"  # a required part (综合评审) not yet scored, none below the mark
    VOIDED = "voided"  # voided with a reason (credentials.models.applications.ResultCorrection)


class AppraisalResult(Base):
    """One sitting of an appraisal: scores, the pass decision, and the certificate it produced."""

    __tablename__ = "appraisal_results"
    __table_args__ = (
        UniqueConstraint("worker_id", "occupation_id", "level", "exam_date", name="one_sitting"),
        CheckConstraint("theory_score BETWEEN 0 AND 100", name="theory_in_range"),
        CheckConstraint("practical_score BETWEEN 0 AND 100", name="practical_in_range"),
        CheckConstraint("review_score IS NULL OR review_score BETWEEN 0 AND 100", name="review_in_range"),
        CheckConstraint("certificate_id IS NULL OR passed", name="only_passes_certify"),
        CheckConstraint("passed = (outcome = 'passed')", name="passed_iff_outcome"),
        Index("ix_appraisal_results_institution_exam", "institution_id", "exam_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    level: Mapped[str] = mapped_column(String(32))
    exam_date: Mapped[date]
    theory_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    practical_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    review_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # 综合评审, 技师 and above
    passed: Mapped[bool]
    outcome: Mapped[SittingOutcome] = mapped_column(str_enum(SittingOutcome))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), unique=True)
    import_job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id"), index=True)
    # The appraisal road (credentials.models.applications): the application and session of this sitting, and
    # the application condition (rule set, clause) the worker met on the exam day when it certified.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("appraisal_sessions.id"), index=True)
    matched_rules: Mapped[str | None] = mapped_column(String(32))
    matched_clause: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker: Mapped[Worker] = relationship()
    institution: Mapped[Institution] = relationship()
    occupation: Mapped[Occupation] = relationship()
    certificate: Mapped[Certificate | None] = relationship()


"""Training institutions and evaluation bodies, with their accreditation scope."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .reference import City, Occupation


class InstitutionKind(enum.StrEnum):
    ENTERPRISE = "enterprise"
    TECHNICIAN_COLLEGE = "technician_college"
    SENIOR_TECHNICAL_SCHOOL = "senior_technical_school"
    TECHNICAL_SCHOOL = "technical_school"
    SOCIAL_TRAINING_BODY = "social_training_body"
    APPRAISAL_BODY = "appraisal_body"


class Institution(Base):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[InstitutionKind] = mapped_column(str_enum(InstitutionKind), index=True)
    city_code: Mapped[str] = mapped_column(ForeignKey("cities.code"), index=True)
    # 统一社会信用代码 (18 chars) when known; evaluation bodies also carry their registry code.
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    city: Mapped[City] = relationship()
    accreditations: Mapped[list[Accreditation]] = relationship(
        back_populates="institution", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Institution {self.id} {self.name}>"


class Accreditation(Base):
    """May train or appraise `occupation` up to `max_level` (a ladder level code) within the dates."""

    __tablename__ = "accreditations"
    __table_args__ = (
        UniqueConstraint("institution_id", "occupation_id", "valid_from"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"), index=True)
    max_level: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]

    institution: Mapped[Institution] = relationship(back_populates="accreditations")
    occupation: Mapped[Occupation] = relationship()

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)

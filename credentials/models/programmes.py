"""The programmes registry (plan 四(三)): high-skill training demonstration bases, masters' studios, technician
training cohorts and special-allowance batches, each in one city at one tier, with its people, results and funding.

One table for the four kinds: they share everything an indicator counts (kind, tier, city, date, funding) and a
page lists; what differs is which roles their people hold (`ROLES_BY_KIND`) and a few columns the checks tie to
the kind. People are rows of `programme_members` (a master and apprentices, trainees, recipients), each with the
dates they belonged.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .institutions import Institution
from .people import Worker
from .reference import City, Occupation


class ProgrammeKind(enum.StrEnum):
    TRAINING_BASE = "training_base"  # 高技能人才培训示范基地
    MASTERS_STUDIO = "masters_studio"  # 技能大师工作室
    TECHNICIAN_COHORT = "technician_cohort"  # 技师培训项目: one cohort at one institution
    SPECIAL_ALLOWANCE = "special_allowance"  # 政府特殊津贴: one batch of recipients


class ProgrammeTier(enum.StrEnum):
    """Who recognised or funds it; the bureau of that level keeps it."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"


class MemberRole(enum.StrEnum):
    MASTER = "master"
    APPRENTICE = "apprentice"
    TRAINEE = "trainee"
    RECIPIENT = "recipient"


class ResultKind(enum.StrEnum):
    """What a studio or base reports (DOMAIN §8a: problems solved, process improvements; patents)."""

    PROBLEM_SOLVED = "problem_solved"
    PROCESS_IMPROVEMENT = "process_improvement"
    PATENT = "patent"


class FundingSource(enum.StrEnum):
    """Who paid: the finance of a level, or one of the channels the plan names (四(三))."""

    CENTRAL_FINANCE = "central_finance"
    PROVINCIAL_FINANCE = "provincial_finance"
    CITY_FINANCE = "city_finance"
    EMPLOYMENT_FUND = "employment_fund"  # 就业专项资金
    HIGH_SKILL_FUND = "high_skill_fund"  # 高技能人才专项工作经费
    EDUCATION_SURCHARGE = "education_surcharge"  # 教育费附加
    ENTERPRISE_FUND = "enterprise_fund"  # 企业职工教育经费
    OTHER = "other"


ROLES_BY_KIND: dict[ProgrammeKind, frozenset[MemberRole]] = {
    ProgrammeKind.TRAINING_BASE: frozenset(),
    ProgrammeKind.MASTERS_STUDIO: frozenset({MemberRole.MASTER, MemberRole.APPRENTICE}),
    ProgrammeKind.TECHNICIAN_COHORT: frozenset({MemberRole.TRAINEE}),
    ProgrammeKind.SPECIAL_ALLOWANCE: frozenset({MemberRole.RECIPIENT}),
}
KINDS_WITH_RESULTS = frozenset({ProgrammeKind.TRAINING_BASE, ProgrammeKind.MASTERS_STUDIO})
KINDS_AT_AN_INSTITUTION = frozenset({ProgrammeKind.TRAINING_BASE, ProgrammeKind.TECHNICIAN_COHORT})
NAME_MAX, BATCH_MAX, SUMMARY_MAX, NOTE_MAX = 200, 64, 500, 200


class Programme(Base):
    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= recognised_on", name="dates_ordered"),
        CheckConstraint("(kind = 'technician_cohort') = (target_level IS NOT NULL)", name="target_iff_cohort"),
        CheckConstraint("kind <> 'technician_cohort' OR occupation_id IS NOT NULL", name="cohort_has_occupation"),
        CheckConstraint("kind NOT IN ('training_base', 'technician_cohort') OR institution_id IS NOT NULL",
                        name="held_at_an_institution"),
        Index("ix_programmes_city_kind", "city_code", "kind", "tier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ProgrammeKind] = mapped_column(str_enum(ProgrammeKind))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    tier: Mapped[ProgrammeTier] = mapped_column(str_enum(ProgrammeTier))
    city_code: Mapped[str] = mapped_column(ForeignKey("cities.code"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)  # host
    occupation_id: Mapped[int | None] = mapped_column(ForeignKey("occupations.id"))
    target_level: Mapped[str | None] = mapped_column(String(32))  # a technician cohort's level (ladder code)
    batch: Mapped[str | None] = mapped_column(String(BATCH_MAX))  # e.g. 第三批; a special allowance's batch
    # Recognised (base, studio), started (cohort) or awarded (special allowance): the date indicators count by.
    recognised_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date | None]
    description: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    city: Mapped[City] = relationship()
    institution: Mapped[Institution | None] = relationship()
    occupation: Mapped[Occupation | None] = relationship()
    created_by: Mapped[User] = relationship()
    members: Mapped[list[ProgrammeMember]] = relationship(
        back_populates="programme", cascade="all, delete-orphan",
        order_by="[ProgrammeMember.started_on, ProgrammeMember.id]")
    results: Mapped[list[ProgrammeResult]] = relationship(
        back_populates="programme", cascade="all, delete-orphan",
        order_by="[ProgrammeResult.achieved_on.desc(), ProgrammeResult.id.desc()]")
    fundings: Mapped[list[ProgrammeFunding]] = relationship(
        back_populates="programme", cascade="all, delete-orphan",
        order_by="[ProgrammeFunding.granted_on, ProgrammeFunding.id]")

    @property
    def year(self) -> int:
        return self.recognised_on.year

    @property
    def funding_total(self) -> Decimal:
        return sum((f.amount for f in self.fundings), Decimal(0))


class ProgrammeMember(Base):
    """A worker's part in a programme, from one date (to another, when it ended)."""

    __tablename__ = "programme_members"
    __table_args__ = (
        UniqueConstraint("programme_id", "worker_id", "role", "started_on", name="one_entry_per_start"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="members")
    worker: Mapped[Worker] = relationship()

    def current_on(self, on: date) -> bool:
        return self.started_on <= on and (self.ended_on is None or on <= self.ended_on)


class ProgrammeResult(Base):
    """One dated achievement of a studio or base, in a sentence."""

    __tablename__ = "programme_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    kind: Mapped[ResultKind] = mapped_column(str_enum(ResultKind))
    achieved_on: Mapped[date]
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="results")


class ProgrammeFunding(Base):
    """Money granted to a programme: an amount in yuan, from a source, on a day (the grant's approval or payment:
    what dates it in a campaign phase; its year is the funding year shown)."""

    __tablename__ = "programme_fundings"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    source: Mapped[FundingSource] = mapped_column(str_enum(FundingSource))
    granted_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="fundings")

    @property
    def year(self) -> int:
        return self.granted_on.year

"""The facts eligibility needs about a worker: work periods, diplomas, apprenticeships and professional titles.

Every fact row carries its lifecycle:

- `attestation`: `attested` when an official recorded or confirmed it (the employer's or a training or
  appraising institution's staff, a bureau officer), `unverified` while it is only the worker's own claim.
  Only attested facts count for eligibility.
- `state`: `current`, or `superseded` by a correction (the correcting row's `replaces_id` points back here)
  or `withdrawn` (with a reason). Corrections never overwrite: the earlier value stays, as a row of its own.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .institutions import Institution
from .reference import Occupation

REASON_MAX = 200


class Attestation(enum.StrEnum):
    ATTESTED = "attested"  # recorded or confirmed by an official: counts for eligibility
    UNVERIFIED = "unverified"  # the worker's claim, awaiting the employer (or another official)


class FactState(enum.StrEnum):
    CURRENT = "current"
    SUPERSEDED = "superseded"  # replaced by a correction
    WITHDRAWN = "withdrawn"


def lifecycle_constraints() -> tuple[CheckConstraint, ...]:
    """The lifecycle's invariants, one set per table (a constraint object belongs to one table)."""
    return (
        CheckConstraint("(attestation = 'attested') = (attested_at IS NOT NULL)", name="attested_iff_dated"),
        CheckConstraint("(state = 'current') = (ended_at IS NULL)", name="ended_iff_not_current"),
        CheckConstraint("withdrawal_reason IS NULL OR state = 'withdrawn'", name="reason_only_when_withdrawn"),
    )


def _attested_now(context: Any) -> datetime | None:
    """The default of `attested_at`: now for an attested fact (written without a date), none for a claim; with
    no statement to look at (a bulk COPY asks for defaults alone), the default attestation's: now."""
    if context is None:
        return utcnow()
    attestation = context.get_current_parameters().get("attestation", Attestation.ATTESTED)
    return utcnow() if attestation == Attestation.ATTESTED else None


def _table(cls: Any) -> str:
    return str(cls.__tablename__)


def _class(cls: Any) -> str:
    return str(cls.__name__)


class FactLifecycle:
    """Who wrote the fact, who vouches for it, and what ended it (a correction, a withdrawal)."""

    # Written without saying otherwise (the seed, the system), a fact is attested from the moment it is written.
    attestation: Mapped[Attestation] = mapped_column(str_enum(Attestation), default=Attestation.ATTESTED)
    state: Mapped[FactState] = mapped_column(str_enum(FactState), default=FactState.CURRENT)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system (seed, import)
    recorded_by_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    attested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    attested_by_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    attested_at: Mapped[datetime | None] = mapped_column(default=_attested_now)
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    import_job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def replaces_id(cls) -> Mapped[int | None]:
        """The earlier version this row corrects."""
        return mapped_column(ForeignKey(f"{_table(cls)}.id"))

    @declared_attr
    def attested_by_institution(cls) -> Mapped[Institution | None]:
        return relationship(foreign_keys=f"{_class(cls)}.attested_by_institution_id", viewonly=True)

    @declared_attr
    def recorded_by_institution(cls) -> Mapped[Institution | None]:
        return relationship(foreign_keys=f"{_class(cls)}.recorded_by_institution_id", viewonly=True)

    @property
    def counts(self) -> bool:
        """Whether eligibility reads it: current and attested."""
        return self.state is FactState.CURRENT and self.attestation is Attestation.ATTESTED


class WorkPeriod(FactLifecycle, Base):
    """Time worked in an occupation: the years eligibility counts (连续 before 2018, 累计 after).

    `related_to_id` names the occupation this work also counts towards as a 相关职业 ("本职业或相关职业"),
    when the recorder says the occupation worked is a related one."""

    __tablename__ = "work_periods"
    __table_args__ = (CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_ordered"),
                      CheckConstraint("related_to_id IS NULL OR related_to_id <> occupation_id",
                                      name="related_is_another"),
                      *lifecycle_constraints())

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    related_to_id: Mapped[int | None] = mapped_column(ForeignKey("occupations.id"))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    employer_name: Mapped[str | None] = mapped_column(String(128))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]  # last day worked; None while it goes on

    occupation: Mapped[Occupation] = relationship(foreign_keys=[occupation_id])
    related_to: Mapped[Occupation | None] = relationship(foreign_keys=[related_to_id])
    employer: Mapped[Institution | None] = relationship(foreign_keys=[employer_id])


class Diploma(FactLifecycle, Base):
    """A school diploma (技工院校 streams shorten the route: DOMAIN §2.4)."""

    __tablename__ = "diplomas"
    __table_args__ = lifecycle_constraints()

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    school_type: Mapped[str] = mapped_column(String(32))  # ladder vocabulary "school_types"
    stream: Mapped[str] = mapped_column(String(32), default="none")  # ladder vocabulary "streams"
    major_occupation_id: Mapped[int | None] = mapped_column(ForeignKey("occupations.id"))
    school_name: Mapped[str | None] = mapped_column(String(128))
    graduated_on: Mapped[date | None]
    is_current_graduate: Mapped[bool] = mapped_column(default=False)  # 应届: in the final year

    major_occupation: Mapped[Occupation | None] = relationship()


class Apprenticeship(FactLifecycle, Base):
    """An enterprise apprenticeship (企业新型学徒制, DOMAIN §8): completing it (学徒期满) opens 初级工."""

    __tablename__ = "apprenticeships"
    __table_args__ = (CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_ordered"),
                      CheckConstraint("NOT completed OR ended_on IS NOT NULL", name="completed_has_end"),
                      CheckConstraint("enterprise_id IS NOT NULL OR enterprise_name IS NOT NULL",
                                      name="enterprise_named"),
                      *lifecycle_constraints())

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    enterprise_name: Mapped[str | None] = mapped_column(String(128))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    target_level: Mapped[str] = mapped_column(String(32))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]  # the term's last day; None while it runs
    completed: Mapped[bool] = mapped_column(default=False)  # 学徒期满 (an apprenticeship broken off is not)

    enterprise: Mapped[Institution | None] = relationship(foreign_keys=[enterprise_id])
    occupation: Mapped[Occupation] = relationship()


class ProfessionalTitle(FactLifecycle, Base):
    """A professional title held (职称: series and grade of ladder/data/frameworks.toml, DOMAIN §5)."""

    __tablename__ = "professional_titles"
    __table_args__ = lifecycle_constraints()

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    series: Mapped[str] = mapped_column(String(32))
    grade: Mapped[str] = mapped_column(String(32))
    obtained_on: Mapped[date]
    issuer_name: Mapped[str | None] = mapped_column(String(128))  # the reviewing body (评审委员会) or employer


FACT_MODELS = (WorkPeriod, Diploma, Apprenticeship, ProfessionalTitle)

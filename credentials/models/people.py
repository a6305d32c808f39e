"""Workers: the people whose credentials the registry holds."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .institutions import Institution
from .reference import City


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class TargetGroup(enum.StrEnum):
    """Training-subsidy target groups (财社〔2017〕164号 and later local lists)."""

    COLLEGE_GRADUATE = "college_graduate"
    RURAL_MIGRANT = "rural_migrant"
    URBAN_HARDSHIP = "urban_hardship"
    REGISTERED_UNEMPLOYED = "registered_unemployed"
    SCHOOL_LEAVER = "school_leaver"
    POOR_FAMILY = "poor_family"
    VETERAN = "veteran"
    EMPLOYEE = "employee"


class Worker(Base):
    """A person, anchored on the national ID number.

    The number itself is stored only encrypted (`id_ciphertext`); `id_hash` is a keyed blind
    index for look-up and uniqueness, `id_masked` the display form (110105********1234).
    """

    __tablename__ = "workers"
    __table_args__ = (
        Index("ix_workers_city_name", "city_code", "name"),
        # Duplicate detection groups by name and birth date (credentials/queries/duplicates.py).
        Index("ix_workers_name_birth_date", "name", "birth_date"),
        # Partial: nearly every worker has no merged_into_id, and SQLite's ANALYZE counts all those NULLs as one
        # value, so it judged a full index useless and scanned every worker for the verification look-up's
        # merged-record join (200-450 ms a look-up at a million workers). Only merged records are indexed.
        Index("ix_workers_merged_into_id", "merged_into_id", sqlite_where=text("merged_into_id IS NOT NULL"),
              postgresql_where=text("merged_into_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_ciphertext: Mapped[str] = mapped_column(String(128))
    id_masked: Mapped[str] = mapped_column(String(18))
    birth_date: Mapped[date]
    gender: Mapped[Gender] = mapped_column(str_enum(Gender))
    city_code: Mapped[str] = mapped_column(ForeignKey("cities.code"))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    employer_name: Mapped[str | None] = mapped_column(String(128))
    # The institution whose staff registered the worker (None: registered by an admin, the seed or before
    # this was kept); its staff keep seeing the worker (credentials.queries.scopes.worker_scope).
    registered_by_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Whether the worker agreed to appear on public pages (the city's skilled-talent page: masked name, honours,
    # medals, masters' studios). No until they say yes (PIPL: separate consent); changed only through
    # credentials.services.consent, which audits it.
    public_profile_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set when a bureau merged this record into another (the same person entered twice): the record drops out
    # of every list (credentials.queries.scopes.worker_scope) and its rows now name the survivor.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))  # indexed above

    city: Mapped[City] = relationship()
    employer: Mapped[Institution | None] = relationship(foreign_keys=[employer_id])
    target_groups: Mapped[list[WorkerTargetGroup]] = relationship(
        back_populates="worker", cascade="all, delete-orphan", order_by="WorkerTargetGroup.group"
    )

    def __repr__(self) -> str:
        return f"<Worker {self.id}>"  # never the name or ID: reprs end up in logs


class WorkerTargetGroup(Base):
    __tablename__ = "worker_target_groups"
    __table_args__ = (
        UniqueConstraint("worker_id", "group", "valid_from"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    group: Mapped[TargetGroup] = mapped_column(str_enum(TargetGroup))
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]

    worker: Mapped[Worker] = relationship(back_populates="target_groups")

"""Honours and allowances recorded on a worker (plan 三(四): 表彰奖励, 技能职务津贴, 特殊岗位津贴)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .people import Worker


class AllowancePeriod(enum.StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"
    ONE_OFF = "one_off"


class Honour(Base):
    __tablename__ = "honours"
    __table_args__ = (
        UniqueConstraint("worker_id", "title", "year", name="one_per_year"),
        CheckConstraint("year BETWEEN 1949 AND 2100", name="year_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    title: Mapped[str] = mapped_column(String(48))  # ladder vocabulary "honours"
    year: Mapped[int]
    awarding_body: Mapped[str] = mapped_column(String(128))
    competition_result_id: Mapped[int | None] = mapped_column(ForeignKey("competition_results.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker: Mapped[Worker] = relationship()
    recorded_by: Mapped[User] = relationship()


class Allowance(Base):
    __tablename__ = "allowances"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # ladder vocabulary "allowances"
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))  # yuan per period
    period: Mapped[AllowancePeriod] = mapped_column(str_enum(AllowancePeriod))
    payer: Mapped[str] = mapped_column(String(128))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker: Mapped[Worker] = relationship()
    recorded_by: Mapped[User] = relationship()

"""One person entered twice: the bureau's merges of two worker records, and the pairs it judged two people.

A merge keeps both rows: the merged worker stays (its ID's blind index stays taken, so the mistyped number
cannot be registered again) with `merged_into_id` naming the survivor, and `WorkerMerge.moved` lists, per
referring column, the ids of the rows that moved, so every row can be traced back to the record it came from.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .people import Worker

REASON_MAX = 500


class DuplicateKind(enum.StrEnum):
    """Why two records look like one person, strongest first."""

    SAME_ID = "same_id"  # the two ID numbers normalise to the same number (15/18 digits, full-width, x)
    ONE_DIGIT = "one_digit"  # the numbers differ in one digit (the check character aside)
    SWAPPED = "swapped"  # two adjacent digits transposed
    SAME_PERSON_DETAILS = "same_person_details"  # only name, birth date, gender and city agree


class WorkerMerge(Base):
    """The bureau's decision that `merged` is `survivor` entered a second time, and what it moved."""

    __tablename__ = "worker_merges"
    __table_args__ = (CheckConstraint("survivor_id <> merged_id", name="two_workers"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), unique=True)
    kind: Mapped[DuplicateKind] = mapped_column(str_enum(DuplicateKind))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    # "table.column" -> ids of the rows whose column was changed from merged_id to survivor_id
    moved: Mapped[dict[str, Any]]
    # The merged worker's own account when the survivor had one too: kept, disabled, never moved.
    deactivated_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)

    survivor: Mapped[Worker] = relationship(foreign_keys=[survivor_id])
    merged: Mapped[Worker] = relationship(foreign_keys=[merged_id])
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<WorkerMerge {self.id} {self.merged_id}->{self.survivor_id}>"


class DismissedDuplicate(Base):
    """A candidate pair the bureau judged two different people: it stops showing as a duplicate."""

    __tablename__ = "dismissed_duplicates"
    __table_args__ = (
        UniqueConstraint("first_worker_id", "second_worker_id"),
        CheckConstraint("first_worker_id < second_worker_id", name="pair_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))  # the lower id of the pair
    second_worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    dismissed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dismissed_at: Mapped[datetime] = mapped_column(default=utcnow)

    dismissed_by: Mapped[User] = relationship()

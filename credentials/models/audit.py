"""The audit trail: append-only, each row chained to the previous one by hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        # The administrator's audit page pages newest first by id, filtered by actor or by date range.
        Index("ix_audit_events_actor_id_id", "actor_id", "id"),
    )

    # On PostgreSQL the table is partitioned by year of occurred_at (migration 0025, credentials/services/partitions.py):
    # there (id, occurred_at) is unique in place of the primary key and prev_hash/hash are unique per year's
    # partition. The ORM keeps `id` alone as the identity: one sequence numbers every row, so an id names one event.
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.entity_type}:{self.entity_id}>"

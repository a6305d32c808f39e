"""In-app messages: a code and its parameters (rendered in the reader's language), a link, read or not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, utcnow


class InboxMessage(Base):
    __tablename__ = "inbox_messages"
    __table_args__ = (Index("ix_inbox_messages_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    code: Mapped[str] = mapped_column(String(48))  # credentials.services.inbox MESSAGES
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)  # bilingual values as {"zh": ..., "en": ...}
    entity_type: Mapped[str | None] = mapped_column(String(32))  # what the link opens
    entity_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

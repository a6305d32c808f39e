"""Issuer keys: the Ed25519 keys the registry signs digital credentials with.

The private half is stored only sealed (AES-GCM, see `credentials.services.issuer_keys.KeySealer`); the
public half is published in the DID document. Rotation retires a key but never deletes it, so every
credential it signed keeps verifying.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class IssuerKey(Base):
    __tablename__ = "issuer_keys"
    __table_args__ = (
        CheckConstraint("is_active = (retired_at IS NULL)", name="active_iff_not_retired"),
        # At most one active key: two processes creating "the first key" at once cannot both win.
        Index("uq_issuer_keys_one_active", "is_active", unique=True,
              sqlite_where=text("is_active"), postgresql_where=text("is_active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), unique=True)  # DID URL fragment: key-20240501-1a2b3c4d
    public_key_multibase: Mapped[str] = mapped_column(String(64))
    private_key_sealed: Mapped[str] = mapped_column(String(160))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<IssuerKey {self.key_id}{'' if self.is_active else ' retired'}>"

"""The second factor of an account: a TOTP secret (sealed) and its one-time recovery codes (keyed digests)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, utcnow


class SecondFactor(Base):
    """One authenticator app per account. The row exists from the moment enrolment starts; until the first code
    confirms it (`confirmed_at`) it does not protect anything and a new enrolment replaces it."""

    __tablename__ = "second_factors"
    __table_args__ = (CheckConstraint("last_step IS NULL OR last_step >= 0", name="last_step_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # The base32 secret sealed by PersonalDataVault.seal_secret for this user (AEAD, bound to the user's id):
    # a copy of the database alone does not let anyone compute codes.
    secret_sealed: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # The 30-second time step of the last code accepted: a code is never accepted twice, nor one older than it.
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<SecondFactor user={self.user_id} {'confirmed' if self.confirmed_at else 'pending'}>"


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator once (a lost phone). Only a keyed digest is kept:
    the codes are shown once, at enrolment, and can never be read back."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id} {'used' if self.used_at else 'unused'}>"

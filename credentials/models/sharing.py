"""Share links: a worker hands chosen certificates to an employer as a link (and its QR code).

The link's token is a secret the worker can show again, and anyone holding it sees the chosen certificates, so
the registry never keeps it in clear: `token_hash` (SHA-256) finds the link when it is opened, and
`token_sealed` is the token sealed by the personal-data vault, opened only on the worker's own page to draw the
QR code again. A link ends when it expires or when the worker withdraws it (`revoked_at`), whichever is first;
it is never deleted, so the worker keeps seeing where their certificates went and how often they were looked at.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .certificates import Certificate

LABEL_MAX = 60
SEALED_TOKEN_MAX = 160  # "v1.<key id>.<base64url of nonce, 43-character token and tag>": about 110


class ShareLinkCertificate(Base):
    """One certificate a link shows (a link shows each certificate once)."""

    __tablename__ = "share_link_certificates"

    share_link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id"), primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), primary_key=True, index=True)


class ShareLink(Base):
    __tablename__ = "share_links"
    __table_args__ = (
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
        CheckConstraint("view_count >= 0", name="views_counted_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    label: Mapped[str | None] = mapped_column(String(LABEL_MAX))  # the worker's own note, e.g. 给XX公司
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_sealed: Mapped[str] = mapped_column(String(SEALED_TOKEN_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    view_count: Mapped[int] = mapped_column(default=0)
    last_viewed_at: Mapped[datetime | None]

    certificates: Mapped[list[Certificate]] = relationship(secondary="share_link_certificates",
                                                           order_by=Certificate.issued_on)

    def is_open(self, now: datetime) -> bool:
        """Whether the link still shows its certificates at `now` (neither withdrawn nor expired)."""
        return self.revoked_at is None and _aware(self.expires_at) > now

    def __repr__(self) -> str:
        return f"<ShareLink {self.id} of worker {self.worker_id}>"


def _aware(moment: datetime) -> datetime:
    """SQLite hands a stored moment back without its zone; it is UTC, as every moment the registry keeps."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)

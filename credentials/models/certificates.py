"""Certificates: the record every later feature extends."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .institutions import Institution
from .people import Worker
from .reference import Occupation


class CertificateRoute(enum.StrEnum):
    REGULAR = "regular"
    EXCEPTIONAL = "exceptional"
    COMPETITION = "competition"


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"


class CertificateKind(enum.StrEnum):
    QUALIFICATION = "qualification"  # 职业资格证书 (before 2020; licensing ones remain)
    SKILL_LEVEL = "skill_level"  # 职业技能等级证书 (2020+)
    SPECIALISED = "specialised"  # 专项职业能力证书


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint(
            "(status = 'revoked') = (revoked_at IS NOT NULL)", name="revoked_at_iff_revoked"
        ),
        CheckConstraint(
            "status <> 'revoked' OR revocation_reason IS NOT NULL", name="revocation_has_reason"
        ),
        CheckConstraint("promotion_request_id IS NULL OR route = 'exceptional'",
                        name="approval_means_exceptional"),
        CheckConstraint("competition_promotion_id IS NULL OR route = 'competition'",
                        name="competition_link_means_competition"),
        Index("ix_certificates_worker_occupation", "worker_id", "occupation_id"),
        Index("ix_certificates_institution_issued", "institution_id", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    number_scheme: Mapped[str] = mapped_column(String(16))
    needs_review: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[CertificateKind] = mapped_column(str_enum(CertificateKind))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"), index=True)
    framework: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(32), index=True)
    issued_on: Mapped[date]
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    route: Mapped[CertificateRoute] = mapped_column(str_enum(CertificateRoute))
    status: Mapped[CertificateStatus] = mapped_column(
        str_enum(CertificateStatus), default=CertificateStatus.VALID
    )
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    # Its bit in the published revocation status lists; allocated when a digital credential is first issued.
    status_list_index: Mapped[int | None] = mapped_column(unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Provenance of a certificate not earned on the regular route: the approval or the competition result.
    promotion_request_id: Mapped[int | None] = mapped_column(ForeignKey("promotion_requests.id"), unique=True)
    competition_promotion_id: Mapped[int | None] = mapped_column(ForeignKey("competition_promotions.id"),
                                                                 unique=True)
    # Entered by an administrator from paper (a certificate older than the registry's records), with evidence.
    is_historic: Mapped[bool] = mapped_column(default=False)

    worker: Mapped[Worker] = relationship()
    occupation: Mapped[Occupation] = relationship()
    institution: Mapped[Institution] = relationship()

    @property
    def is_valid(self) -> bool:
        return self.status is CertificateStatus.VALID

    def __repr__(self) -> str:
        return f"<Certificate {self.number}>"


class CertificateEvidence(Base):
    """A scan of a historic certificate (credentials.uploads checks it); the bytes load only when asked for."""

    __tablename__ = "certificate_evidence"
    __table_args__ = (CheckConstraint("size > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(40), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    certificate: Mapped[Certificate] = relationship()

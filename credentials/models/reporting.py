"""Packages of certificate records a city or province reports upward to the national look-up (DOMAIN §8a).

A package is built once and kept: its zip (records.csv, records.json, manifest.json and the manifest's detached
signature) is stored only sealed (AES-GCM through the personal-data vault, since it carries full ID numbers), its
sha256 and manifest in clear. `ReportedCertificate` remembers, per package, each certificate it carried and a
keyed fingerprint of the row as exported, so the next "changes only" package of the same region carries exactly
the certificates whose row differs from the one last reported (new, corrected, revoked) and nothing else.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .certificates import Certificate, CertificateStatus


class PackageKind(enum.StrEnum):
    FULL = "full"  # every certificate of the period
    DELTA = "delta"  # only what changed since the region's last package


class RegionKind(enum.StrEnum):
    CITY = "city"  # a 4-digit city code
    PROVINCE = "province"  # a 2-digit province code


class RowChange(enum.StrEnum):
    """What a reported row is to the receiver, against the region's earlier packages."""

    NEW = "new"  # never reported by this region
    CHANGED = "changed"  # reported before, a field differs now (a correction, a merge of the holder's records)
    REVOKED = "revoked"  # reported before as valid, revoked since
    UNCHANGED = "unchanged"  # as reported before (carried only by a full package)


class ReportPackage(Base):
    __tablename__ = "report_packages"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        CheckConstraint("(kind = 'delta') = (since_package_id IS NOT NULL)", name="delta_names_its_base"),
        CheckConstraint("(region_kind = 'city') = (length(region_code) = 4)", name="region_matches_kind"),
        CheckConstraint("record_count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose certificates: those issued by evaluating institutions of this region (谁发证、谁负责).
    region_code: Mapped[str] = mapped_column(String(4), index=True)
    region_kind: Mapped[RegionKind] = mapped_column(str_enum(RegionKind))
    period_start: Mapped[date]
    period_end: Mapped[date]
    kind: Mapped[PackageKind] = mapped_column(str_enum(PackageKind))
    since_package_id: Mapped[int | None] = mapped_column(ForeignKey("report_packages.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    record_count: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")  # of the zip as downloaded
    size: Mapped[int] = mapped_column(default=0)  # bytes of the zip
    manifest: Mapped[dict[str, Any]] = mapped_column(default=dict)  # manifest.json as signed (no personal data)
    # The zip, base64 and sealed by PersonalDataVault.seal_secret: it holds full ID numbers. Loaded only to download.
    archive_sealed: Mapped[str] = mapped_column(Text, default="", deferred=True)

    created_by: Mapped[User] = relationship()
    since_package: Mapped[ReportPackage | None] = relationship(remote_side="ReportPackage.id")

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = self.manifest.get("counts", {})
        return counts

    def __repr__(self) -> str:
        return f"<ReportPackage {self.id} {self.region_code} {self.kind.value}>"


class ReportedCertificate(Base):
    """One certificate as one package carried it: the keyed fingerprint of its exported row, never the row."""

    __tablename__ = "reported_certificates"
    __table_args__ = (UniqueConstraint("package_id", "certificate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("report_packages.id"))
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    # HMAC-SHA256 (the vault's keyed digest) of the row's canonical values: a plain hash of a row holding an ID
    # number could be reversed by trying the few million numbers of one birth date and area.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[CertificateStatus] = mapped_column(str_enum(CertificateStatus))
    change: Mapped[RowChange] = mapped_column(str_enum(RowChange))

    package: Mapped[ReportPackage] = relationship()
    certificate: Mapped[Certificate] = relationship()

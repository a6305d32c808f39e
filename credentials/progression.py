"""A worker's progression: per occupation, the level reached and the certificates on a timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ladder.frameworks import get_level

from .models import Certificate, CertificateStatus, Occupation, Worker

FRAMEWORK = "skill-2022"


@dataclass
class OccupationProgress:
    occupation: Occupation
    certificates: list[Certificate] = field(default_factory=list)  # oldest first

    @property
    def current(self) -> Certificate | None:
        """The highest valid certificate (a revoked one never counts)."""
        valid = [c for c in self.certificates if c.status is CertificateStatus.VALID]
        return max(valid, key=lambda c: (get_level(c.level, FRAMEWORK).rank, c.issued_on), default=None)

    @property
    def current_level(self) -> str | None:
        return self.current.level if self.current else None

    @property
    def reached_on(self) -> date | None:
        return self.current.issued_on if self.current else None


def progression(session: Session, worker: Worker) -> list[OccupationProgress]:
    certificates = session.scalars(
        select(Certificate)
        .where(Certificate.worker_id == worker.id)
        .options(selectinload(Certificate.occupation), selectinload(Certificate.institution))
        .order_by(Certificate.issued_on, Certificate.id)
    )
    by_occupation: dict[int, OccupationProgress] = {}
    for certificate in certificates:
        entry = by_occupation.setdefault(certificate.occupation_id, OccupationProgress(certificate.occupation))
        entry.certificates.append(certificate)
    return sorted(
        by_occupation.values(),
        key=lambda p: (-(get_level(p.current_level, FRAMEWORK).rank if p.current_level else 0), p.occupation.code),
    )

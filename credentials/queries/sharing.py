"""Share links as their two readers see them: the worker (their own links, active and past) and whoever holds a
link's token (the certificates it shows, with their status now).

A token is looked up by its hash, and an unknown, expired or withdrawn one gives the same answer (None), so
the public page cannot tell anyone which of the three it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Certificate, CertificateStatus, ShareLink, ShareLinkCertificate, Worker, utcnow
from ..services.sharing import token_hash
from .credential_check import Check, accreditation_check
from .verification import Verdict, VerifiedCertificate

__all__ = ["SharedCertificate", "SharesOf", "open_share", "share_of", "shareable_certificates", "shared_certificate",
           "shared_certificates", "shares_of"]

TOKEN_MAX = 64  # token_urlsafe(32) is 43 characters; anything much longer is not a token
_CERTIFICATE_DETAILS = (selectinload(Certificate.occupation), selectinload(Certificate.institution))


@dataclass(frozen=True)
class SharesOf:
    """A worker's links: the ones still open, then the past ones (expired or withdrawn), newest first."""

    active: list[ShareLink]
    past: list[ShareLink]


def shares_of(session: Session, worker: Worker, *, now: datetime | None = None) -> SharesOf:
    moment = now or utcnow()
    links = session.scalars(
        select(ShareLink).where(ShareLink.worker_id == worker.id)
        .options(selectinload(ShareLink.certificates).options(*_CERTIFICATE_DETAILS))
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    ).all()
    return SharesOf(active=[link for link in links if link.is_open(moment)],
                    past=[link for link in links if not link.is_open(moment)])


def share_of(session: Session, worker: Worker, link_id: int) -> ShareLink | None:
    """One of the worker's own links; another's is None, as an unknown one (the page answers 404)."""
    return session.scalar(
        select(ShareLink).where(ShareLink.id == link_id, ShareLink.worker_id == worker.id)
        .options(selectinload(ShareLink.certificates).options(*_CERTIFICATE_DETAILS))
    )


def shareable_certificates(session: Session, worker: Worker, numbers: Iterable[str] | None = None) -> list[Certificate]:
    """The worker's valid certificates (those named by `numbers`, when given): what a new link may show."""
    statement = (select(Certificate)
                 .where(Certificate.worker_id == worker.id, Certificate.status == CertificateStatus.VALID)
                 .options(*_CERTIFICATE_DETAILS)
                 .order_by(Certificate.issued_on.desc(), Certificate.id.desc()))
    if numbers is not None:
        statement = statement.where(Certificate.number.in_(list(numbers)))
    return list(session.scalars(statement))


def open_share(session: Session, token: str, *, now: datetime | None = None) -> ShareLink | None:
    """The open link this token names, or None when it is unknown, expired or withdrawn (one answer for all)."""
    if not token or len(token) > TOKEN_MAX or not token.isascii():
        return None
    return session.scalar(
        select(ShareLink).where(ShareLink.token_hash == token_hash(token), ShareLink.revoked_at.is_(None),
                                ShareLink.expires_at > (now or utcnow()))
        .options(selectinload(ShareLink.certificates).options(selectinload(Certificate.worker),
                                                              *_CERTIFICATE_DETAILS))
    )


def shared_certificate(session: Session, link: ShareLink, number: str) -> Certificate | None:
    """A certificate the link shows, by number; any other (even the same worker's) is None."""
    return session.scalar(
        select(Certificate).join(ShareLinkCertificate, ShareLinkCertificate.certificate_id == Certificate.id)
        .where(ShareLinkCertificate.share_link_id == link.id, Certificate.number == number)
    )


@dataclass(frozen=True)
class SharedCertificate:
    """One certificate as the link's page shows it: the verdict public verification gives for it, and whether its
    institution was accredited for it on the day of issue (the check verification runs)."""

    certificate: Certificate
    verdict: Verdict
    accreditation: Check


def shared_certificates(session: Session, link: ShareLink) -> list[SharedCertificate]:
    """The link's certificates with their status now. The token stands in for the holder's name as the QR code
    on a printed certificate does (verification.verify_certificate): once the holder is proven, the verdict is
    the certificate's own status, which is what is built here without looking the number up again."""
    shown = []
    for certificate in link.certificates:
        status = "revoked" if certificate.status is CertificateStatus.REVOKED else "valid"
        verdict = Verdict(status, certificate.number, "on_record", certificate.number_scheme,
                          VerifiedCertificate.of(certificate))
        shown.append(SharedCertificate(certificate, verdict, accreditation_check(session, certificate)))
    return shown

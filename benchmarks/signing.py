"""`credentials_signed_per_s`: Open Badges 3.0 credentials with their eddsa-rdfc-2022 proof, signed in a batch
through the service a download uses (`issue_digital_credential`: status index, credential, RDF
canonicalisation, Ed25519 signature, audit event), one certificate after another in one transaction that is
rolled back at the end. The certificates are loaded with their worker, occupation and institution first, so
the figure is the signing path's, not lazy loading's."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .harness import Bench


def bench_signing(bench: Bench, app, batch: int) -> None:
    from app import trust
    from app.extensions import db
    from credentials.models import Certificate, CertificateStatus
    from credentials.services.digital_credentials import issue_digital_credential

    with app.app_context():
        session = db.session()
        certificates = session.scalars(
            select(Certificate).where(Certificate.status == CertificateStatus.VALID).order_by(Certificate.id)
            .limit(batch + 1)
            .options(selectinload(Certificate.worker), selectinload(Certificate.occupation),
                     selectinload(Certificate.institution))).all()
        if len(certificates) < 2:
            raise RuntimeError("too few certificates to sign")
        issuer, sealer = trust.issuer(), trust.sealer()
        issue_digital_credential(session, certificates[0], issuer, sealer, by=None)  # makes the issuer key
        started = time.perf_counter()
        for certificate in certificates[1:]:
            issue_digital_credential(session, certificate, issuer, sealer, by=None)
        session.flush()
        elapsed = time.perf_counter() - started
        session.rollback()
    signed = len(certificates) - 1
    bench.report("credentials_signed_per_s", signed / elapsed, "credentials/s", batch=signed,
                 cryptosuite="eddsa-rdfc-2022", path="issue_digital_credential")

"""`credentials_signed_per_s`: Open Badges 3.0 credentials with their eddsa-rdfc-2022 proof, signed in a batch
through the bulk-issuing service (`issue_digital_credentials`: status indexes, credentials, RDF canonicalisation,
Ed25519 signatures, audit events) in one transaction that is rolled back at the end. The certificates are
loaded with their worker, occupation and institution first, so the figure is the signing path's, not lazy
loading's, on one process: canonicalisation is pure Python. `credentials_signed_pooled_per_s` is the same
batch signed on one forked process per core; `credentials_signed_one_by_one_per_s` the same work through
`issue_digital_credential`, one certificate at a time, as a download does it."""

from __future__ import annotations

import os
import time

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .harness import Bench


def bench_signing(bench: Bench, app, batch: int) -> None:
    from app import trust
    from app.extensions import db
    from credentials.models import Certificate, CertificateStatus
    from credentials.services.digital_credentials import issue_digital_credential, issue_digital_credentials

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
        session.flush()
        indexes = {certificate: certificate.status_list_index for certificate in certificates}
        figures: dict[str, float] = {}
        cpu_seconds: dict[str, float] = {}  # this process's CPU: the machine may be busy with others
        for name, sign in (
            ("credentials_signed_per_s", lambda: issue_digital_credentials(
                session, list(certificates[1:]), issuer, sealer, by=None)),
            ("credentials_signed_pooled_per_s", lambda: issue_digital_credentials(
                session, list(certificates[1:]), issuer, sealer, by=None, processes=os.cpu_count() or 1)),
            ("credentials_signed_one_by_one_per_s", lambda: [
                issue_digital_credential(session, certificate, issuer, sealer, by=None)
                for certificate in certificates[1:]]),
        ):
            with session.begin_nested() as savepoint:  # each figure starts from certificates with no index
                started, cpu = time.perf_counter(), time.process_time()
                sign()
                session.flush()
                figures[name] = time.perf_counter() - started
                cpu_seconds[name] = time.process_time() - cpu
                savepoint.rollback()
            for certificate, index in indexes.items():  # written past the unit of work (status_lists._write_indexes)
                set_committed_value(certificate, "status_list_index", index)
        session.rollback()
    signed = len(certificates) - 1
    paths = {"credentials_signed_per_s": "issue_digital_credentials", "credentials_signed_pooled_per_s":
             "issue_digital_credentials", "credentials_signed_one_by_one_per_s": "issue_digital_credential"}
    for name, path in paths.items():
        extra = {"processes": os.cpu_count() or 1} if name == "credentials_signed_pooled_per_s" else {}
        bench.report(name, signed / figures[name], "credentials/s", batch=signed, cryptosuite="eddsa-rdfc-2022",
                     path=path, **extra, cpu_s=round(cpu_seconds[name], 3))

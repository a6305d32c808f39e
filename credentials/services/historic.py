"""Historic certificates: one earned before the registry held the records behind it (a paper certificate from
2008, a level from another system) enters only by an administrator's hand, marked historic, with a scan of it
as evidence (checked and made safe by credentials.uploads). Everything else comes from a result, an approval
or a competition (credentials.services.certificates)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import Forbidden, ValidationFailed
from ..models import (
    Certificate,
    CertificateEvidence,
    CertificateRoute,
    Institution,
    Occupation,
    Role,
    User,
    Worker,
)
from ..uploads import MAX_FILES_PER_REQUEST, RefusedFile, check_evidence_file
from .audit import record
from .certificates import issue_certificate
from .overtaken import close_overtaken


def enter_historic_certificate(
    session: Session, *, worker: Worker, occupation: Occupation, level: str, issued_on: date,
    institution: Institution, number: str | None, route: CertificateRoute = CertificateRoute.REGULAR,
    evidence: Iterable[tuple[str | None, bytes]], by: User, today: date | None = None,
) -> Certificate:
    """An administrator records a certificate from paper: at least one evidence file, marked historic."""
    if by.role is not Role.ADMIN:
        raise Forbidden("action")
    files = list(evidence)
    if not files:
        raise ValidationFailed("required", field="evidence")
    if len(files) > MAX_FILES_PER_REQUEST:
        raise ValidationFailed("evidence", field="evidence", reason=Text(
            f"至多 {MAX_FILES_PER_REQUEST} 个文件", f"at most {MAX_FILES_PER_REQUEST} files"))
    checked = []
    for filename, content in files:
        try:
            checked.append(check_evidence_file(filename, content))
        except RefusedFile as refused:
            raise ValidationFailed("evidence", field="evidence", reason=refused.reason) from None
    certificate = issue_certificate(session, worker=worker, occupation=occupation, level=level,
                                    issued_on=issued_on, institution=institution, route=route, number=number,
                                    by=by, today=today, historic=True)
    for file in checked:
        stored = CertificateEvidence(
            certificate_id=certificate.id, stored_name=uuid.uuid4().hex, original_name=file.name,
            content_type=file.content_type, size=len(file.content),
            sha256=hashlib.sha256(file.content).hexdigest(), content=file.content, uploaded_by_id=by.id)
        session.add(stored)
        session.flush()
        record(session, actor=by, action="certificate.evidence_added", entity_type="certificate",
               entity_id=certificate.number, after={"evidence_id": stored.id, "name": file.name,
                                                    "type": file.content_type, "size": stored.size,
                                                    "sha256": stored.sha256})
    close_overtaken(session, certificate, by=by)
    return certificate

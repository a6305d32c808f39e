"""A certificate as a signed Open Badges 3.0 credential (W3C VC 2.0) that verifies without us.

Issuer: the registry (did:web), because it is the registry that vouches for every record. The institution
that appraised the worker is named as the subject's `source` (OB3: "the organization that assessed the
achievement on behalf of the issuer"), with the accreditation that entitled it, which is what the
issuerAccreditation idea asks for in terms the pinned OB3 context defines (safe-mode JSON-LD would refuse
anything else). The worker is identified by a salted hash of the national ID's blind index, never the ID.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, time, timedelta, timezone
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.frameworks import get_level
from ladder.i18n import Text

from ..bulk import in_list_batches
from ..errors import Conflict
from ..models import (
    Accreditation,
    Certificate,
    CertificateKind,
    CertificateRoute,
    CertificateStatus,
    User,
    utcnow,
)
from ..vc import batch, jose, ob3, proof, statuslist
from .audit import NewEvent, record, record_many
from .issuer_keys import KeySealer, active_issuer_key, signing_key
from .status_lists import Issuer, allocate_status_index, allocate_status_indexes, list_position, timestamp

__all__ = ["FORMATS", "build_credential", "credential_id", "issue_digital_credential", "issue_digital_credentials"]

FORMATS = ("json", "jwt")
CHINA = timezone(timedelta(hours=8))
_KIND = {
    CertificateKind.SKILL_LEVEL: Text("职业技能等级证书", "skill level certificate"),
    CertificateKind.QUALIFICATION: Text("职业资格证书", "vocational qualification certificate"),
    CertificateKind.SPECIALISED: Text("专项职业能力证书", "specialised ability certificate"),
}
_CRITERIA = {
    CertificateRoute.REGULAR: (
        "按国家职业技能标准通过理论知识考试和操作技能考核。"
        "Passed the theory exam and the practical assessment of the national skill standard."),
    CertificateRoute.EXCEPTIONAL: (
        "经人社部门批准的破格或越级晋升。"
        "Exceptional or level-skipping promotion approved by the HRSS bureau."),
    CertificateRoute.COMPETITION: (
        "职业技能竞赛取得规定名次后的竞赛晋升。"
        "Promotion by competition after a qualifying place in a vocational skills competition."),
}


Scopes = dict[tuple[int, int], list[Accreditation]]  # (institution id, occupation id) -> its accreditations


def _accreditations(session: Session, certificates: list[Certificate]) -> Scopes:
    """The accreditations of the certificates' institutions for their occupations, a few queries for all."""
    pairs = {(c.institution_id, c.occupation_id) for c in certificates}
    scopes: Scopes = {pair: [] for pair in pairs}
    for chunk in in_list_batches(session, sorted({institution for institution, _ in pairs})):
        for scope in session.scalars(select(Accreditation).where(Accreditation.institution_id.in_(chunk))
                                     .order_by(Accreditation.id)):
            scopes.get((scope.institution_id, scope.occupation_id), []).append(scope)
    return scopes


def _accreditation_text(certificate: Certificate, scopes: Scopes) -> str:
    candidates = scopes[(certificate.institution_id, certificate.occupation_id)]
    scope = next((s for s in candidates if s.covers(certificate.issued_on)), None)
    if scope is None:
        return "备案评价机构 Registered evaluation body"
    level, since = get_level(scope.max_level), scope.valid_from.isoformat()
    occupation = certificate.occupation
    return (f"经人社部门备案，自{since}起可评价{occupation.name}至{level.name_zh}。"
            f" Accredited by the HRSS bureau since {since} to appraise occupation {occupation.code}"
            f" up to {level.name_en}.")


def _source_profile(certificate: Certificate, issuer: Issuer, scopes: Scopes) -> dict[str, Any]:
    institution = certificate.institution
    profile: dict[str, Any] = {
        "id": f"{issuer.base_url}/institutions/{institution.id}",
        "type": ["Profile"],
        "name": institution.name,
        "description": _accreditation_text(certificate, scopes),
    }
    if institution.credit_code:
        profile["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": institution.credit_code,
                                       "identifierType": "ext:UnifiedSocialCreditCode"}]
    return profile


def _status_entry(certificate: Certificate, issuer: Issuer) -> dict[str, str] | None:
    if certificate.status_list_index is None:
        return None
    list_number, position = list_position(certificate.status_list_index)
    return statuslist.status_entry(issuer.status_list_url(list_number), position)


def credential_id(issuer: Issuer, certificate: Certificate) -> str:
    """Stable: downloading a certificate's credential twice gives the same credential (new proof only)."""
    name = f"{issuer.base_url}/certificates/{certificate.number}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def build_credential(session: Session, certificate: Certificate, issuer: Issuer, *,
                     scopes: Scopes | None = None) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential, with its status list entry once the certificate has its status
    index (`issue_digital_credential` draws it first; a check of a certificate never given out has none).
    `scopes`: the accreditations, when a batch has read them already."""
    occupation, level = certificate.occupation, get_level(certificate.level, certificate.framework)
    kind_zh, kind_en = _KIND[certificate.kind]
    level_code = str(level.nat_digit) if level.nat_digit else level.code
    cred_id = credential_id(issuer, certificate)
    salt = hashlib.sha256(f"salt|{cred_id}".encode()).hexdigest()[:32]  # public anyway; unique per credential
    valid_from = datetime.combine(certificate.issued_on, time(), CHINA)
    credential = ob3.build_open_badge_credential(
        credential_id=cred_id,
        issuer=issuer.profile,
        valid_from=valid_from,
        subject_identifier_hash=(salt, ob3.identity_hash(certificate.worker.id_hash, salt)),
        achievement={
            "id": f"{issuer.base_url}/achievements/{occupation.edition}/{occupation.code}/{level.code}",
            "name": f"{occupation.name} {level.name_zh}",
            "description": f"{kind_zh}：{occupation.name}（{occupation.code}）{level.name_zh}。"
                           f"{kind_en.capitalize()}: occupation {occupation.code}, {level.name_en}.",
            "criteria_narrative": _CRITERIA[certificate.route],
            "occupation_code": occupation.code,
            "occupation_name": occupation.name,
            "level_code": level_code,
            "level_name": f"{level.name_zh} / {level.name_en}",
            "framework": f"中华人民共和国职业分类大典（{occupation.edition}年版）",
            "human_code": f"{occupation.name}·{level.short_zh}",
            "achievement_type": "Certificate",
        },
        status_entry=_status_entry(certificate, issuer),
    )
    credential["awardedDate"] = credential["validFrom"]
    subject = credential["credentialSubject"]
    subject["licenseNumber"] = certificate.number
    subject["source"] = _source_profile(
        certificate, issuer, scopes if scopes is not None else _accreditations(session, [certificate]))
    return credential


def _refuse_revoked(certificate: Certificate) -> None:
    if certificate.status is CertificateStatus.REVOKED:
        assert certificate.revoked_at is not None  # constraint revoked_at_iff_revoked
        raise Conflict("certificate_revoked", date=certificate.revoked_at.date().isoformat())


def _sign(unsigned: dict[str, Any], fmt: str, private: Ed25519PrivateKey, key_id: str, issuer: Issuer,
          created: str) -> dict[str, Any] | str:
    if fmt == "jwt":  # kid: the key's JsonWebKey verification method, as VC-JOSE-COSE asks
        return jose.sign_vc_jwt(unsigned, private, issuer.jwk_method(key_id))
    return proof.sign_data_integrity(unsigned, private, issuer.verification_method(key_id), created)


def issue_digital_credential(
    session: Session, certificate: Certificate, issuer: Issuer, sealer: KeySealer, *, fmt: str = "json",
    by: User | None,
) -> dict[str, Any] | str:
    """Sign the certificate's credential: embedded eddsa-rdfc-2022 proof ("json") or VC-JOSE ("jwt").

    A revoked certificate gets no new credential (Conflict); earlier ones turn revoked in the status list.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    _refuse_revoked(certificate)
    index = allocate_status_index(session, certificate)
    unsigned = build_credential(session, certificate, issuer)
    key = active_issuer_key(session, sealer, by=by)
    signed = _sign(unsigned, fmt, signing_key(key, sealer), key.key_id, issuer, timestamp(utcnow()))
    record(session, actor=by, action="certificate.credential_issued", entity_type="certificate",
           entity_id=certificate.number,
           after={"format": fmt, "key_id": key.key_id, "status_list_index": index})
    return signed


def issue_digital_credentials(
    session: Session, certificates: list[Certificate], issuer: Issuer, sealer: KeySealer, *, fmt: str = "json",
    by: User | None, processes: int = 1,
) -> list[dict[str, Any] | str]:
    """`issue_digital_credential` for a batch (bulk issuing), in order, set-based: the status indexes, the
    accreditations and the key are had once for the batch, and the audit events appended together. Load
    the certificates with their worker, occupation and institution first. A revoked one refuses the batch.
    `processes` > 1 signs embedded proofs on that many forked processes (`vc.batch.sign_many`)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    for certificate in certificates:
        _refuse_revoked(certificate)
    allocate_status_indexes(session, certificates)
    scopes = _accreditations(session, certificates)
    key = active_issuer_key(session, sealer, by=by)
    private, created = signing_key(key, sealer), timestamp(utcnow())
    # Built as they are signed, and signed without a copy: the batch holds each credential once (half the
    # objects, so fewer garbage collector passes, and no copying).
    unsigned = (build_credential(session, certificate, issuer, scopes=scopes) for certificate in certificates)
    signed: list[dict[str, Any] | str]
    if fmt == "json":
        signed = list(batch.sign_many(unsigned, private, issuer.verification_method(key.key_id), created,
                                      processes=processes, owned=True))
    else:
        signed = [_sign(credential, fmt, private, key.key_id, issuer, created) for credential in unsigned]
    record_many(session, actor=by, events=(
        NewEvent("certificate.credential_issued", "certificate", certificate.number,
                 after={"format": fmt, "key_id": key.key_id, "status_list_index": certificate.status_list_index})
        for certificate in certificates))
    return signed

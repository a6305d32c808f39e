"""Reporting upward (DOMAIN §8a): a city or province packs, for a period, the certificate records the national
look-up needs into one signed, checksummed zip (credentials/services/report_archive.py), and later packs only
what changed since its last package.

Whose certificates: those issued by evaluating institutions located in the region, whatever the holder's city,
on the principle 谁发证、谁负责 (人社鉴函〔2019〕20号): the bureau answers for what its institutions issued.

A full package carries every certificate issued in the period. A "changes only" package carries, of the
certificates issued in the period, those the region has reported before, and those entered into the registry
since its last package (a result recorded late), exactly the ones whose row differs from the one the region
last reported: new, corrected (the issue date, the occupation, the holder's name or records merged) or revoked.

Full ID numbers are decrypted only into the package's bytes, which are stored sealed; the audit trail, the
manifest and the pages carry counts, never an ID or a name.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Select, and_, insert, or_, select
from sqlalchemy.orm import Session, joinedload

from ladder.i18n import Text

from ..clock import china_date, china_now, china_today
from ..errors import Conflict, Forbidden, ValidationFailed
from ..labels import CERTIFICATE_KIND_NAMES, certificate_level_text
from ..models import (
    Certificate,
    CertificateStatus,
    City,
    Institution,
    PackageKind,
    RegionKind,
    ReportedCertificate,
    ReportPackage,
    RowChange,
    User,
    utcnow,
)
from ..permissions import may_report_for
from ..queries.reporting import last_package, last_reported, region_name
from ..vault import PersonalDataVault
from ..vc.keys import key_resolver
from . import report_archive
from .audit import record
from .issuer_keys import KeySealer, active_issuer_key, did_document_for, signing_key
from .status_lists import Issuer, timestamp

log = logging.getLogger(__name__)

__all__ = ["PackageSigner", "build_package", "hand_out_package", "national_row", "registry_key_resolver"]

DOCUMENT_TYPE, DOCUMENT_TYPE_CODE = "居民身份证", "111"  # GB/T 36903 holder code type 111: 公民身份号码
SELECTION = Text("本地区评价机构颁发的证书（谁发证、谁负责，人社鉴函〔2019〕20号），按发证日期计入期间",
                 "Certificates issued by the evaluating institutions located in the region (the issuer answers for "
                 "what it issued, 人社鉴函〔2019〕20号), counted in the period by their issue date")
DELTA_SELECTION = Text("自上一数据包以来新增、更正或撤销的证书：本期间内发证的、本地区此前上报过的，以及上一数据包之后录入的",
                       "Certificates new, corrected or revoked since the last package: those issued in the period, "
                       "those the region reported before, and those entered since the last package")


@dataclass(frozen=True)
class PackageSigner:
    """Who signs a package, as outsiders check it: the registry's did:web and its sealed issuer keys."""

    issuer: Issuer
    sealer: KeySealer


def national_row(certificate: Certificate, vault: PersonalDataVault) -> dict[str, str]:
    """The certificate as the national record carries it; the one place a full ID number is decrypted here."""
    institution, occupation = certificate.institution, certificate.occupation
    return {
        "certificate_name": CERTIFICATE_KIND_NAMES[certificate.kind].zh,
        "certificate_number": certificate.number,
        "holder_name": certificate.worker.name,
        "document_type": DOCUMENT_TYPE,
        "document_type_code": DOCUMENT_TYPE_CODE,
        "document_number": vault.reveal(certificate.worker.id_ciphertext),
        "occupation_code": occupation.code,
        "occupation_name": occupation.name,
        "job_type": report_archive.NO_JOB_TYPE,  # the registry records no 工种 below the occupation
        "level": certificate_level_text(certificate.level, certificate.framework),
        "evaluating_institution": institution.name,
        "evaluating_institution_code": institution.credit_code or "",
        "issued_on": certificate.issued_on.isoformat(),
        "status": certificate.status.value,
        "revoked_on": china_date(certificate.revoked_at).isoformat() if certificate.revoked_at is not None else "",
    }


def _fingerprint(vault: PersonalDataVault, row: dict[str, str]) -> str:
    canonical = json.dumps([row[key] for key in report_archive.FINGERPRINTED], ensure_ascii=False, separators=(",", ":"))
    return vault.keyed_digest("report-row", canonical)


def _change(before: tuple[str, CertificateStatus] | None, fingerprint: str, status: CertificateStatus) -> RowChange:
    if before is None:
        return RowChange.NEW
    if before[0] == fingerprint:
        return RowChange.UNCHANGED
    if status is CertificateStatus.REVOKED and before[1] is CertificateStatus.VALID:
        return RowChange.REVOKED
    return RowChange.CHANGED


def _issued_in_region(region: str) -> Any:
    cities = [region] if len(region) == 4 else select(City.code).where(City.province_code == region)
    return Certificate.institution_id.in_(select(Institution.id).where(Institution.city_code.in_(cities)))


def _candidates(region: str, start: date, end: date, since: ReportPackage | None) -> Select[Certificate]:
    in_period = and_(_issued_in_region(region), Certificate.issued_on.between(start, end))
    if since is None:
        wanted: Any = in_period
    else:
        reported = select(ReportedCertificate.certificate_id).join(ReportPackage).where(ReportPackage.region_code == region)
        entered_since = and_(_issued_in_region(region), Certificate.created_at > since.created_at,
                             Certificate.issued_on <= end)
        wanted = or_(in_period, Certificate.id.in_(reported), entered_since)
    return (select(Certificate).where(wanted)
            .options(joinedload(Certificate.worker), joinedload(Certificate.occupation),
                     joinedload(Certificate.institution))
            .order_by(Certificate.issued_on, Certificate.number))


def _check_request(session: Session, by: User, region: str, start: date, end: date, today: date) -> str:
    if not may_report_for(by, region):
        raise Forbidden("action")
    name = region_name(session, region)
    if name is None:
        raise ValidationFailed("unknown_city", field="region", city=region)
    if end < start:
        raise ValidationFailed("dates_out_of_order", field="end")
    if end > today:
        raise ValidationFailed("date_in_future", field="end")
    return name


def _manifest(package: ReportPackage, *, region_name: str, signer: PackageSigner, kid: str,
              counts: dict[str, int]) -> dict[str, Any]:
    since = package.since_package
    selection = DELTA_SELECTION if since is not None else SELECTION
    return {
        "schema_version": report_archive.SCHEMA_VERSION,
        "package_id": package.id,
        "issuer": {"did": signer.issuer.did, "name": signer.issuer.name},
        "region": {"code": package.region_code, "name": region_name, "kind": package.region_kind.value},
        "selection": {"zh": SELECTION.zh, "en": SELECTION.en, "this_package": {"zh": selection.zh, "en": selection.en}},
        "period": {"start": package.period_start.isoformat(), "end": package.period_end.isoformat()},
        "kind": package.kind.value,
        "since": None if since is None else {"package_id": since.id, "created_at": timestamp(since.created_at)},
        "created_at": timestamp(package.created_at),
        "created_at_china": china_now(package.created_at).replace(microsecond=0).isoformat(),
        "counts": counts,
        "fields": [{"key": key, "zh": zh, "en": en} for key, zh, en in report_archive.FIELDS],
        "document_types": {DOCUMENT_TYPE_CODE: DOCUMENT_TYPE},
        "csv": "UTF-8 with BOM, CRLF; text beginning with = + - @ TAB CR or NUL is prefixed with an apostrophe "
               "(records.json keeps every value as it is; the format's own \"--\" is written as it is)",
        "signature": {"file": report_archive.SIGNATURE_NAME, "alg": report_archive.ALG, "kid": kid,
                      "form": "JWS (RFC 7515), detached unencoded payload (RFC 7797) over manifest.json"},
    }


def build_package(session: Session, vault: PersonalDataVault, signer: PackageSigner, *, region: str, start: date,
                  end: date, delta: bool, by: User, today: date | None = None) -> ReportPackage:
    """Build, sign, seal and record a package of `region`'s certificates issued from `start` to `end`; with
    `delta`, only what changed since the region's last package (which must exist)."""
    name = _check_request(session, by, region, start, end, today or china_today())
    since = last_package(session, region) if delta else None
    if delta and since is None:
        raise ValidationFailed("binding", field="kind", reason=Text(
            "本地区还没有上报过数据包，请先生成完整数据包", "The region has no package yet: build a full package first"))
    package = ReportPackage(
        region_code=region, region_kind=RegionKind.CITY if len(region) == 4 else RegionKind.PROVINCE,
        period_start=start, period_end=end, kind=PackageKind.DELTA if delta else PackageKind.FULL,
        since_package=since, created_by=by, created_at=utcnow())
    session.add(package)
    session.flush()
    rows, reported, counts = _rows(session, vault, package, region, start, end, since)
    key = active_issuer_key(session, signer.sealer, by=by)
    kid = signer.issuer.jwk_method(key.key_id)
    manifest = _manifest(package, region_name=name, signer=signer, kid=kid, counts=counts)
    archive, package.manifest = report_archive.archive_bytes(rows, manifest, signing_key(key, signer.sealer), kid,
                                                             china_now(package.created_at))
    package.record_count, package.size = len(rows), len(archive)
    package.sha256 = hashlib.sha256(archive).hexdigest()
    package.archive_sealed = vault.seal_secret(_purpose(package), base64.b64encode(archive).decode("ascii"))
    if reported:
        session.execute(insert(ReportedCertificate), reported)
    session.flush()
    record(session, actor=by, action="report.package_built", entity_type="report_package", entity_id=package.id,
           after={"region": region, "kind": package.kind.value, "period": [start.isoformat(), end.isoformat()],
                  "since_package_id": since.id if since else None, "counts": counts, "sha256": package.sha256,
                  "key_id": key.key_id})
    return package


def _rows(session: Session, vault: PersonalDataVault, package: ReportPackage, region: str, start: date, end: date,
          since: ReportPackage | None) -> tuple[list[dict[str, str]], list[dict[str, Any]], dict[str, int]]:
    """The package's rows, the ReportedCertificate values to insert, and the counts by change."""
    before = last_reported(session, region)
    rows, reported, tally = [], [], Counter[str]()
    for certificate in _stream(session, _candidates(region, start, end, since)):
        row = national_row(certificate, vault)
        fingerprint = _fingerprint(vault, row)
        change = _change(before.get(certificate.id), fingerprint, certificate.status)
        if change is RowChange.UNCHANGED and since is not None:
            tally["unchanged_skipped"] += 1
            continue
        tally[change.value] += 1
        rows.append({**row, "change": change.value})
        reported.append({"package_id": package.id, "certificate_id": certificate.id, "fingerprint": fingerprint,
                         "status": certificate.status, "change": change})
    counts = {"records": len(rows), **{c.value: tally[c.value] for c in RowChange}, "unchanged_skipped": tally["unchanged_skipped"]}
    return rows, reported, counts


def _stream(session: Session, statement: Select[Certificate]) -> Iterable[Certificate]:
    return session.scalars(statement).unique()


def _purpose(package: ReportPackage) -> str:
    return f"report-package|{package.id}"


def hand_out_package(session: Session, vault: PersonalDataVault, package: ReportPackage, *, by: User) -> bytes:
    """The package's zip for a bureau that may report for its region, unsealed and checked against its recorded
    sha256; every download is audited (the file holds full ID numbers)."""
    if not may_report_for(by, package.region_code):
        raise Forbidden("action")
    try:
        archive = base64.b64decode(vault.open_secret(_purpose(package), package.archive_sealed))
    except ValueError:  # DecryptionError, or bytes that are not base64
        archive = None
    if archive is None or hashlib.sha256(archive).hexdigest() != package.sha256:
        # Altered in storage (or by hand): never hand out what was not built; the bureau builds it again.
        log.error("report package %s: the stored archive does not open or match its sha256", package.id)
        raise Conflict("package_damaged", package_id=package.id)
    record(session, actor=by, action="report.package_downloaded", entity_type="report_package", entity_id=package.id,
           after={"region": package.region_code, "records": package.record_count, "sha256": package.sha256})
    return archive


def registry_key_resolver(session: Session, issuer: Issuer) -> Callable[[str], Ed25519PublicKey | None]:
    """The keys the registry publishes in its DID document (retired ones too): what a package's kid must name."""
    return key_resolver(did_document_for(session, issuer.did))

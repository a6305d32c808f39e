"""Check a digital credential the way the strictest outside verifier would, one check at a time, and say
precisely what fails; then say what no outside verifier can: whether the institution that appraised the
worker was accredited for that occupation and level on the day of issue.

Checks, in order: format (readable; the 1EdTech Open Badges 3.0 JSON schema), signature, issuer key
(issued by this registry, with a key its DID document lists), validity (dates), status (the published
revocation list) and accreditation. Both forms this registry issues are read: JSON with an embedded Data
Integrity proof, and VC-JOSE compact JWTs. Keys come from the registry's own DID document and status from
its published status list, both built from the database, so this also checks what the public endpoints
serve. Every check fails closed: a status list that cannot be had is a failed check, never a pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.frameworks import get_level
from ladder.i18n import Text

from ..errors import NotFound
from ..models import Certificate, CertificateStatus, SupersededCredential
from ..services.digital_credentials import CHINA, build_credential, credential_id
from ..services.institutions import is_accredited
from ..services.issuer_keys import KeySealer, SealingError, active_issuer_key, did_document_for, signing_key
from ..services.status_lists import LIST_SIZE, Issuer, status_list_credential_for, timestamp
from ..vc import jose, keys, proof, statuslist
from ..vc.schema import validate_ob3

__all__ = ["CHECKS", "Check", "CheckReport", "StatusListSource", "check_credential", "check_certificate"]

CHECKS = ("format", "signature", "issuer key", "validity", "status", "accreditation")
StatusListSource = Callable[[int], dict[str, Any]]  # list number -> the signed status list credential

_REASONS = {
    "signature_invalid": Text("签名与内容不符：签发后被改动过",
                              "the signature does not match the content: it was changed after signing"),
    "proof_missing": Text("凭证没有内嵌证明", "the credential carries no embedded proof"),
    "proof_malformed": Text("证明不是对象", "the proof is not an object"),
    "proof_type_unsupported": Text("证明不是 DataIntegrityProof", "the proof is not a DataIntegrityProof"),
    "cryptosuite_unsupported": Text("证明的算法套件不是 eddsa-rdfc-2022", "the proof's cryptosuite is not eddsa-rdfc-2022"),
    "proof_purpose_invalid": Text("证明用途不是 assertionMethod", "the proof's purpose is not assertionMethod"),
    "proof_value_malformed": Text("proofValue 不是 base58btc 编码的 Ed25519 签名",
                                  "the proofValue is not a base58btc Ed25519 signature"),
    "jsonld_dropped": Text("有属性未在凭证的 JSON-LD 上下文中定义", "a property is not defined by the credential's JSON-LD contexts"),
    "context_not_pinned": Text("凭证引用了本登记中心未收录的 JSON-LD 上下文",
                               "the credential names a JSON-LD context this registry does not ship"),
    "token_malformed": Text("JWT 格式错误", "the JWT is malformed"),
    "alg_unsupported": Text("JWT 算法不是 EdDSA", "the JWT algorithm is not EdDSA"),
    "typ_invalid": Text("JWT 类型不是 vc+jwt", "the JWT type is not vc+jwt"),
    "token_not_current": Text("JWT 已过期或尚未生效", "the JWT is expired or not yet valid"),
    "signing_unavailable": Text("本登记中心的签名密钥当前无法启用，无法出具可核验的签名",
                                "this registry's signing key cannot be opened right now, so there is no signature to check"),
}
_KEY_REASONS = ("unknown_key", "kid_missing", "verification_method_missing")


@dataclass(frozen=True)
class Check:
    name: str  # one of CHECKS
    ok: bool
    detail: Text


@dataclass(frozen=True)
class CheckReport:
    form: str  # "data-integrity", "jwt" or "unreadable"
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


def _read(text: str) -> tuple[str, dict[str, Any] | None, str | None]:
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return "unreadable", None, None
        return ("data-integrity", data, None) if isinstance(data, dict) else ("unreadable", None, None)
    if text.count(".") == 2 and " " not in text:
        try:
            payload = jwt.decode(text, options={"verify_signature": False})
        except jwt.PyJWTError:
            return "unreadable", None, None
        return "jwt", payload, text
    return "unreadable", None, None


def _format_check(form: str, credential: dict[str, Any]) -> Check:
    errors = validate_ob3(credential)
    if errors:
        listed = "; ".join(errors[:5])
        return Check("format", False, Text(f"不符合 Open Badges 3.0 JSON Schema：{listed}",
                                           f"does not meet the Open Badges 3.0 JSON schema: {listed}"))
    if form == "jwt":
        return Check("format", True, Text("Open Badges 3.0 凭证（VC-JOSE JWT），符合 1EdTech JSON Schema",
                                          "an Open Badges 3.0 credential (VC-JOSE JWT) meeting the 1EdTech JSON schema"))
    return Check("format", True, Text("Open Badges 3.0 凭证（JSON，内嵌 Data Integrity 证明），符合 1EdTech JSON Schema",
                                      "an Open Badges 3.0 credential (JSON with an embedded Data Integrity proof) "
                                      "meeting the 1EdTech JSON schema"))


def _signature_check(form: str, result: proof.VerificationResult) -> Check:
    name = "VC-JOSE EdDSA" if form == "jwt" else "eddsa-rdfc-2022"
    if result.ok:
        return Check("signature", True, Text(f"{name} 签名核验通过", f"{name} signature verifies"))
    reasons = [r for r in result.reasons if r not in _KEY_REASONS and r != "issuer_key_mismatch"]
    if not reasons and "issuer_key_mismatch" in result.reasons:
        return Check("signature", False, Text("签名密钥不属于凭证的签发方",
                                              "the signing key does not belong to the credential's issuer"))
    if not reasons:
        return Check("signature", False, Text(f"没有已知的签发方密钥，无法核验 {name} 签名",
                                              f"the {name} signature cannot be checked without a known issuer key"))
    texts = [_REASONS.get(r, Text(r.replace("_", " "), r.replace("_", " "))) for r in reasons]
    return Check("signature", False, Text("；".join(t.zh for t in texts), "; ".join(t.en for t in texts)))


def _key_check(credential: dict[str, Any], method: str | None, result: proof.VerificationResult,
               did_document: dict[str, Any], issuer: Issuer) -> Check:
    issuer_id = proof.issuer_id(credential)
    if issuer_id != issuer.did:
        return Check("issuer key", False, Text(f"由 {issuer_id} 签发，不是本登记中心（{issuer.did}）",
                                               f"issued by {issuer_id}, not by this registry ({issuer.did})"))
    listed = {m["id"] for m in did_document["verificationMethod"]}
    if not method or any(r in result.reasons for r in _KEY_REASONS) or method not in listed:
        return Check("issuer key", False, Text(f"密钥 {method or '（无）'} 不在本登记中心的 DID 文档中",
                                               f"key {method or '(none)'} is not in this registry's DID document"))
    resolve = keys.key_resolver(did_document)
    signing, active = resolve(method), resolve(did_document["verificationMethod"][0]["id"])
    if signing is not None and active is not None and signing.public_bytes_raw() == active.public_bytes_raw():
        return Check("issuer key", True, Text(f"{method}（当前签名密钥，见本登记中心 DID 文档）", f"{method} (active)"))
    return Check("issuer key", True, Text(f"{method}（已停用，仍在 DID 文档中公布）", f"{method} (retired, still published)"))


def _validity_check(credential: dict[str, Any], now: datetime) -> Check:
    try:
        start = datetime.fromisoformat(credential["validFrom"])
        end = datetime.fromisoformat(credential["validUntil"]) if credential.get("validUntil") else None
    except (KeyError, TypeError, ValueError):
        return Check("validity", False, Text("validFrom 缺失或不是日期时间", "validFrom is missing or not a date-time"))
    if start.tzinfo is None:
        return Check("validity", False, Text("validFrom 没有时区", "validFrom has no time zone"))
    since = credential["validFrom"]
    if start > now:
        return Check("validity", False, Text(f"{since} 之前无效", f"not valid before {since}"))
    if end is not None and (end.tzinfo is None or end <= now):
        until = credential["validUntil"]
        return Check("validity", False, Text(f"已于 {until} 过期", f"expired on {until}"))
    day = start.astimezone(CHINA).date().isoformat()
    until = credential.get("validUntil")
    zh_end, en_end = (f"至 {until}", f"until {until}") if until else ("无失效日期", "no end date")
    return Check("validity", True, Text(f"自 {day} 起有效（validFrom {since}），{zh_end}",
                                        f"valid from {day} (validFrom {since}), {en_end}"))


def _china_day(moment: datetime) -> str:
    """The date in China of a stored moment (UTC; SQLite hands it back without its zone)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(CHINA).date().isoformat()


def _status_failed(zh: str, en: str) -> Check:
    return Check("status", False, Text(zh, en))


def _revoked(session: Session, index: int, where: Text) -> Check:
    superseded_at = session.scalar(select(SupersededCredential.superseded_at)
                                   .where(SupersededCredential.status_list_index == index))
    if superseded_at is not None:  # the certificate stands; this credential was replaced by a corrected one
        day = _china_day(superseded_at)
        return _status_failed(f"已于 {day} 被更正后的数字凭证取代（{where.zh}），请向持证人索取新凭证",
                              f"SUPERSEDED on {day} by a corrected credential ({where.en}); ask the holder for the "
                              "new one")
    certificate = session.scalar(select(Certificate).where(Certificate.status_list_index == index))
    revoked_at = certificate.revoked_at if certificate is not None else None
    when = _china_day(revoked_at) if revoked_at else None
    return _status_failed(f"已于 {when or '（日期不详）'} 撤销（{where.zh}）", f"REVOKED on {when or 'unknown date'} ({where.en})")


def _status_check(session: Session, credential: dict[str, Any], issuer: Issuer, did_document: dict[str, Any],
                  source: StatusListSource) -> Check:
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict):
        return _status_failed("没有 credentialStatus：无法核查是否撤销", "no credentialStatus: revocation cannot be checked")
    url = entry.get("statusListCredential")
    prefix = issuer.status_list_prefix
    number = url[len(prefix):] if isinstance(url, str) and url.startswith(prefix) else ""
    if not (number.isascii() and number.isdigit() and len(number) < 9):
        return _status_failed(f"状态列表 {url!r} 不是本登记中心发布的", f"status list {url!r} is not one this registry publishes")
    try:
        with session.begin_nested():  # a failure inside must not spoil the checks that follow
            published = source(int(number))
    except NotFound:
        return _status_failed(f"状态列表 {url} 不存在", f"status list {url} does not exist")
    except Exception as error:  # whatever keeps the list away (database, sealed key, network): fail closed
        reason = type(error).__name__
        return _status_failed(f"无法取得状态列表 {url}（{reason}）：不能排除已撤销，核验不通过",
                              f"status list {url} is unreachable ({reason}): revocation cannot be ruled out, "
                              "so this check fails")
    if not isinstance(published, dict) or not proof.verify_data_integrity(published, keys.key_resolver(did_document)):
        return _status_failed(f"状态列表 {url} 未通过自身的签名核验", f"status list {url} failed its own signature check")
    try:
        revoked = statuslist.read_status(entry, published)
    except ValueError as error:
        return _status_failed(f"状态条目不可用：{error}", f"status entry unusable: {error}")
    where = Text(f"状态列表 {number}，第 {entry['statusListIndex']} 位", f"status list {number}, index {entry['statusListIndex']}")
    if not revoked:
        return Check("status", True, Text(f"未撤销（{where.zh}）", f"not revoked ({where.en})"))
    return _revoked(session, (int(number) - 1) * LIST_SIZE + int(entry["statusListIndex"]), where)


def _certificate_of(session: Session, credential: dict[str, Any], issuer: Issuer) -> Certificate | None:
    """The certificate on record this credential was issued for (its number and its stable credential id)."""
    subject = credential.get("credentialSubject")
    number = subject.get("licenseNumber") if isinstance(subject, dict) else None
    if not isinstance(number, str) or not number:
        return None
    certificate = session.scalar(select(Certificate).where(Certificate.number == number))
    if certificate is None or credential.get("id") != credential_id(issuer, certificate):
        return None
    return certificate


def accreditation_check(session: Session, certificate: Certificate | None) -> Check:
    """Was the appraising institution accredited for this occupation and level on the day of issue?"""
    if certificate is None:
        return Check("accreditation", False, Text("本登记中心没有与该凭证相符的证书记录，无法核查发证机构资质",
                                                  "no certificate on this registry's record matches the credential, "
                                                  "so the institution's accreditation cannot be checked"))
    institution, occupation = certificate.institution, certificate.occupation
    level, day = get_level(certificate.level, certificate.framework), certificate.issued_on.isoformat()
    scope_zh = f"{occupation.name}（{occupation.code}）{level.name_zh}"
    scope_en = f"occupation {occupation.code} ({occupation.name}) at {level.name_en}"
    if is_accredited(session, institution, occupation, certificate.level, certificate.issued_on):
        return Check("accreditation", True, Text(f"{institution.name}在发证日 {day} 经备案可评价{scope_zh}",
                                                 f"{institution.name} was accredited on the day of issue, {day}, "
                                                 f"to appraise {scope_en}"))
    return Check("accreditation", False, Text(f"{institution.name}在发证日 {day} 未经备案评价{scope_zh}",
                                              f"{institution.name} was NOT accredited on the day of issue, {day}, "
                                              f"to appraise {scope_en}"))


def _checks(session: Session, form: str, credential: dict[str, Any], result: proof.VerificationResult,
            issuer: Issuer, did_document: dict[str, Any], source: StatusListSource, now: datetime,
            certificate: Certificate | None) -> list[Check]:
    return [
        _format_check(form, credential),
        _signature_check(form, result),
        _key_check(credential, result.verification_method, result, did_document, issuer),
        _validity_check(credential, now),
        _status_check(session, credential, issuer, did_document, source),
        accreditation_check(session, certificate),
    ]


def _published_lists(session: Session, issuer: Issuer, sealer: KeySealer) -> StatusListSource:
    return lambda number: status_list_credential_for(session, number, issuer, sealer)


def check_credential(
    session: Session, text: str, issuer: Issuer, sealer: KeySealer, *, now: datetime | None = None,
    status_lists: StatusListSource | None = None,
) -> CheckReport:
    """Every check of a credential given as text (JSON or compact JWT). `status_lists` fetches a status
    list by number (default: as the registry publishes it now); whatever it raises fails the status check."""
    form, credential, token = _read(text)
    if credential is None:
        return CheckReport(form, (Check("format", False, Text("既不是 JSON 格式的凭证，也不是紧凑格式的 JWT",
                                                              "neither a JSON credential nor a compact JWT")),))
    did_document = did_document_for(session, issuer.did)
    resolver = keys.key_resolver(did_document)
    result = jose.verify_vc_jwt(token, resolver) if token else proof.verify_data_integrity(credential, resolver)
    source = status_lists or _published_lists(session, issuer, sealer)
    return CheckReport(form, tuple(_checks(session, form, credential, result, issuer, did_document, source,
                                           now or datetime.now(UTC), _certificate_of(session, credential, issuer))))


def check_certificate(
    session: Session, certificate: Certificate, issuer: Issuer, sealer: KeySealer, *, now: datetime | None = None,
) -> CheckReport:
    """The same checks for a certificate on record (the verification page and its QR landing page): its
    Open Badges credential as the registry issues it, signed here with the active key and verified against
    the published DID document and status list, exactly as a holder's download would be. Nothing is handed
    out or recorded. A certificate whose credential was never issued has no status list entry yet; its
    status is then read from the register itself."""
    unsigned = build_credential(session, certificate, issuer)
    moment = now or datetime.now(UTC)
    key = active_issuer_key(session, sealer)
    did_document = did_document_for(session, issuer.did)
    try:
        signed = proof.sign_data_integrity(unsigned, signing_key(key, sealer), issuer.verification_method(key.key_id),
                                           timestamp(moment))
    except SealingError:  # the signing key does not open: say so on the page rather than fail it
        signed = unsigned
        result = proof.VerificationResult(False, ("signing_unavailable",))
    else:
        result = proof.verify_data_integrity(signed, keys.key_resolver(did_document))
    checks = _checks(session, "data-integrity", signed, result, issuer, did_document,
                     _published_lists(session, issuer, sealer), moment, certificate)
    if "credentialStatus" not in signed:
        checks[CHECKS.index("status")] = _register_status(certificate)
    return CheckReport("data-integrity", tuple(checks))


def _register_status(certificate: Certificate) -> Check:
    if certificate.status is CertificateStatus.REVOKED and certificate.revoked_at is not None:
        day = _china_day(certificate.revoked_at)
        return _status_failed(f"已于 {day} 撤销（登记记录）", f"REVOKED on {day} (the register)")
    return Check("status", True, Text("未撤销（登记记录；该证书尚未签发过数字证书，不在状态列表中）",
                                      "not revoked (the register; no digital credential has been issued for it yet, "
                                      "so it has no status list entry)"))

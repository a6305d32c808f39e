"""Check a digital credential file the way an outside verifier would, and say precisely what fails.

Both forms this registry issues are read: JSON with an embedded Data Integrity proof, and VC-JOSE compact
JWTs. The keys come from the registry's own DID document and the status from its published status list,
both built from the database, so this also checks what the public endpoints serve.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..models import Certificate
from ..services.issuer_keys import KeySealer, did_document_for
from ..services.status_lists import LIST_SIZE, Issuer, status_list_credential_for
from ..vc import jose, keys, proof, statuslist
from ..vc.schema import validate_ob3

__all__ = ["Check", "CheckReport", "check_credential"]

_REASONS = {
    "signature_invalid": "the signature does not match the content: it was changed after signing",
    "proof_missing": "the credential carries no embedded proof",
    "proof_malformed": "the proof is not an object",
    "proof_type_unsupported": "the proof is not a DataIntegrityProof",
    "cryptosuite_unsupported": "the proof's cryptosuite is not eddsa-rdfc-2022",
    "proof_purpose_invalid": "the proof's purpose is not assertionMethod",
    "proof_value_malformed": "the proofValue is not a base58btc Ed25519 signature",
    "jsonld_dropped": "a property is not defined by the credential's JSON-LD contexts",
    "context_not_pinned": "the credential names a JSON-LD context this registry does not ship",
    "token_malformed": "the JWT is malformed",
    "alg_unsupported": "the JWT algorithm is not EdDSA",
    "typ_invalid": "the JWT type is not vc+jwt",
    "token_not_current": "the JWT is expired or not yet valid",
}
_KEY_REASONS = ("unknown_key", "kid_missing", "verification_method_missing")


@dataclass(frozen=True)
class Check:
    name: str  # format, issuer, issuer key, signature, schema, status, validity
    ok: bool
    detail: str


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


def _key_check(method: str | None, result: proof.VerificationResult, did_document: dict[str, Any]) -> Check:
    listed = {m["id"]: m for m in did_document["verificationMethod"]}
    if not method or any(r in result.reasons for r in _KEY_REASONS) or method not in listed:
        return Check("issuer key", False, f"key {method or '(none)'} is not in this registry's DID document")
    state = "active" if did_document["verificationMethod"][0]["id"] == method else "retired, still published"
    return Check("issuer key", True, f"{method} ({state})")


def _signature_check(form: str, result: proof.VerificationResult) -> Check:
    name = "VC-JOSE EdDSA signature" if form == "jwt" else "eddsa-rdfc-2022 proof"
    if result.ok:
        return Check("signature", True, f"{name} verifies")
    reasons = [r for r in result.reasons if r not in _KEY_REASONS and r != "issuer_key_mismatch"]
    if not reasons and "issuer_key_mismatch" in result.reasons:
        return Check("signature", False, "the signing key does not belong to the credential's issuer")
    if not reasons:
        return Check("signature", False, f"{name} cannot be checked without a known issuer key")
    return Check("signature", False, "; ".join(_REASONS.get(r, r.replace("_", " ")) for r in reasons))


def _status_check(session: Session, credential: dict[str, Any], issuer: Issuer, sealer: KeySealer) -> Check:
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict):
        return Check("status", False, "no credentialStatus: revocation cannot be checked")
    url = entry.get("statusListCredential")
    prefix = issuer.status_list_prefix
    number = url[len(prefix):] if isinstance(url, str) and url.startswith(prefix) else ""
    if not (number.isascii() and number.isdigit() and len(number) < 9):
        return Check("status", False, f"status list {url!r} is not one this registry publishes")
    try:
        published = status_list_credential_for(session, int(number), issuer, sealer)
    except NotFound:
        return Check("status", False, f"status list {url} does not exist")
    if not proof.verify_data_integrity(published, keys.key_resolver(did_document_for(session, issuer.did))):
        return Check("status", False, f"status list {url} failed its own signature check")
    try:
        revoked = statuslist.read_status(entry, published)
    except ValueError as error:
        return Check("status", False, f"status entry unusable: {error}")
    where = f"status list {number}, index {entry['statusListIndex']}"
    if not revoked:
        return Check("status", True, f"not revoked ({where})")
    index = (int(number) - 1) * LIST_SIZE + int(entry["statusListIndex"])
    certificate = session.scalar(select(Certificate).where(Certificate.status_list_index == index))
    revoked_at = certificate.revoked_at if certificate is not None else None
    when = revoked_at.date().isoformat() if revoked_at else "unknown date"
    return Check("status", False, f"REVOKED on {when} ({where})")


def _validity_check(credential: dict[str, Any], now: datetime) -> Check:
    try:
        start = datetime.fromisoformat(credential["validFrom"])
        end = datetime.fromisoformat(credential["validUntil"]) if credential.get("validUntil") else None
    except (KeyError, TypeError, ValueError):
        return Check("validity", False, "validFrom is missing or not a date-time")
    if start > now:
        return Check("validity", False, f"not valid before {credential['validFrom']}")
    if end is not None and end <= now:
        return Check("validity", False, f"expired on {credential['validUntil']}")
    return Check("validity", True, f"valid from {credential['validFrom']}")


def check_credential(
    session: Session, text: str, issuer: Issuer, sealer: KeySealer, *, now: datetime | None = None,
) -> CheckReport:
    form, credential, token = _read(text)
    if credential is None:
        return CheckReport(form, (Check("format", False, "neither a JSON credential nor a compact JWT"),))
    did_document = did_document_for(session, issuer.did)
    resolver = keys.key_resolver(did_document)
    if token:
        result = jose.verify_vc_jwt(token, resolver)
    else:
        result = proof.verify_data_integrity(credential, resolver)
    issuer_id = proof.issuer_id(credential)
    checks = [
        Check("issuer", issuer_id == issuer.did,
              f"issued by {issuer_id}" if issuer_id == issuer.did
              else f"issued by {issuer_id}, not by this registry ({issuer.did})"),
        _key_check(result.verification_method, result, did_document),
        _signature_check(form, result),
    ]
    errors = validate_ob3(credential)
    checks.append(Check("schema", not errors, "Open Badges 3.0 required fields present" if not errors
                        else "; ".join(errors[:5])))
    checks.append(_status_check(session, credential, issuer, sealer))
    checks.append(_validity_check(credential, now or datetime.now(UTC)))
    return CheckReport(form, tuple(checks))

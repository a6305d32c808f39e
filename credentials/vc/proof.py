"""Embedded `DataIntegrityProof` with the `eddsa-rdfc-2022` cryptosuite (W3C VC Data Integrity EdDSA).

Sign: canonicalise (RDFC-1.0 = URDNA2015) the proof options without `proofValue` but with the document's
`@context`, and the document without `proof`; SHA-256 each; Ed25519-sign hash(options) || hash(document);
`proofValue` = "z" + base58btc(signature). Canonicalisation runs offline on the pinned contexts only and
in "safe mode": a property JSON-LD would silently drop (so it would not be signed) is an error.

The proof is written as a one-element array (a proof set of one): the 1EdTech Open Badges 3.0 JSON
schema requires an array, and to JSON-LD and every Data Integrity verifier a one-element array and the
bare object are the same proof, over the same signed bytes.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import CanonicalizationError, canonicalize
from .keys import b58decode, b58encode

__all__ = [
    "CRYPTOSUITE", "VerificationResult", "CanonicalizationError", "canonicalize", "hash_data",
    "sign_data_integrity", "verify_data_integrity", "issuer_id",
]

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
MAX_DOCUMENT_CHARS = 512 * 1024  # verification refuses larger documents (canonicalisation cost)
_lock = threading.Lock()
_options_hashes: LRUCache[str, bytes] = LRUCache(maxsize=64)  # canonical JSON of proof options -> hash


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    reasons: tuple[str, ...] = ()
    verification_method: str | None = None
    credential: dict[str, Any] | None = field(default=None, compare=False)  # set by the JWT verifier

    def __bool__(self) -> bool:
        return self.ok


def _options_hash(config: dict[str, Any]) -> bytes:
    """SHA-256 of the canonical proof options; a batch signed with one key at one moment has them once."""
    try:
        key: str | None = json.dumps(config, sort_keys=True)
    except (TypeError, ValueError):
        key = None  # not plain JSON: canonicalize decides
    with _lock:
        known = _options_hashes.get(key) if key is not None else None
    if known is None:
        known = hashlib.sha256(canonicalize(config).encode()).digest()
        if key is not None:
            with _lock:
                _options_hashes[key] = known
    return known


def hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    """SHA-256(canonical proof options) || SHA-256(canonical document): the 64 bytes that are signed."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    config["@context"] = document.get("@context")
    return _options_hash(config) + hashlib.sha256(canonicalize(unsecured).encode()).digest()


def _json_copy(node: Any) -> Any:
    """A deep copy of JSON data (dicts and lists; strings, numbers, booleans and None are immutable)."""
    if isinstance(node, dict):
        return {key: _json_copy(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_json_copy(item) for item in node]
    return node if node is None or isinstance(node, str | int | float) else copy.deepcopy(node)


def issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) else None


def sign_data_integrity(
    document: dict[str, Any], private_key: Ed25519PrivateKey, verification_method: str, created: str,
    *, proof_purpose: str = "assertionMethod", deep_copy: bool = True,
) -> dict[str, Any]:
    """A copy of `document` with an embedded eddsa-rdfc-2022 proof, as a one-element `proof` array.

    `created` is an XML dateTime with zone. `deep_copy=False`: the copy shares the document's nested values,
    for a caller that built the document to be signed and keeps no other use of it (a batch saves the copy)."""
    if "proof" in document:
        raise ValueError("document already carries a proof (proof sets/chains are not supported)")
    if not isinstance(created, str) or not _DATETIME.fullmatch(created):
        raise ValueError("created must be a date-time with a time zone, e.g. 2024-05-01T08:00:00Z")
    proof = {
        "type": PROOF_TYPE,
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": proof_purpose,
    }
    signature = private_key.sign(hash_data(document, proof))
    signed: dict[str, Any] = _json_copy(document) if deep_copy else dict(document)
    signed["proof"] = [{**proof, "proofValue": "z" + b58encode(signature)}]
    return signed


def _check_proof(document: dict[str, Any], proof: Any, resolve_key: Callable[[str], Any]) -> list[str]:
    if not isinstance(proof, dict):
        return ["proof_malformed"]
    if proof.get("type") != PROOF_TYPE:
        return ["proof_type_unsupported"]
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return ["cryptosuite_unsupported"]
    reasons = []
    if proof.get("proofPurpose") != "assertionMethod":
        reasons.append("proof_purpose_invalid")
    created = proof.get("created")
    if created is not None and not (isinstance(created, str) and _DATETIME.fullmatch(created)):
        reasons.append("created_invalid")
    value = proof.get("proofValue")
    signature = None
    if isinstance(value, str) and value.startswith("z"):
        with contextlib.suppress(ValueError):
            signature = b58decode(value[1:])
    if signature is None or len(signature) != 64:
        reasons.append("proof_value_malformed")
    if "@context" in proof:
        ctx, doc_ctx = proof["@context"], document.get("@context")
        ctx, doc_ctx = (c if isinstance(c, list) else [c] for c in (ctx, doc_ctx))
        if doc_ctx[: len(ctx)] != ctx:
            reasons.append("proof_context_mismatch")
    vm = proof.get("verificationMethod")
    if not isinstance(vm, str) or not vm:
        return reasons + ["verification_method_missing"]
    if vm.split("#", 1)[0] != issuer_id(document):
        reasons.append("issuer_key_mismatch")  # the key must belong to the credential's issuer
    try:
        public_key = resolve_key(vm)
    except (KeyError, LookupError, ValueError):
        public_key = None
    if not isinstance(public_key, Ed25519PublicKey):
        return reasons + ["unknown_key"]
    if reasons or signature is None:  # a missing signature is already among the reasons
        return reasons
    try:
        data = hash_data(document, proof)
    except CanonicalizationError as exc:
        return [exc.code]
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
        return ["jsonld_invalid"]  # malformed input pyld did not anticipate: fail closed, never crash
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return ["signature_invalid"]
    return []


def verify_data_integrity(
    document: dict[str, Any], resolve_key: Callable[[str], Ed25519PublicKey | None],
) -> VerificationResult:
    """Check the embedded proof(s). `resolve_key(verification_method_id)` returns the public key or None.

    Reasons (codes): proof_missing, proof_malformed, proof_type_unsupported, cryptosuite_unsupported,
    proof_purpose_invalid, created_invalid, proof_value_malformed, proof_context_mismatch,
    verification_method_missing, issuer_key_mismatch, unknown_key, context_not_pinned, jsonld_dropped,
    jsonld_invalid, document_too_large, signature_invalid. Every proof of a proof set must pass.
    Validity dates and status are not checked here.
    """
    if not isinstance(document, dict) or not document.get("proof"):
        return VerificationResult(False, ("proof_missing",))
    try:
        too_large = len(json.dumps(document, ensure_ascii=False)) > MAX_DOCUMENT_CHARS
    except (TypeError, ValueError, RecursionError):
        return VerificationResult(False, ("jsonld_invalid",))
    if too_large:
        return VerificationResult(False, ("document_too_large",))
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    reasons: list[str] = []
    for proof in proofs:
        reasons += [r for r in _check_proof(document, proof, resolve_key) if r not in reasons]
    first = proofs[0].get("verificationMethod") if isinstance(proofs[0], dict) else None
    return VerificationResult(not reasons, tuple(reasons), first if isinstance(first, str) else None)

"""VC-JOSE (W3C "Securing VCs using JOSE and COSE"): a credential secured as a compact JWS.

Header `{"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": <verification method>}`; the payload is the
credential itself (no `vc` wrapper claim, unlike the older VC-JWT). No JSON-LD processing is needed.
The `kid` names a `JsonWebKey` verification method of the issuer's DID document (`keys.jwk_method_id`),
the kind VC-JOSE-COSE requires; a kid naming the same key's Multikey still verifies here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .proof import VerificationResult, issuer_id

__all__ = ["TYP", "CTY", "sign_vc_jwt", "verify_vc_jwt"]

TYP, CTY, ALG = "vc+jwt", "vc", "EdDSA"
MAX_TOKEN_LENGTH = 256 * 1024


def _types(document: dict[str, Any]) -> list[Any]:
    value = document.get("type")
    return value if isinstance(value, list) else [value]


def _absolute_kid(kid: str, credential: dict[str, Any]) -> str:
    return (issuer_id(credential) or "") + kid if kid.startswith("#") else kid


def sign_vc_jwt(credential: dict[str, Any], private_key: Ed25519PrivateKey, kid: str) -> str:
    """Compact JWS over the credential. Refuses a credential that already carries an embedded proof."""
    if not isinstance(credential, dict) or "proof" in credential:
        raise ValueError("sign the unsecured credential (a dict without `proof`)")
    if not kid:
        raise ValueError("kid (the verification method id) is required")
    if "VerifiableCredential" not in _types(credential):
        raise ValueError("payload must be a VerifiableCredential")
    return jwt.encode(credential, private_key, algorithm=ALG, headers={"typ": TYP, "cty": CTY, "kid": kid})


def verify_vc_jwt(token: str, resolve_key: Callable[[str], Ed25519PublicKey | None]) -> VerificationResult:
    """Verify a vc+jwt; on success `result.credential` is the payload.

    Reasons: token_malformed, alg_unsupported, typ_invalid, kid_missing, unknown_key, signature_invalid,
    token_not_current (JWT exp/nbf), payload_not_credential,
    issuer_key_mismatch. Validity dates and status are not checked here.
    """
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        return VerificationResult(False, ("token_malformed",))
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return VerificationResult(False, ("token_malformed",))
    if header.get("alg") != ALG:
        return VerificationResult(False, ("alg_unsupported",))  # never "none", never HMAC
    if header.get("typ") != TYP:
        return VerificationResult(False, ("typ_invalid",))
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return VerificationResult(False, ("kid_missing",))
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return VerificationResult(False, ("token_malformed",))
    vm = _absolute_kid(kid, unverified)
    try:
        public_key = resolve_key(vm)
    except (LookupError, ValueError):
        public_key = None
    if not isinstance(public_key, Ed25519PublicKey):
        return VerificationResult(False, ("unknown_key",), vm)
    try:
        payload = jwt.decode(
            token, public_key, algorithms=[ALG],
            options={"verify_aud": False, "verify_iss": False, "verify_sub": False, "verify_jti": False},
        )
    except jwt.InvalidSignatureError:
        return VerificationResult(False, ("signature_invalid",), vm)
    except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError):
        return VerificationResult(False, ("token_not_current",), vm)
    except jwt.PyJWTError:
        return VerificationResult(False, ("token_malformed",), vm)
    reasons = []
    if not isinstance(payload.get("@context"), list) or "VerifiableCredential" not in _types(payload):
        reasons.append("payload_not_credential")
    if vm.split("#", 1)[0] != issuer_id(payload):
        reasons.append("issuer_key_mismatch")
    return VerificationResult(not reasons, tuple(reasons), vm, payload)

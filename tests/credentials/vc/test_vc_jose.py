"""VC-JOSE: credential as a compact JWS (alg EdDSA, typ vc+jwt, cty vc)."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from credentials.vc import jose, keys

DID = "did:web:rst.example.cn"
KID = f"{DID}#key-1"
CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:2b1f0c1e-58a4-4a5e-9f51-0f0b8f2d1a77",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": DID, "type": ["Profile"], "name": "某市职业技能鉴定中心"},
    "validFrom": "2024-05-01T08:00:00Z",
    "name": "车工（四级/中级工）",
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"id": "urn:x:a", "name": "车工"}},
}


@pytest.fixture(scope="module")
def key():
    return keys.generate_private_key()


@pytest.fixture(scope="module")
def resolver(key):
    return keys.key_resolver({KID: keys.public_key_multibase(key)})


def _segments(token):
    return [json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))) for s in token.split(".")[:2]]


def test_header_and_payload(key):
    token = jose.sign_vc_jwt(CREDENTIAL, key, KID)
    header, payload = _segments(token)
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": KID}
    assert payload == CREDENTIAL  # the credential itself, no `vc` wrapper


def test_round_trip(key, resolver):
    result = jose.verify_vc_jwt(jose.sign_vc_jwt(CREDENTIAL, key, KID), resolver)
    assert result.ok and result.credential == CREDENTIAL and result.verification_method == KID


def test_relative_kid_resolves_against_issuer(key, resolver):
    result = jose.verify_vc_jwt(jose.sign_vc_jwt(CREDENTIAL, key, "#key-1"), resolver)
    assert result.ok and result.verification_method == KID


def test_tampered_payload_fails(key, resolver):
    header, payload, signature = jose.sign_vc_jwt(CREDENTIAL, key, KID).split(".")
    forged = dict(CREDENTIAL, name="高级技师")
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    assert jose.verify_vc_jwt(f"{header}.{body}.{signature}", resolver).reasons == ("signature_invalid",)


def test_wrong_key_fails(resolver):
    other = keys.generate_private_key()
    token = jose.sign_vc_jwt(CREDENTIAL, other, KID)
    assert jose.verify_vc_jwt(token, resolver).reasons == ("signature_invalid",)


def test_alg_none_and_hmac_are_refused(resolver):
    none_token = jwt.encode(CREDENTIAL, None, algorithm="none", headers={"typ": "vc+jwt", "kid": KID})
    assert jose.verify_vc_jwt(none_token, resolver).reasons == ("alg_unsupported",)
    hmac_token = jwt.encode(CREDENTIAL, "s" * 32, algorithm="HS256", headers={"typ": "vc+jwt", "kid": KID})
    assert jose.verify_vc_jwt(hmac_token, resolver).reasons == ("alg_unsupported",)


def test_header_checks(key, resolver):
    plain = jwt.encode(CREDENTIAL, key, algorithm="EdDSA", headers={"kid": KID})
    assert jose.verify_vc_jwt(plain, resolver).reasons == ("typ_invalid",)
    no_kid = jwt.encode(CREDENTIAL, key, algorithm="EdDSA", headers={"typ": "vc+jwt"})
    assert jose.verify_vc_jwt(no_kid, resolver).reasons == ("kid_missing",)
    unknown = jose.sign_vc_jwt(CREDENTIAL, key, f"{DID}#key-9")
    assert jose.verify_vc_jwt(unknown, resolver).reasons == ("unknown_key",)


def test_issuer_must_control_the_key(key, resolver):
    other_issuer = dict(CREDENTIAL, issuer={"id": "did:web:other.example.cn", "type": ["Profile"]})
    result = jose.verify_vc_jwt(jose.sign_vc_jwt(other_issuer, key, KID), resolver)
    assert not result.ok and result.reasons == ("issuer_key_mismatch",)


def test_payload_must_be_a_credential(key, resolver):
    token = jwt.encode({"sub": "x"}, key, algorithm="EdDSA", headers={"typ": "vc+jwt", "kid": KID})
    assert "payload_not_credential" in jose.verify_vc_jwt(token, resolver).reasons


def test_expired_jwt_claim(key, resolver):
    token = jose.sign_vc_jwt(dict(CREDENTIAL, exp=1), key, KID)
    assert jose.verify_vc_jwt(token, resolver).reasons == ("token_not_current",)


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c", "x" * 300_000, None])
def test_malformed_tokens(token, resolver):
    assert jose.verify_vc_jwt(token, resolver).reasons == ("token_malformed",)


def test_sign_refuses_secured_or_non_credentials(key):
    with pytest.raises(ValueError):
        jose.sign_vc_jwt(dict(CREDENTIAL, proof={}), key, KID)
    with pytest.raises(ValueError):
        jose.sign_vc_jwt({"type": ["Thing"]}, key, KID)
    with pytest.raises(ValueError):
        jose.sign_vc_jwt(CREDENTIAL, key, "")

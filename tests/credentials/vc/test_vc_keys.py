"""Ed25519 Multikey helpers, did:web and DID documents."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credentials.vc import keys

VECTOR_PUBLIC_HEX = "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"
VECTOR_MULTIBASE = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def test_base58btc_known_values():
    assert keys.b58encode(b"") == ""
    assert keys.b58encode(b"\0\0\x01") == "112"
    assert keys.b58encode(b"hello world") == "StV1DL6CwTryKyV"
    for data in [b"", b"\0", b"\0\0abc", bytes(range(256))]:
        assert keys.b58decode(keys.b58encode(data)) == data
    with pytest.raises(ValueError):
        keys.b58decode("0OIl")


def test_multibase_of_vector_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(VECTOR_PUBLIC_HEX))
    assert keys.public_key_multibase(public) == VECTOR_MULTIBASE
    assert keys.public_key_multibase(keys.public_key_from_multibase(VECTOR_MULTIBASE)) == VECTOR_MULTIBASE


@pytest.mark.parametrize(
    "bad", ["6MkjZRZv3", "zABC", "u" + VECTOR_MULTIBASE[1:], "z" + keys.b58encode(b"\xec\x01" + bytes(32))]
)
def test_public_key_from_multibase_rejects(bad):
    with pytest.raises(ValueError):
        keys.public_key_from_multibase(bad)


def test_private_key_serialisation_round_trip():
    key = keys.generate_private_key()
    raw = keys.private_key_to_bytes(key)
    assert len(raw) == 32
    again = keys.private_key_from_bytes(raw)
    assert keys.public_key_multibase(again) == keys.public_key_multibase(key)
    public_raw = keys.public_key_from_multibase(keys.public_key_multibase(key)).public_bytes_raw()
    from_64 = keys.private_key_from_bytes(raw + public_raw)
    assert keys.public_key_multibase(from_64) == keys.public_key_multibase(key)
    with pytest.raises(ValueError):
        keys.private_key_from_bytes(raw + bytes(32))  # 64 bytes whose public half does not match
    with pytest.raises(ValueError):
        keys.private_key_from_bytes(raw[:31])


def test_did_web():
    assert keys.did_web("RST.Example.cn") == "did:web:rst.example.cn"
    assert keys.did_web("localhost:8443") == "did:web:localhost%3A8443"
    assert keys.did_web("rst.example.cn", "issuers/bureau-1") == "did:web:rst.example.cn:issuers:bureau-1"
    assert keys.did_web("rst.example.cn", ["issuers", "b1"]) == "did:web:rst.example.cn:issuers:b1"
    for host in ["https://rst.example.cn", "rst.example.cn/x", "人社.cn", "", "127.0.0.1:5000", "10.0.0.8"]:
        with pytest.raises(ValueError):
            keys.did_web(host)
    with pytest.raises(ValueError):
        keys.did_web("rst.example.cn", "a b/c")


def test_did_document_keeps_retired_keys_for_verification():
    did = keys.did_web("rst.example.cn")
    old, new = keys.generate_private_key(), keys.generate_private_key()
    doc = keys.did_document(did, [
        ("key-1", keys.public_key_multibase(old), False),
        ("key-2", keys.public_key_multibase(new), True),
    ])
    assert doc["id"] == did
    assert doc["@context"][0] == "https://www.w3.org/ns/did/v1"
    ids = [f"{did}#key-2", f"{did}#key-2-jwk", f"{did}#key-1", f"{did}#key-1-jwk"]  # active first
    assert [m["id"] for m in doc["verificationMethod"]] == ids
    assert doc["assertionMethod"] == ids
    for method in doc["verificationMethod"]:
        assert method["type"] in ("Multikey", "JsonWebKey") and method["controller"] == did
    resolve = keys.key_resolver(doc)
    assert keys.public_key_multibase(resolve(f"{did}#key-1")) == keys.public_key_multibase(old)
    assert keys.public_key_multibase(resolve(f"{did}#key-1-jwk")) == keys.public_key_multibase(old)
    assert resolve(f"{did}#key-3") is None


def test_each_key_is_also_published_as_a_json_web_key():
    """VC-JOSE-COSE: the key a JWT's kid names is a JsonWebKey with publicKeyJwk (RFC 8037 OKP)."""
    did = keys.did_web("rst.example.cn")
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(VECTOR_PUBLIC_HEX))
    doc = keys.did_document(did, [("key-1", VECTOR_MULTIBASE, True)])

    jwk_method = doc["verificationMethod"][1]
    assert doc["@context"][-1] == "https://w3id.org/security/jwk/v1"
    assert jwk_method == {"id": f"{did}#key-1-jwk", "type": "JsonWebKey", "controller": did,
                          "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519",
                                           "x": "S96v3i6ovu-t2MaZtcfgcEz1EVTVLheyC3EzfKBMxaU"}}
    assert keys.public_key_from_jwk(jwk_method["publicKeyJwk"]).public_bytes_raw() == public.public_bytes_raw()
    assert keys.jwk_method_id(f"{did}#key-1") == f"{did}#key-1-jwk"


@pytest.mark.parametrize("jwk", [
    None, {"kty": "EC", "crv": "P-256", "x": "S96v3i6ovu-t2MaZtcfgcEz1EVTVLheyC3EzfKBMxaU"},
    {"kty": "OKP", "crv": "Ed25519", "x": "S96v3i6ovu-t2MaZtcfgcEz1EVTVLheyC3EzfKBMx"},
    {"kty": "OKP", "crv": "Ed25519", "x": "S96v3i6ovu-t2MaZtcfgcEz1EVTVLheyC3EzfKBMxaU", "d": "secret"},
])
def test_public_key_from_jwk_rejects(jwk):
    with pytest.raises(ValueError):
        keys.public_key_from_jwk(jwk)


def test_a_malformed_jwk_in_a_did_document_resolves_to_an_error_not_a_key():
    did = "did:web:rst.example.cn"
    doc = {"id": did, "assertionMethod": [f"{did}#k"],
           "verificationMethod": [{"id": f"{did}#k", "type": "JsonWebKey", "publicKeyJwk": {"kty": "OKP"}}]}
    with pytest.raises(ValueError):
        keys.key_resolver(doc)(f"{did}#k")


def test_did_document_rejects_bad_keys():
    did = keys.did_web("rst.example.cn")
    mb = keys.public_key_multibase(keys.generate_private_key())
    with pytest.raises(ValueError):
        keys.did_document(did, [("key-1", "zNotAKey", True)])
    with pytest.raises(ValueError):
        keys.did_document(did, [("key-1", mb, True), ("#key-1", mb, False)])


def test_key_resolver_only_trusts_assertion_methods():
    did = "did:web:rst.example.cn"
    mb = keys.public_key_multibase(keys.generate_private_key())
    doc = {
        "id": did,
        "verificationMethod": [
            {"id": f"{did}#auth", "type": "Multikey", "controller": did, "publicKeyMultibase": mb},
        ],
        "assertionMethod": [],
    }
    assert keys.key_resolver(doc)(f"{did}#auth") is None

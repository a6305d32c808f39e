"""eddsa-rdfc-2022: the official Open Badges 3.0 test vector, byte for byte, and tamper detection."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest

from credentials.vc import keys, proof
from credentials.vc.contexts import ContextNotPinned, document_loader, load_context

DATA = Path(__file__).parent / "data"  # copied from shared/data/ob3 (1EdTech, commit 1af145ff)
VECTOR = json.loads((DATA / "test-vector.json").read_text(encoding="utf-8"))
DOC_CANON = (DATA / "vector-document-canon.nq").read_text(encoding="utf-8")
PROOF_CANON = (DATA / "vector-proof-canon.nq").read_text(encoding="utf-8")
OPTIONS = VECTOR["proof_options"]
VM = OPTIONS["verificationMethod"]


@pytest.fixture(scope="module")
def private_key():
    return keys.private_key_from_bytes(bytes.fromhex(VECTOR["private_key_hex"]))


@pytest.fixture(scope="module")
def resolver():
    return keys.key_resolver({VM: VECTOR["public_key_multibase"]})


@pytest.fixture(scope="module")
def signed(private_key):
    return proof.sign_data_integrity(VECTOR["unsigned_credential"], private_key, VM, OPTIONS["created"])


def test_vector_canonical_document_and_hash():
    canon = proof.canonicalize(VECTOR["unsigned_credential"])
    assert canon == DOC_CANON
    assert hashlib.sha256(canon.encode()).hexdigest() == VECTOR["document_hash_hex"]


def test_vector_canonical_proof_options_and_hash():
    config = {**OPTIONS, "@context": VECTOR["unsigned_credential"]["@context"]}
    canon = proof.canonicalize(config)
    assert canon == PROOF_CANON
    assert hashlib.sha256(canon.encode()).hexdigest() == VECTOR["proof_hash_hex"]


def test_vector_data_to_sign(private_key):
    data = proof.hash_data(VECTOR["unsigned_credential"], OPTIONS)
    assert data.hex() == VECTOR["data_to_sign_hex"]
    assert private_key.sign(data).hex() == VECTOR["signature_hex"]


def test_vector_key_and_proof_value(private_key, signed):
    assert keys.public_key_multibase(private_key) == VECTOR["public_key_multibase"]
    # a proof set of one (the OB3 JSON schema requires an array), holding exactly the vector's proof
    assert signed["proof"] == [{**OPTIONS, "proofValue": VECTOR["proof_value"]}]
    assert "proof" not in VECTOR["unsigned_credential"]  # the input is not mutated


def test_vector_verifies(signed, resolver):
    result = proof.verify_data_integrity(signed, resolver)
    assert result.ok and result.reasons == () and result.verification_method == VM
    assert bool(result)


def _tampered(signed, path, value):
    doc = copy.deepcopy(signed)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Teamwork Badge!"),
        (("issuer", "name"), "Evil Corp"),
        (("validFrom",), "2009-01-01T00:00:00Z"),
        (("credentialSubject", "id"), "did:example:someone-else"),
        (("credentialSubject", "achievement", "name"), "Leadership"),
        (("credentialSubject", "achievement", "criteria", "narrative"), "Anyone."),
        (("proof", 0, "created"), "2011-01-01T19:23:24Z"),
        (("id",), "http://example.com/credentials/3528"),
    ],
)
def test_tampering_fails_signature(signed, resolver, path, value):
    result = proof.verify_data_integrity(_tampered(signed, path, value), resolver)
    assert not result.ok and result.reasons == ("signature_invalid",)


def test_tampered_issuer_id_is_rejected(signed, resolver):
    forged = _tampered(signed, ("issuer", "id"), "https://evil.example/i/1")
    result = proof.verify_data_integrity(forged, resolver)
    assert not result.ok and "issuer_key_mismatch" in result.reasons


def test_undefined_terms_are_not_silently_unsigned(signed, resolver):
    for path in [("extra",), ("credentialSubject", "extra"), ("credentialSubject", "achievement", "@foo")]:
        result = proof.verify_data_integrity(_tampered(signed, path, "x"), resolver)
        assert not result.ok and result.reasons == ("jsonld_dropped",)


def test_unpinned_context_never_fetched(signed, resolver):
    doc = copy.deepcopy(signed)
    doc["@context"].append("https://evil.example/context.json")
    assert proof.verify_data_integrity(doc, resolver).reasons == ("context_not_pinned",)
    with pytest.raises(ContextNotPinned):
        document_loader("https://www.w3.org/2018/credentials/v1")


def test_pinned_contexts_are_fresh_copies():
    ctx = load_context("https://www.w3.org/ns/credentials/v2")
    ctx["@context"]["name"] = "https://evil.example/name"
    assert load_context("https://www.w3.org/ns/credentials/v2")["@context"]["name"] == "https://schema.org/name"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.pop("proof"), "proof_missing"),
        (lambda d: d.__setitem__("proof", "nope"), "proof_malformed"),
        (lambda d: d["proof"][0].__setitem__("type", "Ed25519Signature2020"), "proof_type_unsupported"),
        (lambda d: d["proof"][0].__setitem__("cryptosuite", "ecdsa-rdfc-2019"), "cryptosuite_unsupported"),
        (lambda d: d["proof"][0].__setitem__("proofPurpose", "authentication"), "proof_purpose_invalid"),
        (lambda d: d["proof"][0].__setitem__("proofValue", "z1111"), "proof_value_malformed"),
        (lambda d: d["proof"][0].__setitem__("proofValue", "u" + "A" * 86), "proof_value_malformed"),
        (lambda d: d["proof"][0].__setitem__("created", "yesterday"), "created_invalid"),
        (lambda d: d["proof"][0].pop("verificationMethod"), "verification_method_missing"),
        (lambda d: d["proof"][0].__setitem__("verificationMethod", "https://example.edu/issuers/565049#k2"),
         "unknown_key"),
        (lambda d: d["proof"][0].__setitem__("@context", ["https://www.w3.org/2018/credentials/v1"]),
         "proof_context_mismatch"),
    ],
)
def test_precise_reason_codes(signed, resolver, mutate, reason):
    doc = copy.deepcopy(signed)
    mutate(doc)
    result = proof.verify_data_integrity(doc, resolver)
    assert not result.ok and reason in result.reasons


def test_wrong_key_is_signature_invalid(signed):
    other = keys.public_key_multibase(keys.generate_private_key())
    result = proof.verify_data_integrity(signed, keys.key_resolver({VM: other}))
    assert result.reasons == ("signature_invalid",)


def test_resolver_errors_mean_unknown_key(signed):
    def boom(vm):
        raise KeyError(vm)

    assert proof.verify_data_integrity(signed, boom).reasons == ("unknown_key",)


def test_proof_set_every_proof_must_pass(signed, resolver):
    doc = copy.deepcopy(signed)
    (single,) = doc["proof"]
    bad = dict(single, proofValue="z" + keys.b58encode(bytes(64)))
    doc["proof"] = [single, bad]
    assert proof.verify_data_integrity(doc, resolver).reasons == ("signature_invalid",)
    doc["proof"] = single  # the bare object form (as earlier credentials carry it) is the same proof
    assert proof.verify_data_integrity(doc, resolver).ok


def test_the_proof_array_signs_the_vector_bytes(signed, resolver):
    """Array or object, the signed bytes are the vector's: the proof options and the document are
    canonicalised apart from `proof`, so the array changes nothing a verifier hashes."""
    (single,) = signed["proof"]
    assert proof.hash_data(signed, single).hex() == VECTOR["data_to_sign_hex"]
    assert proof.canonicalize({k: v for k, v in signed.items() if k != "proof"}) == DOC_CANON


def test_sign_refuses_bad_input(private_key, signed):
    with pytest.raises(ValueError):
        proof.sign_data_integrity(signed, private_key, VM, OPTIONS["created"])  # already has a proof
    with pytest.raises(ValueError):
        proof.sign_data_integrity(VECTOR["unsigned_credential"], private_key, VM, "2010-01-01 19:23:24")
    unsafe = {**VECTOR["unsigned_credential"], "notInAnyContext": 1}
    with pytest.raises(proof.CanonicalizationError) as err:
        proof.sign_data_integrity(unsafe, private_key, VM, OPTIONS["created"])
    assert err.value.code == "jsonld_dropped"


def test_round_trip_with_fresh_key_and_did_web():
    key = keys.generate_private_key()
    did = keys.did_web("rst.example.cn", "issuers/bureau-1")
    doc = copy.deepcopy(VECTOR["unsigned_credential"])
    doc["issuer"]["id"] = did
    signed = proof.sign_data_integrity(doc, key, f"{did}#key-1", "2024-05-01T08:00:00Z")
    did_doc = keys.did_document(did, [("key-1", keys.public_key_multibase(key), True)])
    assert proof.verify_data_integrity(signed, keys.key_resolver(did_doc)).ok


def test_oversized_documents_are_refused_before_canonicalisation(signed, resolver):
    doc = copy.deepcopy(signed)
    doc["name"] = "x" * (proof.MAX_DOCUMENT_CHARS + 1)
    assert proof.verify_data_integrity(doc, resolver).reasons == ("document_too_large",)


def test_canonicalisation_is_thread_safe():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(proof.canonicalize, [VECTOR["unsigned_credential"]] * 16))
    assert set(results) == {DOC_CANON}


@pytest.mark.parametrize("context", [5, [None], ["https://www.w3.org/ns/credentials/v2", {"@version": 2}]])
def test_malformed_json_ld_fails_closed(signed, resolver, context):
    doc = copy.deepcopy(signed)
    doc["@context"] = context
    result = proof.verify_data_integrity(doc, resolver)
    assert not result.ok
    assert set(result.reasons) <= {"jsonld_invalid", "context_not_pinned", "jsonld_dropped"}

"""The signing fast path (credentials.vc.canonical: one PyLD run per credential shape, then substitution and
RDFC-1.0) gives exactly PyLD's canonical N-Quads, hence exactly the signed bytes and proof, for generated
credentials: any unicode, quotes, backslashes and line breaks in names; optional parts present or not; equal
values where nodes merge; IRIs that expand, resolve or drop; blank nodes only n-degree hashing tells apart."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyld.jsonld import _is_absolute_iri as _pyld_is_absolute_iri

from credentials.vc import batch, canonical, keys, ob3, proof, rdfc
from credentials.vc.statuslist import status_entry

KEY = keys.private_key_from_bytes(bytes(range(32)))
DID = "did:web:rst.example.cn"
BASE = "https://rst.example.cn"
TRICKY = ["", '"', "\\", "\n", "\r\n", "\t", "<>", "_:b0", "@id", "a:b", "Profile", "name", "id", "ext:Occupation",
          "xsd:string", "https://x y", "http://", "车工\u2028", "\U0001f527", "\x00", "c14n0", " trailing "]
TEXT = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=("Cs",)), max_size=24))
PATH = st.text("abc019/#-", max_size=12)
IRI = st.one_of(
    st.uuids().map(lambda u: f"urn:uuid:{u}"),
    PATH.map(lambda path: f"https://rst.example.cn/{path}"),
    st.tuples(st.text("abcxyz", min_size=1, max_size=6), st.sampled_from(["", ".cn", "#key-1"])).map(
        lambda parts: f"did:web:{parts[0]}{parts[1]}"),
    st.sampled_from(["https:no-slashes", "ob:Thing", "cred:x", "schema:name", "relative/path", "HTTP://A.B/c"]),
    TEXT,
)
MOMENT = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 1, 1),
                      timezones=st.just(timezone(timedelta(hours=8))))
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def credentials(draw: st.DrawFn) -> dict:
    """A credential shaped like the registry's (digital_credentials.build_credential), drawn field by field;
    sometimes one value (any of them) is then replaced by a raw string: an IRI where text goes and so on."""
    name = draw(st.one_of(TEXT, st.just("车工 四级/中级工"))) or "车工"
    achievement = {
        "id": f"{BASE}/achievements/2022/{draw(PATH)}/4",
        "name": name, "description": draw(TEXT) or "-", "criteria_narrative": draw(TEXT) or "-",
        "occupation_code": draw(TEXT) or "6-18-01-01", "level_code": draw(st.sampled_from(["1", "4", "5", "x"])),
        "framework": draw(TEXT) or "大典", "human_code": draw(TEXT) or "车工·中级",
    }
    if draw(st.booleans()):
        achievement |= {"occupation_name": draw(TEXT), "level_name": draw(TEXT),
                        "achievement_type": draw(st.sampled_from(["Certificate", "License", "Certification"]))}
    issuer = {"id": DID, "name": draw(TEXT) or "中心"} | ({"url": BASE} if draw(st.booleans()) else {})
    salt = draw(st.binary(min_size=16, max_size=16)).hex()
    credential = ob3.build_open_badge_credential(
        credential_id=draw(IRI.filter(bool)), issuer=issuer, valid_from=draw(MOMENT),
        subject_identifier_hash=(salt, ob3.identity_hash(draw(TEXT), salt)), achievement=achievement,
        status_entry=status_entry(f"{BASE}/credentials/status/{draw(st.integers(1, 9))}", draw(st.integers(0, 131071)))
        if draw(st.booleans()) else None,
        valid_until=draw(MOMENT) if draw(st.booleans()) else None,
    )
    credential["awardedDate"] = credential["validFrom"]
    subject = credential["credentialSubject"]
    subject["licenseNumber"] = draw(TEXT)
    source = {"id": draw(st.one_of(st.just(DID), IRI)), "type": ["Profile"], "name": draw(st.one_of(st.just(name), TEXT)),
              "description": draw(TEXT)}
    if draw(st.booleans()):
        source["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": draw(TEXT),
                                      "identifierType": "ext:UnifiedSocialCreditCode"}]
    subject["source"] = source
    if draw(st.booleans()):
        _replace_one(credential, draw(st.integers(0, 200)), draw(st.one_of(IRI, TEXT)))
    return credential


def _replace_one(node: dict | list, index: int, value: str) -> None:
    """Replace the index-th string (modulo their number) outside contexts and types by `value`."""
    places = []

    def walk(parent: dict | list) -> None:
        for k, v in (parent.items() if isinstance(parent, dict) else enumerate(parent)):
            if k in ("@context", "type"):
                continue
            if isinstance(v, str):
                places.append((parent, k))
            elif isinstance(v, dict | list):
                walk(v)

    walk(node)
    parent, key = places[index % len(places)]
    parent[key] = value


def _outcome(canonicalize, document: dict) -> str:
    try:
        return canonicalize(document)
    except proof.CanonicalizationError as exc:
        return f"error {exc.code}"


def _reference_proof_value(document: dict, created: str, method: str) -> str:
    """The proof value from PyLD's canonicalisation alone (no templates)."""
    config = {"type": "DataIntegrityProof", "created": created, "verificationMethod": method,
              "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod", "@context": document["@context"]}
    data = b"".join(hashlib.sha256(canonical.canonicalize_with_pyld(d).encode()).digest() for d in (config, document))
    return "z" + keys.b58encode(KEY.sign(data))


@SETTINGS
@given(credentials())
def test_fast_canonical_nquads_equal_pyld(credential):
    expected = _outcome(canonical.canonicalize_with_pyld, credential)
    assert _outcome(canonical.canonicalize, credential) == expected
    assert _outcome(canonical.canonicalize, credential) == expected  # the second time from the cached template


@settings(max_examples=40, deadline=None)
@given(credentials(), MOMENT, st.sampled_from([f"{DID}#key-1", f"{DID}#key-20261207-0a1b2c3d"]))
@example(credential=None, created=datetime(2024, 5, 1, 8, tzinfo=UTC), method=f"{DID}#key-1")
def test_fast_proof_equals_pyld_proof(credential, created, method):
    credential = credential or _fixed()
    stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        signed = proof.sign_data_integrity(credential, KEY, method, stamp)
    except proof.CanonicalizationError as exc:
        assert _outcome(canonical.canonicalize_with_pyld, credential) == f"error {exc.code}"
        return
    assert signed["proof"][0]["proofValue"] == _reference_proof_value(credential, stamp, method)


def _fixed() -> dict:
    return ob3.build_open_badge_credential(
        credential_id="urn:uuid:6f1c9a52-8d34-4b7e-9a1e-2c5d7f0e3b11", issuer={"id": DID, "name": "中心"},
        valid_from=datetime.combine(date(2024, 5, 1), datetime.min.time(), UTC),
        subject_identifier_hash=("0" * 32, "sha256$" + "0" * 64),
        achievement={"id": f"{BASE}/a/1", "name": "车工", "description": "d", "criteria_narrative": "n",
                     "occupation_code": "6-18-01-01", "level_code": "4", "framework": "f", "human_code": "h"})


def test_blank_nodes_with_equal_first_degree_hashes_take_pyld_urdna2015():
    """Two identical alignments are two blank nodes nothing but n-degree hashing orders: the simple path
    declines (None) and the template's dataset goes through PyLD's URDNA2015."""
    credential = _fixed()
    alignments = credential["credentialSubject"]["achievement"]["alignment"]
    alignments[1] = copy.deepcopy(alignments[0])
    template_quads = _template_quads(credential)
    assert rdfc.canonical_when_simple(template_quads) is None
    assert canonical.canonicalize(credential) == canonical.canonicalize_with_pyld(credential)


def _template_quads(document: dict) -> list[tuple[str, ...]]:
    canonical.canonicalize(document)
    tokens: list[str] = []
    values: list[str] = []
    canonical._shape(document, "", tokens, values, canonical._all_terms())
    shape = json.dumps(tokens)
    pinned = canonical._pins[shape]
    return canonical._templates[(shape, tuple(values[n] for n in sorted(pinned)))].terms(values)


def test_values_pyld_would_expand_are_pinned_into_the_shape():
    """A relative IRI, a blank node id and a term name in IRI positions do not share a template with real
    IRIs: PyLD sees them, and the results still agree."""
    for odd in ("relative/path", "_:b0", "Profile", "ob:Thing"):
        credential = _fixed()
        credential["credentialSubject"]["achievement"]["id"] = odd
        assert _outcome(canonical.canonicalize, credential) == _outcome(canonical.canonicalize_with_pyld, credential)


V2 = ["https://www.w3.org/ns/credentials/v2"]


@pytest.mark.parametrize(("document", "code"), [
    ({"@context": ["https://example.org/not-pinned"], "name": "x"}, "context_not_pinned"),
    ({"@context": V2, "id": "urn:x:1", "undefinedTerm": "x"}, "jsonld_dropped"),
    ({"@context": V2, "id": "urn:x:1", "name": {"@value": "x", "@language": 5}}, "jsonld_invalid"),
    ({"@context": V2, "id": "urn:x:1", "name": {1, 2}}, None),  # not JSON: no shape, PyLD has the say
    ({"@context": [*V2, {"Thing": "https://example.org/Thing"}], "id": "urn:x:1", "type": "Thing",
      "url": "Thing"}, None),  # a context of its own: terms the shape does not know
])
def test_errors_are_pyld_errors(document, code):
    outcome = _outcome(canonical.canonicalize, document)
    assert outcome == _outcome(canonical.canonicalize_with_pyld, document)
    if code:
        assert outcome == f"error {code}"


@given(st.one_of(TEXT, IRI))
def test_the_shape_tells_absolute_iris_as_pyld_does(value):
    assert bool(canonical.ABSOLUTE_IRI.match(value)) == bool(_pyld_is_absolute_iri(value))


@given(st.binary(max_size=80))
def test_base58_of_any_bytes_reads_back(data):
    text = keys.b58encode(data)
    assert keys.b58decode(text) == data
    assert text == _b58_digit_by_digit(data)


def _b58_digit_by_digit(data: bytes) -> str:
    n, out = int.from_bytes(data, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def test_signing_on_two_processes_gives_the_same_documents_in_the_same_order():
    documents = []
    for number in range(2 * batch.CHUNK + 7):
        document = _fixed()
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-{number:012d}"
        document["name"] = f"证书 {number}"
        documents.append(document)
    method, created = f"{DID}#key-1", "2024-05-01T08:00:00Z"

    pooled = batch.sign_many(documents, KEY, method, created, processes=2)

    assert pooled == batch.sign_many(documents, KEY, method, created, processes=1)
    assert [d["name"] for d in pooled] == [d["name"] for d in documents]

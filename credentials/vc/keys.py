"""Ed25519 issuer keys as Multikey, did:web identifiers and DID documents.

Private keys leave this module only as 32 raw bytes that callers must store encrypted; the public half
is published as `publicKeyMultibase` (z + base58btc(0xed01 || raw key)).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

__all__ = [
    "b58encode", "b58decode", "generate_private_key", "public_key_multibase", "public_key_from_multibase",
    "private_key_to_bytes", "private_key_from_bytes", "did_web", "did_document", "key_resolver",
]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, varint-encoded


def b58encode(data: bytes) -> str:
    """Bitcoin-alphabet base58 (the `z` multibase)."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for c in text:
        if c not in _B58_INDEX:
            raise ValueError("invalid base58 character")
        n = n * 58 + _B58_INDEX[c]
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _public(key: Ed25519PrivateKey | Ed25519PublicKey) -> Ed25519PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key


def public_key_multibase(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    raw = _public(key).public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + b58encode(ED25519_PUB_PREFIX + raw)


def public_key_from_multibase(multibase: str) -> Ed25519PublicKey:
    """Parse an Ed25519 Multikey `publicKeyMultibase`; ValueError for anything else."""
    if not isinstance(multibase, str) or not multibase.startswith("z"):
        raise ValueError("publicKeyMultibase must be base58btc (z…)")
    data = b58decode(multibase[1:])
    if len(data) != 34 or not data.startswith(ED25519_PUB_PREFIX):
        raise ValueError("publicKeyMultibase is not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key_to_bytes(key: Ed25519PrivateKey) -> bytes:
    """The 32-byte seed. Encrypt it before storing (e.g. AES-GCM with a key from configuration)."""
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def private_key_from_bytes(data: bytes) -> Ed25519PrivateKey:
    """From a 32-byte seed, or the 64-byte seed || public key form some tools export (checked)."""
    if len(data) == 64:
        key = Ed25519PrivateKey.from_private_bytes(data[:32])
        if key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) != data[32:]:
            raise ValueError("64-byte Ed25519 key: public half does not match the seed")
        return key
    if len(data) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(data)


_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?")
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


def did_web(host: str, path: str | Iterable[str] | None = None) -> str:
    """`did:web:example.gov.cn`, with a port as %3A and path segments joined by `:`.

    `did:web:rst.example.cn:issuers:abc` resolves to https://rst.example.cn/issuers/abc/did.json.
    """
    host = host.strip().lower()
    if not _HOST.fullmatch(host):
        raise ValueError(f"did:web host must be a bare (ASCII/punycode) host name, got {host!r}")
    segments = [s for s in (path.split("/") if isinstance(path, str) else path or []) if s]
    for s in segments:
        if not _SEGMENT.fullmatch(s):
            raise ValueError(f"did:web path segment {s!r} must be of [A-Za-z0-9._~-]")
    return ":".join(["did:web", quote(host, safe=""), *segments])


def did_document(did: str, keys: Iterable[tuple[str, str, bool]]) -> dict[str, Any]:
    """DID document listing every key as a Multikey under `assertionMethod`.

    `keys` are (key_id, publicKeyMultibase, active); key_id is a fragment ("key-1") or an absolute id.
    Active keys come first; retired keys stay listed so credentials they signed still verify. Remove a
    key only if it was compromised: everything it signed then stops verifying, as it should.
    """
    methods = []
    for key_id, multibase, _active in sorted(keys, key=lambda k: not k[2]):
        public_key_from_multibase(multibase)  # refuse to publish something unparseable
        vm_id = key_id if ":" in key_id else f"{did}#{key_id.lstrip('#')}"
        methods.append({"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase})
    if len({m["id"] for m in methods}) != len(methods):
        raise ValueError("duplicate key id in DID document")
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def key_resolver(methods: Mapping[str, Any]) -> Callable[[str], Ed25519PublicKey | None]:
    """A `resolve_key` for the verifiers, from {verification method id: publicKeyMultibase} or a DID document.

    With a DID document only keys listed under assertionMethod resolve.
    """
    table: dict[str, str]
    if "verificationMethod" in methods:
        allowed = set(methods.get("assertionMethod", []))
        vms = methods["verificationMethod"]
        table = {m["id"]: m["publicKeyMultibase"] for m in vms if m["id"] in allowed}
    else:
        table = dict(methods)

    def resolve(verification_method: str) -> Ed25519PublicKey | None:
        multibase = table.get(verification_method)
        return public_key_from_multibase(multibase) if multibase else None

    return resolve

"""Ed25519 issuer keys as Multikey and JWK, did:web identifiers and DID documents.

Private keys leave this module only as 32 raw bytes that callers must store encrypted; the public half
is published twice in the DID document: as a `Multikey` (`publicKeyMultibase`, z + base58btc(0xed01 ||
raw key)), which Data Integrity proofs name, and as a `JsonWebKey` (`publicKeyJwk`, OKP/Ed25519), which
VC-JOSE-COSE requires of the key a JWT's `kid` names.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

__all__ = [
    "b58encode", "b58decode", "generate_private_key", "public_key_multibase", "public_key_from_multibase",
    "private_key_to_bytes", "private_key_from_bytes", "public_key_jwk", "public_key_from_jwk", "jwk_method_id",
    "did_web", "did_document", "key_resolver",
]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_B58_CHUNK = 58**10
_B58_PAIRS = [high + low for high in _B58 for low in _B58]  # 58**2 two-digit strings
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, varint-encoded
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1",
                "https://w3id.org/security/jwk/v1"]
JWK_SUFFIX = "-jwk"  # the JsonWebKey twin of verification method `#key-1` is `#key-1-jwk`


def b58encode(data: bytes) -> str:
    """Bitcoin-alphabet base58 (the `z` multibase)."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, chunk = divmod(n, _B58_CHUNK)  # ten digits per big-integer division: a signature is 88 digits
        for _ in range(5):  # two digits per small division (a signature is signed for every credential)
            chunk, pair = divmod(chunk, 3364)
            out.append(_B58_PAIRS[pair])
    digits = "".join(reversed(out)).lstrip("1")  # the last chunk's leading zero digits
    return "1" * zeros + digits


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


def public_key_jwk(key: Ed25519PrivateKey | Ed25519PublicKey) -> dict[str, str]:
    """The public key as a JWK (RFC 8037): {"kty": "OKP", "crv": "Ed25519", "x": base64url(raw key)}."""
    raw = _public(key).public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")}


def public_key_from_jwk(jwk: object) -> Ed25519PublicKey:
    """Parse a public Ed25519 JWK; ValueError for anything else (a JWK carrying a private `d` included)."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" in jwk:
        raise ValueError("publicKeyJwk must be a public OKP Ed25519 key")
    x = jwk.get("x")
    if not isinstance(x, str) or not re.fullmatch(r"[A-Za-z0-9_-]{43}", x):
        raise ValueError("publicKeyJwk x must be 32 bytes, base64url without padding")
    try:
        raw = base64.urlsafe_b64decode(x + "=")
    except (binascii.Error, ValueError):
        raise ValueError("publicKeyJwk x is not base64url") from None
    return Ed25519PublicKey.from_public_bytes(raw)


def jwk_method_id(method_id: str) -> str:
    """The id of the JsonWebKey verification method published beside Multikey `method_id`."""
    return method_id + JWK_SUFFIX


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
    did:web names a domain, never an IP address (serve development at `localhost`, not 127.0.0.1).
    """
    host = host.strip().lower()
    if not _HOST.fullmatch(host):
        raise ValueError(f"did:web host must be a bare (ASCII/punycode) host name, got {host!r}")
    try:
        ipaddress.ip_address(host.rsplit(":", 1)[0])
    except ValueError:
        pass
    else:
        raise ValueError(f"did:web forbids IP addresses, got {host!r}: use a host name (localhost in development)")
    segments = [s for s in (path.split("/") if isinstance(path, str) else path or []) if s]
    for s in segments:
        if not _SEGMENT.fullmatch(s):
            raise ValueError(f"did:web path segment {s!r} must be of [A-Za-z0-9._~-]")
    return ":".join(["did:web", quote(host, safe=""), *segments])


def did_document(did: str, keys: Iterable[tuple[str, str, bool]]) -> dict[str, Any]:
    """DID document listing every key under `assertionMethod`, each twice: Multikey and JsonWebKey.

    `keys` are (key_id, publicKeyMultibase, active); key_id is a fragment ("key-1") or an absolute id.
    The Multikey `#key-1` is what Data Integrity proofs name; its JsonWebKey twin `#key-1-jwk` is what a
    VC-JOSE JWT's `kid` names. Active keys come first; retired keys stay listed so credentials they signed
    still verify. Remove a key only if it was compromised: everything it signed then stops verifying.
    """
    methods: list[dict[str, Any]] = []
    for key_id, multibase, _active in sorted(keys, key=lambda k: not k[2]):
        public = public_key_from_multibase(multibase)  # refuse to publish something unparseable
        vm_id = key_id if ":" in key_id else f"{did}#{key_id.lstrip('#')}"
        methods.append({"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase})
        methods.append({"id": jwk_method_id(vm_id), "type": "JsonWebKey", "controller": did,
                        "publicKeyJwk": public_key_jwk(public)})
    if len({m["id"] for m in methods}) != len(methods):
        raise ValueError("duplicate key id in DID document")
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def _method_key(method: Mapping[str, Any]) -> Ed25519PublicKey:
    if "publicKeyMultibase" in method:
        return public_key_from_multibase(method["publicKeyMultibase"])
    return public_key_from_jwk(method.get("publicKeyJwk"))


def key_resolver(methods: Mapping[str, Any]) -> Callable[[str], Ed25519PublicKey | None]:
    """A `resolve_key` for the verifiers, from {verification method id: publicKeyMultibase} or a DID document.

    With a DID document only keys listed under assertionMethod resolve, whether published as Multikey or
    as JsonWebKey; a malformed one raises ValueError (the verifiers then report an unknown key).
    """
    table: dict[str, Mapping[str, Any]]
    if "verificationMethod" in methods:
        allowed = set(methods.get("assertionMethod", []))
        vms = methods["verificationMethod"]
        table = {m["id"]: m for m in vms if isinstance(m, Mapping) and m.get("id") in allowed}
    else:
        table = {vm: {"publicKeyMultibase": multibase} for vm, multibase in methods.items()}

    def resolve(verification_method: str) -> Ed25519PublicKey | None:
        method = table.get(verification_method)
        return _method_key(method) if method else None

    return resolve

"""The registry's signing keys: created on first use, sealed at rest, rotated without breaking anything.

A rotation retires the active key and creates a new one; retired keys stay in the DID document, so every
credential they signed still verifies. Only a compromised key should ever leave the document (by hand).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import IssuerKey, User, utcnow
from ..vc import keys as vc_keys
from .audit import record

__all__ = ["KeySealer", "SealingError", "active_issuer_key", "rotate_issuer_key", "published_keys",
           "did_document_for", "signing_key"]

_KEK_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class SealingError(ValueError):
    """A sealed private key that is malformed, names an unknown key-encryption key or fails authentication."""


class KeySealer:
    """AES-256-GCM for private signing keys: `v1.<kek_id>.<base64url(nonce || ciphertext+tag)>`.

    Built like `identity.IdCipher` (key-encryption keys by id, so they rotate without a flag day); the
    issuer key's own id is bound in as associated data, so a sealed key copied onto another row fails.
    """

    VERSION = "v1"

    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        for kek_id, key in keys.items():
            if not _KEK_ID.fullmatch(kek_id) or not isinstance(key, bytes) or len(key) != 32:
                raise ValueError(f"key-encryption key {kek_id!r}: id of [A-Za-z0-9_-], 32 bytes")
        if current not in keys:
            raise ValueError(f"current key-encryption key {current!r} is not among the keys")
        self._aead = {kek_id: AESGCM(key) for kek_id, key in keys.items()}
        self.current = current

    def _aad(self, kek_id: str, key_id: str) -> bytes:
        return f"{self.VERSION}.{kek_id}.{key_id}".encode("ascii")

    def seal(self, private_key: bytes, *, key_id: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead[self.current].encrypt(nonce, private_key, self._aad(self.current, key_id))
        body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
        return f"{self.VERSION}.{self.current}.{body}"

    def open(self, token: str, *, key_id: str) -> bytes:
        parts = token.split(".") if isinstance(token, str) else []
        if len(parts) != 3 or parts[0] != self.VERSION:
            raise SealingError("malformed sealed key")
        kek_id, body = parts[1], parts[2]
        if kek_id not in self._aead:
            raise SealingError(f"sealed under unknown key-encryption key {kek_id!r}")
        try:
            blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            blob = b""
        if len(blob) < 12 + 16:
            raise SealingError("malformed sealed key")
        try:
            return self._aead[kek_id].decrypt(blob[:12], blob[12:], self._aad(kek_id, key_id))
        except InvalidTag:
            raise SealingError("sealed key failed authentication") from None


def _new_key(session: Session, sealer: KeySealer, now: datetime) -> IssuerKey:
    private = vc_keys.generate_private_key()
    multibase = vc_keys.public_key_multibase(private)
    # The date says when it was made; the digest keeps ids unique and ties them to the public key.
    key_id = f"key-{now:%Y%m%d}-{hashlib.sha256(multibase.encode()).hexdigest()[:8]}"
    return IssuerKey(key_id=key_id, public_key_multibase=multibase, is_active=True, created_at=now,
                     private_key_sealed=sealer.seal(vc_keys.private_key_to_bytes(private), key_id=key_id))


def _active(session: Session) -> IssuerKey | None:
    return session.scalar(select(IssuerKey).where(IssuerKey.is_active.is_(True)))


def active_issuer_key(session: Session, sealer: KeySealer, *, by: User | None = None) -> IssuerKey:
    """The key that signs now; the first call on an empty registry creates it."""
    key = _active(session)
    if key is not None:
        return key
    key = _new_key(session, sealer, utcnow())
    try:
        with session.begin_nested():  # another process may create the first key at the same moment
            session.add(key)
    except IntegrityError:
        winner = _active(session)
        if winner is None:
            raise
        return winner
    record(session, actor=by, action="issuer_key.created", entity_type="issuer_key", entity_id=key.key_id,
           after={"key_id": key.key_id, "public_key_multibase": key.public_key_multibase})
    return key


def rotate_issuer_key(
    session: Session, sealer: KeySealer, *, by: User | None,
) -> tuple[IssuerKey | None, IssuerKey]:
    """Retire the active key (if any) and make a new one active: (retired, new)."""
    now = utcnow()
    retired = _active(session)
    if retired is not None:
        retired.is_active, retired.retired_at = False, now
        session.flush()  # the one-active-key index must see the old key retired first
    key = _new_key(session, sealer, now)
    session.add(key)
    session.flush()
    record(session, actor=by, action="issuer_key.rotated", entity_type="issuer_key", entity_id=key.key_id,
           before={"key_id": retired.key_id} if retired else None,
           after={"key_id": key.key_id, "public_key_multibase": key.public_key_multibase})
    return retired, key


def published_keys(session: Session) -> list[IssuerKey]:
    """Every key the DID document lists: the active one first, then retired ones, newest first."""
    return list(session.scalars(
        select(IssuerKey)
        .order_by(IssuerKey.is_active.desc(), IssuerKey.created_at.desc(), IssuerKey.id.desc())
    ))


def did_document_for(session: Session, did: str) -> dict[str, Any]:
    return vc_keys.did_document(
        did, [(k.key_id, k.public_key_multibase, k.is_active) for k in published_keys(session)]
    )


def signing_key(key: IssuerKey, sealer: KeySealer) -> Ed25519PrivateKey:
    """Unseal the private key, refusing one whose public half differs from what is published."""
    private = vc_keys.private_key_from_bytes(sealer.open(key.private_key_sealed, key_id=key.key_id))
    if vc_keys.public_key_multibase(private) != key.public_key_multibase:
        raise SealingError(f"issuer key {key.key_id}: private key does not match the published public key")
    return private

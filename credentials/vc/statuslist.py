"""W3C Bitstring Status List v1.0: revocation (or suspension) bits published as a credential.

Bit `i` is the (i mod 8)-th most significant bit of byte i // 8 (index 0 is the left-most bit).
`encodedList` = "u" + base64url (no padding) of the GZIP-compressed bitstring. A list holds at least
131,072 entries (16 KB) so that one credential's check does not single out its holder (herd privacy).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from datetime import UTC, datetime
from typing import Any

from .contexts import CREDENTIALS_V2

__all__ = ["MIN_SIZE", "PURPOSES", "StatusList", "status_list_credential", "status_entry", "read_status"]

MIN_SIZE = 131_072
MAX_SIZE = 16 * 1024 * 1024 * 8  # a decoded list above 16 MiB is refused (GZIP bomb guard)
PURPOSES = ("revocation", "suspension")


class StatusList:
    def __init__(self, size: int = MIN_SIZE, *, bits: bytes | None = None) -> None:
        if type(size) is not int or not MIN_SIZE <= size <= MAX_SIZE or size % 8:
            raise ValueError(f"size must be a multiple of 8 in {MIN_SIZE}..{MAX_SIZE}")
        if bits is not None and len(bits) * 8 != size:
            raise ValueError("bits do not match size")
        self.size = size
        self._bits = bytearray(bits) if bits is not None else bytearray(size // 8)

    def _check(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise IndexError(f"status index must be in 0..{self.size - 1}")

    def get(self, index: int) -> bool:
        self._check(index)
        return bool(self._bits[index // 8] & (0x80 >> (index % 8)))

    def set(self, index: int, value: bool = True) -> None:
        self._check(index)
        mask = 0x80 >> (index % 8)
        if value:
            self._bits[index // 8] |= mask
        else:
            self._bits[index // 8] &= ~mask & 0xFF

    def count(self) -> int:
        return sum(bin(b).count("1") for b in self._bits)

    def encode(self) -> str:
        packed = gzip.compress(bytes(self._bits), mtime=0)  # mtime=0: same bits, same string
        return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, encoded: object) -> StatusList:
        """Parse an `encodedList`; ValueError for anything malformed or too large."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise ValueError("encodedList must be multibase base64url (u…)")
        body = encoded[1:]
        try:
            packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            raise ValueError("encodedList is not base64url") from None
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing
        try:
            bits = inflater.decompress(packed, MAX_SIZE // 8 + 1)
        except zlib.error:
            raise ValueError("encodedList is not GZIP data") from None
        if len(bits) > MAX_SIZE // 8 or inflater.unconsumed_tail:
            raise ValueError("encodedList expands beyond the size limit")
        if not inflater.eof:
            raise ValueError("encodedList is truncated")
        return cls(len(bits) * 8, bits=bits)


def _timestamp(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError("valid_from must be timezone-aware")
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"statusPurpose must be one of {PURPOSES}")
    return purpose


def status_list_credential(
    id: str, issuer: str | dict[str, Any], encoded_list: str, purpose: str = "revocation",
    valid_from: datetime | str | None = None, valid_until: datetime | str | None = None,
) -> dict[str, Any]:
    """Unsigned BitstringStatusListCredential (sign it with proof.sign_data_integrity or jose.sign_vc_jwt)."""
    StatusList.decode(encoded_list)  # refuse to publish a list verifiers cannot read
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _timestamp(valid_from or datetime.now(UTC)),
    }
    if valid_until is not None:
        credential["validUntil"] = _timestamp(valid_until)
    credential["credentialSubject"] = {
        "id": f"{id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": _purpose(purpose),
        "encodedList": encoded_list,
    }
    return credential


def status_entry(list_credential_url: str, index: int, purpose: str = "revocation") -> dict[str, str]:
    """The `credentialStatus` of one credential: its bit in a published list."""
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError("status list index must be a non-negative integer")
    return {
        "id": f"{list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": _purpose(purpose),
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }


def read_status(entry: dict[str, Any], list_credential: dict[str, Any]) -> bool:
    """True if the entry's bit is set. The list credential's own proof must be verified beforehand.

    ValueError if the entry does not point at this list or the purposes differ (fail closed).
    """
    subject = list_credential.get("credentialSubject") or {}
    if entry.get("type") != "BitstringStatusListEntry":
        raise ValueError("not a BitstringStatusListEntry")
    if entry.get("statusListCredential") != list_credential.get("id"):
        raise ValueError("entry points at another status list")
    if entry.get("statusPurpose") != subject.get("statusPurpose"):
        raise ValueError("status purpose differs from the list's")
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not index.isascii() or not index.isdigit():
        raise ValueError("statusListIndex must be a decimal string")
    try:
        return StatusList.decode(subject.get("encodedList")).get(int(index))
    except IndexError:
        raise ValueError("statusListIndex is beyond the list") from None

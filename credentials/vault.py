"""Keys for personal data: the blind index and the cipher of national ID numbers, held together."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from .identity import IdCipher, NationalId, blind_indexer, mask_national_id, parse_national_id


@dataclass(frozen=True)
class SealedId:
    hash: str
    ciphertext: str
    masked: str
    parsed: NationalId


class PersonalDataVault:
    def __init__(self, hash_key: bytes, encryption_keys: dict[str, bytes], current_key_id: str) -> None:
        self._hash_key = hash_key
        self._cipher = IdCipher(encryption_keys, current_key_id)

    def index(self, raw_number: str) -> str:
        """Blind index of a national ID (InvalidNationalId for a malformed one: blind_index parses it)."""
        return self._indexer(raw_number)

    @cached_property
    def _indexer(self) -> Callable[[str], str]:
        """Keyed on first use (a key too short fails there, as it always has, not when the app starts)."""
        return blind_indexer(self._hash_key)

    def seal(self, raw_number: str) -> SealedId:
        parsed = parse_national_id(raw_number)
        return SealedId(
            hash=self._indexer(parsed.number),
            ciphertext=self._cipher.encrypt(parsed.number),
            masked=mask_national_id(parsed.number),
            parsed=parsed,
        )

    def keyed_digest(self, purpose: str, text: str) -> str:
        """A keyed hash of any text (e.g. what was typed as an account name, with the client's address): it
        can be matched later, and it cannot be reversed by trying the few billion possible ID numbers."""
        return hmac.new(self._hash_key, f"{purpose}|{text}".encode(), hashlib.sha256).hexdigest()

    def reveal(self, ciphertext: str) -> str:
        return self._cipher.decrypt(ciphertext)

    def seal_secret(self, purpose: str, secret: str) -> str:
        """Seal a short ASCII secret other than an ID number, bound to `purpose` (e.g. the row it belongs to):
        it opens only with `open_secret` and the same purpose."""
        return self._cipher.seal_secret(secret, context=f"secret|{purpose}".encode())

    def open_secret(self, purpose: str, sealed: str) -> str:
        """The secret `seal_secret` sealed for `purpose`; DecryptionError if it was sealed for another."""
        return self._cipher.decrypt(sealed, context=f"secret|{purpose}".encode())

    def seal_text(self, purpose: str, text: str) -> bytes:
        """Any text (a name or an ID number typed into a search), sealed like a file and bound to `purpose`
        (e.g. the user it is for): it opens only with `open_text` and the same purpose."""
        return self._cipher.seal_bytes(text.encode("utf-8"), context=f"text|{purpose}".encode())

    def open_text(self, purpose: str, sealed: bytes) -> str:
        """What `seal_text` sealed for `purpose`; DecryptionError if it was sealed for another or altered."""
        return self._cipher.open_bytes(sealed, context=f"text|{purpose}".encode()).decode("utf-8")

    @property
    def current_key_id(self) -> str:
        """The key new seals use: a sealed file under another key is re-sealed by `flask imports seal`."""
        return self._cipher.current

    def seal_file(self, owner: str, content: bytes) -> bytes:
        """A file that holds ID numbers (an import upload), sealed under the ID key set and bound to `owner`
        (e.g. "import_job|12"): it opens only with `open_file` and the same owner."""
        return self._cipher.seal_bytes(content, context=f"file|{owner}".encode())

    def open_file(self, owner: str, sealed: bytes) -> bytes:
        return self._cipher.open_bytes(sealed, context=f"file|{owner}".encode())

    def file_key_id(self, sealed: bytes) -> str:
        return self._cipher.sealed_key_id(sealed)

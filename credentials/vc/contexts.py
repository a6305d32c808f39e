"""Pinned JSON-LD contexts and a document loader that never touches the network.

Every context a credential may name is vendored in `contexts/` (see its README for provenance) and
served from there; any other URL raises `ContextNotPinned`. Each call hands out a deep copy, so a
caller cannot alter the pinned data.
"""

from __future__ import annotations

import copy
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "CREDENTIALS_V2", "OB_V3P0", "STATUS_LIST_V1", "PINNED", "ContextNotPinned", "load_context",
    "document_loader",
]

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"
_DIR = Path(__file__).resolve().parent / "contexts"

# URL → (file in contexts/, SHA-256 of that file): a changed file fails loudly instead of silently
# changing what every signature covers.
PINNED: dict[str, tuple[str, str]] = {
    CREDENTIALS_V2: (
        "credentials-v2.json", "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f"),
    OB_V3P0: (
        "ob-v3p0-context-3.0.3.json", "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"),
    STATUS_LIST_V1: (
        "bitstring-status-list-v1.json", "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c"),
}


class ContextNotPinned(LookupError):
    """A JSON-LD document named a context URL that is not vendored (no network fetch is ever made)."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(f"JSON-LD context not pinned: {url!r}")


@cache
def _raw(url: str) -> dict[str, Any]:
    entry = PINNED.get(url)
    if entry is None:
        raise ContextNotPinned(url)
    filename, digest = entry
    data = (_DIR / filename).read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise RuntimeError(f"pinned context {filename} does not match its recorded SHA-256")
    document: dict[str, Any] = json.loads(data)
    return document


def load_context(url: str) -> dict[str, Any]:
    """The pinned context document for `url` (a fresh copy)."""
    return copy.deepcopy(_raw(url))


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld-compatible loader: serves only the pinned contexts, raises ContextNotPinned otherwise.

    Tagged "static": pyld keeps a resolved context in its shared cache only when the loader tags it, and a
    pinned context never changes (its SHA-256 is checked), so it is resolved once per cache, not per call."""
    return {"contextUrl": None, "documentUrl": url, "document": load_context(url), "tag": "static"}

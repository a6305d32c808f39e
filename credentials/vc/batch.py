"""Sign many documents with one key at one moment, on several processes when asked.

Canonicalisation is pure Python, so one process signs on one core. A batch is cut into chunks that worker
processes sign with `proof.sign_data_integrity`, exactly as one process would (the result is the same, in
the same order). Workers are forked: they start at once with whatever the parent has cached (contexts,
credential shapes) and get the private key by inheritance, never through a pipe; they compute and return
documents only and touch nothing else they inherit (database connections stay the parent's).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .proof import sign_data_integrity

__all__ = ["sign_many"]

CHUNK = 50  # documents per task: big enough that the round trip is cheap, small enough to share the work
_worker: dict[str, Any] = {}  # what a forked worker signs with


def _start_worker(private_key: Ed25519PrivateKey, verification_method: str, created: str) -> None:
    _worker.update(key=private_key, method=verification_method, created=created)


def _sign_chunk(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # The chunk is this worker's own unpickled copy, and pickled again on the way back: nothing to copy.
    return [sign_data_integrity(document, _worker["key"], _worker["method"], _worker["created"], deep_copy=False)
            for document in documents]


def sign_many(documents: Iterable[dict[str, Any]], private_key: Ed25519PrivateKey, verification_method: str,
              created: str, *, processes: int = 1, owned: bool = False) -> list[dict[str, Any]]:
    """`sign_data_integrity` of every document, in order; on `processes` forked workers when there is more
    than a chunk for each (Linux and the like: where fork is not available, in this process).

    `owned`: the documents were built to be signed and are used for nothing else, so a signed document shares
    their nested values rather than copying them; in this process, a generator of them is then drawn one
    document at a time, so a batch holds each credential once, not an unsigned and a signed copy of it."""
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [sign_data_integrity(document, private_key, verification_method, created, deep_copy=not owned)
                for document in documents]
    documents = list(documents)
    if len(documents) < 2 * CHUNK:
        return sign_many(documents, private_key, verification_method, created, owned=owned)
    sign_data_integrity(documents[0], private_key, verification_method, created)  # workers inherit the shape
    chunks = [list(documents[start:start + CHUNK]) for start in range(0, len(documents), CHUNK)]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                             initargs=(private_key, verification_method, created)) as pool:
        return [signed for chunk in pool.map(_sign_chunk, chunks) for signed in chunk]

"""RDFC-1.0 (the W3C RDF Dataset Canonicalization, = URDNA2015) in its simple case, on quads as N-Quads terms.

When every blank node of a dataset has its own first-degree hash, the algorithm names each c14n<n> in the
order of those hashes and needs nothing else (§4.4.3 steps 3-5; step 5's n-degree hashing is for ties). This
is that case, byte for byte as PyLD's URDNA2015 writes it; a tie returns None and PyLD does the rest. A quad is
a tuple of N-Quads terms: `<iri>`, `"literal"…`, `_:label` (subject, predicate, object, and the graph unless
it is the default one); every term that starts with `_:` is a blank node.
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["canonical_when_simple", "first_degree_labels", "line", "relabel"]


def line(quad: tuple[str, ...], labels: dict[str, str]) -> str:
    """The quad in N-Quads, blank nodes renamed by `labels`."""
    return " ".join([labels.get(term, term) for term in quad]) + " .\n"


def canonical_when_simple(quads: list[tuple[str, ...]]) -> str | None:
    """RDFC-1.0 when every blank node has its own first-degree hash (§4.4.3 steps 3-5, then 6): each is named
    c14n<n> in the order of its hash, and the quads are sorted. None when two hashes are equal: that needs
    the n-degree hashing PyLD's URDNA2015 does. (Predicates are never blank nodes: no generalized RDF.)"""
    mentions: dict[str, list[tuple[str, ...]]] = {}
    for quad in quads:
        for term in dict.fromkeys(t for t in quad if t[:2] == "_:"):
            mentions.setdefault(term, []).append(quad)
    hashes = {}
    for node, its_quads in mentions.items():
        labels = first_degree_labels(node, its_quads)
        lines = sorted([line(quad, labels) for quad in its_quads])
        hashes[hashlib.sha256("".join(lines).encode()).hexdigest()] = node
    return relabel(quads, hashes, len(mentions))


def first_degree_labels(node: str, quads: list[tuple[Any, ...]]) -> dict[str, str]:
    """Hash First Degree Quads (§4.6): the reference blank node is _:a, every other one _:z."""
    labels = {t: "_:z" for quad in quads for t in quad if isinstance(t, str) and t[:2] == "_:"}
    labels[node] = "_:a"
    return labels


def relabel(quads: list[tuple[str, ...]], hashes: dict[str, str], blank_nodes: int) -> str | None:
    """The canonical N-Quads: blank nodes named c14n<n> in the order of their first-degree hashes; None when
    two share a hash (`hashes` then holds fewer than `blank_nodes`)."""
    if len(hashes) != blank_nodes:
        return None
    labels = {hashes[h]: f"_:c14n{n}" for n, h in enumerate(sorted(hashes))}
    return "".join(sorted([line(quad, labels) for quad in quads]))

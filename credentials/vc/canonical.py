"""RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document: PyLD's, byte for byte, at signing speed.

PyLD spends ~10 ms a credential turning JSON-LD into RDF (context processing, expansion, node map); the
canonicalisation proper takes a fraction of that. Every credential the registry signs has the same *shape*
(keys, nesting, list lengths, `type` values, contexts) and differs only in strings. So PyLD turns each shape
into RDF once, with a unique placeholder in every string, and each document's dataset is that template with
its own strings put back; PyLD's own URDNA2015 then canonicalises it. The substitution is exact because in
JSON-LD to RDF (PyLD's code, read for this):

- a string in a literal position becomes the literal's lexical form unchanged, whatever it holds (datatype
  and language come from the term definition, i.e. from the shape);
- a string in an IRI position (`id`, `@id`-typed terms) is expanded by its prefix (before the first colon),
  whether the rest starts with `//`, whether it is a term, and whether it is an absolute IRI. A slot is
  reused only for absolute IRIs whose prefix and `//` match the placeholder that expanded to itself, that
  are not the name of any term of the pinned contexts; anything else is "pinned": its real value becomes part
  of the shape, so PyLD sees it;
- a placeholder found anywhere but as a whole literal or IRI value (vocabulary-expanded, resolved against a
  base, a language tag, dropped, part of a JSON literal) is pinned the same way;
- equal values merge nodes and drop duplicate quads in PyLD's node map; the template's quads are deduplicated
  the same way, and canonicalisation does not depend on the order of the quads.

A document the template cannot serve (a context of its own rather than pinned URLs, a key not in a context, a
non-JSON value) goes through PyLD whole, so errors are PyLD's. When two blank nodes share a first-degree
hash, PyLD's URDNA2015 canonicalises the template's dataset (n-degree hashing); otherwise `_rdfc_when_simple`
does the algorithm's simple case itself (`rdfc`). tests/credentials/vc/test_vc_fast_path.py checks all of it against
PyLD on generated credentials.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import secrets
import threading
from typing import Any

from cachetools import LRUCache
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError, JsonLdProcessor
from pyld.nquads import RDF_LANGSTRING, XSD_STRING, escape

from . import rdfc
from .contexts import PINNED, ContextNotPinned, document_loader, load_context

__all__ = ["CanonicalizationError", "canonicalize", "canonicalize_with_pyld"]

_NQUADS = {"format": "application/n-quads"}
# PyLD's own test for an absolute IRI (jsonld._is_absolute_iri), compiled once: the shape calls it per string.
ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
MAX_BUILDS = 4  # PyLD runs to settle which slots are pinned (one, or two when a pin changes a context)
_CONSTANT_KEYS = frozenset({"type"})  # `type` values choose type-scoped contexts: part of the shape
_lock = threading.Lock()
_local = threading.local()  # per-thread PyLD context cache, ours alone: PyLD's global one is shared
_pins: LRUCache[str, frozenset[int]] = LRUCache(maxsize=256)  # shape -> slots that must stay real
_templates: LRUCache[tuple[str, tuple[str, ...]], _Template] = LRUCache(maxsize=256)  # (shape, pinned values) -> template


class CanonicalizationError(ValueError):
    """The document cannot be canonicalised safely.

    `code` is context_not_pinned, jsonld_dropped or jsonld_invalid."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        super().__init__(f"{code}: {detail}")


class _Dropped(Exception):
    pass


class _Unshaped(Exception):
    """Not plain JSON: left to PyLD, which reports it."""


def _on_dropped(term: str | None) -> None:
    raise _Dropped(term)


def _pyld_options() -> dict[str, Any]:
    if not hasattr(_local, "cache"):
        _local.cache = LRUCache(maxsize=32)  # context URL (or canonical JSON) -> {tag: resolved context}
    return {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader,
            "contextResolver": ContextResolver(_local.cache, document_loader)}


def _pyld(operation: str, document: dict[str, Any]) -> Any:
    """PyLD's `normalize` or `to_rdf` in safe mode (a property JSON-LD would drop is an error), offline."""
    options = _pyld_options()
    processor = JsonLdProcessor(on_property_dropped=_on_dropped)
    try:
        if operation == "to_rdf":
            del options["format"]
            return processor.to_rdf(copy.deepcopy(document), options)
        return processor.normalize(copy.deepcopy(document), options)
    except _Dropped as exc:
        raise CanonicalizationError("jsonld_dropped", f"term {exc.args[0]!r} is not defined by any context") from None
    except JsonLdError as exc:
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, ContextNotPinned):
                raise CanonicalizationError("context_not_pinned", cause.url) from None
            if isinstance(cause, _Dropped):
                raise CanonicalizationError("jsonld_dropped", repr(cause.args[0])) from None
            cause = cause.__cause__
        raise CanonicalizationError("jsonld_invalid", str(exc)) from None


def canonicalize_with_pyld(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads by PyLD alone (the reference the fast path is tested against)."""
    canonical: str = _pyld("normalize", document)
    return canonical


def _collect_terms(node: Any, into: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            into.add(key)
            _collect_terms(value, into)
    elif isinstance(node, list):
        for item in node:
            _collect_terms(item, into)


def _all_terms() -> frozenset[str]:
    """Every key anywhere in the pinned contexts: a superset of the terms a value could be mistaken for."""
    if not hasattr(_all_terms, "value"):
        terms: set[str] = set()
        for url in PINNED:
            _collect_terms(load_context(url), terms)
        _all_terms.value = frozenset(terms)  # type: ignore[attr-defined]
    value: frozenset[str] = _all_terms.value  # type: ignore[attr-defined]
    return value


def _shape(node: Any, key: str, tokens: list[str], values: list[str], terms: frozenset[str]) -> None:
    """Append the document's shape to `tokens` and its slot strings to `values`: every string but contexts,
    keywords, `type` values and term names is a slot, recorded with what decides its IRI expansion. Contexts
    must be URLs (pinned ones, whose terms `_all_terms` knows): a document with a context of its own is not
    shaped."""
    if isinstance(node, str):
        if key in _CONSTANT_KEYS or key[:1] == "@" or node in terms:
            tokens.append("c" + node)
            return
        values.append(node)
        if node[:1] != "_" and ABSOLUTE_IRI.match(node):
            prefix, _, rest = node.partition(":")
            tokens.append(f"i{prefix}:{rest[:2] == '//'}")
        else:
            tokens.append("t")
    elif isinstance(node, dict):
        tokens.append("{")
        for k, v in node.items():
            if not isinstance(k, str):
                raise _Unshaped
            tokens.append("k" + k)
            if k == "@context":
                if not all(isinstance(url, str) for url in (v if isinstance(v, list) else [v])):
                    raise _Unshaped  # its terms are not among the pinned contexts' ones the shape knows
                tokens.append("x" + repr(v))
            else:
                _shape(v, k, tokens, values, terms)
        tokens.append("}")
    elif isinstance(node, list):
        tokens.append("[")
        for item in node:
            _shape(item, key, tokens, values, terms)
        tokens.append("]")
    elif node is None or isinstance(node, bool | int | float):
        tokens.append(f"v{type(node).__name__}:{node!r}")
    else:
        raise _Unshaped


def _fill(node: Any, key: str, values: list[str], terms: frozenset[str], position: list[int]) -> Any:
    """`node` with its slots (in `_shape`'s order) replaced by `values`."""
    if isinstance(node, str):
        if key in _CONSTANT_KEYS or key.startswith("@") or node in terms:
            return node
        position[0] += 1
        return values[position[0] - 1]
    if isinstance(node, dict):
        return {k: v if k == "@context" else _fill(v, k, values, terms, position) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(item, key, values, terms, position) for item in node]
    return node


def _term(component: dict[str, Any]) -> tuple[str, str]:
    """The N-Quads text around a component's value, as PyLD's serializer writes it (nquads.serialize_nquad)."""
    if component["type"] == "IRI":
        return "<", ">"
    if component["type"] == "blank node":
        return "", ""
    if component["datatype"] == RDF_LANGSTRING:
        return '"', '"' + ("@" + component["language"] if component.get("language") else "")
    return '"', '"' + ("" if component["datatype"] == XSD_STRING else f"^^<{component['datatype']}>")


class _Template:
    """A shape's RDF dataset: each quad's subject, predicate and object is a fixed component, or (slot number,
    the component) whose value is the document's string in that slot."""

    def __init__(self, quads: list[tuple[Any, Any, Any, str | None]]) -> None:
        self.quads = quads
        self.lines: list[tuple[Any, ...]] = []  # a term: fixed N-Quads text, or (slot, before, after, literal)
        for quad in quads:
            terms: list[Any] = []
            for component in quad[:3]:
                slot, fixed = component if isinstance(component, tuple) else (None, component)
                before, after = _term(fixed)
                literal = fixed["type"] == "literal"
                if slot is None:
                    terms.append(before + (escape(fixed["value"]) if literal else fixed["value"]) + after)
                else:
                    terms.append((slot, before, after, literal))
            graph = quad[3]
            if graph is not None:
                terms.append(graph if graph.startswith("_:") else f"<{graph}>")
            self.lines.append(tuple(terms))
        # Blank node labels are the template's own (a slot never holds one): which lines name which blank
        # node, and the first-degree form of the lines with no slot, are the same for every document.
        self.mentions: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines):
            for term in dict.fromkeys(t for t in line if isinstance(t, str) and t[:2] == "_:"):
                self.mentions.setdefault(term, []).append(number)
        self.fixed_first_degree = {
            (node, number): rdfc.line(self.lines[number], rdfc.first_degree_labels(node, [self.lines[number]]))
            for node, numbers in self.mentions.items() for number in numbers
            if all(isinstance(t, str) for t in self.lines[number])}
        # Per line, where its blank nodes stand, and its slot terms as (position, slot, before, after, literal):
        # a document's quads are the fixed lines with those terms written in, no per-term tests.
        self.blanks = [tuple(i for i, t in enumerate(line) if isinstance(t, str) and t[:2] == "_:")
                       for line in self.lines]
        self.fixed_quads = [tuple(t if isinstance(t, str) else "" for t in line) for line in self.lines]
        self.slot_lines = [(number, [(i, *t) for i, t in enumerate(line) if not isinstance(t, str)])
                           for number, line in enumerate(self.lines) if not all(isinstance(t, str) for t in line)]

    def dataset(self, values: list[str]) -> dict[str, list[dict[str, Any]]]:
        """PyLD's form of the document's dataset (for PyLD's URDNA2015)."""
        graphs: dict[str, list[dict[str, Any]]] = {}
        seen = set()
        for quad in self.quads:
            subject, predicate, obj = (
                {**c[1], "value": values[c[0]]} if isinstance(c, tuple) else dict(c) for c in quad[:3])
            identity = (subject["type"], subject["value"], predicate["value"], obj["type"], obj["value"],
                        obj.get("datatype"), obj.get("language"), quad[3])
            if identity in seen:  # equal values: PyLD's node map keeps one such quad
                continue
            seen.add(identity)
            graphs.setdefault(quad[3] or "@default", []).append(
                {"subject": subject, "predicate": predicate, "object": obj})
        return graphs

    def terms(self, values: list[str]) -> list[tuple[str, ...]]:
        """The document's quads as N-Quads terms (subject, predicate, object, and graph unless default),
        line for line."""
        quads = self.fixed_quads.copy()
        for number, slots in self.slot_lines:
            terms = list(quads[number])
            for position, slot, before, after, literal in slots:
                value = values[slot]
                terms[position] = before + (_escape(value) if literal else value) + after
            quads[number] = tuple(terms)
        return quads

    def canonical(self, values: list[str]) -> str | None:
        """`rdfc.canonical_when_simple` of the document, the first-degree hashing of its slot-free lines done
        already, and the blank nodes relabelled where the template says they stand (`rdfc.line` looks at
        every term)."""
        quads = self.terms(values)
        if len(set(quads)) != len(quads):  # equal values: PyLD's node map keeps one such quad
            return rdfc.canonical_when_simple(list(dict.fromkeys(quads)))
        hashes = {}
        fixed, blanks = self.fixed_first_degree, self.blanks
        for node, numbers in self.mentions.items():
            lines = []
            for number in numbers:
                line = fixed.get((node, number))
                if line is None:
                    terms = list(quads[number])
                    for position in blanks[number]:
                        terms[position] = "_:a" if terms[position] == node else "_:z"
                    line = " ".join(terms) + " .\n"
                lines.append(line)
            lines.sort()
            hashes[hashlib.sha256("".join(lines).encode()).hexdigest()] = node
        if len(hashes) != len(self.mentions):
            return None  # two blank nodes share a first-degree hash: n-degree hashing (`rdfc.relabel`)
        labels = {hashes[h]: f"_:c14n{n}" for n, h in enumerate(sorted(hashes))}
        written = []
        for quad, positions in zip(quads, blanks, strict=True):
            if positions:
                terms = list(quad)
                for position in positions:
                    terms[position] = labels[terms[position]]
                quad = tuple(terms)
            written.append(" ".join(quad) + " .\n")
        written.sort()
        return "".join(written)


_NEEDS_ESCAPE = re.compile(r'[\\\t\n\r"]')


def _escape(value: str) -> str:
    """PyLD's N-Quads `escape`, which most strings (nothing to escape) skip."""
    return escape(value) if _NEEDS_ESCAPE.search(value) else value


def _placeholder(value: str, mark: str) -> str:
    """`mark` in the value's IRI class: same prefix and `//` for an absolute IRI, no colon otherwise."""
    if value[:1] != "_" and ABSOLUTE_IRI.match(value):
        prefix, _, rest = value.partition(":")
        return f"{prefix}:{'//' if rest.startswith('//') else ''}{mark}"
    return mark


def _build(document: dict[str, Any], values: list[str], pinned: frozenset[int],
           terms: frozenset[str]) -> tuple[_Template | None, frozenset[int]]:
    """PyLD's dataset of the document with a placeholder in every slot not pinned: the template, or None and
    the slots to pin as well (a placeholder found anywhere but as a whole IRI or literal value)."""
    nonce = secrets.token_hex(8)
    placeholders = [value if number in pinned else _placeholder(value, f"tlslot{nonce}n{number}e")
                    for number, value in enumerate(values)]
    slot_of = {p: n for n, p in enumerate(placeholders) if n not in pinned}
    marks = re.compile(f"tlslot{nonce}n(\\d+)e")
    dataset = _pyld("to_rdf", _fill(document, "", placeholders, terms, [0]))
    quads: list[tuple[Any, Any, Any, str | None]] = []
    used: set[int] = set()
    to_pin: set[int] = set()
    for graph, triples in dataset.items():
        to_pin.update(int(n) for n in marks.findall(graph))
        for triple in triples:
            parts: list[Any] = []
            for role in ("subject", "predicate", "object"):
                component = triple[role]
                slot = slot_of.get(component["value"]) if role != "predicate" else None
                if slot is not None and component["type"] in ("IRI", "literal"):
                    used.add(slot)
                    parts.append((slot, component))
                else:
                    parts.append(component)
                to_pin.update(int(n) for field, text in component.items() if not (slot is not None and field == "value")
                              for n in marks.findall(text))
            quads.append((parts[0], parts[1], parts[2], None if graph == "@default" else graph))
    to_pin |= set(slot_of.values()) - used  # dropped on the way: let PyLD see the real value
    if to_pin:
        return None, pinned | to_pin
    return _Template(quads), pinned


def _canonical_from_template(document: dict[str, Any]) -> str:
    terms = _all_terms()
    tokens: list[str] = []
    values: list[str] = []
    _shape(document, "", tokens, values, terms)
    shape = json.dumps(tokens)  # one string: hashed once, compared at C speed
    with _lock:
        pinned = _pins.get(shape, frozenset())
    key = (shape, tuple(values[n] for n in sorted(pinned)))
    with _lock:
        template = _templates.get(key)
    for _ in range(MAX_BUILDS):
        if template is not None:
            break
        template, now_pinned = _build(document, values, pinned, terms)
        if now_pinned != pinned:
            pinned = now_pinned
            key = (shape, tuple(values[n] for n in sorted(pinned)))
        with _lock:
            _pins[shape] = pinned
            if template is not None:
                _templates[key] = template
    if template is None:
        raise _Unshaped  # pins keep changing the shape: PyLD takes the document whole
    simple = template.canonical(values)
    if simple is not None:
        return simple
    canonical: str = URDNA2015().main(template.dataset(values), _NQUADS)
    return canonical


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document, offline, failing on any dropped property."""
    try:
        return _canonical_from_template(document)
    except (_Unshaped, CanonicalizationError, RecursionError):
        return canonicalize_with_pyld(document)  # PyLD decides, and names the error

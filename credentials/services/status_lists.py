"""Revocation status lists: each certificate's bit, and the signed lists built from the records.

A certificate's `status_list_index` is global: list n (from 1) holds indexes (n-1)·SIZE … n·SIZE-1. The
position inside a list is drawn at random, not counted up, so the index says nothing about when or where
a certificate was issued (W3C Bitstring Status List, privacy considerations); a list is closed once it is
half full, which keeps a random draw to about two tries. The lists are built from the certificates at the
moment they are asked for, so a revocation shows in the very next fetch.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ladder.i18n import Text

from ..bulk import in_list_batches
from ..errors import NotFound
from ..models import Certificate, CertificateStatus, RecordAmendment, SupersededCredential, utcnow
from ..vc import keys as vc_keys
from ..vc import proof, statuslist
from .issuer_keys import KeySealer, active_issuer_key, signing_key

__all__ = ["LIST_SIZE", "Issuer", "allocate_status_index", "allocate_status_indexes", "list_position", "status_list_credential_for",
           "supersede_status_index", "timestamp"]

LIST_SIZE = statuslist.MIN_SIZE  # 131,072 entries: the herd-privacy minimum
FILL_LIMIT = LIST_SIZE // 2
MAX_DRAWS = 32
MAX_LISTS = (2**31 - 1) // LIST_SIZE  # indexes stay within a 32-bit INTEGER column
_random = secrets.SystemRandom()
_INDEX_COLUMNS = (Certificate.status_list_index, SupersededCredential.status_list_index)  # every index in use


@dataclass(frozen=True)
class Issuer:
    """Who signs, as outsiders see it: the registry's did:web, its name, and its public address."""

    did: str
    name: str
    base_url: str  # PUBLIC_BASE_URL without a trailing slash

    @property
    def profile(self) -> dict[str, str]:
        return {"id": self.did, "name": self.name, "url": self.base_url}

    @property
    def status_list_prefix(self) -> str:
        return f"{self.base_url}/credentials/status/"

    def status_list_url(self, list_number: int) -> str:
        return f"{self.status_list_prefix}{list_number}"

    def verification_method(self, key_id: str) -> str:
        """The Multikey verification method Data Integrity proofs name."""
        return f"{self.did}#{key_id}"

    def jwk_method(self, key_id: str) -> str:
        """The JsonWebKey twin of the same key, which a VC-JOSE JWT's `kid` names."""
        return vc_keys.jwk_method_id(self.verification_method(key_id))


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def list_position(index: int) -> tuple[int, int]:
    """(list number from 1, position inside that list) of a global status index."""
    return index // LIST_SIZE + 1, index % LIST_SIZE


def _open_list(session: Session) -> int:
    """The 0-based list new indexes go to: the newest, unless it is half full already (an index a corrected
    certificate gave up stays used: its bit is set for good)."""
    return _room(session)[0]


def allocate_status_index(session: Session, certificate: Certificate, *,
                          draw: Callable[[int], int] = _random.randrange) -> int:
    """The certificate's status index, drawn (once, for good) on its first digital credential."""
    allocate_status_indexes(session, [certificate], draw=draw)
    assert certificate.status_list_index is not None
    return certificate.status_list_index


def _room(session: Session) -> tuple[int, int]:
    """`_open_list`, and how many more indexes it takes before it is half full."""
    highest = max((session.scalar(select(func.max(column))) or 0 for column in _INDEX_COLUMNS), default=0)
    current = highest // LIST_SIZE
    used = sum(session.execute(select(func.count()).where(
        column >= current * LIST_SIZE, column < (current + 1) * LIST_SIZE)).scalar_one() for column in _INDEX_COLUMNS)
    return (current + 1, FILL_LIMIT) if used >= FILL_LIMIT else (current, FILL_LIMIT - used)


def _free_indexes(session: Session, count: int, draw: Callable[[int], int]) -> list[int]:
    """`count` distinct indexes no certificate or retired credential holds, drawn at random like
    `allocate_status_index` (filling the open list to half, then the next ones), checked a batch at a time."""
    current, room = _room(session)
    chosen: list[int] = []
    while len(chosen) < count:
        wanted, base = min(room, count - len(chosen)), current * LIST_SIZE
        drawn: set[int] = set()
        for _ in range(MAX_DRAWS):
            while len(drawn) < wanted:
                drawn.add(base + draw(LIST_SIZE))
            for column in _INDEX_COLUMNS:
                for batch in in_list_batches(session, sorted(drawn)):
                    drawn.difference_update(session.scalars(select(column).where(column.in_(batch))))
            if len(drawn) == wanted:
                break
        else:
            raise RuntimeError("no free status list indexes after repeated draws")  # only with a broken `draw`
        chosen += _random.sample(sorted(drawn), len(drawn))  # handed out in random order, not rising
        current, room = current + 1, FILL_LIMIT
    return chosen


def allocate_status_indexes(session: Session, certificates: list[Certificate], *,
                            draw: Callable[[int], int] = _random.randrange) -> None:
    """`allocate_status_index` for a batch, set-based: the free indexes are found a few queries at a time and
    written with one UPDATE; a concurrent issue that took one of them first makes the batch draw again."""
    session.flush()  # new certificates get their ids
    needing = [certificate for certificate in certificates if certificate.status_list_index is None]
    for _ in range(MAX_DRAWS):
        if not needing:
            return
        indexes = _free_indexes(session, len(needing), draw)
        try:
            with session.begin_nested():  # the unique index refuses an index taken meanwhile: draw again
                _write_indexes(session, list(zip(needing, indexes, strict=True)))
        except IntegrityError:
            continue
        return
    raise RuntimeError("no free status list indexes after repeated draws")


def _write_indexes(session: Session, drawn: list[tuple[Certificate, int]]) -> None:
    """One executemany UPDATE on the session's connection, then the loaded certificates told, as after a
    flush. Not through the flush: an index feeds no tally, and the tally hooks would recount every certificate
    the flush touches (most of a batch's time). A rollback of the whole transaction expires them as usual."""
    table = Certificate.__table__
    statement = (table.update().where(table.c.id == bindparam("certificate_id"))
                 .values(status_list_index=bindparam("index")))
    session.connection().execute(statement, [{"certificate_id": c.id, "index": index} for c, index in drawn])
    for certificate, index in drawn:
        set_committed_value(certificate, "status_list_index", index)


def supersede_status_index(session: Session, certificate: Certificate,
                           amendment: RecordAmendment) -> SupersededCredential | None:
    """A correction changed what the certificate's credential says: its index is retired (its bit set for good,
    so every credential issued with it verifies as superseded) and a new one drawn for the credentials issued
    from now on. Nothing to do for a certificate that never had a digital credential."""
    if certificate.status_list_index is None:
        return None
    retired = SupersededCredential(certificate_id=certificate.id, status_list_index=certificate.status_list_index,
                                   amendment_id=amendment.id)
    certificate.status_list_index = None
    session.flush()  # the index leaves the certificate before it is kept as retired (both are unique)
    session.add(retired)
    session.flush()
    allocate_status_index(session, certificate)
    return retired


def status_list_credential_for(session: Session, list_number: int, issuer: Issuer, sealer: KeySealer) -> dict[str, Any]:
    """The signed BitstringStatusListCredential of list `list_number`, as the records stand now.

    NotFound for a list no credential points at (nothing is created for a stranger's request)."""
    missing = NotFound("record", what=Text("状态列表", "Status list"))
    if not 1 <= list_number <= MAX_LISTS:
        raise missing
    low = (list_number - 1) * LIST_SIZE
    in_list = (Certificate.status_list_index >= low, Certificate.status_list_index < low + LIST_SIZE)
    retired = select(SupersededCredential.status_list_index).where(
        SupersededCredential.status_list_index >= low, SupersededCredential.status_list_index < low + LIST_SIZE)
    if all(session.scalar(statement.limit(1)) is None for statement in (select(Certificate.id).where(*in_list), retired)):
        raise missing
    bits = statuslist.StatusList(LIST_SIZE)
    revoked = select(Certificate.status_list_index).where(
        *in_list, Certificate.status == CertificateStatus.REVOKED).union_all(retired)
    for index in session.scalars(revoked):
        assert index is not None  # the range test excludes NULL
        bits.set(index - low)
    now = utcnow()
    unsigned = statuslist.status_list_credential(
        issuer.status_list_url(list_number), issuer.did, bits.encode(), valid_from=now)
    key = active_issuer_key(session, sealer)
    method = issuer.verification_method(key.key_id)
    return proof.sign_data_integrity(unsigned, signing_key(key, sealer), method, timestamp(now))

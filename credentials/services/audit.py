"""Append to and verify the hash-chained audit trail.

Each row's hash covers its content and the previous row's hash; `prev_hash` is unique, so two
writers can never fork the chain (the loser's transaction fails and is retried by its caller), and on
PostgreSQL an advisory lock makes them queue instead.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring  # what JSONEncoder(ensure_ascii=False) encodes a string with
from typing import Any, Protocol

from sqlalchemy import ScalarResult, Select, Table, select, text
from sqlalchemy.orm import Session

from ..bulk import JsonText, insert_rows
from ..models import AuditEvent, User, utcnow

GENESIS = "0" * 64
# A retention purge's own event (services/audit_retention.py); its `after["resumes_after"]` is the hash the
# oldest kept event follows, where the trail now starts instead of GENESIS.
PURGED = "audit.purged"
_ADVISORY_LOCK_KEY = 0x7A1E_A0D1


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


class AuditedContent(Protocol):
    """What an event's hash covers: an AuditEvent, or a row about to become one."""

    @property
    def occurred_at(self) -> datetime: ...
    @property
    def actor_id(self) -> int | None: ...
    @property
    def action(self) -> str: ...
    @property
    def entity_type(self) -> str: ...
    @property
    def entity_id(self) -> str: ...
    @property
    def before(self) -> dict[str, Any] | None: ...
    @property
    def after(self) -> dict[str, Any] | None: ...


# Built once: json.dumps with these options would build a new encoder for every event (a bulk import hashes 150,000).
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_digest(prev_hash: str, event: AuditedContent) -> str:
    body = {
        "occurred_at": _timestamp(event.occurred_at),
        "actor_id": event.actor_id,
        "action": event.action,
        "entity": f"{event.entity_type}:{event.entity_id}",
        "before": event.before,
        "after": event.after,
    }
    canonical = _CANONICAL_JSON.encode(body)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Snapshots must hold no full national ID (callers pass masked values)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    last = session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        before=before,
        after=after,
        prev_hash=last or GENESIS,
    )
    event.hash = event_digest(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


def lock_chain(session: Session) -> None:
    """Queue behind other writers of the trail until this transaction ends (PostgreSQL; SQLite has one
    writer). A bulk writer takes it before reading what it must not race on, such as the last certificate
    numbers."""
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})


@dataclass(frozen=True)
class NewEvent:
    """One event for `record_many`."""

    action: str
    entity_type: str
    entity_id: object
    after: dict[str, Any] | None = None
    before: dict[str, Any] | None = None


def record_many(session: Session, *, actor: User | None, events: Iterable[NewEvent],
                chunk: int = 5_000) -> int:
    """Append many events at once (bulk imports): the same chain as `record` makes one by one, taking the
    lock and reading the chain's end once, then inserting in bulk. Returns how many it appended.

    Each snapshot is serialised once, canonically, for both the hash and its column: the hashed text is put
    together from those pieces exactly as `event_digest` encodes the whole body (keys in sorted order)."""
    lock_chain(session)
    last = select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    prev = session.execute(last).scalar() or GENESIS
    occurred_at, actor_id = utcnow(), actor.id if actor is not None else None
    # Keys in sorted order: action, actor_id, after, before, entity, occurred_at.
    actor_part = f',"actor_id":{_CANONICAL_JSON.encode(actor_id)},"after":'
    tail = f',"occurred_at":{_CANONICAL_JSON.encode(_timestamp(occurred_at))}}}'
    actions: dict[str, str] = {}
    table, count = AuditEvent.__table__, 0
    batch: list[dict[str, object]] = []
    for event in events:
        action = actions.get(event.action) or actions.setdefault(event.action, _CANONICAL_JSON.encode(event.action))
        entity_id = str(event.entity_id)
        after = None if event.after is None else JsonText(_CANONICAL_JSON.encode(event.after))
        before = None if event.before is None else JsonText(_CANONICAL_JSON.encode(event.before))
        canonical = (f'{{"action":{action}{actor_part}{after or "null"},"before":{before or "null"},'
                     f'"entity":{encode_basestring(f"{event.entity_type}:{entity_id}")}{tail}')
        row: dict[str, object] = {
            "occurred_at": occurred_at, "actor_id": actor_id, "action": event.action,
            "entity_type": event.entity_type, "entity_id": entity_id, "after": after, "prev_hash": prev,
            "hash": (prev := hashlib.sha256(f"{prev}\n{canonical}".encode()).hexdigest())}
        if before is not None:  # left out when None: SQL NULL reads back as None just like JSON null
            row["before"] = before
        # One executemany wants the same columns in every row; rows go in chain order, as ids must follow it.
        if batch and (len(batch) >= chunk or batch[-1].keys() != row.keys()):
            count += _append(session, table, batch)
            batch = []
        batch.append(row)
    return count + (_append(session, table, batch) if batch else 0)


def _append(session: Session, table: Table, rows: Sequence[dict[str, object]]) -> int:
    insert_rows(session, table, rows)
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(session: Session) -> ChainReport:
    """Walk the whole trail in id order; name the first row whose link or content does not hold."""
    expected_prev = _chain_start(session)
    checked = 0
    with _stream(session) as events:  # closes the server-side cursor when we stop early
        for event in events:
            checked += 1
            if event.prev_hash != expected_prev:
                return ChainReport(checked, event.id, "link: previous row altered or removed")
            if event_digest(event.prev_hash, event) != event.hash:
                return ChainReport(checked, event.id, "content: this row was altered")
            expected_prev = event.hash
    return ChainReport(checked, None, None)


def _chain_start(session: Session) -> str:
    """GENESIS, or after a retention purge the hash of the last event it removed (named by the latest purge)."""
    latest_purge = select(AuditEvent.after).where(AuditEvent.action == PURGED).order_by(AuditEvent.id.desc()).limit(1)
    after = session.scalar(latest_purge)
    return str(after["resumes_after"]) if after else GENESIS


def _stream(session: Session) -> ScalarResult[AuditEvent]:
    statement = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000)
    return session.scalars(statement)


def trail_of(entity_type: str, entity_id: object) -> Select[AuditEvent]:
    """The events of one record, newest first (a select() for the caller to paginate)."""
    return (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.id.desc())
    )

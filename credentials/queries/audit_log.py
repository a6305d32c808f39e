"""The whole audit trail as the administrator reads it: filtered, newest first, a keyset page at a time.

Keyset, not offset: the trail only grows, and a page cursor (an event id) stays valid however much is appended
while someone reads; "page 900" of an offset would be slow and would shift under them. Dates are China dates
(the day as the reader lived it); the trail keeps UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from ..clock import CHINA
from ..models import AuditEvent, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """What the reader narrows the trail to; every part optional."""

    action_prefix: str = ""
    entity_type: str = ""
    entity_id: str = ""
    actor_account: str = ""  # an account name (workers, who have none, are found by actor_id)
    actor_id: int | None = None
    since: date | None = None  # China dates, both inclusive
    until: date | None = None

    def as_dict(self) -> dict[str, object]:
        """The filter as the audit record of an export keeps it."""
        return {key: value.isoformat() if isinstance(value, date) else value
                for key, value in vars(self).items() if value not in ("", None)}


def china_day_start(day: date) -> datetime:
    """The UTC moment a China day begins (00:00 in Beijing is 16:00 UTC the evening before)."""
    return datetime.combine(day, time.min, CHINA).astimezone(UTC)


def _conditions(filters: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [true()]
    if filters.action_prefix:
        conditions.append(AuditEvent.action.startswith(filters.action_prefix, autoescape=True))
    if filters.entity_type:
        conditions.append(AuditEvent.entity_type == filters.entity_type)
    if filters.entity_id:
        conditions.append(AuditEvent.entity_id == filters.entity_id)
    if filters.actor_account:
        conditions.append(AuditEvent.actor_id.in_(select(User.id).where(User.username == filters.actor_account)))
    if filters.actor_id is not None:
        conditions.append(AuditEvent.actor_id == filters.actor_id)
    if filters.since is not None:
        conditions.append(AuditEvent.occurred_at >= china_day_start(filters.since))
    if filters.until is not None:
        conditions.append(AuditEvent.occurred_at < china_day_start(filters.until + timedelta(days=1)))
    return conditions


def audit_trail(filters: AuditFilter) -> Select[AuditEvent]:
    """Every event the filter keeps, newest first (exports stream it)."""
    return select(AuditEvent).where(*_conditions(filters)).order_by(AuditEvent.id.desc())


@dataclass(frozen=True)
class AuditPage:
    events: Sequence[AuditEvent]
    newer_than: int | None  # cursor for the page before this one (newer events), if there are any
    older_than: int | None  # cursor for the next page (older events), if there are any
    actors: dict[int, User]


def audit_page(session: Session, filters: AuditFilter, *, before: int | None = None, after: int | None = None,
               size: int = PAGE_SIZE) -> AuditPage:
    """One page: the newest events (no cursor), those older than `before`, or those just newer than `after`."""
    conditions = _conditions(filters)
    if after is not None:
        found = list(session.scalars(select(AuditEvent).where(*conditions, AuditEvent.id > after)
                                     .order_by(AuditEvent.id.asc()).limit(size + 1)))
        more_newer = len(found) > size
        events = list(reversed(found[:size]))
        more_older = bool(events) and _exists(session, conditions, AuditEvent.id < events[-1].id)
    else:
        statement = select(AuditEvent).where(*conditions).order_by(AuditEvent.id.desc()).limit(size + 1)
        if before is not None:
            statement = statement.where(AuditEvent.id < before)
        found = list(session.scalars(statement))
        more_older = len(found) > size
        events = found[:size]
        more_newer = bool(events) and before is not None and _exists(session, conditions, AuditEvent.id > events[0].id)
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    actors = {user.id: user for user in session.scalars(select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    return AuditPage(events=events, newer_than=events[0].id if more_newer else None,
                     older_than=events[-1].id if more_older else None, actors=actors)


def _exists(session: Session, conditions: list[ColumnElement[bool]], bound: ColumnElement[bool]) -> bool:
    return session.scalar(select(AuditEvent.id).where(*conditions, bound).limit(1)) is not None


def recorded_since(action: str, entity_type: str, entity_id: str, actor_id: int | None,
                   since: datetime) -> Select[int]:
    """An event of this action about this entity by this actor since a moment (at most one id): what keeps a
    repeated security event to one line per window."""
    actor = AuditEvent.actor_id.is_(None) if actor_id is None else AuditEvent.actor_id == actor_id
    return (select(AuditEvent.id)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id,
                   AuditEvent.action == action, actor, AuditEvent.occurred_at >= since)
            .limit(1))

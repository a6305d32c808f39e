"""Who agreed to appear on public pages, and when a worker last changed their mind.

The city's skilled-talent page (honours, medals, masters' studios) will list only consenting workers, and
only through these helpers: `consenting_workers(statement)` narrows any select() that reads `Worker`, so no
public page can forget the condition. What such a page may show of a person: the masked name
(credentials.identity.mask_name) and their public achievements — never the ID number, birth date or contact.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from ..models import AuditEvent, Worker
from ..services.consent import CONSENT_CHANGED

T = TypeVar("T")


def public_profile_clause() -> ColumnElement[bool]:
    """A WHERE clause on Worker: the worker said yes to public pages (no by default)."""
    return Worker.public_profile_consent.is_(true())


def consenting_workers(statement: Select[T]) -> Select[T]:
    """`statement` narrowed to workers who agreed to public pages; it must read `Worker` (join it if needed)."""
    return statement.where(public_profile_clause())


def publicly_shown_workers() -> Select[Worker]:
    """Every consenting worker, by name (the future public page paginates this)."""
    return consenting_workers(select(Worker).order_by(Worker.name, Worker.id))


def consent_changed_at(session: Session, worker_id: int) -> datetime | None:
    """When the worker last changed their consent (UTC, from the audit trail); None: never (still the default no)."""
    return session.scalar(
        select(AuditEvent.occurred_at)
        .where(AuditEvent.entity_type == "worker", AuditEvent.entity_id == str(worker_id),
               AuditEvent.action == CONSENT_CHANGED)
        .order_by(AuditEvent.id.desc()).limit(1))

"""Who looked at a worker's record, and the worker's downloads of everything held about them, on the audit trail.

A worker may ask who processed their data (PIPL art. 45): every page or API answer that shows staff ONE worker's
record calls `record_view`. A clerk paging back and forth must not flood the trail: each event takes the trail's
lock and reads its end (services.audit.record), so a view already noted in the last hour by the same person, of
the same worker, in the same place is not written again. The check reads before it locks; two views in the same
instant may both be written, which costs one extra row and loses nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Forbidden
from ..models import AuditEvent, Role, User, Worker, utcnow
from ..permissions import decides_own_data
from .audit import record

RECORD_VIEWED = "worker.record_viewed"
DATA_EXPORTED = "worker.data_exported"
VIEW_DEDUP_WINDOW = timedelta(hours=1)
MAX_WHERE = 64


def record_view(session: Session, *, viewer: User, worker: Worker, where: str) -> AuditEvent | None:
    """Note that `viewer` opened `worker`'s record at `where` (an endpoint name such as "institution.worker");
    None when nothing was written: a worker's own look (a worker account sees only its own record), or the same
    look within the last hour."""
    if viewer.role is Role.WORKER:
        return None
    where = where[:MAX_WHERE]
    since = utcnow() - VIEW_DEDUP_WINDOW
    recent = session.scalars(
        select(AuditEvent.after)
        .where(AuditEvent.entity_type == "worker", AuditEvent.entity_id == str(worker.id),
               AuditEvent.action == RECORD_VIEWED, AuditEvent.actor_id == viewer.id, AuditEvent.occurred_at >= since))
    # The place is compared here, not in SQL: JSON equality differs between SQLite and PostgreSQL, and one
    # viewer's looks at one worker within an hour are a handful of rows.
    if any((after or {}).get("where") == where for after in recent):
        return None
    return record(session, actor=viewer, action=RECORD_VIEWED, entity_type="worker", entity_id=worker.id,
                  after={"where": where})


def record_export(session: Session, *, worker: Worker, by: User, form: str) -> AuditEvent:
    """The worker downloaded everything held about them (`form`: "json" or "page"): each download is audited,
    as every export of personal data is. Nobody downloads it on the worker's behalf."""
    if not decides_own_data(by, worker):
        raise Forbidden("action")
    return record(session, actor=by, action=DATA_EXPORTED, entity_type="worker", entity_id=worker.id,
                  after={"form": form})

"""Keep the audit trail for its retention period, and no longer.

A purge removes the oldest events (a prefix of the chain, by id) that are all older than the cut-off, and
appends one `audit.purged` event first, so that it is never among the rows it removes. That event names the
hash of the last row removed (`resumes_after`): the kept trail's first `prev_hash` must equal it, which is how
`verify_chain` tells a purge done by this function from rows deleted behind the application's back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..models import AuditEvent, User, utcnow
from .audit import GENESIS, PURGED, lock_chain, record

# Security events must be kept at least this long (issue 12, control 3); no setting or option goes below.
MINIMUM_RETENTION_DAYS = 180


@dataclass(frozen=True)
class PurgeReport:
    """What a purge removed, or would remove (dry run)."""

    cut_off: datetime
    retention_days: int
    deleted: int
    by_action: dict[str, int]
    dry_run: bool


def retention_cut_off(retention_days: int, *, now: datetime | None = None) -> datetime:
    """Events that occurred before this moment may be purged; refuses a retention below the minimum."""
    if retention_days < MINIMUM_RETENTION_DAYS:
        raise ValidationFailed("audit_retention_too_short", field="retention_days", days=retention_days,
                               minimum=MINIMUM_RETENTION_DAYS)
    return (now or utcnow()) - timedelta(days=retention_days)


def purge_audit_trail(session: Session, *, retention_days: int, by: User | None, dry_run: bool = False,
                      now: datetime | None = None) -> PurgeReport:
    """Delete the events older than `retention_days` (never fewer than 180 days) and audit the purge."""
    cut_off = retention_cut_off(retention_days, now=now)
    lock_chain(session)  # no event is appended between counting and deleting
    first_kept = session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.occurred_at >= cut_off))
    # Only the prefix before the first event to keep goes: the kept trail stays one unbroken chain.
    doomed = [AuditEvent.id < first_kept] if first_kept is not None else []
    rows = session.execute(select(AuditEvent.action, func.count()).where(*doomed).group_by(AuditEvent.action))
    by_action = {action: count for action, count in rows}
    report = PurgeReport(cut_off, retention_days, sum(by_action.values()), dict(sorted(by_action.items())), dry_run)
    if dry_run:
        return report
    oldest_kept = select(AuditEvent.prev_hash).order_by(AuditEvent.id).limit(1)
    if first_kept is not None:
        oldest_kept = oldest_kept.where(AuditEvent.id >= first_kept)
    # Without a kept row, the purge event itself becomes the first one and follows the last row removed.
    last_removed = select(AuditEvent.hash).where(*doomed).order_by(AuditEvent.id.desc()).limit(1)
    resumes_after = (session.scalar(oldest_kept) if first_kept is not None else session.scalar(last_removed)) or GENESIS
    event = record(session, actor=by, action=PURGED, entity_type="audit_trail", entity_id="retention",
                   after={"cut_off": cut_off.isoformat(), "retention_days": retention_days,
                          "deleted": report.deleted, "by_action": report.by_action, "resumes_after": resumes_after})
    session.execute(delete(AuditEvent).where(AuditEvent.id < (first_kept if first_kept is not None else event.id)))
    return report

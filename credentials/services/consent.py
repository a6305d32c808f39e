"""A worker's consent to appear on public pages (the city's skilled-talent page: masked name, honours, medals,
masters' studios). It starts at "no" and only the worker changes it; every change is on the audit trail, which
is also where "last changed" is read from (credentials.queries.consent)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import Forbidden, ValidationFailed
from ..models import User, Worker
from ..permissions import decides_own_data
from .audit import record

CONSENT_CHANGED = "worker.consent_changed"
UNCHANGED = Text("公开展示的选择没有变化", "Your choice about public pages is unchanged")


def set_public_consent(session: Session, worker: Worker, consent: bool, *, by: User) -> Worker:
    """Record the worker's yes or no. A repeated choice is refused (an out-of-date page, a double click), so that
    the trail holds only real changes."""
    if not decides_own_data(by, worker):
        raise Forbidden("action")
    was = bool(worker.public_profile_consent)  # None only on a worker not yet flushed: the default, no
    if was == consent:
        raise ValidationFailed("binding", field="consent", reason=UNCHANGED)
    before = {"public_profile_consent": was}
    worker.public_profile_consent = consent
    session.flush()
    record(session, actor=by, action=CONSENT_CHANGED, entity_type="worker", entity_id=worker.id,
           before=before, after={"public_profile_consent": consent})
    return worker

"""The earlier values of a corrected record, kept: one `RecordAmendment` row per correction or voiding of a
record that keeps no history of its own (a training record, a certificate's facts, a worker's name). The
services that correct those records call `amend`; they write their audit events themselves."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import ValidationFailed
from ..models import RecordAmendment, User

MAX_REASON = 500


def amendment_reason(reason: str | None, *, field: str = "reason") -> str:
    """Every correction says why (it is shown to the worker and kept in the history)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed("required", field=field)
    if len(reason) > MAX_REASON:
        raise ValidationFailed("binding", field=field,
                               reason=Text(f"原因不超过 {MAX_REASON} 字", f"at most {MAX_REASON} characters"))
    return reason


def amend(session: Session, *, worker_id: int, entity_type: str, entity_id: int, action: str,
          before: dict[str, Any], after: dict[str, Any] | None, reason: str, by: User) -> RecordAmendment:
    amendment = RecordAmendment(worker_id=worker_id, entity_type=entity_type, entity_id=entity_id, action=action,
                                before=before, after=after, reason=reason, actor_id=by.id)
    session.add(amendment)
    session.flush()
    return amendment


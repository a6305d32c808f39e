"""A bureau marks an oversight flag reviewed (credentials/queries/oversight.py computes the flags).

The review keeps the records the officer saw and their digest: the flag shows as reviewed while its records are
exactly those, and comes back when they change. The officer answers for what they saw, so a flag whose records
changed between the page and the post is refused (reload and look again), as is a second review of the same
records. Never commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..clock import china_date
from ..errors import Conflict, Forbidden, ValidationFailed
from ..models import FlagReview, ReviewOutcome, User
from ..models.oversight import NOTE_MAX
from ..permissions import is_observer, may_review_flag
from ..queries.oversight_flags import Flag
from .audit import record

OUTCOME = Text("核查结论", "outcome")


def mark_reviewed(session: Session, flag: Flag, *, outcome: str, note: str, seen_digest: str, by: User) -> FlagReview:
    """Record that `by`'s bureau reviewed `flag` as it stood when the page showed it (`seen_digest`)."""
    if not may_review_flag(by, flag.city_codes):
        raise Forbidden("ministry_observes" if is_observer(by) else "action")
    note = " ".join((note or "").split())
    if not note:
        raise ValidationFailed("required", field="note")
    if len(note) > NOTE_MAX:
        raise ValidationFailed("reason_too_long", field="note", max=NOTE_MAX)
    try:
        conclusion = ReviewOutcome(outcome)
    except ValueError:
        raise ValidationFailed("unknown_choice", field="outcome", what=OUTCOME, value=outcome) from None
    if seen_digest != flag.digest:
        raise Conflict("flag_changed")
    if flag.review is not None:
        raise Conflict("flag_reviewed", date=china_date(flag.review.reviewed_at).isoformat())
    assert by.region_code is not None  # may_review_flag: a city or province officer
    records = [str(ref) for ref in flag.records]
    review = FlagReview(kind=flag.kind, subject_key=flag.key, records_digest=flag.digest, records=records,
                        region_code=by.region_code, outcome=conclusion, note=note, reviewed_by_id=by.id)
    session.add(review)
    session.flush()
    record(session, actor=by, action="oversight.flag_reviewed", entity_type="oversight_flag", entity_id=flag.key,
           after={"review_id": review.id, "kind": flag.kind.value, "year": flag.year, "outcome": conclusion.value,
                  "note": note, "records": records, "digest": flag.digest, "region": by.region_code})
    flag.review = review
    return review

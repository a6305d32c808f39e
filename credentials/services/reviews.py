"""The bureau side of a nomination: take it up, approve (or pass the first review), reject, return.

Each decision needs a reason and an officer of the request's current stage in its region; nobody decides
what they nominated (credentials.approvals). Two officers deciding at once: `move` lets exactly one through.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy.orm import Session

from ladder.i18n import Text
from ladder.review import approval_valid_until, next_stage

from ..clock import china_today
from ..errors import Conflict, ValidationFailed
from ..labels import STATE_NAMES
from ..models import PromotionRequest, PromotionState, ReviewStage, User, utcnow
from ..models.promotions import OPEN_STATES
from ..permissions import decision_refusal
from .promotions import move

MAX_REASON = 2000


def review_promotion(session: Session, request: PromotionRequest, *, by: User) -> PromotionRequest:
    """Submitted → under review at the current stage (the officer takes it up; optional before deciding)."""
    _may_decide(by, request, (PromotionState.SUBMITTED,))
    return move(session, request, action="reviewed", to_state=PromotionState.UNDER_REVIEW, by=by)


def approve_promotion(session: Session, request: PromotionRequest, *, reason: str, by: User,
                      today: date | None = None) -> PromotionRequest:
    """At the city stage of a target that also needs the province this passes the first review and forwards
    the request; at the last stage it approves, opening the appraisal at the target level for a period."""
    today = today or china_today()
    reason = _reason(reason)
    _may_decide(by, request, OPEN_STATES)
    following = next_stage(request.stage.value, request.target_level, on=today)
    if following is not None:
        return move(session, request, action="forwarded", to_state=PromotionState.SUBMITTED, by=by, reason=reason,
                    stage=ReviewStage(following), submitted_at=utcnow())
    return move(session, request, action="approved", to_state=PromotionState.APPROVED, by=by, reason=reason,
                decided_at=utcnow(), decided_by_id=by.id, approval_valid_until=approval_valid_until(today))


def reject_promotion(session: Session, request: PromotionRequest, *, reason: str, by: User) -> PromotionRequest:
    reason = _reason(reason)
    _may_decide(by, request, OPEN_STATES)
    return move(session, request, action="rejected", to_state=PromotionState.REJECTED, by=by, reason=reason,
                decided_at=utcnow(), decided_by_id=by.id)


def return_promotion(session: Session, request: PromotionRequest, *, reason: str, by: User) -> PromotionRequest:
    """Back to the nominator for more information; it comes back to this stage when resubmitted."""
    reason = _reason(reason)
    _may_decide(by, request, OPEN_STATES)
    return move(session, request, action="returned", to_state=PromotionState.RETURNED, by=by, reason=reason)


DECISIONS = {"approve": approve_promotion, "reject": reject_promotion, "return": return_promotion}


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("required", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed("binding", field="reason",
                               reason=Text(f"理由不超过 {MAX_REASON} 字", f"at most {MAX_REASON} characters"))
    return reason


def _may_decide(by: User, request: PromotionRequest, states: Collection[PromotionState]) -> None:
    """Who first (a stranger learns nothing about the state), then the state, then the stage."""
    refusal = decision_refusal(by, request)
    if refusal is not None and refusal.code != "wrong_stage":
        raise refusal
    if request.state not in states:
        if request.state is PromotionState.DRAFT or request.state in OPEN_STATES:
            raise Conflict("wrong_state", state=STATE_NAMES[request.state], action=Text("受理", "take this up"))
        raise Conflict("already_decided", state=STATE_NAMES[request.state])
    if refusal is not None:
        raise refusal

"""Results entered wrongly are corrected or voided with a reason; an incomplete one is completed.

Each change keeps the values it replaced (a ResultCorrection row, shown as the result's history) and goes to
the audit trail. The certificate follows the result: a correction that turns a pass into anything else, or a
voiding, revokes the certificate the pass produced (with the reason, so that verification and the revocation
status list show it at once); a correction or completion that turns it into a pass certifies as a pass
entered in the first place would (eligibility on the exam date, or the approval). Only the institution that
recorded the result (or an admin) changes it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..clock import china_today
from ..errors import Conflict, Forbidden, ValidationFailed
from ..labels import OUTCOME_NAMES
from ..models import (
    Application,
    AppraisalResult,
    CorrectionKind,
    ResultCorrection,
    SittingOutcome,
    User,
)
from ..permissions import runs_appraisal
from .appraisal import certify, judge_scores, result_snapshot, settle, tell_worker
from .audit import record
from .certificates import REVOCATION_REASON_MAX, revoke_with_its_result

MAX_REASON = REVOCATION_REASON_MAX - 20  # the reason also becomes the certificate's revocation reason


def correct_result(session: Session, result: AppraisalResult, *, theory: Decimal, practical: Decimal,
                   review: Decimal | None, reason: str, by: User, number: str | None = None,
                   today: date | None = None) -> AppraisalResult:
    """Replace the scores of a sitting entered wrongly; the outcome and the certificate follow them."""
    reason = _reason(reason)
    _may_change(by, result)
    if result.outcome is SittingOutcome.VOIDED:
        raise Conflict("wrong_state", state=OUTCOME_NAMES[result.outcome], action=Text("更正成绩", "correct it"))
    if (theory, practical, review) == (result.theory_score, result.practical_score, result.review_score):
        raise ValidationFailed("binding", field="theory", reason=Text("成绩没有变化", "the scores are unchanged"))
    return _rescore(session, result, CorrectionKind.CORRECTED, theory, practical, review, reason=reason, by=by,
                    number=number, today=today)


def complete_result(session: Session, result: AppraisalResult, *, review: Decimal, by: User,
                    number: str | None = None, today: date | None = None) -> AppraisalResult:
    """Enter the missing part of an incomplete sitting; a pass now certifies."""
    _may_change(by, result)
    if result.outcome is not SittingOutcome.INCOMPLETE:
        raise ValidationFailed("nothing_to_complete", field="review")
    return _rescore(session, result, CorrectionKind.COMPLETED, result.theory_score, result.practical_score,
                    review, reason=None, by=by, number=number, today=today)


def void_result(session: Session, result: AppraisalResult, *, reason: str, by: User) -> AppraisalResult:
    """The sitting does not count (e.g. recorded for the wrong person): its certificate is revoked and the
    candidate's application goes back to be seated again."""
    reason = _reason(reason)
    _may_change(by, result)
    if result.outcome is SittingOutcome.VOIDED:
        raise Conflict("wrong_state", state=OUTCOME_NAMES[result.outcome], action=Text("作废", "void it"))
    change = _change(result, CorrectionKind.VOIDED, reason, by)
    before = result_snapshot(result)
    change.revoked_certificate_id = _revoke(session, result, reason, by)
    result.passed, result.outcome = False, SittingOutcome.VOIDED
    _finish(session, result, change, before, by)
    tell_worker(session, result, "appraisal.voided", reason=reason)
    return result


def _rescore(session: Session, result: AppraisalResult, kind: CorrectionKind, theory: Decimal, practical: Decimal,
             review: Decimal | None, *, reason: str | None, by: User, number: str | None,
             today: date | None) -> AppraisalResult:
    today = today or china_today()
    verdict, problems = judge_scores(result.level, theory, practical, review, on=result.exam_date)
    if problems:
        raise problems[0]
    assert verdict is not None  # no problems: a verdict
    if number and not verdict.passed:
        raise ValidationFailed("number_without_pass", field="number")
    change = _change(result, kind, reason, by)
    before = result_snapshot(result)
    was_passed = result.passed
    result.theory_score, result.practical_score, result.review_score = theory, practical, review
    if was_passed and not verdict.passed:
        change.revoked_certificate_id = _revoke(session, result, reason or "", by)
        result.matched_rules = result.matched_clause = None
    result.passed, result.outcome = verdict.passed, SittingOutcome(verdict.outcome)
    session.flush()
    if verdict.passed and not was_passed:
        application = session.get(Application, result.application_id) if result.application_id else None
        request = application.promotion_request if application is not None else None
        change.issued_certificate_id = certify(session, result, number=(number or "").strip() or None, by=by,
                                               today=today, promotion_request=request).id
    _finish(session, result, change, before, by)
    if kind is CorrectionKind.CORRECTED:
        tell_worker(session, result, "appraisal.corrected", reason=reason or "")
    else:
        tell_worker(session, result, "appraisal.recorded")
    return result


def _revoke(session: Session, result: AppraisalResult, reason: str, by: User) -> int | None:
    certificate = result.certificate
    if certificate is None:
        return None
    result.certificate = None
    session.flush()
    if certificate.is_valid:
        revoke_with_its_result(session, certificate, reason=f"成绩更正 / result corrected: {reason}", by=by)
    return certificate.id


def _change(result: AppraisalResult, kind: CorrectionKind, reason: str | None, by: User) -> ResultCorrection:
    return ResultCorrection(result_id=result.id, kind=kind, reason=reason, theory_before=result.theory_score,
                            practical_before=result.practical_score, review_before=result.review_score,
                            outcome_before=result.outcome.value, theory_after=result.theory_score,
                            practical_after=result.practical_score, review_after=result.review_score,
                            outcome_after=result.outcome.value, actor_id=by.id)


def _finish(session: Session, result: AppraisalResult, change: ResultCorrection, before: dict[str, object],
            by: User) -> None:
    change.theory_after, change.practical_after = result.theory_score, result.practical_score
    change.review_after, change.outcome_after = result.review_score, result.outcome.value
    session.add(change)
    session.flush()
    record(session, actor=by, action=f"appraisal.{change.kind.value}", entity_type="appraisal_result",
           entity_id=result.id, before=before, after={**result_snapshot(result), "reason": change.reason})
    settle(session, result, by=by)


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("required", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed("binding", field="reason",
                               reason=Text(f"原因不超过 {MAX_REASON} 字", f"at most {MAX_REASON} characters"))
    return reason


def _may_change(by: User, result: AppraisalResult) -> None:
    if not runs_appraisal(by, result.institution_id):
        raise Forbidden("action")


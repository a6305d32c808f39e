"""Appraisal results: a sitting's scores, the pass rule, and the certificate a pass earns.

Only results make certificates on the regular route. A pass earns one if the worker met the application
conditions (申报条件) on the exam date — the clause met is kept on the result and shown on the certificate's
record; with an approved exceptional or level-skipping request the approval stands in for them until it runs
out. A sitting with a required part not yet scored (the 综合评审 of a technician) is *incomplete*, not failed,
and is decided when the score is entered (credentials.services.corrections).

A result belongs to the candidate's application when there is one open at the institution (entered against a
session, by the form or by a bulk import): its state follows the outcome, and a failure opens the retake
window (ladder.appraisal.retake_deadline).

The checks that need no database are public (`result_problems`, `judge_scores`) so that the bulk importer
applies the very same rules row by row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.appraisal import PARTS, ScoreOutOfRange, Verdict, judge, retake_deadline
from ladder.frameworks import get_level
from ladder.i18n import Text, join

from ..clock import china_today
from ..errors import Conflict, Duplicate, ValidationFailed
from ..identity import mask_name
from ..labels import APPLICATION_STATE_NAMES, OUTCOME_NAMES
from ..models import (
    Application,
    ApplicationState,
    AppraisalResult,
    AppraisalSession,
    Certificate,
    CertificateRoute,
    Institution,
    Occupation,
    PromotionRequest,
    SittingOutcome,
    User,
    Worker,
)
from ..queries.history import history_of
from .audit import record
from .certificates import issue_certificate, tell_holder
from .eligibility import standing
from .inbox import notify
from .institutions import is_accredited
from .overtaken import close_overtaken
from .promotions import check_approval_allows
from .training import level_label, level_problem

LINKABLE = (ApplicationState.APPROVED, ApplicationState.SEATED, ApplicationState.FAILED)


def judge_scores(level: str, theory: Decimal, practical: Decimal, review: Decimal | None, *,
                 on: date) -> tuple[Verdict | None, list[ValidationFailed]]:
    """The pass rule's verdict, or one error per score outside the scale or finer than the record keeps (and no
    verdict)."""
    given = {"theory": theory, "practical": practical, "review": review}
    scores = {"theory": theory, "practical": practical}  # the review score (optional) is kept apart
    problems: list[ValidationFailed] = []
    while True:
        try:
            verdict = judge(level, scores["theory"], scores["practical"], review, on=on)
        except ScoreOutOfRange as error:
            part = PARTS[error.part]
            problems.append(ValidationFailed("score_out_of_range", field=error.part, part=(part.zh, part.en),
                                             max=error.max_score))
            if error.part == "review":  # judge the other parts too
                review = Decimal(0)
            else:
                scores[error.part] = Decimal(0)
            continue
        out_of_range = {problem.field for problem in problems}
        problems += [_finer_than_kept(part) for part, score in given.items()
                     if part not in out_of_range and score is not None and not _kept_exactly(score)]
        return (None if problems else verdict), problems


CENT = Decimal("0.01")


def _kept_exactly(score: Decimal | int | float) -> bool:
    number = score if isinstance(score, Decimal) else Decimal(str(score))  # 80 and 80.5 from code, not forms
    return number == number.quantize(CENT)


def _finer_than_kept(part: str) -> ValidationFailed:
    """The record keeps two decimals (NUMERIC(5, 2)): 59.996, judged a fail, was stored as 60.00 (found by
    tests/properties/test_form_values.py; the bulk import already refused it, the form and the API did not)."""
    name = PARTS[part]
    return ValidationFailed("binding", field=part, reason=Text(f"{name.zh}成绩最多保留两位小数",
                                                               f"the {name.en} score has at most two decimals"))


def result_problems(*, occupation: Occupation, level: str, exam_date: date, theory: Decimal,
                    practical: Decimal, review: Decimal | None, number: str | None,
                    today: date) -> list[ValidationFailed]:
    """Every rule a result breaks that needs no database, in form order."""
    level_error = level_problem(occupation, level, "level")
    problems = [level_error] if level_error else []
    if exam_date > today:
        problems.append(ValidationFailed("date_in_future", field="exam_date"))
    if level_error is None:
        verdict, score_errors = judge_scores(level, theory, practical, review, on=exam_date)
        problems += score_errors
        if verdict is not None and not verdict.passed and number:
            problems.append(ValidationFailed("number_without_pass", field="number"))
    return problems


def record_appraisal_result(
    session: Session, *, worker: Worker, institution: Institution, occupation: Occupation, level: str,
    exam_date: date, theory: Decimal, practical: Decimal, review: Decimal | None = None,
    number: str | None = None, by: User | None, today: date | None = None,
    promotion_request: PromotionRequest | None = None, application: Application | None = None,
    appraisal_session: AppraisalSession | None = None,
) -> AppraisalResult:
    """Record one sitting; a pass by an eligible worker (or one with an approval) earns the certificate,
    dated the exam day. Without `application` the candidate's open one at the institution is used, if any."""
    today = today or china_today()
    problems = result_problems(occupation=occupation, level=level, exam_date=exam_date, theory=theory,
                               practical=practical, review=review, number=number, today=today)
    if problems:
        raise problems[0]
    verdict = judge(level, theory, practical, review, on=exam_date)
    label = level_label(level)
    if not is_accredited(session, institution, occupation, level, exam_date):
        raise ValidationFailed("not_accredited", field="level", institution=institution.name,
                               occupation=occupation.name, level=label)
    if session.scalar(select(AppraisalResult.id).where(
            AppraisalResult.worker_id == worker.id, AppraisalResult.occupation_id == occupation.id,
            AppraisalResult.level == level, AppraisalResult.exam_date == exam_date)) is not None:
        raise Duplicate("appraisal_result", field="exam_date", date=exam_date.isoformat(),
                        occupation=occupation.name, level=label)
    if application is None:
        application = open_application_for(session, worker.id, occupation.id, level, institution.id, exam_date)
    if application is not None:
        _check_application(application, worker=worker, occupation=occupation, level=level,
                           institution=institution, exam_date=exam_date, appraisal_session=appraisal_session)
        promotion_request = promotion_request or application.promotion_request
    result = AppraisalResult(
        worker=worker, institution=institution, occupation=occupation, level=level, exam_date=exam_date,
        theory_score=theory, practical_score=practical, review_score=review, passed=verdict.passed,
        outcome=SittingOutcome(verdict.outcome), application_id=application.id if application else None,
        session_id=appraisal_session.id if appraisal_session else None,
    )
    session.add(result)
    session.flush()
    if verdict.passed:
        certify(session, result, number=(number or "").strip() or None, by=by, today=today,
                promotion_request=promotion_request)
    record(session, actor=by, action="appraisal.recorded", entity_type="appraisal_result",
           entity_id=result.id, after=result_snapshot(result))
    settle(session, result, by=by)
    tell_worker(session, result, "appraisal.recorded")
    return result


def certify(session: Session, result: AppraisalResult, *, number: str | None, by: User | None, today: date,
            promotion_request: PromotionRequest | None) -> Certificate:
    """The certificate a pass earns: checked against the approval, or the regular conditions on the exam date
    (the clause met is kept on the result). Raises when the worker may not have sat the level."""
    worker, occupation, level = result.worker, result.occupation, result.level
    if promotion_request is not None:
        check_approval_allows(session, promotion_request, on=result.exam_date, worker=worker,
                              occupation=occupation, level=level)
    else:
        verdict = standing(history_of(session, worker.id), occupation.code, level, result.exam_date)
        if not verdict.eligible:
            raise ValidationFailed("not_eligible", field="level", level=level_label(level),
                                   explanation=(verdict.explanation.zh, verdict.explanation.en))
        result.matched_rules, result.matched_clause = verdict.rules, verdict.clause
    certificate = issue_certificate(
        session, worker=worker, occupation=occupation, level=level, issued_on=result.exam_date,
        institution=result.institution, route=CertificateRoute.REGULAR, number=number, by=by, today=today,
        promotion_request=promotion_request)
    result.certificate = certificate
    session.flush()
    tell_holder(session, certificate, "certificate.issued")
    return certificate


def open_application_for(session: Session, worker_id: int, occupation_id: int, level: str, institution_id: int,
                         exam_date: date) -> Application | None:
    """The candidate's application a sitting at this institution belongs to: qualified, seated, or failed and
    still within its retake window."""
    candidates = session.scalars(select(Application).where(
        Application.worker_id == worker_id, Application.occupation_id == occupation_id,
        Application.level == level, Application.institution_id == institution_id,
        Application.state.in_(LINKABLE)).order_by(Application.id.desc())).all()
    return next((a for a in candidates if a.state is not ApplicationState.FAILED
                 or (a.retake_until is not None and exam_date <= a.retake_until)), None)


def _check_application(application: Application, *, worker: Worker, occupation: Occupation, level: str,
                       institution: Institution, exam_date: date,
                       appraisal_session: AppraisalSession | None) -> None:
    if (application.worker_id, application.occupation_id, application.level, application.institution_id) != (
            worker.id, occupation.id, level, institution.id):
        raise ValidationFailed("binding", field="application_id", reason=Text(
            "该申报属于其他劳动者、职业、等级或机构", "the application is for another worker, occupation, level or institution"))
    if appraisal_session is not None and (application.state is not ApplicationState.SEATED
                                          or application.session_id != appraisal_session.id):
        raise Conflict("wrong_state", state=APPLICATION_STATE_NAMES[application.state],
                       action=Text("登记本场次成绩", "record a result in this session"))
    if application.state not in LINKABLE:
        raise Conflict("wrong_state", state=APPLICATION_STATE_NAMES[application.state],
                       action=Text("登记成绩", "record a result"))
    if application.state is ApplicationState.FAILED:
        assert application.retake_until is not None  # a failure opens the window
        if exam_date > application.retake_until:
            raise Conflict("retake_window_closed", date=application.retake_until.isoformat())


def settle(session: Session, result: AppraisalResult, *, by: User | None) -> None:
    """The application follows its latest sitting's outcome; a pass closes what it overtook."""
    application = session.get(Application, result.application_id) if result.application_id else None
    if application is not None and application.state is not ApplicationState.CLOSED:
        before = application.state
        latest = session.scalar(select(AppraisalResult).where(
            AppraisalResult.application_id == application.id, AppraisalResult.outcome != SittingOutcome.VOIDED)
            .order_by(AppraisalResult.exam_date.desc(), AppraisalResult.id.desc()).limit(1))
        if latest is None:  # every sitting voided: the candidate may be seated again
            application.state, application.session_id = ApplicationState.APPROVED, None
        elif latest.outcome is SittingOutcome.PASSED:
            application.state = ApplicationState.PASSED
        elif latest.outcome is SittingOutcome.INCOMPLETE:
            application.state = ApplicationState.INCOMPLETE
        else:
            application.state = ApplicationState.FAILED
            if application.retake_until is None:
                application.retake_until = _retake_until(application, latest.exam_date)
        application.version += 1
        session.flush()
        if application.state is not before:
            record(session, actor=by, action="application.result", entity_type="application",
                   entity_id=application.id, before={"state": before.value},
                   after={"state": application.state.value, "result_id": result.id,
                          "retake_until": application.retake_until.isoformat() if application.retake_until
                          else None})
    if result.certificate is not None:
        close_overtaken(session, result.certificate, by=by)


def _retake_until(application: Application, exam_date: date) -> date:
    """The retake window of the standard (ladder data), and never past the approval it stands on."""
    deadline = retake_deadline(exam_date)
    request = application.promotion_request
    if request is not None and request.approval_valid_until is not None:
        deadline = min(deadline, request.approval_valid_until)
    return deadline


def result_snapshot(result: AppraisalResult) -> dict[str, object]:
    return {"worker_id": result.worker_id, "institution_id": result.institution_id,
            "occupation": result.occupation.code, "level": result.level, "exam_date": result.exam_date.isoformat(),
            "theory": str(result.theory_score), "practical": str(result.practical_score),
            "review": None if result.review_score is None else str(result.review_score),
            "passed": result.passed, "outcome": result.outcome.value,
            "certificate": result.certificate.number if result.certificate else None,
            "application_id": result.application_id, "session_id": result.session_id,
            "clause": result.matched_clause}


def tell_worker(session: Session, result: AppraisalResult, code: str, reason: str = "") -> None:
    """The worker hears of their result: the outcome, and the certificate or what failed or is missing."""
    level = get_level(result.level)
    workers = session.scalars(select(User).where(User.worker_id == result.worker_id)).all()
    if result.certificate is not None:
        detail = Text(f"证书编号 {result.certificate.number}", f"Certificate {result.certificate.number}")
    elif result.outcome in (SittingOutcome.FAILED, SittingOutcome.INCOMPLETE):
        detail = join(list(judge(result.level, result.theory_score, result.practical_score, result.review_score,
                                 on=result.exam_date).reasons))
    else:
        detail = Text("", "")
    outcome = OUTCOME_NAMES[result.outcome]
    notify(session, workers, code, entity_type="appraisal_result", entity_id=result.id,
           worker=mask_name(result.worker.name), occupation=result.occupation.name,
           level=(level.name_zh, level.name_en), date=result.exam_date.isoformat(),
           outcome=(outcome.zh, outcome.en), detail=(detail.zh, detail.en), reason=reason)

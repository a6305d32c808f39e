"""Appraisal results: a sitting's scores, the pass rule, and the certificate a pass earns.

Where eligibility is enforced. A pass earns a *new* regular-route certificate only if the worker met the
application conditions (申报条件) on the exam date; that is checked here, over the history the registry
holds, before anything is written. `issue_certificate` itself does not check eligibility: it records a
certificate as a fact, and is also how certificates that exist already get into the registry (a paper
certificate from 2008, a level reached by competition or exceptional promotion, a migration) whose
supporting history the registry never held. Refusing those for a history we lack would lose true records.

The checks that need no database are public (`result_problems`, `judge_scores`, `eligibility_problem`)
so that the bulk importer applies the very same rules row by row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.appraisal import PARTS, ScoreOutOfRange, Verdict, judge

from ..errors import Duplicate, ValidationFailed
from ..models import (
    AppraisalResult,
    CertificateRoute,
    Institution,
    Occupation,
    PromotionRequest,
    User,
    Worker,
)
from ..queries.history import history_of
from .audit import record
from .certificates import issue_certificate
from .eligibility import eligibility_problem
from .institutions import is_accredited
from .promotions import check_approval_allows
from .training import level_label, level_problem


def judge_scores(level: str, theory: Decimal, practical: Decimal, review: Decimal | None, *,
                 on: date) -> tuple[Verdict | None, list[ValidationFailed]]:
    """The pass rule's verdict, or one error per score outside the scale (and no verdict)."""
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
        return (None if problems else verdict), problems


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
    promotion_request: PromotionRequest | None = None,
) -> AppraisalResult:
    """Record one sitting; a pass by an eligible worker issues the certificate (dated the exam day).

    With `promotion_request` (an approved exceptional or level-skipping request) the approval stands in for
    the regular conditions, and the certificate has route exceptional and links to it."""
    today = today or date.today()
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
    certificate = None
    if verdict.passed:
        problem = None
        if promotion_request is not None:
            check_approval_allows(session, promotion_request, on=exam_date, worker=worker,
                                  occupation=occupation, level=level)
        else:
            problem = eligibility_problem(history_of(session, worker.id), occupation.code, level, exam_date)
        if problem is not None:
            raise ValidationFailed("not_eligible", field="level", level=label,
                                   explanation=(problem.zh, problem.en))
        certificate = issue_certificate(
            session, worker=worker, occupation=occupation, level=level, issued_on=exam_date,
            institution=institution, route=CertificateRoute.REGULAR, number=(number or "").strip() or None,
            by=by, today=today, promotion_request=promotion_request)
    result = AppraisalResult(
        worker=worker, institution=institution, occupation=occupation, level=level, exam_date=exam_date,
        theory_score=theory, practical_score=practical, review_score=review, passed=verdict.passed,
        certificate=certificate,
    )
    session.add(result)
    session.flush()
    record(session, actor=by, action="appraisal.recorded", entity_type="appraisal_result",
           entity_id=result.id,
           after={"worker_id": worker.id, "institution_id": institution.id, "occupation": occupation.code,
                  "level": level, "exam_date": exam_date.isoformat(), "theory": str(theory),
                  "practical": str(practical), "review": None if review is None else str(review),
                  "passed": verdict.passed, "certificate": certificate.number if certificate else None})
    return result


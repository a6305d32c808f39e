"""A worker's history: per occupation the certificates, training, appraisal results, and the next level on
the regular route (eligible now, or from when, and what is missing), in both languages."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from credentials.models import AppraisalResult, Role, TrainingForm, TrainingOutcome, TrainingRecord, TrainingType
from credentials.queries.progression import (
    NextStep,
    OccupationProgress,
    failure_reasons,
    plain_score,
    progression,
    subsidy_of,
)
from credentials.services.access_log import record_view

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import worker_or_404
from .common import (
    CERTIFICATE_NUMBER,
    Bilingual,
    CertificateOut,
    LevelOut,
    OccupationRef,
    Ref,
    WorkerOut,
    boolean,
    certificate_dict,
    choice,
    day,
    integer,
    level_dict,
    many,
    nested,
    problems,
    string,
    values,
    worker_dict,
)

PREFIX = "/workers"
blp = Blueprint("api_history", __name__, description="A worker's history and eligibility for the next level")


class SubsidyOut(ma.Schema):
    eligible = boolean("A training subsidy is granted", True)
    reason = choice(["granted", "not_in_group", "no_rule", "already_subsidised", "dropped_out", "after_certification",
                     "insured_months_unknown", "insured_months_short", "claim_too_late"],
                    "Why (granted, or why not)", "granted")
    rule_id = string("The subsidy rule concerned", "3205-2019.employment", null=True)
    amount = string("Amount in yuan, as a decimal string", "1500.00", null=True)
    explanation = nested(Bilingual, "The rule, in words")


class TrainingOut(ma.Schema):
    id = integer("Training record id", 21)
    institution = nested(Ref, "The training institution")
    target_level = nested(LevelOut, "The level trained for")
    training_type = choice(values(TrainingType), "Type of training", "employment_skills")
    form = choice(values(TrainingForm), "Form of training", "directed")
    hours = integer("Class hours", 90)
    started_on = day("First day", "2024-02-01")
    completed_on = day("Last day, if completed", "2024-04-01", null=True)
    outcome = choice(values(TrainingOutcome), "How it ended (so far)", "completed")
    subsidy = nested(SubsidyOut, "The subsidy decision")


class AppraisalResultOut(ma.Schema):
    id = integer("Appraisal result id", 31)
    institution = nested(Ref, "The appraising institution")
    level = nested(LevelOut, "The level sat for")
    exam_date = day("Date of the exam", "2024-07-01")
    theory = string("Theory score as typed (e.g. 78.5, 60)", "78.5", null=True)
    practical = string("Practical score as typed", "82", null=True)
    review = string("Overall review score (technician and above)", null=True)
    passed = boolean("Passed", True)
    reasons = many(Bilingual, "Why it failed, part by part (empty for a pass)")
    certificate_number = string("The certificate it earned", CERTIFICATE_NUMBER, null=True)


class MissingOut(ma.Schema):
    class Meta:
        description = "A requirement not yet met."

    code = string("prev_level, years_since_prev, years_in_occupation, training_hours, diploma or already_held",
                  "years_since_prev")
    zh = string("In Chinese", "还需在中级工等级工作 1 年 8 个月")
    en = string("In English", "1 year 8 months more at Intermediate Worker")


class NextLevelOut(ma.Schema):
    level = nested(LevelOut, "The next level on the regular route")
    eligible = boolean("May apply for it now", False)
    eligible_from = day("First day the worker may apply if work goes on (null: time alone will not do)",
                        "2026-02-01", null=True)
    rules = string("The rule set applied", "standard-2018")
    matched_clause = string("The application condition met", null=True)
    closest_clause = string("The condition closest to being met", "2018.senior.a", null=True)
    clause = nested(Bilingual, "The condition met or closest, in words", null=True)
    missing = many(MissingOut, "What is still missing")
    explanation = nested(Bilingual, "All of it in one sentence")


class OccupationHistory(ma.Schema):
    occupation = nested(OccupationRef, "The occupation")
    current_level = nested(LevelOut, "Highest level held (null: none yet)", null=True)
    reached_on = day("When it was reached", "2024-07-01", null=True)
    next_level = nested(NextLevelOut, "The next level and the worker's standing (null at the top)", null=True)
    certificates = many(CertificateOut, "Certificates, oldest first")
    training = many(TrainingOut, "Training records")
    results = many(AppraisalResultOut, "Appraisal results")


class WorkerHistory(ma.Schema):
    worker = nested(WorkerOut, "The worker")
    occupations = many(OccupationHistory, "One entry per occupation with any record")


def _score(value) -> str | None:
    return None if value is None else str(plain_score(value))


def _training(training: TrainingRecord) -> dict:
    subsidy = subsidy_of(training)
    return {
        "id": training.id, "institution": {"id": training.institution_id, "name": training.institution.name},
        "target_level": level_dict(training.target_level), "training_type": training.training_type.value,
        "form": training.form.value, "hours": training.hours, "started_on": training.started_on.isoformat(),
        "completed_on": training.completed_on.isoformat() if training.completed_on else None,
        "outcome": training.outcome.value,
        "subsidy": {"eligible": subsidy.eligible, "reason": subsidy.reason, "rule_id": subsidy.rule_id,
                    "amount": None if subsidy.amount is None else str(subsidy.amount),
                    "explanation": subsidy.explanation.as_dict()},
    }


def _result(result: AppraisalResult) -> dict:
    return {
        "id": result.id, "institution": {"id": result.institution_id, "name": result.institution.name},
        "level": level_dict(result.level), "exam_date": result.exam_date.isoformat(),
        "theory": _score(result.theory_score), "practical": _score(result.practical_score),
        "review": _score(result.review_score), "passed": result.passed,
        "reasons": [reason.as_dict() for reason in failure_reasons(result)],
        "certificate_number": result.certificate.number if result.certificate else None,
    }


def _next(step: NextStep | None) -> dict | None:
    if step is None:
        return None
    return {
        "level": level_dict(step.target_level), "eligible": step.eligible,
        "eligible_from": step.eligible_from.isoformat() if step.eligible_from else None,
        "rules": step.result.rules, "matched_clause": step.result.matched_clause,
        "closest_clause": step.result.closest_clause,
        "clause": step.clause.as_dict() if step.clause else None,
        "missing": [{"code": m.code, "zh": m.describe("zh"), "en": m.describe("en")}
                    for m in step.result.missing],
        "explanation": step.explanation.as_dict(),
    }


def _occupation(progress: OccupationProgress) -> dict:
    occupation = progress.occupation
    return {
        "occupation": {"code": occupation.code, "name": occupation.name, "edition": occupation.edition},
        "current_level": level_dict(progress.current_level) if progress.current_level else None,
        "reached_on": progress.reached_on.isoformat() if progress.reached_on else None,
        "next_level": _next(progress.next),
        "certificates": [certificate_dict(c) for c in progress.certificates],
        "training": [_training(t) for t in progress.training],
        "results": [_result(r) for r in progress.results],
    }


@blp.route("/<int:worker_id>/history", methods=["GET"])
@allow(Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
@blp.response(200, WorkerHistory)
@problems(401, 404)
def worker_history(worker_id: int):
    """Everything the registry holds on the worker's way up, scoped like the worker (another's: 404)."""
    session = db.session()
    worker = worker_or_404(worker_id)
    record_view(session, viewer=current_actor(), worker=worker, where="api.worker_history")
    session.commit()  # the worker may ask who looked (credentials.services.access_log)
    occupations = [_occupation(progress) for progress in progression(session, worker)]
    return {"worker": worker_dict(worker), "occupations": occupations}

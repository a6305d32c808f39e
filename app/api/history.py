"""A worker's history: per occupation the certificates, training, appraisal results, and the next level on
the regular route (eligible now, or from when, and what is missing), in both languages."""

from __future__ import annotations

from flask_smorest import Blueprint

from credentials.models import AppraisalResult, Role, TrainingRecord
from credentials.queries.progression import (
    NextStep,
    OccupationProgress,
    failure_reasons,
    plain_score,
    progression,
    subsidy_of,
)

from ..access import allow
from ..extensions import db
from ..lookups import worker_or_404
from .common import certificate_dict, level_dict, worker_dict

PREFIX = "/workers"
blp = Blueprint("api_history", __name__, description="A worker's history and eligibility for the next level")


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
@blp.response(200)
def worker_history(worker_id: int):
    """Everything the registry holds on the worker's way up, scoped like the worker (another's: 404)."""
    session = db.session()
    worker = worker_or_404(worker_id)
    occupations = [_occupation(progress) for progress in progression(session, worker)]
    return {"worker": worker_dict(worker), "occupations": occupations}

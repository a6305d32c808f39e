"""Appraisal results: record one (a pass by an eligible worker, or one with an approval, earns the certificate),
read one with its history, and correct, void or complete it. Scoped like the pages: another institution's
result answers 404."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from credentials.models import AppraisalResult, Role, SittingOutcome
from credentials.queries.applications import clause_text, result_history
from credentials.queries.progression import failure_reasons, plain_score
from credentials.services.appraisal import record_appraisal_result
from credentials.services.corrections import MAX_REASON, complete_result, correct_result, void_result

from .. import career
from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import occupation_or_field_error, result_or_404, worker_from_body
from .common import (
    CERTIFICATE_NUMBER,
    Bilingual,
    LevelOut,
    OccupationBrief,
    Ref,
    boolean,
    choice,
    day,
    integer,
    iso_utc,
    level_dict,
    many,
    moment,
    nested,
    problems,
    string,
    values,
)

PREFIX = "/results"
blp = Blueprint("api_results", __name__, description="Appraisal results: record, read, correct, void, complete")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
SCORE = {"validate": ma.validate.Range(min=-1_000, max=1_000), "places": None}


class Scores(ma.Schema):
    theory = ma.fields.Decimal(required=True, **SCORE)
    practical = ma.fields.Decimal(required=True, **SCORE)
    review = ma.fields.Decimal(load_default=None, allow_none=True, **SCORE,
                               metadata={"description": "综合评审, Technician and above; absent: the result is "
                                                        "incomplete until it is entered"})
    number = ma.fields.String(load_default=None, validate=ma.validate.Length(max=32),
                              metadata={"description": "certificate number for a pass (else the next of the series)"})


class SittingCreate(Scores):
    worker_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**62))
    national_id = ma.fields.String(load_default=None, validate=ma.validate.Length(min=15, max=20),
                                   metadata={"description": "instead of worker_id (in the body, never a URL)"})
    occupation_code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d-\d{2}-\d{2}-\d{2}$"))
    level = ma.fields.String(required=True, validate=ma.validate.Length(max=32))
    exam_date = ma.fields.Date(required=True)


class Correction(ma.Schema):
    theory = ma.fields.Decimal(required=True, **SCORE)
    practical = ma.fields.Decimal(required=True, **SCORE)
    review = ma.fields.Decimal(load_default=None, allow_none=True, **SCORE)
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_REASON))


class Voiding(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_REASON))


class Completion(ma.Schema):
    review = ma.fields.Decimal(required=True, **SCORE)
    number = ma.fields.String(load_default=None, validate=ma.validate.Length(max=32))


class CorrectionOut(ma.Schema):
    kind = choice(["corrected", "voided", "completed"], "What was done", "corrected")
    reason = string("Why (none for a completion)", "理论成绩录入错误", null=True)
    before = string("Scores and outcome before: theory/practical/review outcome", "58/75/— failed")
    after = string("Scores and outcome after", "85/75/— passed")
    revoked_certificate = string("Certificate revoked by this change", null=True)
    issued_certificate = string("Certificate issued by this change", CERTIFICATE_NUMBER, null=True)
    at = moment("When (UTC)", "2024-07-01T08:00:00Z")


class SittingOut(ma.Schema):
    id = integer("Result id", 31)
    worker = nested(Ref, "The candidate", example={"id": 42, "name": "张三"})
    institution = nested(Ref, "The appraising institution")
    occupation = nested(OccupationBrief, "The occupation")
    level = nested(LevelOut, "The level sat for")
    exam_date = day("Date of the sitting", "2024-07-01")
    theory = string("Theory score", "78.5")
    practical = string("Practical score", "82")
    review = string("Review score (technician and above)", null=True)
    outcome = choice(values(SittingOutcome), "passed, failed, incomplete (a required score missing) or voided",
                     "passed")
    passed = boolean("Passed", True)
    reasons = many(Bilingual, "Why it failed or what is missing")
    certificate_number = string("The certificate it earned", CERTIFICATE_NUMBER, null=True)
    application_id = integer("The application it belongs to", 5, null=True)
    session_id = integer("The session it was sat in", 3, null=True)
    clause = nested(Bilingual, "The application condition met on the exam day", null=True)
    history = many(CorrectionOut, "Corrections, oldest first")


def _score(value) -> str | None:
    return None if value is None else str(plain_score(value))


def _scores(theory, practical, review, outcome: str) -> str:
    return f"{_score(theory)}/{_score(practical)}/{_score(review) or '—'} {outcome}"


def result_dict(result: AppraisalResult) -> dict:
    clause = clause_text(result.matched_rules, result.matched_clause)
    return {
        "id": result.id, "worker": {"id": result.worker_id, "name": result.worker.name},
        "institution": {"id": result.institution_id, "name": result.institution.name},
        "occupation": {"code": result.occupation.code, "name": result.occupation.name},
        "level": level_dict(result.level), "exam_date": result.exam_date.isoformat(),
        "theory": _score(result.theory_score), "practical": _score(result.practical_score),
        "review": _score(result.review_score), "outcome": result.outcome.value, "passed": result.passed,
        "reasons": [] if result.outcome is SittingOutcome.VOIDED else
        [reason.as_dict() for reason in failure_reasons(result)],
        "certificate_number": result.certificate.number if result.certificate else None,
        "application_id": result.application_id, "session_id": result.session_id,
        "clause": clause.as_dict() if clause else None,
        "history": [{
            "kind": c.kind.value, "reason": c.reason,
            "before": _scores(c.theory_before, c.practical_before, c.review_before, c.outcome_before),
            "after": _scores(c.theory_after, c.practical_after, c.review_after, c.outcome_after),
            "revoked_certificate": c.revoked_certificate.number if c.revoked_certificate else None,
            "issued_certificate": c.issued_certificate.number if c.issued_certificate else None,
            "at": iso_utc(c.created_at)} for c in result_history(db.session(), result)],
    }


@blp.route("", methods=["POST"])
@allow(Role.INSTITUTION_STAFF)
@blp.arguments(SittingCreate)
@blp.response(201, SittingOut)
@problems(400, 401, 403, 409, 422)
def create_result(body):
    """Record a sitting at the caller's institution; it joins the candidate's open application there, if any.
    The only way an institution's certificate comes about on the regular route."""
    user = current_actor()
    result = record_appraisal_result(
        db.session(), worker=worker_from_body(body), institution=user.institution,
        occupation=occupation_or_field_error(body["occupation_code"]), level=body["level"],
        exam_date=body["exam_date"], theory=body["theory"], practical=body["practical"], review=body["review"],
        number=body["number"], by=user, today=career.today())
    db.session.commit()
    return result_dict(result)


@blp.route("/<int:result_id>", methods=["GET"])
@allow(*ALL_ROLES)
@blp.response(200, SittingOut)
@problems(401, 404)
def get_result(result_id: int):
    return result_dict(result_or_404(result_id))


@blp.route("/<int:result_id>/correct", methods=["POST"])
@allow(Role.INSTITUTION_STAFF)
@blp.arguments(Correction)
@blp.response(200, SittingOut, description="The result after the correction")
@problems(400, 401, 403, 404, 409, 422)
def correct(body, result_id: int):
    """New scores with a reason; a pass made a fail revokes its certificate, a fail made a pass certifies."""
    result = result_or_404(result_id)
    correct_result(db.session(), result, theory=body["theory"], practical=body["practical"], review=body["review"],
                   reason=body["reason"], by=current_actor(), today=career.today())
    db.session.commit()
    return result_dict(result)


@blp.route("/<int:result_id>/void", methods=["POST"])
@allow(Role.INSTITUTION_STAFF)
@blp.arguments(Voiding)
@blp.response(200, SittingOut, description="The voided result")
@problems(400, 401, 403, 404, 409, 422)
def void(body, result_id: int):
    result = result_or_404(result_id)
    void_result(db.session(), result, reason=body["reason"], by=current_actor())
    db.session.commit()
    return result_dict(result)


@blp.route("/<int:result_id>/complete", methods=["POST"])
@allow(Role.INSTITUTION_STAFF)
@blp.arguments(Completion)
@blp.response(200, SittingOut, description="The completed result")
@problems(400, 401, 403, 404, 409, 422)
def complete(body, result_id: int):
    """Enter the missing review score of an incomplete result."""
    result = result_or_404(result_id)
    complete_result(db.session(), result, review=body["review"], number=body["number"], by=current_actor(),
                    today=career.today())
    db.session.commit()
    return result_dict(result)

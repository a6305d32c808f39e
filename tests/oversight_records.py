"""Records for the oversight tests, written by hand (rows, not the services that would refuse some of them: a
second sitting at a level already held is exactly what the checks look for)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from app.extensions import db
from credentials.models import (
    AppraisalResult,
    Certificate,
    CertificateStatus,
    PromotionKind,
    PromotionRequest,
    PromotionState,
    SittingOutcome,
)
from credentials.services.reference import find_occupation

LATHE = "6-18-01-01"  # 车工
YEAR = 2024


def lathe():
    return find_occupation(db.session(), LATHE)


def sit(worker, institution, *, on: date, level: str = "intermediate", outcome=SittingOutcome.PASSED,
        certificate: Certificate | None = None) -> AppraisalResult:
    passed = outcome is SittingOutcome.PASSED
    result = AppraisalResult(
        worker_id=worker.id, institution_id=institution.id, occupation_id=lathe().id, level=level, exam_date=on,
        theory_score=Decimal(80 if passed else 40), practical_score=Decimal(80 if passed else 40), passed=passed,
        outcome=outcome, certificate_id=certificate.id if certificate is not None else None)
    db.session.add(result)
    db.session.commit()
    return result


def sittings(worker, institution, *, passes: int, fails: int = 0, voided: int = 0,
             start: date = date(YEAR, 1, 1)) -> list[AppraisalResult]:
    """One sitting a day from `start`: passes, then fails, then voided ones."""
    outcomes = ([SittingOutcome.PASSED] * passes + [SittingOutcome.FAILED] * fails
                + [SittingOutcome.VOIDED] * voided)
    rows = [AppraisalResult(
        worker_id=worker.id, institution_id=institution.id, occupation_id=lathe().id, level="junior",
        exam_date=start + timedelta(days=day), theory_score=Decimal(70), practical_score=Decimal(70),
        passed=outcome is SittingOutcome.PASSED, outcome=outcome) for day, outcome in enumerate(outcomes)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def nominate(worker, institution, nominator, *, kind=PromotionKind.EXCEPTIONAL,
             created: datetime = datetime(YEAR, 3, 1, tzinfo=UTC), state=PromotionState.SUBMITTED) -> PromotionRequest:
    request = PromotionRequest(
        kind=kind, worker_id=worker.id, occupation_id=lathe().id, current_level="senior", target_level="technician",
        statement="技术骨干", city_code=worker.city_code, nominated_by_id=nominator.id, institution_id=institution.id,
        state=state, created_at=created, submitted_at=None if state is PromotionState.DRAFT else created)
    db.session.add(request)
    db.session.commit()
    return request


def revoke_on(certificate: Certificate, moment: datetime) -> None:
    certificate.status, certificate.revoked_at = CertificateStatus.REVOKED, moment
    certificate.revocation_reason = "核查发现材料不实"
    db.session.commit()

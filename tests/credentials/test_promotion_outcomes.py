"""What follows an approval: the certificate (through a passed sitting), the limits of an approval, the audit
trail and its verification, and the demo's waiting work."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from app.extensions import db
from credentials import Conflict, ValidationFailed
from credentials.clock import china_today
from credentials.models import AuditEvent, CertificateRoute
from credentials.services.appraisal import record_appraisal_result
from credentials.services.reference import find_occupation
from tests.promotion_fixtures import OCCUPATION, bring_to


def _sit(cast, request, exam: date, *, today: date | None = None):
    session = db.session()
    return record_appraisal_result(session, worker=cast.worker, institution=cast.employer,
                                   occupation=find_occupation(session, OCCUPATION), level="technician",
                                   exam_date=exam, theory=Decimal(80), practical=Decimal(85), review=Decimal(75),
                                   by=cast["nominator"], promotion_request=request, today=today)


def test_the_certificate_after_an_approval_is_exceptional_linked_and_issued_once(cast):
    request = bring_to(cast, "approved")

    certificate = _sit(cast, request, china_today()).certificate

    assert certificate.route is CertificateRoute.EXCEPTIONAL and certificate.level == "technician"
    assert certificate.promotion_request_id == request.id
    with pytest.raises(Conflict):
        _sit(cast, request, china_today() - timedelta(days=1))


def test_an_expired_approval_issues_nothing(cast):
    request = bring_to(cast, "approved")
    too_late = request.approval_valid_until.replace(year=request.approval_valid_until.year + 1)

    with pytest.raises(Conflict) as refused:
        _sit(cast, request, too_late, today=too_late)
    assert refused.value.code == "approval_expired"


@pytest.mark.parametrize("state", ["draft", "submitted@province", "rejected"])
def test_no_certificate_without_an_approval(cast, state):
    request = bring_to(cast, state)

    with pytest.raises(Conflict):
        _sit(cast, request, china_today())


def test_every_step_is_in_the_audit_trail_and_the_chain_verifies(cast, runner):
    request = bring_to(cast, "approved")
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "promotion_request", AuditEvent.entity_id == str(request.id))
        .order_by(AuditEvent.id)).all()

    assert actions == ["promotion.nominated", "promotion.evidence_added", "promotion.submitted",
                       "promotion.forwarded", "promotion.approved"]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


def test_audit_verify_names_an_edited_promotion_event(cast, runner):
    request = bring_to(cast, "approved")
    approved = db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "promotion.approved",
                                                             AuditEvent.entity_id == str(request.id)))
    db.session.execute(text("UPDATE audit_events SET actor_id = NULL WHERE id = :id"), {"id": approved})
    db.session.commit()

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1 and f"BROKEN at event {approved} " in result.output


def test_the_appraisal_path_accepts_an_approval_instead_of_the_regular_conditions(cast):
    request = bring_to(cast, "approved")
    session = db.session()
    occupation = find_occupation(session, OCCUPATION)
    exam = china_today()
    result = record_appraisal_result(session, worker=cast.worker, institution=cast.employer, occupation=occupation,
                                     level="technician", exam_date=exam, theory=Decimal(80), practical=Decimal(85),
                                     review=Decimal(75), by=cast["nominator"], promotion_request=request)

    assert result.passed and result.certificate.route is CertificateRoute.EXCEPTIONAL
    assert result.certificate.promotion_request_id == request.id


def test_an_approval_for_another_level_does_not_stand_in(cast):
    request = bring_to(cast, "approved")
    session = db.session()
    with pytest.raises(ValidationFailed) as refused:
        record_appraisal_result(session, worker=cast.worker, institution=cast.employer,
                                occupation=find_occupation(session, OCCUPATION), level="senior_technician",
                                exam_date=china_today(), theory=Decimal(80), practical=Decimal(85),
                                review=Decimal(75), by=cast["nominator"], promotion_request=request)
    assert refused.value.field == "promotion_request_id"


def test_the_demo_leaves_work_in_both_queues(app, vault):
    from credentials.demo.seed import seed_demo
    from credentials.models import User
    from credentials.queries.approvals import work_queue

    seed_demo(db.session(), vault)
    db.session.commit()
    city = db.session.scalar(select(User).where(User.username == "suzhou-hrss"))
    province = db.session.scalar(select(User).where(User.username == "jiangsu-hrss"))

    assert work_queue(db.session(), city)[1] == {"exceptional": 1, "level_skipping": 0, "competition": 0, "plan": 0}
    assert work_queue(db.session(), province)[1] == {"exceptional": 0, "level_skipping": 1, "competition": 1,
                                                     "plan": 0}

"""Results can be corrected, voided or completed, and the certificate follows the result: only results make
certificates (issue 14 item 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials import Conflict, Forbidden, ValidationFailed
from credentials.models import (
    ApplicationState,
    AuditEvent,
    CertificateStatus,
    InboxMessage,
    ResultCorrection,
    SittingOutcome,
)
from credentials.queries.verification import verify_certificate
from credentials.services.appraisal import record_appraisal_result
from credentials.services.corrections import complete_result, correct_result, void_result
from credentials.services.status_lists import allocate_status_index, status_list_credential_for
from credentials.vc import statuslist
from tests.appraisal_fixtures import AFTER, HELD, lathe, open_session, seated, sit
from tests.credentials.test_status_list_service import ISSUER, SEALER


def _correct(road, result, theory, practical=80, review=None, reason="理论成绩录入错误", by=None):
    corrected = correct_result(db.session(), result, theory=Decimal(theory), practical=Decimal(practical),
                               review=None if review is None else Decimal(review), reason=reason,
                               by=by or road.clerk, today=AFTER)
    db.session.commit()
    return corrected


def test_a_correction_keeps_the_old_scores_in_the_history(road):
    result = sit(road, seated(road, road.junior, open_session(road)), theory=58)

    _correct(road, result, 85)

    change = db.session.scalar(select(ResultCorrection))
    assert (change.kind.value, change.reason) == ("corrected", "理论成绩录入错误")
    assert (change.theory_before, change.outcome_before) == (Decimal(58), "failed")
    assert (change.theory_after, change.outcome_after) == (Decimal(85), "passed")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "appraisal.corrected"))
    assert (Decimal(audit.before["theory"]), Decimal(audit.after["theory"])) == (58, 85)


def test_a_fail_corrected_into_a_pass_certifies_and_the_application_passes(road):
    application = seated(road, road.junior, open_session(road))
    result = sit(road, application, theory=58)

    _correct(road, result, 85)

    assert result.outcome is SittingOutcome.PASSED and result.certificate.issued_on == HELD
    assert application.state is ApplicationState.PASSED
    assert db.session.scalar(select(ResultCorrection.issued_certificate_id)) == result.certificate_id


def test_a_pass_corrected_into_a_fail_revokes_its_certificate_with_the_reason(road):
    application = seated(road, road.junior, open_session(road))
    result = sit(road, application)
    certificate = result.certificate
    index = allocate_status_index(db.session(), certificate, draw=lambda size: 7)  # a credential was issued

    _correct(road, result, 40, reason="理论卷误登为 80 分")

    assert result.certificate_id is None and result.outcome is SittingOutcome.FAILED
    assert certificate.status is CertificateStatus.REVOKED
    assert certificate.revocation_reason == "成绩更正 / result corrected: 理论卷误登为 80 分"
    assert application.state is ApplicationState.FAILED and application.retake_until == date(2025, 6, 3)
    assert verify_certificate(db.session(), certificate.number, name=road.junior.name).status == "revoked"
    status_list = status_list_credential_for(db.session(), 1, ISSUER, SEALER)
    bits = statuslist.StatusList.decode(status_list["credentialSubject"]["encodedList"])
    assert index == 7 and bits.get(7) and bits.count() == 1  # the very next fetch of the list shows it
    told = db.session.scalars(select(InboxMessage.code).where(InboxMessage.user_id == road.junior_user.id)
                              .order_by(InboxMessage.id)).all()
    assert told[-2:] == ["certificate.revoked", "appraisal.corrected"]


def test_a_pass_corrected_with_other_passing_scores_keeps_its_certificate(road):
    result = sit(road, seated(road, road.junior, open_session(road)))
    number = result.certificate.number

    _correct(road, result, 90)

    assert result.certificate.number == number and result.certificate.status is CertificateStatus.VALID


def test_voiding_revokes_the_certificate_and_frees_the_candidate_for_another_sitting(road):
    application = seated(road, road.junior, open_session(road))
    result = sit(road, application)
    certificate = result.certificate

    void_result(db.session(), result, reason="考生身份核对有误", by=road.clerk)
    db.session.commit()

    assert result.outcome is SittingOutcome.VOIDED and not result.passed and result.certificate_id is None
    assert certificate.status is CertificateStatus.REVOKED
    assert application.state is ApplicationState.APPROVED and application.session_id is None
    with pytest.raises(Conflict):
        void_result(db.session(), result, reason="再次作废", by=road.clerk)


@pytest.mark.parametrize("reason", ["", "   "])
def test_corrections_and_voiding_need_a_reason(road, reason):
    result = sit(road, seated(road, road.junior, open_session(road)))
    with pytest.raises(ValidationFailed) as refused:
        _correct(road, result, 90, reason=reason)
    assert refused.value.field == "reason"
    with pytest.raises(ValidationFailed):
        void_result(db.session(), result, reason=reason, by=road.clerk)


def test_unchanged_scores_are_no_correction(road):
    result = sit(road, seated(road, road.junior, open_session(road)))
    with pytest.raises(ValidationFailed):
        _correct(road, result, 80)


def test_only_the_recording_institution_corrects(road):
    result = sit(road, seated(road, road.junior, open_session(road)))
    with pytest.raises(Forbidden):
        _correct(road, result, 90, by=road.other_clerk)
    with pytest.raises(Forbidden):
        void_result(db.session(), result, reason="x", by=road.junior_user)


# ---------------------------------------------------------------- incomplete results


def test_a_missing_review_is_incomplete_then_completed_into_a_certificate(road):
    application = seated(road, road.senior, open_session(road, levels=("technician",)), "technician")

    result = sit(road, application, theory=80, practical=75)

    assert result.outcome is SittingOutcome.INCOMPLETE and result.certificate is None and not result.passed
    assert application.state is ApplicationState.INCOMPLETE

    complete_result(db.session(), result, review=Decimal(70), by=road.clerk, today=AFTER)
    db.session.commit()

    assert result.outcome is SittingOutcome.PASSED and result.certificate.level == "technician"
    assert application.state is ApplicationState.PASSED
    change = db.session.scalar(select(ResultCorrection))
    assert (change.kind.value, change.reason, change.review_before, change.review_after) == (
        "completed", None, None, Decimal(70))


def test_a_completion_below_the_mark_fails(road):
    application = seated(road, road.senior, open_session(road, levels=("technician",)), "technician")
    result = sit(road, application, theory=80, practical=75)

    complete_result(db.session(), result, review=Decimal(55), by=road.clerk, today=AFTER)

    assert result.outcome is SittingOutcome.FAILED and application.state is ApplicationState.FAILED


def test_only_an_incomplete_result_is_completed(road):
    result = sit(road, seated(road, road.junior, open_session(road)))
    with pytest.raises(ValidationFailed) as refused:
        complete_result(db.session(), result, review=Decimal(70), by=road.clerk, today=AFTER)
    assert refused.value.code == "nothing_to_complete"


def test_an_incomplete_result_takes_no_certificate_number(road):
    with pytest.raises(ValidationFailed) as refused:
        record_appraisal_result(db.session(), worker=road.senior, institution=road.college, occupation=lathe(),
                                level="technician", exam_date=HELD, theory=Decimal(80), practical=Decimal(80),
                                number="S000032000001224000001", by=road.clerk, today=AFTER)
    assert refused.value.code == "number_without_pass"


# ---------------------------------------------------------------- a result without a session joins the application


def test_a_result_entered_by_the_form_joins_the_candidates_open_application(road):
    application = seated(road, road.junior, open_session(road))

    result = record_appraisal_result(db.session(), worker=road.junior, institution=road.college,
                                     occupation=lathe(), level="junior", exam_date=HELD, theory=Decimal(90),
                                     practical=Decimal(90), by=road.clerk, today=AFTER)

    assert result.application_id == application.id and application.state is ApplicationState.PASSED


def test_a_result_at_another_institution_leaves_the_application_alone(road, make_institution):
    application = seated(road, road.junior, open_session(road))
    result = record_appraisal_result(db.session(), worker=road.junior, institution=road.other_college,
                                     occupation=lathe(), level="junior", exam_date=HELD, theory=Decimal(90),
                                     practical=Decimal(90), by=road.other_clerk, today=AFTER)
    db.session.commit()

    assert result.application_id is None
    assert application.state is ApplicationState.CLOSED  # overtaken: the level was reached elsewhere
    assert "Already holds Junior Worker (Level 5)" in application.closed_reason

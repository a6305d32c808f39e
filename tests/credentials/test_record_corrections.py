"""A worker asks for a wrong record to be corrected; the party responsible for it fixes it through the record's
own service (the earlier values kept) or refuses with a reason; the worker is told at every step; a corrected
certificate's earlier digital credentials verify as superseded (issue 10 item 1)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from credentials import Conflict, Forbidden, NotFound, ValidationFailed
from credentials.models import (
    AuditEvent,
    Certificate,
    CertificateStatus,
    CorrectionState,
    InboxMessage,
    Institution,
    RecordAmendment,
    ResultCorrection,
    SupersededCredential,
    TrainingRecord,
    User,
    Worker,
)
from credentials.queries.credential_check import check_credential
from credentials.queries.record_corrections import correction_queue
from credentials.services.appraisal import record_appraisal_result
from credentials.services.certificates import correct_certificate, revoke_certificate
from credentials.services.corrections import correct_result
from credentials.services.digital_credentials import issue_digital_credential
from credentials.services.record_corrections import (
    accept_correction,
    file_correction,
    refuse_correction,
    withdraw_correction,
)
from credentials.services.record_fixes import fix_of_amendment, fix_of_result, fix_of_revocation, named_record
from credentials.services.reference import find_occupation
from credentials.services.status_lists import list_position, status_list_credential_for
from credentials.services.training import correct_training, record_training, void_training
from credentials.services.workers import correct_worker_name
from credentials.vc import statuslist
from tests.credentials.test_status_list_service import ISSUER, SEALER

LATHE = "6-18-01-01"


@dataclass
class Cast:
    college: Institution
    clerk: User
    other_clerk: User
    officer: User
    worker: Worker
    account: User
    training: TrainingRecord
    certificate: Certificate


def png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def cast(make_institution, make_worker, make_user, make_certificate) -> Cast:
    college = make_institution("苏州技师学院")
    worker = make_worker("王建国")
    training = record_training(db.session(), worker=worker, institution=college, occupation=find_occupation(
        db.session(), LATHE), target_level="junior", training_type="employment_skills", form="order_based",
        hours=600, started_on=date(2019, 9, 1), completed_on=date(2020, 6, 20), outcome="completed", by=None)
    db.session.commit()
    return Cast(college, make_user("institution_staff", institution=college), make_user("institution_staff"),
                make_user("bureau_officer", region="3205"), worker, make_user("worker", worker=worker), training,
                make_certificate(worker, college, issued_on=date(2020, 7, 1)))


def file(cast: Cast, kind="training", subject_id=None, field="completed_on", **kwargs):
    request = file_correction(db.session(), worker=cast.worker, subject_kind=kind,
                              subject_id=cast.training.id if subject_id is None and kind == "training" else subject_id,
                              field=field, explanation=kwargs.pop("explanation", "结业日期应为 2020-06-30"),
                              by=kwargs.pop("by", cast.account), **kwargs)
    db.session.commit()
    return request


def inbox(user: User) -> list[str]:
    return list(db.session.scalars(select(InboxMessage.code).where(InboxMessage.user_id == user.id)
                                   .order_by(InboxMessage.id)))


def test_a_training_correction_goes_to_the_institution_that_wrote_it_and_both_sides_are_told(cast):
    request = file(cast, files=[("毕业证.png", png())])

    assert request.responsible_institution_id == cast.college.id and request.state is CorrectionState.OPEN
    assert [e.content_type for e in request.evidence] == ["image/png"]
    assert inbox(cast.account) == ["correction.received"] and inbox(cast.clerk) == ["correction.filed"]
    assert inbox(cast.officer) == [] and inbox(cast.other_clerk) == []
    assert [r.id for r in db.session.scalars(correction_queue(cast.clerk))] == [request.id]
    assert list(db.session.scalars(correction_queue(cast.officer))) == []


@pytest.mark.parametrize("kind", ["identity_name", "certificate"])
def test_a_name_or_a_certificate_goes_to_the_bureau_of_the_workers_city(cast, kind):
    request = file(cast, kind, subject_id=cast.certificate.id if kind == "certificate" else None,
                   field="name" if kind == "identity_name" else "issued_on", proposed_value="王建华")

    assert request.responsible_institution_id is None and request.city_code == "3205"
    assert inbox(cast.officer) == ["correction.filed"] and inbox(cast.clerk) == []


def test_a_worker_asks_only_about_their_own_records(cast, make_worker, make_user, make_institution):
    stranger = make_worker("李四")
    theirs = record_training(db.session(), worker=stranger, institution=cast.college, occupation=cast.training.occupation,
                             target_level="junior", training_type="employment_skills", form="order_based", hours=10,
                             started_on=date(2021, 1, 4), outcome="enrolled", by=None)
    with pytest.raises(NotFound):
        file(cast, subject_id=theirs.id)
    with pytest.raises(Forbidden):
        file(cast, by=make_user("worker", worker=stranger))
    with pytest.raises(ValidationFailed) as refused:
        file(cast, "missing_record", field="training", institution_id=make_institution("无关的学校").id)
    assert refused.value.field == "institution_id"


def test_evidence_is_checked_and_a_repeat_request_is_refused(cast):
    with pytest.raises(ValidationFailed) as refused:
        file(cast, files=[("a.pdf", b"<html><script>alert(1)</script>")])
    assert refused.value.field == "evidence"
    db.session.rollback()
    file(cast)
    with pytest.raises(ValidationFailed, match="已有一份待处理"):
        file(cast)


def test_accepting_corrects_the_training_through_its_service_and_keeps_the_earlier_values(cast):
    request = file(cast)

    accept_correction(db.session(), request, note="已核对结业证书", by=cast.clerk, fix=lambda: fix_of_amendment(
        request.subject_kind, correct_training(db.session(), cast.training, hours=600, started_on=date(2019, 9, 1),
                                               completed_on=date(2020, 6, 30), outcome="completed",
                                               reason="按更正申请", by=cast.clerk)))
    db.session.commit()

    assert cast.training.completed_on == date(2020, 6, 30) and request.state is CorrectionState.ACCEPTED
    amendment = db.session.scalar(select(RecordAmendment))
    assert (amendment.before["completed_on"], amendment.after["completed_on"]) == ("2020-06-20", "2020-06-30")
    assert request.resolution["changes"] == {"completed_on": ["2020-06-20", "2020-06-30"]}
    assert inbox(cast.account)[-1] == "correction.accepted"
    message = db.session.scalar(select(InboxMessage).where(InboxMessage.code == "correction.accepted"))
    assert "2020-06-20 → 2020-06-30" in message.params["changes"]["zh"]
    assert {"training.corrected", "correction.accepted"} <= set(db.session.scalars(select(AuditEvent.action)))


def test_only_the_responsible_party_answers_and_only_once(cast):
    request = file(cast)
    for outsider in (cast.other_clerk, cast.officer, cast.account):
        with pytest.raises(Forbidden):
            refuse_correction(db.session(), request, reason="不是本机构的记录", by=outsider)
    refuse_correction(db.session(), request, reason="结业证书日期与记录一致", by=cast.clerk)
    with pytest.raises(Conflict):
        refuse_correction(db.session(), request, reason="again", by=cast.clerk)


def test_a_refusal_needs_a_reason_and_the_worker_reads_it(cast):
    request = file(cast)
    with pytest.raises(ValidationFailed) as refused:
        refuse_correction(db.session(), request, reason="  ", by=cast.clerk)
    assert refused.value.field == "reason"

    refuse_correction(db.session(), request, reason="结业证书日期与记录一致", by=cast.clerk)
    db.session.commit()
    assert request.state is CorrectionState.REFUSED and request.resolution_reason == "结业证书日期与记录一致"
    assert inbox(cast.account)[-1] == "correction.refused"


def test_a_fix_on_another_record_does_not_close_the_request(cast):
    request = file(cast)
    other = record_training(db.session(), worker=cast.worker, institution=cast.college, occupation=cast.training.occupation,
                            target_level="intermediate", training_type="employment_skills", form="order_based",
                            hours=10, started_on=date(2021, 1, 4), outcome="enrolled", by=None)
    db.session.commit()
    with pytest.raises(ValidationFailed, match="不是申请所指的记录"):
        accept_correction(db.session(), request, note="改错了", by=cast.clerk, fix=lambda: fix_of_amendment(
            request.subject_kind, void_training(db.session(), other, reason="误录", by=cast.clerk)))
    db.session.rollback()
    assert db.session.get(TrainingRecord, other.id) is not None and request.is_open


def test_a_training_that_is_not_theirs_is_voided_and_its_values_stay_in_the_history(cast):
    request = file(cast, field="not_mine", explanation="我从未在该校培训")
    training_id = cast.training.id

    accept_correction(db.session(), request, note="误录他人培训", by=cast.clerk, fix=lambda: fix_of_amendment(
        request.subject_kind, void_training(db.session(), cast.training, reason="误录他人培训", by=cast.clerk)))
    db.session.commit()

    assert db.session.get(TrainingRecord, training_id) is None
    amendment = db.session.scalar(select(RecordAmendment).where(RecordAmendment.entity_id == training_id))
    assert amendment.action == "voided" and amendment.before["hours"] == 600
    assert request.resolution["changes"] == {"status": ["current", "voided"]}


def test_a_result_is_corrected_by_the_existing_result_correction(cast):
    result = record_appraisal_result(db.session(), worker=cast.worker, institution=cast.college,
                                     occupation=cast.training.occupation, level="intermediate",
                                     exam_date=date(2024, 6, 3), theory=Decimal(50), practical=Decimal(52),
                                     by=cast.clerk, today=date(2024, 6, 5))
    db.session.commit()
    request = file(cast, "result", subject_id=result.id, field="scores", explanation="理论应为 55 分")

    def fix():
        correct_result(db.session(), result, theory=Decimal(55), practical=Decimal(52), review=None,
                       reason="理论成绩录入错误", by=cast.clerk, today=date(2024, 6, 5))
        return fix_of_result(db.session(), result)

    accept_correction(db.session(), request, note="已核对试卷", by=cast.clerk, fix=fix)
    db.session.commit()
    assert request.resolution["changes"]["theory"] == ["50.00", "55.00"]
    assert db.session.scalar(select(ResultCorrection.theory_before)) == Decimal(50)


def test_a_name_correction_keeps_the_earlier_name(cast):
    request = file(cast, "identity_name", field="name", proposed_value="王建华", explanation="身份证上是王建华")

    accept_correction(db.session(), request, note="已核对身份证", by=cast.officer, fix=lambda: fix_of_amendment(
        request.subject_kind, correct_worker_name(db.session(), cast.worker, name="王建华", reason="核对身份证",
                                                  by=cast.officer)))
    db.session.commit()

    assert cast.worker.name == "王建华"
    assert request.resolution["changes"] == {"name": ["王建国", "王建华"]}
    trail = json.dumps([(e.before, e.after) for e in db.session.scalars(select(AuditEvent))], ensure_ascii=False)
    assert "王建国" not in trail and "王建华" not in trail  # the audit keeps masked names only


def test_a_corrected_certificate_supersedes_its_old_credential_and_a_new_one_verifies(cast):
    old = json.dumps(issue_digital_credential(db.session(), cast.certificate, ISSUER, SEALER, by=None))
    old_index = cast.certificate.status_list_index
    db.session.commit()
    assert check_credential(db.session(), old, ISSUER, SEALER).ok
    request = file(cast, "certificate", subject_id=cast.certificate.id, field="issued_on",
                   explanation="证书上的日期是 2020-07-15", proposed_value="2020-07-15")

    accept_correction(db.session(), request, note="已核对纸质证书", by=cast.officer, fix=lambda: fix_of_amendment(
        request.subject_kind, correct_certificate(db.session(), cast.certificate, issued_on=date(2020, 7, 15),
                                                  occupation=cast.certificate.occupation, reason="发证日期录入错误",
                                                  by=cast.officer)))
    db.session.commit()

    assert cast.certificate.issued_on == date(2020, 7, 15) and cast.certificate.status_list_index != old_index
    assert db.session.scalar(select(SupersededCredential.status_list_index)) == old_index
    list_number, position = list_position(old_index)
    published = status_list_credential_for(db.session(), list_number, ISSUER, SEALER)
    assert statuslist.read_status({"statusListIndex": str(position), "statusPurpose": "revocation",
                                   "statusListCredential": ISSUER.status_list_url(list_number),
                                   "type": "BitstringStatusListEntry"}, published)
    report = check_credential(db.session(), old, ISSUER, SEALER)
    assert [c.name for c in report.failed] == ["status"] and "SUPERSEDED on" in report.failed[0].detail.en
    new = json.dumps(issue_digital_credential(db.session(), cast.certificate, ISSUER, SEALER, by=None))
    assert check_credential(db.session(), new, ISSUER, SEALER).ok
    assert inbox(cast.account)[-1] == "correction.accepted"  # which says to download it again (one message)


def test_a_certificate_that_is_not_theirs_is_revoked_with_the_reason(cast):
    request = file(cast, "certificate", subject_id=cast.certificate.id, field="not_mine",
                   explanation="我没有参加过这次评价")

    accept_correction(db.session(), request, note="系误发", by=cast.officer, fix=lambda: fix_of_revocation(
        revoke_certificate(db.session(), cast.certificate, reason="劳动者申请更正：系误发", by=cast.officer)))
    db.session.commit()
    assert cast.certificate.status is CertificateStatus.REVOKED
    assert request.resolution["action"] == "revoked"


def test_a_missing_record_is_answered_by_naming_the_record_entered_since(cast):
    request = file(cast, "missing_record", field="training", institution_id=cast.college.id,
                   explanation="2023 年的培训没有登记")
    assert request.responsible_institution_id == cast.college.id
    with pytest.raises(ValidationFailed):
        accept_correction(db.session(), request, note="补录", by=cast.clerk,
                          fix=lambda: named_record(db.session(), request, "training", cast.training.id))
    db.session.rollback()
    added = record_training(db.session(), worker=cast.worker, institution=cast.college,
                            occupation=cast.training.occupation, target_level="intermediate",
                            training_type="on_the_job_upgrading", form="post_specific", hours=200,
                            started_on=date(2023, 3, 1), completed_on=date(2023, 6, 30), outcome="completed",
                            by=cast.clerk)

    accept_correction(db.session(), request, note="已补录", by=cast.clerk,
                      fix=lambda: named_record(db.session(), request, "training", added.id))
    db.session.commit()
    assert request.resolution == {"record": "training", "record_id": added.id, "subject_id": None,
                                  "action": "recorded", "changes": {}}


def test_the_worker_may_withdraw_an_open_request(cast):
    request = file(cast)
    with pytest.raises(Forbidden):
        withdraw_correction(db.session(), request, by=cast.clerk)
    withdraw_correction(db.session(), request, by=cast.account)
    db.session.commit()
    assert request.state is CorrectionState.WITHDRAWN
    assert inbox(cast.clerk) == ["correction.filed", "correction.withdrawn"]

"""One correction a worker asked for is one inbox message: the record's own service (a result corrected or
voided, a certificate corrected, revoked or issued) no longer tells the worker a second time beside
"correction.accepted", which now carries what that service had to say (e.g. download the credential again).
The institution or bureau that answered hears nothing more; outside a correction request the services tell the
worker as before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from credentials.models import InboxMessage, User
from credentials.services.appraisal import record_appraisal_result
from credentials.services.certificates import correct_certificate, revoke_certificate
from credentials.services.corrections import correct_result, void_result
from credentials.services.inbox import render
from credentials.services.record_corrections import accept_correction, file_correction
from credentials.services.record_fixes import fix_of_amendment, fix_of_result, fix_of_revocation
from tests.appraisal_fixtures import AFTER, open_session, seated, sit
from tests.credentials import test_record_corrections as filed
from tests.credentials.test_record_corrections import Cast, file, inbox

cast = filed.cast  # the fixture: a worker with an account, a training, a certificate, the college and the bureau


def last_message(user: User) -> InboxMessage:
    found = db.session.scalar(select(InboxMessage).where(InboxMessage.user_id == user.id)
                              .order_by(InboxMessage.id.desc()).limit(1))
    assert found is not None
    return found


def a_result(cast: Cast, theory: int = 50, level: str = "intermediate"):
    result = record_appraisal_result(db.session(), worker=cast.worker, institution=cast.college,
                                     occupation=cast.training.occupation, level=level,
                                     exam_date=date(2024, 6, 3), theory=Decimal(theory), practical=Decimal(52),
                                     by=cast.clerk, today=date(2024, 6, 5))
    db.session.commit()
    return result


def test_a_result_corrected_on_request_tells_the_worker_once(cast):
    result = a_result(cast)
    request = file(cast, "result", subject_id=result.id, field="scores", explanation="理论应为 55 分")
    before = inbox(cast.account)

    def fix():
        correct_result(db.session(), result, theory=Decimal(55), practical=Decimal(52), review=None,
                       reason="理论成绩录入错误", by=cast.clerk, today=date(2024, 6, 5))
        return fix_of_result(db.session(), result)

    accept_correction(db.session(), request, note="已核对试卷", by=cast.clerk, fix=fix)
    db.session.commit()

    assert inbox(cast.account)[len(before):] == ["correction.accepted"]
    assert inbox(cast.clerk) == ["correction.filed"] and inbox(cast.other_clerk) == inbox(cast.officer) == []
    _, body = render(last_message(cast.account), "zh")
    assert "理论：50.00 → 55.00" in body and "已核对试卷" in body


def test_a_result_corrected_into_a_pass_names_its_new_certificate_in_the_one_message(road):
    result = sit(road, seated(road, road.junior, open_session(road)), theory=58)
    request = file_correction(db.session(), worker=road.junior, subject_kind="result", subject_id=result.id,
                              field="scores", explanation="理论应为 85 分", by=road.junior_user)
    db.session.commit()
    before = inbox(road.junior_user)

    def fix():
        correct_result(db.session(), result, theory=Decimal(85), practical=Decimal(80), review=None,
                       reason="理论成绩录入错误", by=road.clerk, today=AFTER)
        return fix_of_result(db.session(), result)

    accept_correction(db.session(), request, note="已核对试卷", by=road.clerk, fix=fix)
    db.session.commit()

    assert result.certificate is not None
    assert inbox(road.junior_user)[len(before):] == ["correction.accepted"]
    for lang in ("zh", "en"):
        assert result.certificate.number in render(last_message(road.junior_user), lang)[1]


def test_a_voided_result_tells_the_worker_once(cast):
    result = a_result(cast)
    request = file(cast, "result", subject_id=result.id, field="not_mine", explanation="我没有参加")
    before = inbox(cast.account)

    def fix():
        void_result(db.session(), result, reason="系误录", by=cast.clerk)
        return fix_of_result(db.session(), result)

    accept_correction(db.session(), request, note="系误录", by=cast.clerk, fix=fix)
    db.session.commit()
    assert inbox(cast.account)[len(before):] == ["correction.accepted"]


def test_a_corrected_certificate_tells_the_worker_once_and_to_download_it_again(cast):
    request = file(cast, "certificate", subject_id=cast.certificate.id, field="issued_on",
                   explanation="证书上的日期是 2020-07-15", proposed_value="2020-07-15")
    before = inbox(cast.account)

    accept_correction(db.session(), request, note="已核对纸质证书", by=cast.officer, fix=lambda: fix_of_amendment(
        request.subject_kind, correct_certificate(db.session(), cast.certificate, issued_on=date(2020, 7, 15),
                                                  occupation=cast.certificate.occupation, reason="发证日期录入错误",
                                                  by=cast.officer)))
    db.session.commit()

    assert inbox(cast.account)[len(before):] == ["correction.accepted"]
    assert inbox(cast.officer) == ["correction.filed"]
    assert "重新下载" in render(last_message(cast.account), "zh")[1]
    assert "download" in render(last_message(cast.account), "en")[1]


def test_a_revoked_certificate_tells_the_worker_once(cast):
    request = file(cast, "certificate", subject_id=cast.certificate.id, field="not_mine",
                   explanation="我没有参加过这次评价")
    before = inbox(cast.account)

    accept_correction(db.session(), request, note="系误发", by=cast.officer, fix=lambda: fix_of_revocation(
        revoke_certificate(db.session(), cast.certificate, reason="劳动者申请更正：系误发", by=cast.officer)))
    db.session.commit()

    assert inbox(cast.account)[len(before):] == ["correction.accepted"]
    for lang, word in (("zh", "撤销"), ("en", "revoked")):
        assert cast.certificate.number in render(last_message(cast.account), lang)[1]
        assert word in render(last_message(cast.account), lang)[1]


def test_a_fix_refused_by_its_service_holds_nothing_back_afterwards(cast):
    request = file(cast, "certificate", subject_id=cast.certificate.id, field="not_mine", explanation="不是我的")

    def failing_fix():
        raise RuntimeError("the record's service refused")

    try:
        accept_correction(db.session(), request, note="系误发", by=cast.officer, fix=failing_fix)
    except RuntimeError:
        db.session.rollback()
    result = a_result(cast)
    correct_result(db.session(), result, theory=Decimal(55), practical=Decimal(52), review=None, reason="录入错误",
                   by=cast.clerk, today=date(2024, 6, 5))
    db.session.commit()
    assert inbox(cast.account)[-1] == "appraisal.corrected"


def test_outside_a_request_the_services_still_tell_the_worker(cast):
    result = a_result(cast)
    correct_result(db.session(), result, theory=Decimal(55), practical=Decimal(52), review=None, reason="录入错误",
                   by=cast.clerk, today=date(2024, 6, 5))
    revoke_certificate(db.session(), cast.certificate, reason="系误发", by=cast.officer)
    db.session.commit()
    assert inbox(cast.account)[-2:] == ["appraisal.corrected", "certificate.revoked"]

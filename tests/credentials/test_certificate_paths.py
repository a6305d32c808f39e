"""Only results make certificates (issue 14 items 4 and 5): who may call the certificate writer, the
administrator's historic entry with evidence, the exceptional road from approval to certificate, requests
overtaken by events, and bulk-imported results joining their applications."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials import Conflict, Forbidden, ValidationFailed
from credentials.clock import china_today
from credentials.models import (
    Application,
    ApplicationRoute,
    ApplicationState,
    CertificateEvidence,
    CertificateRoute,
    InboxMessage,
    PromotionDecision,
    PromotionKind,
    PromotionState,
)
from credentials.numbers import format_legacy16
from credentials.services.applications import approve_application, seat_application, submit_application
from credentials.services.appraisal import record_appraisal_result
from credentials.services.historic import enter_historic_certificate
from credentials.services.reference import find_occupation
from credentials.services.sessions import create_appraisal_session
from tests.appraisal_fixtures import worked_since
from tests.import_fixtures import OCCUPATION
from tests.promotion_fixtures import bring_to, png_bytes

ROOT = Path(__file__).resolve().parents[2]
JUNIOR_2015 = format_legacy16(year=2015, province_code="32", prefecture_code="05", body_type_digit=2,
                              body_serial="001", level_digit=5, serial=123)
TECHNICIAN_2020 = format_legacy16(year=2020, province_code="32", prefecture_code="05", body_type_digit=4,
                                  body_serial="001", level_digit=2, serial=122)
# The paths that earn a certificate, and the one writer they call (credentials.services.certificates).
MAY_ISSUE = {"credentials/services/appraisal.py", "credentials/services/competition_promotions.py",
             "credentials/services/historic.py", "credentials/services/certificates.py"}


def _callers(name: str) -> set[str]:
    found = set()
    for package in ("app", "credentials"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
            if any(getattr(call.func, "id", getattr(call.func, "attr", None)) == name for call in calls):
                found.add(str(path.relative_to(ROOT)))
    return found


def test_only_the_paths_that_earn_a_certificate_call_the_writer():
    assert _callers("issue_certificate") <= MAY_ISSUE


def test_no_page_or_api_enters_a_historic_certificate_but_the_admins():
    assert _callers("enter_historic_certificate") == {"app/web/admin.py", "app/api/certificates.py"}


# ---------------------------------------------------------------- historic certificates


def _historic(road, by, evidence=None, number=JUNIOR_2015, issued_on=date(2015, 3, 1)):
    return enter_historic_certificate(
        db.session(), worker=road.junior, occupation=find_occupation(db.session(), OCCUPATION), level="junior",
        issued_on=issued_on, institution=road.college, number=number, by=by,
        evidence=[("证书扫描.png", png_bytes())] if evidence is None else evidence)


def test_an_administrator_enters_a_historic_certificate_with_its_evidence(road, make_user):
    certificate = _historic(road, make_user("admin"))
    db.session.commit()

    assert certificate.is_historic and certificate.route is CertificateRoute.REGULAR
    stored = db.session.scalar(select(CertificateEvidence))
    assert stored.certificate_id == certificate.id and stored.content_type == "image/png" and stored.size > 0


def test_a_historic_certificate_needs_evidence(road, make_user):
    with pytest.raises(ValidationFailed) as refused:
        _historic(road, make_user("admin"), evidence=[])
    assert refused.value.field == "evidence"
    with pytest.raises(ValidationFailed) as refused:
        _historic(road, make_user("admin"), evidence=[("a.pdf", b"<html>not a pdf</html>")])
    assert refused.value.code == "evidence"


@pytest.mark.parametrize("role", ["institution_staff", "bureau_officer", "worker"])
def test_nobody_but_an_administrator_enters_a_historic_certificate(road, make_user, role):
    by = road.clerk if role == "institution_staff" else make_user(role)
    with pytest.raises(Forbidden):
        _historic(road, by)


# ---------------------------------------------------------------- the exceptional road


def _technician_session(cast, *, held_on=None, today=None):
    today = today or china_today()
    return create_appraisal_session(db.session(), institution=cast.employer,
                                    occupation=find_occupation(db.session(), OCCUPATION), levels=["technician"],
                                    held_on=held_on or today, site="车间培训室", capacity=5, by=cast["nominator"],
                                    today=today)


def test_an_approval_puts_the_candidate_in_the_appraising_institutions_list(cast):
    request = bring_to(cast, "approved")

    application = db.session.scalar(select(Application).where(Application.promotion_request_id == request.id))
    assert request.appraiser_id == cast.employer.id  # the nominating employer is accredited for 技师
    assert (application.institution_id, application.level, application.route, application.state) == (
        cast.employer.id, "technician", ApplicationRoute.EXCEPTIONAL, ApplicationState.APPROVED)


def test_the_approved_candidate_sits_and_the_certificate_follows_the_approval(cast):
    request = bring_to(cast, "approved")
    application = db.session.scalar(select(Application).where(Application.promotion_request_id == request.id))
    session_ = _technician_session(cast)
    seat_application(db.session(), application, session_, by=cast["nominator"])

    result = record_appraisal_result(
        db.session(), worker=cast.worker, institution=cast.employer, occupation=application.occupation,
        level="technician", exam_date=session_.held_on, theory=Decimal(82), practical=Decimal(88),
        review=Decimal(75), by=cast["nominator"], application=application, appraisal_session=session_)
    db.session.commit()

    certificate = result.certificate
    assert certificate.route is CertificateRoute.EXCEPTIONAL and certificate.promotion_request_id == request.id
    assert application.state is ApplicationState.PASSED
    assert result.matched_clause is None  # the approval, not a clause, let the worker sit


@pytest.mark.parametrize(("offset", "ok"), [(0, True), (1, False)])
def test_the_approval_holds_for_sittings_until_approval_valid_until(cast, offset, ok):
    request = bring_to(cast, "approved")
    application = db.session.scalar(select(Application).where(Application.promotion_request_id == request.id))
    held_on = request.approval_valid_until + timedelta(days=offset)
    session_ = _technician_session(cast, held_on=held_on)
    if ok:
        seat_application(db.session(), application, session_, by=cast["nominator"])
    else:
        with pytest.raises(Conflict) as refused:
            seat_application(db.session(), application, session_, by=cast["nominator"])
        assert refused.value.code == "approval_expired"


def test_a_request_overtaken_by_a_result_is_closed_with_the_reason_and_a_message(cast, make_institution):
    pending = bring_to(cast, "submitted@city")
    worked_since(cast.worker, date(2010, 1, 1))  # senior since 2019 + 4 years: a regular sitting in 2024
    college = make_institution("苏州技师学院")
    record_appraisal_result(db.session(), worker=cast.worker, institution=college,
                            occupation=find_occupation(db.session(), OCCUPATION), level="technician",
                            exam_date=date(2024, 6, 3), theory=Decimal(80), practical=Decimal(80),
                            review=Decimal(80), by=cast["nominator"], today=date(2024, 6, 5))
    db.session.commit()

    assert pending.state is PromotionState.WITHDRAWN
    closing = db.session.scalar(select(PromotionDecision).where(PromotionDecision.action == "closed"))
    assert closing.reason.startswith("已于 2024-06-03 取得技师（二级）")
    told = db.session.scalar(select(InboxMessage).where(InboxMessage.code == "promotion.closed",
                                                        InboxMessage.user_id == cast["worker"].id))
    assert told is not None and "2024-06-03" in told.params["reason"]


def test_an_unused_approval_overtaken_by_a_historic_entry_is_closed_with_its_application(cast):
    request = bring_to(cast, "approved")
    application = db.session.scalar(select(Application).where(Application.promotion_request_id == request.id))

    enter_historic_certificate(db.session(), worker=cast.worker, occupation=application.occupation,
                               level="technician", issued_on=date(2020, 1, 1), institution=cast.employer,
                               number=TECHNICIAN_2020, evidence=[("scan.png", png_bytes())], by=cast["admin"])
    db.session.commit()

    assert request.state is PromotionState.WITHDRAWN and request.approval_valid_until is None
    assert application.state is ApplicationState.CLOSED and "2020-01-01" in application.closed_reason


def test_a_request_for_a_higher_level_stays_open(cast, make_institution):
    pending = bring_to(cast, "submitted@city", target="senior_technician", kind=PromotionKind.LEVEL_SKIPPING)
    worked_since(cast.worker, date(2010, 1, 1))
    record_appraisal_result(db.session(), worker=cast.worker, institution=make_institution(),
                            occupation=find_occupation(db.session(), OCCUPATION), level="technician",
                            exam_date=date(2024, 6, 3), theory=Decimal(80), practical=Decimal(80),
                            review=Decimal(80), by=cast["nominator"], today=date(2024, 6, 5))

    assert pending.state is PromotionState.SUBMITTED


# ---------------------------------------------------------------- bulk imports join the applications


def test_an_imported_result_joins_the_candidates_open_application(setting):
    worker = setting.workers[0][0]
    application = submit_application(db.session(), worker=worker, occupation=find_occupation(db.session(), OCCUPATION),
                                     level="junior", institution=setting.institution, by=setting.staff,
                                     today=date(2024, 6, 1))
    approve_application(db.session(), application, by=setting.staff, today=date(2024, 6, 1))
    db.session.commit()

    job = setting.run([setting.result(0, exam="2024-07-01"), setting.result(1, exam="2024-07-01", theory="40")])

    assert job.status.value == "committed", job.errors
    db.session.refresh(application)
    assert application.state is ApplicationState.PASSED
    assert application.results[0].certificate is not None and application.results[0].outcome.value == "passed"


def test_an_imported_fail_opens_the_retake_window(setting):
    worker = setting.workers[1][0]
    application = submit_application(db.session(), worker=worker, occupation=find_occupation(db.session(), OCCUPATION),
                                     level="junior", institution=setting.institution, by=setting.staff,
                                     today=date(2024, 6, 1))
    approve_application(db.session(), application, by=setting.staff, today=date(2024, 6, 1))
    db.session.commit()

    setting.run([setting.result(1, exam="2024-07-01", theory="40")])

    db.session.refresh(application)
    assert application.state is ApplicationState.FAILED and application.retake_until == date(2025, 7, 1)


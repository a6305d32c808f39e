"""Revocation by a bureau officer: the certificate page with the worker's history and audit trail, a reason
and a confirmation step; the API; revoked everywhere at once, nothing deleted."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from credentials.models import AuditEvent, Certificate, CertificateStatus
from tests.web.html import field_error

REASON = "持证人冒名顶替参加考试，经查属实"


@pytest.fixture
def school(make_institution):
    return make_institution("苏州技师学院")


@pytest.fixture
def holder(make_user):
    return make_user("worker")


@pytest.fixture
def certificate(holder, school, make_certificate):
    make_certificate(holder.worker, school, level="junior", issued_on=date(2018, 7, 1))
    return make_certificate(holder.worker, school, level="intermediate", issued_on=date(2023, 3, 15))


@pytest.fixture
def officer_client(client, login, make_user):
    login(client, make_user("bureau_officer", scope="city", region="3205"))
    return client


def page_of(client, certificate) -> str:
    return client.get(f"/bureau/certificates/{certificate.number}").text


def status_of(db, number: str) -> CertificateStatus:
    db.session.expire_all()
    return db.session.scalar(select(Certificate.status).where(Certificate.number == number))


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text[:300]
    assert response.mimetype == "application/problem+json" and "Traceback" not in response.text
    return response.json




# ------------------------------------------------------------------ the page

def test_the_officer_sees_the_certificate_with_the_worker_history_and_audit_trail(officer_client,
                                                                                  certificate):
    html = page_of(officer_client, certificate)

    assert certificate.number in html and "持证人的完整记录" in html
    assert "2018年7月1日" in html and "2023年3月15日" in html  # both certificates on the worker's timeline
    assert "下一级：高级工（三级）" in html
    assert '<ol class="audit">' in html and "发证" in html
    assert 'action="/bureau/certificates/' in html  # the revoke form


@pytest.mark.parametrize(("scope", "region", "status", "revoking"), [
    ("city", "3201", 404, 404), ("province", "32", 200, 302), ("province", "44", 404, 404),
    ("ministry", None, 200, 403),  # the ministry sees every certificate and revokes none
])
def test_a_certificate_outside_the_region_is_not_found(client, login, make_user, certificate, scope, region,
                                                       status, revoking, db):
    login(client, make_user("bureau_officer", scope=scope, region=region))

    page = client.get(f"/bureau/certificates/{certificate.number}")
    assert page.status_code == status
    assert ('/revoke"' in page.text) == (revoking == 302)  # the form shows only where it would work
    response = client.post(f"/bureau/certificates/{certificate.number}/revoke",
                           data={"reason": REASON, "confirmed": "yes"})
    assert response.status_code == revoking
    assert (status_of(db, certificate.number) is CertificateStatus.REVOKED) == (revoking == 302)


def test_institution_staff_cannot_reach_the_revocation(client, login, make_user, certificate, school, db):
    login(client, make_user("institution_staff", institution=school))

    response = client.post(f"/bureau/certificates/{certificate.number}/revoke",
                           data={"reason": REASON, "confirmed": "yes"})

    assert response.status_code == 403 and status_of(db, certificate.number) is CertificateStatus.VALID


# ------------------------------------------------------------------ revoking

def test_revoking_needs_a_reason_shown_beside_the_field(db, officer_client, certificate):
    response = officer_client.post(f"/bureau/certificates/{certificate.number}/revoke", data={"reason": "  "})

    assert response.status_code == 422 and field_error(response.text, "reason")
    assert status_of(db, certificate.number) is CertificateStatus.VALID


def test_the_first_step_asks_for_confirmation_and_changes_nothing(db, officer_client, certificate):
    url = f"/bureau/certificates/{certificate.number}/revoke"

    response = officer_client.post(url, data={"reason": REASON})

    assert response.status_code == 200 and "确认撤销证书" in response.text and REASON in response.text
    assert 'name="confirmed" value="yes"' in response.text
    assert status_of(db, certificate.number) is CertificateStatus.VALID


def test_confirming_revokes_keeps_the_record_and_writes_the_reason_to_the_audit_trail(db, officer_client,
                                                                                      certificate):
    response = officer_client.post(f"/bureau/certificates/{certificate.number}/revoke",
                                   data={"reason": REASON, "confirmed": "yes"})

    assert response.status_code == 302
    assert status_of(db, certificate.number) is CertificateStatus.REVOKED
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2  # nothing deleted
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.after["reason"] == REASON
    html = officer_client.get(response.headers["Location"]).text
    assert "已撤销" in html and REASON in html and 'action="/bureau/certificates/' not in html


def test_a_revoked_certificate_shows_as_revoked_everywhere_at_once(
        db, app, officer_client, certificate, holder, login, make_user, school, api_token):
    officer_client.post(f"/bureau/certificates/{certificate.number}/revoke", data={"reason": REASON,
                                                                                 "confirmed": "yes"})
    worker_client, staff_client = app.test_client(), app.test_client()
    login(worker_client, holder)
    login(staff_client, make_user("institution_staff", institution=school))

    ladder = worker_client.get("/worker/").text
    own = worker_client.get(f"/worker/certificates/{certificate.number}").text
    listed = staff_client.get("/institution/certificates?status=revoked").text
    api = worker_client.get(f"/api/v1/certificates/{certificate.number}", headers=api_token(holder)).json

    assert "已撤销" in own and REASON in own
    assert certificate.number in listed
    assert api["status"] == "revoked" and api["revocation_reason"] == REASON
    current = re.findall(r'aria-current="step">\s*<span class="ladder__name">([^<]+)', ladder)
    assert current == ["初级工（五级）"]  # the revoked level no longer counts
    assert "下一级：中级工（四级）" in ladder


def test_revoking_twice_says_when_it_was_revoked(db, officer_client, certificate):
    url = f"/bureau/certificates/{certificate.number}/revoke"
    officer_client.post(url, data={"reason": REASON, "confirmed": "yes"})

    response = officer_client.post(url, data={"reason": "again", "confirmed": "yes"}, follow_redirects=True)

    assert "证书已于" in response.text and "撤销" in response.text


# ------------------------------------------------------------------ API

def test_the_api_revokes_with_a_reason(db, api_token, make_user, certificate):
    from flask import current_app

    client = current_app.test_client()
    headers = api_token(make_user("bureau_officer"))

    response = client.post(f"/api/v1/certificates/{certificate.number}/revoke", json={"reason": REASON},
                           headers=headers)

    assert response.status_code == 200
    assert (response.json["status"], response.json["revocation_reason"]) == ("revoked", REASON)
    again = client.post(f"/api/v1/certificates/{certificate.number}/revoke", json={"reason": REASON},
                        headers=headers)
    assert assert_problem(again, 409)["code"] == "already_revoked"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}])
def test_the_api_refuses_a_missing_or_blank_reason_on_the_field(db, client, api_token, make_user, certificate,
                                                                body):
    response = client.post(f"/api/v1/certificates/{certificate.number}/revoke", json=body,
                           headers=api_token(make_user("bureau_officer")))

    assert "reason" in assert_problem(response, 422)["errors"]
    assert status_of(db, certificate.number) is CertificateStatus.VALID


def test_the_api_answers_404_outside_the_region_and_403_to_other_roles(db, client, api_token, make_user,
                                                                      certificate, school):
    elsewhere = api_token(make_user("bureau_officer", region="4401"))
    staff = api_token(make_user("institution_staff", institution=school))
    url = f"/api/v1/certificates/{certificate.number}/revoke"

    assert_problem(client.post(url, json={"reason": REASON}, headers=elsewhere), 404)
    assert_problem(client.post(url, json={"reason": REASON}, headers=staff), 403)
    assert_problem(client.post("/api/v1/certificates/NOPE/revoke", json={"reason": REASON},
                               headers=api_token(make_user("bureau_officer"))), 404)
    assert status_of(db, certificate.number) is CertificateStatus.VALID

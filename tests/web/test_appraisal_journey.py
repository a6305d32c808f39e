"""Journeys through the Flask test client (issue 14 items 3-5): the regular road from application to
certificate — one pass, one fail that retakes within the window and passes, one incomplete that is completed —
and the exceptional road from nomination to certificate, with a request overtaken by events."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app import career
from app.extensions import db
from credentials.clock import china_today
from credentials.models import (
    Application,
    AppraisalResult,
    AppraisalSession,
    Certificate,
    CertificateRoute,
    InboxMessage,
    PromotionState,
)
from tests.appraisal_fixtures import LATHE, worked_since
from tests.promotion_fixtures import bring_to, nominate


@pytest.fixture
def day(monkeypatch):
    def move(when: date) -> None:
        monkeypatch.setattr(career, "today", lambda: when)
    return move


def _ok(response, status=302):
    assert response.status_code == status, response.text[:3000]
    return response


def _session_id() -> int:
    return db.session.scalar(select(AppraisalSession.id).order_by(AppraisalSession.id.desc()))


def _enter(clerk, session_id: int, application: Application, theory, practical, review=""):
    prefix = f"r{application.id}"
    return _ok(clerk.post(f"/institution/sessions/{session_id}/results", data={
        "row": str(application.id), f"{prefix}-application_id": str(application.id), f"{prefix}-theory": theory,
        f"{prefix}-practical": practical, f"{prefix}-review": review}))


def test_the_regular_road_from_application_to_certificates(app, road, make_user, make_worker, login, vault, day):
    second = make_worker("钱二")
    worked_since(second, date(2015, 1, 1))
    db.session.commit()
    worker, clerk = app.test_client(), app.test_client()
    login(worker, road.junior_user)
    login(clerk, road.clerk)
    occupation_id = str(road.college.accreditations[0].occupation_id)

    # 2024-05-06: one worker applies from the phone, the clerk enters two more
    day(date(2024, 5, 6))
    verdict = worker.get(f"/worker/applications/new?occupation_code={LATHE}&level=junior").text
    assert "符合条件：累计从事本职业或相关职业工作 1 年（含）以上" in verdict
    _ok(worker.post("/worker/applications/new", data={"occupation_code": LATHE, "level": "junior",
                                                      "institution_id": str(road.college.id)}))
    for person, level in ((second, "junior"), (road.senior, "technician")):
        _ok(clerk.post("/institution/applications/new", data={
            "national_id": vault.reveal(person.id_ciphertext), "occupation_id": occupation_id, "level": level}))
    passer, failer, incomplete = db.session.scalars(select(Application).order_by(Application.id)).all()

    # the review: the engine's verdict names the clause each one meets; the clerk qualifies all three
    listed = clerk.get("/institution/applications").text
    assert listed.count("符合条件：累计从事本职业或相关职业工作 1 年（含）以上") == 2
    assert "符合条件：取得本职业或相关职业三级/高级工证书后，累计从事本职业或相关职业工作 4 年（含）以上" in listed
    for application in (passer, failer, incomplete):
        _ok(clerk.post(f"/institution/applications/{application.id}/review", data={"decision": "approve"}))

    # a session on 2024-06-03 for both levels; the three are seated from the session's page
    _ok(clerk.post("/institution/sessions", data={"occupation_id": occupation_id, "levels": ["junior", "technician"],
                                                  "held_on": "2024-06-03", "site": "实训楼 3 楼", "capacity": "30"}))
    first = _session_id()
    page = clerk.get(f"/institution/sessions/{first}").text
    assert all(f'data-application="{a.id}"' in page for a in (passer, failer, incomplete))
    for application in (passer, failer, incomplete):
        _ok(clerk.post(f"/institution/applications/{application.id}/seat",
                       data={"seat-session_id": str(first), "back": "session"}))
    assert "已占 3 / 30 个座位" in clerk.get(f"/institution/sessions/{first}").text

    # 2024-06-05: results against the session — a pass, a fail, an incomplete (review still to come)
    day(date(2024, 6, 5))
    _enter(clerk, first, passer, "85", "78")
    _enter(clerk, first, failer, "52", "70")
    _enter(clerk, first, incomplete, "80", "76")
    db.session.expire_all()
    outcomes = {r.application_id: r for r in db.session.scalars(select(AppraisalResult))}
    assert [outcomes[a.id].outcome.value for a in (passer, failer, incomplete)] == ["passed", "failed", "incomplete"]
    assert outcomes[passer.id].certificate is not None and outcomes[failer.id].certificate is None
    # the session's page leads on to completing the incomplete one
    assert f"/institution/results/{outcomes[incomplete.id].id}#complete" in clerk.get(f"/institution/sessions/{first}").text

    # the pass: the worker's certificate shows the clause met, the inbox says so
    number = outcomes[passer.id].certificate.number
    certificate_page = worker.get(f"/worker/certificates/{number}").text
    assert "符合的申报条件" in certificate_page and "累计从事本职业或相关职业工作 1 年（含）以上" in certificate_page
    steps = worker.get(f"/worker/applications/{passer.id}").text
    assert all(key in steps for key in ('data-step="applied"', 'data-step="review"', 'data-step="result"',
                                        'data-step="certificate"'))
    codes = db.session.scalars(select(InboxMessage.code).where(InboxMessage.user_id == road.junior_user.id)).all()
    assert {"application.approved", "application.seated", "appraisal.recorded", "certificate.issued"} <= set(codes)

    # the fail: a retake within the window (until 2025-06-03), in a later session, passes
    db.session.refresh(failer)
    assert failer.state.value == "failed" and failer.retake_until == date(2025, 6, 3)
    day(date(2024, 9, 1))
    _ok(clerk.post("/institution/sessions", data={"occupation_id": occupation_id, "levels": ["junior"],
                                                  "held_on": "2024-09-10", "site": "实训楼 1 楼", "capacity": "10"}))
    retake = _session_id()
    assert f'data-application="{failer.id}"' in clerk.get(f"/institution/sessions/{retake}").text
    _ok(clerk.post(f"/institution/applications/{failer.id}/seat", data={"seat-session_id": str(retake)}))
    day(date(2024, 9, 12))
    _enter(clerk, retake, failer, "75", "72")
    db.session.refresh(failer)
    assert failer.state.value == "passed"
    assert [r.outcome.value for r in failer.results] == ["failed", "passed"]
    assert failer.results[1].certificate.issued_on == date(2024, 9, 10)

    # the incomplete one: the review score is entered later, and the certificate follows
    result_id = outcomes[incomplete.id].id
    _ok(clerk.post(f"/institution/results/{result_id}/complete", data={"complete-review": "74"}))
    db.session.expire_all()
    completed = db.session.get(AppraisalResult, result_id)
    assert completed.outcome.value == "passed" and completed.certificate.level == "technician"
    assert completed.certificate.issued_on == date(2024, 6, 3)
    assert "补录" in clerk.get(f"/institution/results/{result_id}").text


def test_the_exceptional_road_from_nomination_to_certificate(app, cast, login, day):
    request = bring_to(cast, "approved")  # nominated, city first review, province approval
    worked_since(cast.worker, date(2010, 1, 1))
    overtaken = nominate(cast)  # a second technician nomination (by the same institution), still a draft
    db.session.commit()
    today = china_today()
    day(today)
    clerk, worker = app.test_client(), app.test_client()
    login(clerk, cast["nominator"])
    login(worker, cast["worker"])

    # the institution the approval names sees the candidate, qualified by the approval
    listed = clerk.get("/institution/applications").text
    application = db.session.scalar(select(Application).where(Application.promotion_request_id == request.id))
    assert f'data-application="{application.id}"' in listed and "破格/越级" in listed
    assert f"{request.approval_valid_until.isoformat()} 前有效" in clerk.get(
        f"/institution/applications/{application.id}").text

    # a session today; the candidate is seated and sits; the pass certifies on the exceptional route
    occupation_id = str(cast.employer.accreditations[0].occupation_id)
    _ok(clerk.post("/institution/sessions", data={"occupation_id": occupation_id, "levels": ["technician"],
                                                  "held_on": today.isoformat(), "site": "车间培训室", "capacity": "5"}))
    session_id = _session_id()
    _ok(clerk.post(f"/institution/applications/{application.id}/seat", data={"seat-session_id": str(session_id)}))
    steps = worker.get(f"/worker/applications/{application.id}").text
    assert 'data-step="approval"' in steps and 'data-step="seated"' in steps
    assert f"/worker/applications/{application.id}" in worker.get(f"/worker/promotions/{request.id}").text
    _enter(clerk, session_id, application, "82", "88", "75")

    db.session.expire_all()
    certificate = db.session.scalar(select(Certificate).where(Certificate.promotion_request_id == request.id))
    assert certificate.route is CertificateRoute.EXCEPTIONAL and certificate.level == "technician"
    steps = worker.get(f"/worker/applications/{application.id}").text
    assert all(key in steps for key in ('data-step="approval"', 'data-step="result"', 'data-step="certificate"'))
    assert certificate.number in steps
    page = worker.get(f"/worker/certificates/{certificate.number}").text
    assert f"申请编号 {request.id}" in page
    # an officer (the ministry too) goes from the certificate to the approval it rests on
    officer = app.test_client()
    login(officer, cast["ministry"])
    assert f'href="/bureau/promotions/{request.id}"' in officer.get(f"/bureau/certificates/{certificate.number}").text

    # the other nomination for the same level was overtaken: closed with the reason, and the worker told
    db.session.refresh(overtaken)
    assert overtaken.state is PromotionState.WITHDRAWN
    inbox = worker.get("/worker/inbox").text
    assert "申请已关闭" in inbox and f"证书 {certificate.number}" in inbox

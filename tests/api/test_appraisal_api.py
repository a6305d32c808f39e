"""The API of the appraisal road: sessions, applications with review and seating, results against a session,
corrections, and the administrator's historic entry (issue 14 items 3-5, E)."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from app import career
from tests.appraisal_fixtures import AFTER, APPLIED, HELD, apply, open_session, qualified, seated, sit, worked_since
from tests.promotion_fixtures import png_bytes


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.json
    assert response.content_type == "application/problem+json"
    return response.json


@pytest.fixture
def on_day(monkeypatch):
    def move(day: date) -> None:
        monkeypatch.setattr(career, "today", lambda: day)
    move(APPLIED)
    return move


@pytest.fixture
def clerk(api_token, road, on_day):
    return api_token(road.clerk)


@pytest.fixture
def stranger(api_token, road):
    return api_token(road.other_clerk)


# ---------------------------------------------------------------- sessions


def test_a_clerk_creates_a_session_and_reads_it(client, clerk):
    created = client.post("/api/v1/sessions", headers=clerk, json={
        "occupation_code": "6-18-01-01", "levels": ["technician", "junior"], "held_on": HELD.isoformat(),
        "site": "实训楼 3 楼", "capacity": 12})

    assert created.status_code == 201, created.json
    assert [level["code"] for level in created.json["levels"]] == ["junior", "technician"]
    listed = client.get("/api/v1/sessions", headers=clerk).json
    assert listed["total"] == 1 and listed["items"][0]["held_on"] == "2024-06-03"
    assert client.get(f"/api/v1/sessions/{created.json['id']}", headers=clerk).json["taken"] == 0


@pytest.mark.parametrize(("body", "field"), [
    ({"held_on": "2024-05-05"}, "held_on"), ({"levels": ["senior_technician", "chief_technician"]}, "levels"),
    ({"capacity": 0}, "capacity"), ({"occupation_code": "6-18-01-02"}, "levels"),
])
def test_a_session_is_refused_field_by_field(client, clerk, body, field):
    values = {"occupation_code": "6-18-01-01", "levels": ["junior"], "held_on": HELD.isoformat(), "site": "x",
              "capacity": 5} | body

    assert field in problem(client.post("/api/v1/sessions", headers=clerk, json=values), 422)["errors"]


def test_another_institutions_session_is_404(client, stranger, road, on_day):
    found = open_session(road)

    problem(client.get(f"/api/v1/sessions/{found.id}", headers=stranger), 404)


# ---------------------------------------------------------------- applications


def test_a_worker_applies_and_the_clerk_sees_the_verdict(client, api_token, clerk, road):
    worker = api_token(road.junior_user)

    created = client.post("/api/v1/applications", headers=worker, json={
        "occupation_code": "6-18-01-01", "level": "junior", "institution_id": road.college.id})

    assert created.status_code == 201, created.json
    seen = client.get(f"/api/v1/applications/{created.json['id']}", headers=clerk).json
    assert seen["state"] == "submitted" and seen["verdict"]["en"].startswith("meets: 1 year (cumulative)")
    assert [step["key"] for step in seen["steps"]] == ["applied", "review"]


def test_a_clerk_enters_an_application_by_national_id_in_the_body(client, clerk, road, vault):
    created = client.post("/api/v1/applications", headers=clerk, json={
        "national_id": vault.reveal(road.newcomer.id_ciphertext), "occupation_code": "6-18-01-01",
        "level": "junior"})

    assert created.status_code == 201
    assert "eligible from 2025-01-01" in created.json["verdict"]["en"]


def test_review_approves_with_the_clause_or_refuses_with_a_reason(client, clerk, road):
    good, early = apply(road, road.junior), apply(road, road.newcomer)

    approved = client.post(f"/api/v1/applications/{good.id}/review", headers=clerk, json={"decision": "approve"})
    no_reason = client.post(f"/api/v1/applications/{early.id}/review", headers=clerk, json={"decision": "refuse"})
    not_yet = client.post(f"/api/v1/applications/{early.id}/review", headers=clerk, json={"decision": "approve"})
    refused = client.post(f"/api/v1/applications/{early.id}/review", headers=clerk,
                          json={"decision": "refuse", "reason": "工作年限不足"})

    assert approved.json["clause"]["zh"] == "累计从事本职业或相关职业工作 1 年（含）以上"
    assert "reason" in problem(no_reason, 422)["errors"]
    assert problem(not_yet, 422)["code"] == "not_eligible"
    assert (refused.json["state"], refused.json["refusal_reason"]) == ("refused", "工作年限不足")
    problem(client.post(f"/api/v1/applications/{early.id}/review", headers=clerk, json={"decision": "approve"}), 409)


def test_seating_and_a_full_session(client, clerk, road, make_worker):
    found = open_session(road, capacity=1)
    first = qualified(road, road.junior)
    other = make_worker("钱二")
    worked_since(other, date(2015, 1, 1))
    second = qualified(road, other)

    seated_ = client.post(f"/api/v1/applications/{first.id}/seat", headers=clerk, json={"session_id": found.id})
    full = client.post(f"/api/v1/applications/{second.id}/seat", headers=clerk, json={"session_id": found.id})

    assert seated_.json["state"] == "seated" and seated_.json["session"]["held_on"] == "2024-06-03"
    assert problem(full, 409)["code"] == "session_full"


def test_applications_are_scoped(client, api_token, stranger, road):
    application = apply(road, road.senior, "technician")

    problem(client.get(f"/api/v1/applications/{application.id}", headers=stranger), 404)
    problem(client.get(f"/api/v1/applications/{application.id}", headers=api_token(road.junior_user)), 404)
    problem(client.post(f"/api/v1/applications/{application.id}/review", headers=api_token(road.junior_user),
                        json={"decision": "approve"}), 403)
    assert client.get("/api/v1/applications", headers=stranger).json["total"] == 0


# ---------------------------------------------------------------- results against the session, corrections


def test_results_against_the_session_pass_fail_and_incomplete(client, clerk, road, on_day, make_worker):
    found = open_session(road, levels=("junior", "technician"))
    passer, incomplete = seated(road, road.junior, found), seated(road, road.senior, found, "technician")
    on_day(AFTER)

    passed = client.post(f"/api/v1/sessions/{found.id}/results", headers=clerk, json={
        "application_id": passer.id, "theory": 85, "practical": 78})
    partial = client.post(f"/api/v1/sessions/{found.id}/results", headers=clerk, json={
        "application_id": incomplete.id, "theory": 80, "practical": 76})

    assert passed.status_code == 201, passed.json
    assert passed.json["outcome"] == "passed" and passed.json["certificate_number"]
    assert passed.json["clause"]["en"] == "1 year (cumulative) in the occupation or a related one"
    assert partial.json["outcome"] == "incomplete" and partial.json["certificate_number"] is None
    assert partial.json["reasons"][0]["en"].startswith("comprehensive review score missing")
    again = client.post(f"/api/v1/sessions/{found.id}/results", headers=clerk, json={
        "application_id": passer.id, "theory": 85, "practical": 78})
    assert problem(again, 409)["code"] == "appraisal_result"  # the sitting is recorded already

    completed = client.post(f"/api/v1/results/{partial.json['id']}/complete", headers=clerk, json={"review": 70})
    assert completed.json["outcome"] == "passed" and completed.json["certificate_number"]
    assert completed.json["history"][0]["kind"] == "completed"


def test_a_correction_revokes_and_the_history_keeps_the_old_scores(client, clerk, road, on_day):
    result = sit(road, seated(road, road.junior, open_session(road)))
    number = result.certificate.number
    on_day(AFTER)

    no_reason = client.post(f"/api/v1/results/{result.id}/correct", headers=clerk,
                            json={"theory": 40, "practical": 80, "reason": ""})
    corrected = client.post(f"/api/v1/results/{result.id}/correct", headers=clerk,
                            json={"theory": 40, "practical": 80, "reason": "理论卷误登"})

    assert "reason" in problem(no_reason, 422)["errors"]
    assert corrected.json["outcome"] == "failed" and corrected.json["certificate_number"] is None
    assert corrected.json["history"][0] | {"at": None} == {
        "kind": "corrected", "reason": "理论卷误登", "before": "80/80/— passed", "after": "40/80/— failed",
        "revoked_certificate": number, "issued_certificate": None, "at": None}
    assert client.get(f"/api/v1/certificates/{number}", headers=clerk).json["status"] == "revoked"


def test_voiding_and_scoping_of_results(client, clerk, stranger, road, on_day):
    result = sit(road, seated(road, road.junior, open_session(road)))

    problem(client.get(f"/api/v1/results/{result.id}", headers=stranger), 404)
    problem(client.post(f"/api/v1/results/{result.id}/void", headers=stranger, json={"reason": "x"}), 404)
    voided = client.post(f"/api/v1/results/{result.id}/void", headers=clerk, json={"reason": "身份核对有误"})
    assert voided.json["outcome"] == "voided" and voided.json["certificate_number"] is None
    assert problem(client.post(f"/api/v1/results/{result.id}/void", headers=clerk, json={"reason": "again"}),
                   409)["code"] == "wrong_state"


def test_only_an_incomplete_result_is_completed(client, clerk, road):
    result = sit(road, seated(road, road.junior, open_session(road)))

    body = problem(client.post(f"/api/v1/results/{result.id}/complete", headers=clerk, json={"review": 70}), 422)
    assert body["code"] == "nothing_to_complete"


# ---------------------------------------------------------------- historic certificates: administrators only


def _historic(road, evidence):
    return {"worker_id": road.junior.id, "occupation_code": "6-18-01-01", "level": "junior",
            "issued_on": "2015-03-01", "number": "1532052001500123", "institution_id": road.college.id,
            "evidence": evidence}


def test_an_administrator_enters_a_historic_certificate_with_base64_evidence(client, api_token, make_user, road):
    admin = api_token(make_user("admin"))
    scan = [{"filename": "证书.png", "content_base64": base64.b64encode(png_bytes()).decode()}]

    created = client.post("/api/v1/certificates", headers=admin, json=_historic(road, scan))

    assert created.status_code == 201, created.json
    assert created.json["is_historic"] is True and created.json["number"] == "1532052001500123"


@pytest.mark.parametrize(("evidence", "field"), [
    ([], "evidence"), ([{"filename": "a.png", "content_base64": "!!!"}], "evidence"),
    ([{"filename": "a.pdf", "content_base64": base64.b64encode(b"<html>").decode()}], "evidence"),
])
def test_a_historic_certificate_without_valid_evidence_is_refused(client, api_token, make_user, road, evidence,
                                                                  field):
    admin = api_token(make_user("admin"))

    assert field in problem(client.post("/api/v1/certificates", headers=admin, json=_historic(road, evidence)),
                            422)["errors"]


def test_a_clerk_may_not_enter_a_historic_certificate(client, clerk, road):
    scan = [{"filename": "证书.png", "content_base64": base64.b64encode(png_bytes()).decode()}]

    problem(client.post("/api/v1/certificates", headers=clerk, json=_historic(road, scan)), 403)

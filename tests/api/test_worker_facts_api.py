"""The JSON API of a worker's facts: /workers/{id}/work-periods, /diplomas, /titles, /apprenticeships, with
attest, correct and withdraw; scoped like the worker (another's: 404), problem+json errors, answers that match
the OpenAPI document."""

from __future__ import annotations

import pytest

from credentials.models import InstitutionKind
from tests.api.test_openapi_complete import documented, faithful_dumps  # noqa: F401 - the answers-keep-their-keys check

LATHE = "6-18-01-01"
PROBLEM = "application/problem+json"
PERIOD = {"occupation_code": LATHE, "started_on": "2020-03-01"}


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/v1/openapi.json").json


@pytest.fixture
def people(make_institution, make_user, make_worker, api_token):
    employer = make_institution("苏州精工", kind=InstitutionKind.ENTERPRISE)
    worker = make_worker("陈工", employer=employer)
    clerk = make_user("institution_staff", institution=employer)
    me = make_user("worker", worker=worker)
    stranger = make_user("institution_staff")
    officer = make_user("bureau_officer", region="3205")
    return {"worker": worker, "clerk": api_token(clerk), "me": api_token(me), "stranger": api_token(stranger),
            "officer": api_token(officer)}


def url(people, path: str = "work-periods") -> str:
    return f"/api/v1/workers/{people['worker'].id}/{path}"


def test_an_official_records_a_work_period_that_counts_and_the_list_shows_it(client, spec, people):
    created = client.post(url(people), json={**PERIOD, "employer_name": "苏州精工"}, headers=people["clerk"])

    body = documented(spec, created, "post", "/api/v1/workers/{worker_id}/work-periods")
    assert created.status_code == 201 and body["attestation"] == "attested" and body["counts"] is True
    assert body["employer"]["name"] == "苏州精工" and body["occupation"]["code"] == LATHE
    listed = documented(spec, client.get(url(people), headers=people["me"]), "get",
                        "/api/v1/workers/{worker_id}/work-periods")
    assert [f["id"] for f in listed["current"]] == [body["id"]] and listed["earlier"] == []


def test_the_worker_claims_and_the_employer_attests(client, spec, people):
    claim = client.post(url(people), json=PERIOD, headers=people["me"]).json
    assert (claim["attestation"], claim["counts"]) == ("unverified", False)

    refused = client.post(url(people) + f"/{claim['id']}/attest", headers=people["me"])
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    attested = client.post(url(people) + f"/{claim['id']}/attest", headers=people["clerk"])

    body = documented(spec, attested, "post", "/api/v1/workers/{worker_id}/work-periods/{fact_id}/attest")
    assert attested.status_code == 200 and body["counts"] is True and body["attested_by"]["name"] == "苏州精工"
    again = client.post(url(people) + f"/{claim['id']}/attest", headers=people["officer"])
    assert again.status_code == 409 and again.json["code"] == "already_attested"


def test_refusals_are_problem_documents_naming_the_field(client, spec, people):
    bad_dates = client.post(url(people), json={**PERIOD, "ended_on": "2019-01-01"}, headers=people["clerk"])
    missing = client.post(url(people), json={"started_on": "2020-03-01"}, headers=people["clerk"])
    unknown = client.post(url(people), json={**PERIOD, "occupation_code": "9-99-99-99"}, headers=people["clerk"])
    title = client.post(url(people, "titles"), json={"series": "engineering", "grade": "wizard",
                                                    "obtained_on": "2020-01-01"}, headers=people["me"])

    for response in (bad_dates, missing, unknown, title):
        assert response.status_code == 422 and response.mimetype == PROBLEM
        documented(spec, response, "post", "/api/v1/workers/{worker_id}/" + response.request.path.rsplit("/", 1)[1])
    assert bad_dates.json["code"] == "dates_out_of_order" and "ended_on" in bad_dates.json["errors"]
    assert "occupation_code" in missing.json["errors"] and "occupation_code" in unknown.json["errors"]
    assert "grade" in title.json["errors"]


def test_a_duplicate_is_a_409_naming_the_period(client, people):
    client.post(url(people), json=PERIOD, headers=people["clerk"])

    duplicate = client.post(url(people), json=PERIOD, headers=people["officer"])

    assert duplicate.status_code == 409 and duplicate.json["code"] == "work_period"


def test_another_institutions_worker_answers_404_and_a_worker_sees_only_themself(client, people, make_worker):
    other = make_worker("路人")

    for path in ("work-periods", "diplomas", "titles", "apprenticeships"):
        assert client.get(url(people, path), headers=people["stranger"]).status_code == 404
        assert client.get(f"/api/v1/workers/{other.id}/{path}", headers=people["me"]).status_code == 404
    response = client.post(f"/api/v1/workers/{other.id}/work-periods", json=PERIOD, headers=people["me"])
    assert response.status_code == 404 and response.mimetype == PROBLEM


def test_a_correction_and_a_withdrawal_keep_the_earlier_rows(client, spec, people):
    first = client.post(url(people), json=PERIOD, headers=people["clerk"]).json

    corrected = client.post(url(people) + f"/{first['id']}/correct", json={**PERIOD, "started_on": "2019-03-01"},
                            headers=people["clerk"])
    body = documented(spec, corrected, "post", "/api/v1/workers/{worker_id}/work-periods/{fact_id}/correct")
    assert corrected.status_code == 201 and body["replaces_id"] == first["id"]
    stale = client.post(url(people) + f"/{first['id']}/correct", json=PERIOD, headers=people["clerk"])
    assert stale.status_code == 409 and stale.json["code"] == "fact_ended"
    withdrawn = client.post(url(people) + f"/{body['id']}/withdraw", json={"reason": "核实不实"}, headers=people["clerk"])
    documented(spec, withdrawn, "post", "/api/v1/workers/{worker_id}/work-periods/{fact_id}/withdraw")

    listed = client.get(url(people), headers=people["clerk"]).json
    assert listed["current"] == []
    assert sorted((f["state"], f["withdrawal_reason"] or "") for f in listed["earlier"]) == [
        ("superseded", ""), ("withdrawn", "核实不实")]


def test_the_worker_may_not_withdraw_an_attested_fact(client, people):
    fact = client.post(url(people), json=PERIOD, headers=people["clerk"]).json

    response = client.post(url(people) + f"/{fact['id']}/withdraw", json={"reason": "不对"}, headers=people["me"])

    assert response.status_code == 403 and response.json["code"] == "own_claims_only"


def test_diplomas_titles_and_apprenticeships_round_trip(client, spec, people):
    diploma = client.post(url(people, "diplomas"), json={"school_type": "technical_school", "stream": "intermediate_class",
                                                        "major_code": LATHE, "is_current_graduate": True},
                          headers=people["me"])
    title = client.post(url(people, "titles"), json={"series": "engineering", "grade": "assistant",
                                                    "obtained_on": "2021-06-01"}, headers=people["officer"])
    apprenticeship = client.post(url(people, "apprenticeships"), json={
        "occupation_code": LATHE, "target_level": "intermediate", "started_on": "2023-01-01",
        "ended_on": "2024-01-01", "completed": True}, headers=people["clerk"])
    claimed = client.post(url(people, "apprenticeships"), json={
        "occupation_code": LATHE, "target_level": "intermediate", "started_on": "2023-01-01"}, headers=people["me"])

    assert documented(spec, diploma, "post", "/api/v1/workers/{worker_id}/diplomas")["attestation"] == "unverified"
    assert documented(spec, title, "post", "/api/v1/workers/{worker_id}/titles")["name"]["zh"] == "助理工程师"
    made = documented(spec, apprenticeship, "post", "/api/v1/workers/{worker_id}/apprenticeships")
    assert made["enterprise_name"] == "苏州精工" and made["target_level"]["code"] == "intermediate"
    assert claimed.status_code == 403  # an apprenticeship is the enterprise's record, not a claim
    for path in ("diplomas", "titles", "apprenticeships"):
        documented(spec, client.get(url(people, path), headers=people["me"]), "get",
                   "/api/v1/workers/{worker_id}/" + path)

"""The promotions and competitions API: envelopes, scoping (404), problem+json with field errors, and 409
`already_decided` for a decision someone else made first."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest

from tests.promotion_fixtures import bring_to, png_bytes

PROBLEM = "application/problem+json"


@pytest.fixture
def tokens(api_token, cast):
    return {role: api_token(user) for role, user in cast.users.items()}


def create(client, tokens, cast, **changes):
    body = {"worker_id": cast.worker.id, "occupation_code": "6-18-01-01", "kind": "exceptional",
            "target_level": "technician", "grounds": ["patent"], "statement": "发明专利两项"}
    body.update(changes)
    return client.post("/api/v1/promotions", json=body, headers=tokens["nominator"])


def test_a_nomination_goes_through_the_api_from_draft_to_approval(client, tokens, cast):
    created = create(client, tokens, cast)
    assert created.status_code == 201 and created.json["state"] == "draft"
    request_id = created.json["id"]
    upload = client.post(f"/api/v1/promotions/{request_id}/evidence", headers=tokens["nominator"],
                         data={"file": (BytesIO(png_bytes()), "证明.png")}, content_type="multipart/form-data")
    assert upload.status_code == 201 and upload.json["content_type"] == "image/png"

    steps = [("nominator", {"action": "submit"}, "submitted"),
             ("city_officer", {"action": "approve", "reason": "材料齐全"}, "submitted"),
             ("province_officer", {"action": "approve", "reason": "同意"}, "approved")]
    for role, body, state in steps:
        response = client.post(f"/api/v1/promotions/{request_id}/transitions", json=body, headers=tokens[role])
        assert response.status_code == 200, response.json
        assert response.json["state"] == state
    final = client.get(f"/api/v1/promotions/{request_id}", headers=tokens["worker"]).json
    assert [d["action"] for d in final["decisions"]] == ["nominated", "submitted", "forwarded", "approved"]
    assert final["approval_valid_until"] is not None and final["target_level"]["code"] == "technician"


def test_a_decision_already_made_answers_409_already_decided(client, tokens, cast):
    request = bring_to(cast, "approved")

    response = client.post(f"/api/v1/promotions/{request.id}/transitions", headers=tokens["province_officer"],
                           json={"action": "reject", "reason": "迟到的驳回"})

    assert response.status_code == 409 and response.mimetype == PROBLEM
    assert response.json["code"] == "already_decided"


def test_a_stale_version_answers_409(client, tokens, cast):
    request = bring_to(cast, "under_review@city")

    response = client.post(f"/api/v1/promotions/{request.id}/transitions", headers=tokens["city_officer"],
                           json={"action": "approve", "reason": "同意", "version": request.version - 1})

    assert response.status_code == 409 and response.json["code"] == "already_decided"


def test_a_decision_without_a_reason_names_the_field(client, tokens, cast):
    request = bring_to(cast, "submitted@city")

    response = client.post(f"/api/v1/promotions/{request.id}/transitions", headers=tokens["city_officer"],
                           json={"action": "reject"})

    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.json["errors"] == {"reason": ["必填"]}


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "level_skipping"}, "target_level"),
    ({"grounds": []}, "grounds"),
    ({"occupation_code": "x"}, "occupation_code"),
    ({"worker_id": 999999}, "worker_id"),
])
def test_bad_nominations_get_problem_json_by_field(client, tokens, cast, changes, field):
    response = create(client, tokens, cast, **changes)

    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert field in response.json["errors"]


def test_requests_are_scoped_and_another_answers_404(client, tokens, cast):
    request = bring_to(cast, "submitted@city")

    assert client.get(f"/api/v1/promotions/{request.id}", headers=tokens["other_staff"]).status_code == 404
    assert client.get(f"/api/v1/promotions/{request.id}", headers=tokens["other_city_officer"]).status_code == 404
    listed = client.get("/api/v1/promotions?state=submitted", headers=tokens["province_officer"]).json
    assert [item["id"] for item in listed["items"]] == [request.id] and listed["total"] == 1


def test_the_ministry_reads_but_its_decision_is_refused_with_403(client, tokens, cast):
    request = bring_to(cast, "submitted@city")

    assert client.get(f"/api/v1/promotions/{request.id}", headers=tokens["ministry"]).status_code == 200
    response = client.post(f"/api/v1/promotions/{request.id}/transitions", headers=tokens["ministry"],
                           json={"action": "approve", "reason": "同意"})
    assert response.status_code == 403 and response.json["code"] == "ministry_observes"


def test_competitions_results_and_a_confirmation_through_the_api(client, tokens, cast, vault):
    ministry, province = tokens["ministry"], tokens["province_officer"]
    created = client.post("/api/v1/competitions", headers=ministry, json={
        "name": "全国技能大赛", "tier": "national_skills", "occupation_code": "6-18-01-01",
        "starts_on": "2025-09-01", "ends_on": "2025-09-05", "organizer": "人力资源社会保障部"})
    assert created.status_code == 201
    result = client.post(f"/api/v1/competitions/{created.json['id']}/results", headers=ministry,
                         json={"national_id": vault.reveal(cast.worker.id_ciphertext), "medal": "excellence"})
    assert result.status_code == 201 and result.json["outcome"] == "proposed"
    proposal_id = result.json["proposal"]["id"]

    confirmed = client.post(f"/api/v1/competitions/promotions/{proposal_id}/transitions", headers=province,
                            json={"action": "confirm", "issuer_id": cast.employer.id})
    again = client.post(f"/api/v1/competitions/promotions/{proposal_id}/transitions", headers=province,
                        json={"action": "reject", "reason": "x"})

    assert confirmed.status_code == 200 and confirmed.json["certificate_number"]
    assert again.status_code == 409 and again.json["code"] == "already_decided"
    mine = client.get("/api/v1/competitions/promotions", headers=tokens["worker"]).json
    assert [item["state"] for item in mine["items"]] == ["confirmed"]


def test_a_future_competition_refuses_results_with_a_field(client, tokens, cast, vault):
    created = client.post("/api/v1/competitions", headers=tokens["ministry"], json={
        "name": "未来大赛", "tier": "national_skills", "occupation_code": "6-18-01-01",
        "starts_on": str(date(2099, 1, 1)), "ends_on": str(date(2099, 1, 2)), "organizer": "人社部"})

    response = client.post(f"/api/v1/competitions/{created.json['id']}/results", headers=tokens["ministry"],
                           json={"national_id": vault.reveal(cast.worker.id_ciphertext), "rank": 1})

    assert response.status_code == 422 and "competition" in response.json["errors"]

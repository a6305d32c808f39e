"""Competition reward rules through the API: create, read, list, preview, revise (in place, then as a new
version), judge a competition again; refusals field by field; scoping (another city: 404; the ministry and
admins read only); every answer fits the OpenAPI document."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from credentials.services.competitions import record_result
from tests.api.test_openapi_complete import documented, faithful_dumps, spec  # noqa: F401 - fixtures and helper

RULES = "/api/v1/competition-rules"


def body(**changes) -> dict:
    values = {"name_zh": "苏州市职业技能竞赛奖励办法", "document_number": "苏人社发〔2024〕12号",
              "issued_on": "2024-03-01", "valid_from": "2024-01-01", "tiers": ["city", "enterprise"],
              "max_promotions_per_year": 1,
              "rewards": [{"rank_from": 1, "rank_to": 1, "effect": "set_or_up:technician",
                           "titles": [{"zh": "苏州市技术能手", "en": "Suzhou Technical Expert"}]},
                          {"rank_from": 2, "rank_to": 5, "effect": "up:1 cap:technician"},
                          {"rank_from": 6, "effect": "set:intermediate"}]}
    values.update(changes)
    return values


@pytest.fixture
def tokens(world, api_token):
    return {name: api_token(world[name]) for name in ("city", "city2", "other_city", "province", "ministry", "admin")}


def test_a_rule_is_created_read_listed_and_previewed(client, spec, world, tokens):  # noqa: F811
    contest = world.contest()
    result = record_result(db.session(), contest, worker=world.workers["junior"], rank=3, by=world["city"])
    db.session.commit()

    preview = documented(spec, client.post(f"{RULES}/preview", json=body(), headers=tokens["city"]),
                         "post", "/api/v1/competition-rules/preview")
    created = documented(spec, client.post(RULES, json=body(), headers=tokens["city"]), "post", "/api/v1/competition-rules")
    one = documented(spec, client.get(f"{RULES}/{created['id']}", headers=tokens["city"]),
                     "get", "/api/v1/competition-rules/{rule_id}")
    listed = documented(spec, client.get(RULES, headers=tokens["province"]), "get", "/api/v1/competition-rules")

    assert (preview["competitions"], preview["results"], preview["proposed"]) == (1, 1, 1)
    row = preview["rows"][0]
    assert (row["result_id"], row["outcome"], row["target_level"]["code"], row["applies"]) == (
        result.id, "proposed", "intermediate", True)
    assert (row["current_outcome"], row["held_level"]["code"], row["worker_name"]) == ("no_rule", "junior", "钱初级")
    assert created["policy_id"] == f"rule-{created['id']}" and created["city_code"] == "3205"
    assert created["rewards"][0]["text"]["en"].startswith("place 1: promoted to Technician (Level 2)")
    assert created["rewards"][2] == {"rank_from": 6, "rank_to": None, "medals": [], "effect": "set:intermediate",
                                     "titles": [], "text": {"zh": "第 6 名及以后：晋升中级工（四级）",
                                                            "en": "place 6 and below: promoted to Intermediate Worker (Level 4)"}}
    assert one["versions"] == [{"id": created["id"], "version": 1, "is_current": True,
                                "created_at": one["versions"][0]["created_at"]}] and one["proposals"] == 0
    assert [r["id"] for r in listed["items"]] == [created["id"]]


def test_a_revision_changes_an_unused_rule_and_versions_a_used_one(client, spec, world, tokens):  # noqa: F811
    created = client.post(RULES, json=body(), headers=tokens["city"]).json
    path = f"{RULES}/{created['id']}/revisions"

    same = documented(spec, client.post(path, json=body(name_en="Suzhou rewards"), headers=tokens["city2"]),
                      "post", "/api/v1/competition-rules/{rule_id}/revisions")
    contest = world.contest()
    judged = documented(spec, client.post(f"/api/v1/competitions/{contest.id}/reevaluation", json={},
                                          headers=tokens["city"]),
                        "post", "/api/v1/competitions/{competition_id}/reevaluation")
    record_result(db.session(), contest, worker=world.workers["junior"], rank=2, by=world["city"])
    db.session.commit()
    response = client.post(path, json=body(document_number="苏人社发〔2024〕20号"), headers=tokens["city2"])
    newer = documented(spec, response, "post", "/api/v1/competition-rules/{rule_id}/revisions")
    stale = client.post(path, json=body(), headers=tokens["city"])

    assert (same["id"], same["version"], same["name"]["en"]) == (created["id"], 1, "Suzhou rewards")
    assert judged["results"] == []
    assert response.status_code == 201 and (newer["version"], newer["replaces_id"]) == (2, created["id"])
    old = client.get(f"{RULES}/{created['id']}", headers=tokens["city"]).json
    assert (old["is_current"], old["in_use"], old["proposals"]) == (False, True, 1)
    assert stale.status_code == 409 and stale.json["code"] == "rule_superseded"


def test_reevaluation_proposes_for_results_entered_before_the_rule(client, spec, world, tokens):  # noqa: F811
    contest = world.contest()
    waiting = record_result(db.session(), contest, worker=world.workers["senior"], rank=1, by=world["city"])
    db.session.commit()
    rule = client.post(RULES, json=body(), headers=tokens["city"]).json

    denied = client.post(f"/api/v1/competitions/{contest.id}/reevaluation", json={}, headers=tokens["ministry"])
    judged = documented(spec, client.post(f"/api/v1/competitions/{contest.id}/reevaluation",
                                          json={"rule_id": rule["id"]}, headers=tokens["city"]),
                        "post", "/api/v1/competitions/{competition_id}/reevaluation")

    assert denied.status_code == 403
    assert judged["rule_id"] == rule["id"]
    assert judged["results"][0]["id"] == waiting.id and judged["results"][0]["outcome"] == "proposed"
    assert judged["results"][0]["rule_id"] == rule["id"] and judged["results"][0]["titles"][0]["zh"] == "苏州市技术能手"


@pytest.mark.parametrize(("changes", "field"), [
    ({"rewards": [{"rank_from": 3, "rank_to": 2, "effect": "up:1"}]}, "rewards.0.rank_to"),
    ({"rewards": [{"rank_from": 1, "rank_to": 3, "effect": "up:1"}, {"rank_from": 3, "effect": "up:1"}]},
     "rewards.1.rank_from"),
    ({"rewards": [{"rank_from": 1, "effect": "set:apprentice"}]}, "rewards.0.effect"),
    ({"rewards": [{"rank_from": 1, "effect": "up:9"}]}, "rewards.0.effect"),
    ({"rewards": [{"rank_from": 1}]}, "rewards.0.effect"),
    ({"rewards": [{"effect": "up:1"}]}, "rewards.0.rank_from"),
    ({"rewards": [{"medals": ["gold"], "effect": "up:1"}, {"medals": ["gold"], "effect": "up:2"}]},
     "rewards.1.medals"),
    ({"valid_to": "2023-01-01"}, "valid_to"),
    ({"issued_on": "2099-01-01"}, "issued_on"),
    ({"tiers": ["national_skills"]}, "tiers"),
])
def test_the_registry_refuses_a_rule_field_by_field(client, tokens, changes, field):
    response = client.post(RULES, json=body(**changes), headers=tokens["city"])

    assert response.status_code == 422 and list(response.json["errors"]) == [field]


@pytest.mark.parametrize(("changes", "field"), [
    ({"tiers": []}, "tiers"),
    ({"tiers": ["olympics"]}, "tiers"),
    ({"rewards": []}, "rewards"),
    ({"rewards": [{"rank_from": 0, "effect": "up:1"}]}, "rewards"),
    ({"rewards": [{"medals": ["platinum"], "effect": "up:1"}]}, "rewards"),
    ({"max_promotions_per_year": 13}, "max_promotions_per_year"),
    ({"name_zh": ""}, "name_zh"),
    ({"issued_on": "2024-02-30"}, "issued_on"),
])
def test_the_shape_of_a_rule_is_refused_before_the_registry_sees_it(client, tokens, changes, field):
    response = client.post(RULES, json=body(**changes), headers=tokens["city"])

    assert response.status_code == 422 and field in response.json["errors"]


def test_another_city_finds_nothing_and_the_ministry_and_admins_only_read(client, world, tokens):
    created = client.post(RULES, json=body(), headers=tokens["city"]).json
    path = f"{RULES}/{created['id']}"

    assert client.get(path, headers=tokens["other_city"]).status_code == 404
    assert client.post(f"{path}/revisions", json=body(), headers=tokens["other_city"]).status_code == 404
    assert client.post(f"{RULES}/preview", json=body(replaces_id=created["id"]),
                       headers=tokens["other_city"]).status_code == 404
    assert client.get(RULES, headers=tokens["other_city"]).json["total"] == 0
    assert client.post(f"{path}/revisions", json=body(), headers=tokens["province"]).status_code == 403
    for reader in ("ministry", "admin"):
        assert client.get(path, headers=tokens[reader]).status_code == 200
    assert client.post(RULES, json=body(), headers=tokens["ministry"]).status_code == 403
    assert client.post(RULES, json=body(), headers=tokens["admin"]).status_code == 403
    assert client.post(f"{RULES}/preview", json=body(), headers=tokens["ministry"]).status_code == 403


def test_a_competition_registered_with_a_rule_follows_it(client, world, tokens):
    province_rule = client.post(RULES, json=body(tiers=["city"], rewards=[{"rank_from": 1, "effect": "up:2"}]),
                                headers=tokens["province"]).json
    client.post(RULES, json=body(), headers=tokens["city"])  # the city's own rule would otherwise judge
    contest = client.post("/api/v1/competitions", headers=tokens["city"], json={
        "name": "苏州市车工大赛", "tier": "city", "occupation_code": "6-18-01-01", "starts_on": "2024-06-01",
        "ends_on": date(2024, 6, 2).isoformat(), "organizer": "苏州市人社局", "rule_id": province_rule["id"]}).json
    refused = client.post("/api/v1/competitions", headers=tokens["city"], json={
        "name": "苏州市车工大赛", "tier": "enterprise", "occupation_code": "6-18-01-01", "starts_on": "2024-06-01",
        "ends_on": "2024-06-02", "organizer": "苏州市人社局", "rule_id": province_rule["id"]})

    assert contest["rule_id"] == province_rule["id"]
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["rule_id"]

"""The ladder API as a client meets it: public graph and routes, a worker's dated plan behind a token."""

from __future__ import annotations

from datetime import date

import pytest

from credentials.queries.history import history_of
from ladder.graph import graph_for
from ladder.routes import plan_for_worker, plan_routes
from tests.career_records import (
    OCC,
    SENIOR_ENGINEER,
    D,
    add_work,
    freeze_today,
    promoted_by_competition,
    skipped_by_approval,
)

PROBLEM = "application/problem+json"
TODAY = date(2023, 6, 1)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text[:500]
    assert response.mimetype == PROBLEM and "Traceback" not in response.text
    return response.json


@pytest.fixture
def frozen(monkeypatch):
    freeze_today(monkeypatch, TODAY)


@pytest.fixture
def school(make_institution):
    return make_institution("苏州技师学院")


# ------------------------------------------------------------------ the graph (public)

def test_graph_needs_no_token_and_lists_every_node_and_edge_with_its_attributes(client):
    response = client.get("/api/v1/ladder/graph?on=2024-01-01")

    assert response.status_code == 200
    body, g = response.json, graph_for(D("2024-01-01"))
    assert body["on"] == "2024-01-01"
    assert {n["id"] for n in body["nodes"]} == set(g.nodes)
    assert len(body["edges"]) == g.number_of_edges()
    bridge = next(e for e in body["edges"] if e["key"] == "skill_to_title:crossover-2018-engineering:CN"
                  and e["source"] == "skill-2022:senior")
    assert (bridge["target"], bridge["kind"], bridge["min_years"]) == ("title:engineering:assistant",
                                                                       "skill_to_title", 2)
    assert bridge["requirements"][0]["zh"].startswith("取得高级工后") and bridge["requirements"][0]["en"]
    assert body["layout"]["nodes"]["skill-2022:senior"] == {"x": 0, "y": 4}


def test_graph_on_an_earlier_date_holds_the_ladder_then_in_force(client):
    nodes = {n["id"] for n in client.get("/api/v1/ladder/graph?on=2010-06-01").json["nodes"]}

    assert "skill-2013:senior" in nodes and "skill-2022:senior" not in nodes


@pytest.mark.parametrize("on", ["1980-01-01", "yesterday"])
def test_graph_refuses_a_date_with_no_ladder_or_no_date(client, on):
    body = assert_problem(client.get(f"/api/v1/ladder/graph?on={on}"), 422)

    assert "on" in body["errors"]


# ------------------------------------------------------------------ routes between positions (public)

def test_routes_are_ranked_by_arrival_with_dated_steps_and_conditions_in_both_languages(client):
    response = client.get("/api/v1/ladder/routes?from=skill-2022:intermediate"
                          f"&to={SENIOR_ENGINEER}&on=2024-01-01")

    assert response.status_code == 200
    routes = response.json["routes"]
    expected = plan_routes(graph_for(D("2024-01-01")), "skill-2022:intermediate", SENIOR_ENGINEER,
                           start_date=D("2024-01-01"))
    assert [(r["arrival"], r["nodes"]) for r in routes] == [(r.arrival.isoformat(), list(r.nodes))
                                                             for r in expected]
    assert routes[0]["arrival"] == "2040-01-01" and routes[0]["rank"] == 1
    first = routes[0]["steps"][0]
    assert (first["target"], first["kind"], first["earliest_date"]) == ("skill-2022:senior", "regular",
                                                                        "2029-01-01")
    assert first["target_name"] == {"zh": "高级工（三级）", "en": "Senior Worker (Level 3)"}
    assert first["condition"]["zh"] and first["condition"]["en"]


@pytest.mark.parametrize(("query", "field"), [
    (f"from=skill-2022:wizard&to={SENIOR_ENGINEER}", "from"),
    ("from=skill-2022:senior&to=title:engineering:emeritus", "to"),
])
def test_an_unknown_node_answers_422_naming_the_field(client, query, field):
    body = assert_problem(client.get(f"/api/v1/ladder/routes?{query}"), 422)

    assert list(body["errors"]) == [field]
    assert body["code"] == "unknown_node" and "阶梯上没有" in body["detail"]


@pytest.mark.parametrize(("query", "field"), [
    (f"to={SENIOR_ENGINEER}", "from"),
    (f"from=skill-2022:senior&to={SENIOR_ENGINEER}&allow=teleport", "allow"),
    (f"from=skill-2022:senior&to={SENIOR_ENGINEER}&k=500", "k"),
])
def test_missing_or_malformed_parameters_answer_422_field_by_field(client, query, field):
    body = assert_problem(client.get(f"/api/v1/ladder/routes?{query}"), 422)

    assert field in body["errors"]


def test_evidence_based_steps_are_considered_only_when_asked_for(client):
    query = "from=skill-2022:intermediate&to=skill-2022:technician&on=2023-06-01"

    regular = client.get(f"/api/v1/ladder/routes?{query}").json["routes"]
    fast = client.get(f"/api/v1/ladder/routes?{query}&allow=competition,skip").json["routes"]

    assert {s["kind"] for r in regular for s in r["steps"]} == {"regular"}
    assert regular[0]["arrival"] == "2032-06-01"
    assert fast[0]["arrival"] == "2023-06-01" and fast[0]["steps"][0]["kind"] in {"competition", "skip"}


def test_the_public_endpoints_are_rate_limited_per_address(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LADDER_API_RATE_LIMIT", "3 per minute")

    statuses = [client.get("/api/v1/ladder/graph").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert_problem(client.get("/api/v1/ladder/graph"), 429)


# ------------------------------------------------------------------ a worker's own plan (token)

def test_worker_routes_need_a_token(client, make_worker):
    worker = make_worker()

    assert_problem(client.get(f"/api/v1/workers/{worker.id}/routes?to={SENIOR_ENGINEER}"), 401)


def test_worker_who_skipped_a_level_by_approval_gets_the_hand_checked_plan(client, frozen, make_user, school,
                                                                           make_certificate, api_token):
    user = make_user("worker")
    skipped_by_approval(make_certificate, user.worker, school)

    body = client.get(f"/api/v1/workers/{user.worker_id}/routes?to={SENIOR_ENGINEER}",
                      headers=api_token(user)).json

    assert (body["position"], body["reached_on"]) == ("skill-2022:technician", "2020-03-01")
    assert body["occupation"] == OCC
    # 4 years at Technician, then 4 at Senior Technician; or 3 to Engineer (already served) and 5 more.
    assert [(r["nodes"], r["arrival"]) for r in body["routes"][:2]] == [
        (["skill-2022:technician", "skill-2022:senior_technician", SENIOR_ENGINEER], "2028-03-01"),
        (["skill-2022:technician", "title:engineering:intermediate", SENIOR_ENGINEER], "2028-06-01"),
    ]
    assert body["routes"][0]["steps"][0]["earliest_date"] == "2024-03-01"


def test_worker_promoted_by_competition_counts_from_the_promotion(client, frozen, make_user, school,
                                                                  make_certificate, api_token):
    user = make_user("worker")
    promoted_by_competition(make_certificate, user.worker, school)

    body = client.get(f"/api/v1/workers/{user.worker_id}/routes?to=skill-2022:senior_technician",
                      headers=api_token(user)).json

    (route,) = body["routes"]
    (step,) = route["steps"]
    assert step["earliest_date"] == "2026-05-01"
    assert step["condition"]["en"] == "2 years 11 months more at Technician"
    assert step["condition"]["zh"] == "还需在技师等级工作 2 年 11 个月"


def test_worker_plan_is_plan_for_worker_over_the_stored_history(client, frozen, make_user, school,
                                                                 make_certificate, api_token, db):
    user = make_user("worker")
    promoted_by_competition(make_certificate, user.worker, school)

    body = client.get(f"/api/v1/workers/{user.worker_id}/routes?to={SENIOR_ENGINEER}&allow=exceptional",
                      headers=api_token(user)).json

    history = history_of(db.session(), user.worker_id)
    expected = plan_for_worker(graph_for(TODAY), history, OCC, SENIOR_ENGINEER, today=TODAY,
                               allow={"regular", "skill_to_title", "title_to_skill", "exceptional"})
    assert [r["nodes"] for r in body["routes"]] == [list(r.nodes) for r in expected]
    assert [[s["earliest_date"] for s in r["steps"]] for r in body["routes"]] == [
        [s.earliest_date and s.earliest_date.isoformat() for s in r.steps] for r in expected]
    assert "exceptional" in body["allow"]


def test_another_workers_routes_answer_404_to_workers_staff_and_officers_elsewhere(
        client, make_user, make_worker, api_token):
    someone = make_worker(city_code="3201")
    add_work(someone, "2015-01-01")
    url = f"/api/v1/workers/{someone.id}/routes?to={SENIOR_ENGINEER}"

    strangers = (make_user("worker"), make_user("institution_staff"),
                 make_user("bureau_officer", region="3205"))
    for user in strangers:
        assert_problem(client.get(url, headers=api_token(user)), 404)
    officer_there = make_user("bureau_officer", region="3201")
    assert client.get(url, headers=api_token(officer_there)).status_code == 200


def test_a_worker_without_any_record_is_asked_for_an_occupation(client, make_user, api_token):
    user = make_user("worker")

    body = assert_problem(client.get(f"/api/v1/workers/{user.worker_id}/routes?to={SENIOR_ENGINEER}",
                                     headers=api_token(user)), 422)

    assert list(body["errors"]) == ["occupation"]
    url = f"/api/v1/workers/{user.worker_id}/routes?to=skill-2022:junior&occupation={OCC}"
    with_occupation = client.get(url, headers=api_token(user))
    assert with_occupation.status_code == 200
    assert with_occupation.json["routes"][0]["steps"][0]["source"] is None  # entering the ladder


@pytest.mark.parametrize(("query", "field"), [
    ("to=skill-2022:wizard", "to"),
    (f"to={SENIOR_ENGINEER}&occupation=9-99-99-99", "occupation"),
    (f"to={SENIOR_ENGINEER}&occupation=lathe", "occupation"),
])
def test_worker_routes_refuse_unknown_targets_and_occupations_field_by_field(client, make_user, api_token,
                                                                            query, field):
    user = make_user("worker")
    add_work(user.worker, "2015-01-01")

    url = f"/api/v1/workers/{user.worker_id}/routes?{query}"
    body = assert_problem(client.get(url, headers=api_token(user)), 422)

    assert list(body["errors"]) == [field]


def test_openapi_marks_the_graph_and_routes_public_and_the_worker_plan_token_only(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]

    assert paths["/api/v1/ladder/graph"]["get"]["security"] == []
    assert paths["/api/v1/ladder/routes"]["get"]["security"] == []
    assert "security" not in paths["/api/v1/workers/{worker_id}/routes"]["get"]  # the default: bearer
    assert "404" in paths["/api/v1/workers/{worker_id}/routes"]["get"]["description"]

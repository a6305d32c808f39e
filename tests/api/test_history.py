"""GET /api/v1/workers/<id>/history: certificates, training, results and the next level per occupation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from credentials.models import TargetGroup, WorkerTargetGroup
from credentials.services.appraisal import record_appraisal_result
from credentials.services.reference import find_occupation
from credentials.services.training import record_training
from credentials.services.worker_facts import record_work_period

LATHE, WELDER = "6-18-01-01", "6-18-02-04"


@pytest.fixture
def school(make_institution):
    return make_institution("苏州技师学院", scope=((LATHE, "senior_technician"), (WELDER, "senior")))


@pytest.fixture
def holder(db, make_user, school, make_certificate):
    """Lathe: Junior 2019-07-01, Intermediate by a recorded sitting on 2024-06-01, working since 2019;
    welding: one failed sitting and a subsidised training."""
    user = make_user("worker")
    worker = user.worker
    migrant = WorkerTargetGroup(group=TargetGroup.RURAL_MIGRANT, valid_from=date(2015, 1, 1))
    worker.target_groups.append(migrant)
    session = db.session()
    lathe, welder = find_occupation(session, LATHE), find_occupation(session, WELDER)
    make_certificate(worker, school, level="junior", issued_on=date(2019, 7, 1))
    record_work_period(session, worker=worker, occupation=lathe, started_on=date(2019, 1, 1), by=None)
    record_appraisal_result(session, worker=worker, institution=school, occupation=lathe,
                            level="intermediate", exam_date=date(2024, 6, 1), theory=Decimal("78.5"),
                            practical=Decimal(82), by=None)
    record_training(session, worker=worker, institution=school, occupation=welder, target_level="junior",
                    training_type="employment_skills", form="directed", hours=90, started_on=date(2024, 2, 1),
                    completed_on=date(2024, 4, 1), outcome="completed", by=None)
    record_appraisal_result(session, worker=worker, institution=school, occupation=welder, level="junior",
                            exam_date=date(2024, 5, 1), theory=Decimal(55), practical=Decimal(70), by=None)
    db.session.commit()
    return user


def history_of(client, user, headers) -> dict:
    response = client.get(f"/api/v1/workers/{user.worker_id}/history", headers=headers)
    assert response.status_code == 200, response.text[:300]
    return response.json


def by_code(body: dict) -> dict:
    return {entry["occupation"]["code"]: entry for entry in body["occupations"]}


def test_the_worker_reads_their_whole_history_per_occupation(client, api_token, holder):
    response = client.get(f"/api/v1/workers/{holder.worker_id}/history", headers=api_token(holder))

    assert response.status_code == 200
    body = response.json
    assert body["worker"]["national_id_masked"] == holder.worker.id_masked
    lathe, welder = by_code(body)[LATHE], by_code(body)[WELDER]
    assert lathe["current_level"]["code"] == "intermediate" and lathe["reached_on"] == "2024-06-01"
    assert [c["level"]["code"] for c in lathe["certificates"]] == ["junior", "intermediate"]
    assert lathe["results"][0]["theory"] == "78.5" and lathe["results"][0]["certificate_number"]
    assert welder["current_level"] is None and welder["results"][0]["passed"] is False
    assert welder["results"][0]["reasons"][0]["zh"] == "理论知识考试 55 分，低于 60 分"


def test_the_next_level_says_from_when_what_is_missing_and_the_closest_condition(client, api_token, holder):
    lathe = by_code(history_of(client, holder, api_token(holder)))[LATHE]

    step = lathe["next_level"]
    assert step["level"]["code"] == "senior" and step["eligible"] is False
    assert step["eligible_from"] == "2029-06-01" and step["closest_clause"] == "2018.senior.a"
    assert step["missing"][0]["code"] == "years_since_prev" and "中级工" in step["missing"][0]["zh"]
    assert step["clause"]["en"] == "5 years (cumulative) after Intermediate Worker"
    assert "2029-06-01 起可申报" in step["explanation"]["zh"]


def test_training_carries_its_subsidy_decision_and_rule_in_both_languages(client, api_token, holder):
    welder = by_code(history_of(client, holder, api_token(holder)))[WELDER]

    subsidy = welder["training"][0]["subsidy"]
    assert subsidy["eligible"] and subsidy["amount"] == "800.00"
    assert subsidy["rule_id"] == "3205-2019.employment"
    assert "苏州市职业培训补贴" in subsidy["explanation"]["zh"] and "CNY 800" in subsidy["explanation"]["en"]


def test_a_worker_eligible_now_gets_the_condition_met(db, client, api_token, make_user, school,
                                                      make_certificate):
    user = make_user("worker")
    make_certificate(user.worker, school, level="junior", issued_on=date(2015, 7, 1))
    record_work_period(db.session(), worker=user.worker, occupation=find_occupation(db.session(), LATHE),
                       started_on=date(2015, 1, 1), by=None)
    db.session.commit()

    step = history_of(client, user, api_token(user))["occupations"][0]["next_level"]

    assert step["eligible"] is True and step["missing"] == []
    assert step["matched_clause"] == "2018.intermediate.a"
    assert step["explanation"]["zh"].startswith("符合条件：")


def test_at_the_top_of_the_ladder_there_is_no_next_level(client, api_token, make_user, school,
                                                         make_certificate):
    user = make_user("worker")
    make_certificate(user.worker, school, level="senior_technician", issued_on=date(2015, 7, 1))

    entry = history_of(client, user, api_token(user))["occupations"][0]

    assert entry["next_level"] is None


@pytest.mark.parametrize(("role", "kwargs", "status"), [
    ("worker", {}, 404),                                      # another worker
    ("institution_staff", {}, 404),                           # an institution that never dealt with them
    ("bureau_officer", {"scope": "city", "region": "4401"}, 404),
    ("bureau_officer", {"scope": "city", "region": "3205"}, 200),
    ("admin", {}, 200),
])
def test_history_is_scoped_like_the_worker(client, api_token, make_user, holder, role, kwargs, status):
    headers = api_token(make_user(role, **kwargs))

    response = client.get(f"/api/v1/workers/{holder.worker_id}/history", headers=headers)

    assert response.status_code == status
    if status == 404:
        assert response.mimetype == "application/problem+json"


def test_an_unknown_worker_is_404(client, api_token, make_user):
    response = client.get("/api/v1/workers/999999/history", headers=api_token(make_user("admin")))

    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_an_occupation_with_only_work_in_it_appears_with_its_first_level(db, client, api_token, make_user):
    user = make_user("worker")
    record_work_period(db.session(), worker=user.worker, occupation=find_occupation(db.session(), WELDER),
                       started_on=date(2010, 3, 1), ended_on=date(2011, 2, 1), by=None)
    db.session.commit()

    entry = history_of(client, user, api_token(user))["occupations"][0]

    assert entry["occupation"]["code"] == WELDER and entry["certificates"] == []
    assert entry["next_level"]["level"]["code"] == "junior" and entry["next_level"]["eligible_from"] is None

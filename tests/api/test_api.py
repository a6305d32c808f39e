"""The JSON API as a client meets it: tokens, envelopes, problem+json, scoping, reference data, OpenAPI."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.conftest import PASSWORD, national_id, numbered

PROBLEM = "application/problem+json"


@pytest.fixture
def staff(make_user):
    return make_user("institution_staff", username="staff-a")


@pytest.fixture
def auth(api_token, staff):
    return api_token(staff)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text[:500]
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status and body["title"]
    assert "Traceback" not in response.text
    return body


# ------------------------------------------------------------------ tokens

def test_token_is_issued_for_the_right_password_and_works_as_bearer(client, staff):
    response = client.post("/api/v1/auth/token", json={"account": "staff-a", "password": PASSWORD})

    assert response.status_code == 201
    assert (response.json["token_type"], response.json["role"]) == ("Bearer", "institution_staff")
    headers = {"Authorization": f"Bearer {response.json['access_token']}"}
    assert client.get("/api/v1/workers", headers=headers).status_code == 200


def test_worker_gets_a_token_with_their_national_id(client, make_user, api_token):
    worker_user = make_user("worker")

    response = client.get(f"/api/v1/workers/{worker_user.worker_id}", headers=api_token(worker_user))

    assert response.status_code == 200 and response.json["national_id_masked"] == worker_user.worker.id_masked


@pytest.mark.parametrize(("account", "password"), [("staff-a", "wrong-password-123"), ("nobody", PASSWORD)])
def test_token_refused_with_one_message_whether_or_not_the_account_exists(client, staff, account, password):
    response = client.post("/api/v1/auth/token", json={"account": account, "password": password})

    body = assert_problem(response, 401)
    assert (body["code"], body["detail"]) == ("credentials", "账号或密码不正确（连续输错 5 次后，须等待 15 分钟再试）")
    assert "access_token" not in body


def test_deleting_the_token_revokes_it(client, auth):
    assert client.delete("/api/v1/auth/token", headers=auth).status_code == 204

    assert_problem(client.get("/api/v1/workers", headers=auth), 401)


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer not-a-token", "Basic c3RhZmY6cHc="])
def test_requests_without_a_valid_bearer_token_get_401(client, header):
    headers = {"Authorization": header} if header else {}

    response = client.get("/api/v1/workers", headers=headers)

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_session_cookie_does_not_authenticate_the_api(client, staff, login):
    login(client, staff)
    assert client.get("/institution/").status_code == 200  # the cookie works for pages

    assert_problem(client.get("/api/v1/workers"), 401)


# ------------------------------------------------------------------ workers

def test_workers_list_is_a_paginated_envelope(client, auth, staff, make_worker):
    for n in range(3):
        make_worker(numbered("工人", n), employer=staff.institution)

    body = client.get("/api/v1/workers?per_page=2&page=2", headers=auth).json

    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (2, 2, 3, 1)
    assert re.fullmatch(r"320505\*{8}\d{3}[\dX]", body["items"][0]["national_id_masked"])


def test_workers_search_by_name(client, auth, staff, make_worker):
    make_worker("张三", employer=staff.institution)
    make_worker("李四", employer=staff.institution)

    body = client.get("/api/v1/workers", query_string={"q": "张"}, headers=auth).json

    assert [w["name"] for w in body["items"]] == ["张三"] and body["total"] == 1


@pytest.mark.parametrize("per_page", [201, 0, 10_000])
def test_per_page_is_capped_with_a_field_error(client, auth, per_page):
    body = assert_problem(client.get(f"/api/v1/workers?per_page={per_page}", headers=auth), 422)

    assert "per_page" in body["errors"]


def test_register_worker(client, auth, staff):
    number = national_id(date(1991, 3, 3))
    response = client.post("/api/v1/workers", headers=auth,
                           json={"name": "王五", "national_id": number, "city_code": "3205"})

    assert response.status_code == 201
    assert response.json["national_id_masked"] == f"320505********{number[-4:]}"
    assert response.json["employer_id"] == staff.institution_id
    assert number not in response.text


def test_register_worker_with_a_bad_check_digit_is_a_field_error(client, auth):
    number = national_id()
    wrong = number[:17] + ("1" if number[17] == "0" else "0")

    response = client.post("/api/v1/workers", headers=auth,
                           json={"name": "王五", "national_id": wrong, "city_code": "3205"})

    body = assert_problem(response, 422)
    assert "校验位" in body["errors"]["national_id"][0]


def test_register_duplicate_worker_is_409(client, auth, make_worker):
    number = national_id()
    make_worker(id_number=number)

    response = client.post("/api/v1/workers", headers=auth,
                           json={"name": "王五", "national_id": number.lower(), "city_code": "3205"})

    body = assert_problem(response, 409)
    assert "national_id" in body["errors"]


def test_register_worker_names_every_missing_field(client, auth):
    body = assert_problem(client.post("/api/v1/workers", headers=auth, json={}), 422)

    assert {"name", "national_id", "city_code"} <= set(body["errors"])


def test_worker_outside_the_scope_is_404(client, auth, make_worker):
    stranger = make_worker()  # not employed or certified by the staff's institution

    assert_problem(client.get(f"/api/v1/workers/{stranger.id}", headers=auth), 404)


# ------------------------------------------------------------------ certificates

def test_certificate_by_number(client, auth, staff, make_worker, make_certificate):
    certificate = make_certificate(make_worker(), staff.institution, level="intermediate")

    body = client.get(f"/api/v1/certificates/{certificate.number}", headers=auth).json

    assert body["number"] == certificate.number
    assert body["level"]["name_en"] == "Intermediate Worker (Level 4)"
    assert body["status"] == "valid"


def test_another_institutions_certificate_is_404_not_403(client, auth, make_institution, make_worker,
                                                         make_certificate):
    certificate = make_certificate(make_worker(), make_institution())

    assert_problem(client.get(f"/api/v1/certificates/{certificate.number}", headers=auth), 404)


def _worked_since(worker, started_on, db):
    from credentials.services.reference import find_occupation
    from credentials.services.worker_facts import record_work_period

    record_work_period(db.session(), worker=worker, occupation=find_occupation(db.session(), "6-18-01-01"),
                       started_on=started_on, by=None)
    db.session.commit()


def test_an_institution_no_longer_creates_certificates_it_records_the_result_that_earns_one(client, auth, staff,
                                                                                            make_worker, db):
    worker = make_worker(employer=staff.institution)
    _worked_since(worker, date(2021, 3, 1), db)

    refused = client.post("/api/v1/certificates", headers=auth, json={
        "worker_id": worker.id, "occupation_code": "6-18-01-01", "level": "junior", "issued_on": "2023-06-01",
        "number": "X", "institution_id": staff.institution_id, "evidence": []})
    response = client.post("/api/v1/results", headers=auth, json={
        "worker_id": worker.id, "occupation_code": "6-18-01-01", "level": "junior", "exam_date": "2023-06-01",
        "theory": 80, "practical": 75})

    assert_problem(refused, 403)
    assert response.status_code == 201, response.json
    number = response.json["certificate_number"]
    assert number.startswith("S000032") and number[13:16] == "235"
    assert client.get(f"/api/v1/certificates/{number}", headers=auth).status_code == 200


def test_a_passing_result_of_a_worker_who_is_not_eligible_is_refused_with_the_reason(client, auth, staff,
                                                                                    make_worker):
    worker = make_worker(employer=staff.institution)

    response = client.post("/api/v1/results", headers=auth, json={
        "worker_id": worker.id, "occupation_code": "6-18-01-01", "level": "senior", "exam_date": "2023-06-01",
        "theory": 80, "practical": 75})

    body = assert_problem(response, 422)
    assert body["code"] == "not_eligible" and "level" in body["errors"]
    assert client.get("/api/v1/certificates", headers=auth).json["total"] == 0


def test_a_result_for_an_unknown_occupation_is_a_field_error(client, auth, staff, make_worker):
    worker = make_worker(employer=staff.institution)

    response = client.post("/api/v1/results", headers=auth, json={
        "worker_id": worker.id, "occupation_code": "9-99-99-99", "level": "senior", "exam_date": "2023-06-01",
        "theory": 80, "practical": 75})

    body = assert_problem(response, 422)
    assert "9-99-99-99" in body["errors"]["occupation_code"][0]


def test_a_result_outside_accreditation_is_a_422(client, auth, staff, make_worker):
    worker = make_worker(employer=staff.institution)

    response = client.post("/api/v1/results", headers=auth, json={
        "worker_id": worker.id, "occupation_code": "6-18-01-02", "level": "junior", "exam_date": "2023-06-01",
        "theory": 80, "practical": 75})

    assert assert_problem(response, 422)["code"] == "not_accredited"


# ------------------------------------------------------------------ reference data

def test_levels_list_both_frameworks(client, auth):
    listed = client.get("/api/v1/reference/levels", headers=auth).json["frameworks"]
    frameworks = {f["code"]: f for f in listed}

    assert set(frameworks) == {"skill-2013", "skill-2022"}
    assert len(frameworks["skill-2013"]["levels"]) == 5 and len(frameworks["skill-2022"]["levels"]) == 8
    assert frameworks["skill-2022"]["levels"][1]["name_en"] == "Junior Worker (Level 5)"


def test_occupations_of_edition_2022_can_be_searched_by_code_prefix_and_name(client, auth):
    everything = client.get("/api/v1/reference/occupations", headers=auth).json
    by_code = client.get("/api/v1/reference/occupations?q=6-18-01&per_page=200", headers=auth).json
    by_name = client.get("/api/v1/reference/occupations", query_string={"q": "车工"}, headers=auth).json

    assert everything["total"] == 1639
    assert by_code["total"] == 13 and all(o["code"].startswith("6-18-01") for o in by_code["items"])
    assert "6-18-01-01" in {o["code"] for o in by_name["items"]}
    assert all("车工" in o["name"] for o in by_name["items"])


def test_cities_filter_by_province_and_campaign(client, auth):
    jiangsu = client.get("/api/v1/reference/cities?province=32&per_page=200", headers=auth).json
    campaign = client.get("/api/v1/reference/cities?campaign=true&per_page=200", headers=auth).json

    assert {"3201", "3205"} <= {c["code"] for c in jiangsu["items"]}
    assert {c["province_code"] for c in jiangsu["items"]} == {"32"}
    assert campaign["total"] == 100 and len(campaign["items"]) == 100
    assert all(c["is_campaign_city"] for c in campaign["items"])


# ------------------------------------------------------------------ OpenAPI and docs

def test_openapi_lists_every_api_path_and_method_the_app_registers(client, app):
    spec = client.get("/api/v1/openapi.json").json
    documented = {(path, key.upper()) for path, item in spec["paths"].items() for key in item
                  if key != "parameters"}
    not_operations = {"api-docs.openapi_json", "api_docs_page.docs"}  # the document and its viewer
    registered = {
        (re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.endpoint not in not_operations
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert len(registered) >= 13
    assert documented == registered


def test_docs_page_loads_without_inline_script(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", response.text, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


# ------------------------------------------------------------------ crafted input

def test_absurdly_long_id_is_a_problem_not_a_crash(client, auth):
    response = client.get("/api/v1/workers/" + "9" * 30, headers=auth)

    assert response.status_code in (400, 404)
    assert_problem(response, response.status_code)


def test_deeply_nested_json_is_400_not_500(client, auth):
    body = "[" * 100_000 + "]" * 100_000

    response = client.post("/api/v1/workers", headers=auth, data=body, content_type="application/json")

    assert_problem(response, 400)


@pytest.mark.parametrize(("data", "content_type"), [
    ("name=王五", "application/x-www-form-urlencoded"),
    ("{not json", "application/json"),
    ("王五", "text/plain"),
])
def test_non_json_body_is_refused_cleanly(client, auth, data, content_type):
    response = client.post("/api/v1/workers", headers=auth, data=data.encode(), content_type=content_type)

    assert response.status_code in (400, 415, 422)
    assert_problem(response, response.status_code)

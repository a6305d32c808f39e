"""POST /api/v1/imports and friends: 202 with a Location, the job's status and report, commit, scoping."""

from __future__ import annotations

import io

import pytest

from credentials.models import AppraisalResult
from tests.import_fixtures import RESULT_HEADERS, count, csv_bytes

PROBLEM = "application/problem+json"


@pytest.fixture
def api(app, client, setting, api_token, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "sync")
    return client, api_token(setting.staff)


def post_file(client, headers, data: bytes, *, kind="appraisal_results", dry_run="true", name="成绩.csv"):
    form = {"kind": kind, "dry_run": dry_run, "file": (io.BytesIO(data), name)}
    return client.post("/api/v1/imports", data=form, headers=headers, content_type="multipart/form-data")


def test_upload_answers_202_with_the_job_and_where_to_follow_it(api, setting):
    client, headers = api

    response = post_file(client, headers, csv_bytes(RESULT_HEADERS, setting.result(0), setting.result(1)))

    assert response.status_code == 202, response.text
    body = response.json
    assert response.headers["Location"] == f"/api/v1/imports/{body['id']}" == body["links"]["self"]
    assert (body["kind"], body["dry_run"], body["filename"]) == ("appraisal_results", True, "成绩.csv")
    assert len(body["file_sha256"]) == 64 and body["uploaded_by"]["id"] == setting.staff.id


def test_the_job_reports_status_progress_counts_and_every_problem(api, setting):
    client, headers = api
    location = post_file(client, headers, csv_bytes(RESULT_HEADERS, setting.result(0),
                                                    setting.result(1, exam="2099-01-01"))).headers["Location"]

    body = client.get(location, headers=headers).json

    assert (body["status"], body["finished"]) == ("rejected", True)
    assert body["progress"] == {"rows_done": 2, "rows_total": 2, "fraction": 1.0}
    assert body["counts"] == {"rows": 2, "created": 0, "existing": 0, "flagged": 0, "errors": 1}
    assert body["errors"] == [{"row": 3, "column": "考试日期", "message_zh": "日期不能晚于今天",
                               "message_en": "The date cannot be in the future", "value": "2099-01-01",
                               "severity": "error"}]


def test_a_dry_run_that_passed_is_committed_from_the_stored_file(api, setting):
    client, headers = api
    job = post_file(client, headers, csv_bytes(RESULT_HEADERS, setting.result(0))).json

    response = client.post(f"/api/v1/imports/{job['id']}/commit", headers=headers)

    assert response.status_code == 202 and response.headers["Location"] == f"/api/v1/imports/{job['id']}"
    followed = client.get(response.headers["Location"], headers=headers).json
    assert (followed["status"], followed["dry_run"], followed["counts"]["created"]) == ("committed", False, 1)
    assert count(AppraisalResult) == 1


def test_committing_a_job_that_did_not_pass_is_a_conflict(api, setting):
    client, headers = api
    job = post_file(client, headers, csv_bytes(RESULT_HEADERS, setting.result(0, theory="x"))).json

    response = client.post(f"/api/v1/imports/{job['id']}/commit", headers=headers)

    assert response.status_code == 409 and response.mimetype == PROBLEM
    assert response.json["code"] == "wrong_state"


def test_upload_without_dry_run_commits_straight_away(api, setting):
    client, headers = api

    body = post_file(client, headers, csv_bytes(RESULT_HEADERS, setting.result(0)), dry_run="false").json

    assert client.get(body["links"]["self"], headers=headers).json["status"] == "committed"


@pytest.mark.parametrize(("form", "field"), [
    ({"kind": "diplomas"}, "kind"),
    ({"kind": "appraisal_results", "file": (io.BytesIO(b""), "empty.csv")}, "file"),
    ({"kind": "appraisal_results"}, "file"),
    ({"kind": "appraisal_results", "file": "not a file"}, "file"),
    ({"file": (io.BytesIO(b"a,b\n"), "x.csv")}, "kind"),
])
def test_a_bad_upload_is_problem_json_naming_the_field(api, form, field):
    client, headers = api

    response = client.post("/api/v1/imports", data=form, headers=headers, content_type="multipart/form-data")

    assert response.status_code == 422 and response.mimetype == PROBLEM, response.text
    assert field in response.json["errors"]


def test_another_institutions_job_is_not_found(api, setting, make_user, api_token):
    client, headers = api
    job = post_file(client, headers, csv_bytes(RESULT_HEADERS, setting.result(0))).json
    stranger = api_token(make_user("institution_staff"))

    assert client.get(f"/api/v1/imports/{job['id']}", headers=stranger).status_code == 404
    assert client.post(f"/api/v1/imports/{job['id']}/commit", headers=stranger).status_code == 404
    assert client.get("/api/v1/imports", headers=stranger).json["total"] == 0
    assert client.get("/api/v1/imports", headers=headers).json["total"] == 1


@pytest.mark.parametrize("role", ["worker", "bureau_officer", "admin"])
def test_only_institution_staff_may_import(api, make_user, api_token, role):
    client, _ = api

    response = post_file(client, api_token(make_user(role)), b"a,b\n")

    assert response.status_code == 403


def test_the_openapi_document_describes_the_multipart_upload(client):
    spec = client.get("/api/v1/openapi.json").json

    operation = spec["paths"]["/api/v1/imports"]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    properties = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]["properties"]
    assert set(properties) == {"kind", "file", "dry_run"} and properties["file"]["format"] == "binary"
    assert "parameters" not in operation

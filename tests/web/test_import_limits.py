"""Limits on bulk imports, as the clerk and an API client meet them (issue 12): jobs queued or running per
institution, uploads per user, and the retention period after which an upload's file is purged."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.extensions import db, limiter
from credentials.models import AuditEvent, ImportFile, ImportJob, ImportStatus, utcnow
from tests.import_fixtures import RESULT_HEADERS, csv_bytes

PROBLEM = "application/problem+json"


@pytest.fixture
def clerk(app, client, setting, login, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "sync")
    login(client, setting.staff)
    return client


@pytest.fixture
def api(app, setting, api_token, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "sync")
    return api_token(setting.staff)


@pytest.fixture
def held(monkeypatch):
    """Jobs stay queued: no runner picks them up."""
    for module in ("app.web.institution.imports", "app.api.imports"):
        monkeypatch.setattr(f"{module}.enqueue_import", lambda job_id, actor_id=None: "held")


@pytest.fixture
def strict_rate(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_UPLOAD_RATE", "2 per hour")
    limiter.reset()
    yield
    limiter.reset()


def page_upload(client, data: bytes):
    return client.post("/institution/imports/new", data={"kind": "appraisal_results", "dry_run": "y",
                                                         "file": (io.BytesIO(data), "成绩.csv")},
                       content_type="multipart/form-data")


def api_upload(client, headers, data: bytes):
    return client.post("/api/v1/imports", data={"kind": "appraisal_results", "file": (io.BytesIO(data), "a.csv")},
                       headers=headers, content_type="multipart/form-data")


def test_a_third_upload_while_two_jobs_wait_is_refused_beside_the_file_field(clerk, setting, held):
    data = csv_bytes(RESULT_HEADERS, setting.result(0))
    assert [page_upload(clerk, data).status_code for _ in range(2)] == [302, 302]

    page = page_upload(clerk, data)

    assert page.status_code == 422
    assert "本机构已有 2 项导入在排队或处理中（同时最多 2 项）" in page.text
    assert page.text.index("本机构已有") > page.text.index('name="file"') - 2000  # beside the field, on the form
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 2


def test_the_api_answers_409_problem_json_while_the_institution_is_busy(client, setting, api, held):
    data = csv_bytes(RESULT_HEADERS, setting.result(0))
    assert [api_upload(client, api, data).status_code for _ in range(2)] == [202, 202]

    response = api_upload(client, api, data)

    assert (response.status_code, response.mimetype) == (409, PROBLEM)
    assert response.json["code"] == "imports_busy"
    assert response.json["errors"]["file"][0].startswith("本机构已有 2 项导入")
    english = api_upload(client, {**api, "Accept-Language": "en"}, data)
    assert "already has 2 imports queued or running (at most 2 at a time)" in english.json["detail"]


def test_a_finished_or_dead_job_frees_its_place(clerk, setting, held):
    data = csv_bytes(RESULT_HEADERS, setting.result(0))
    page_upload(clerk, data), page_upload(clerk, data)
    first, second = db.session.scalars(select(ImportJob).order_by(ImportJob.id)).all()
    first.status, first.finished_at = ImportStatus.REJECTED, utcnow()
    second.status, second.started_at = ImportStatus.RUNNING, utcnow() - timedelta(hours=2)  # its runner died
    db.session.commit()

    assert page_upload(clerk, data).status_code == 302


def test_uploads_past_the_rate_are_refused_with_429_on_the_page_and_in_the_api(clerk, setting, api, strict_rate):
    data = csv_bytes(RESULT_HEADERS, setting.result(0))
    assert page_upload(clerk, data).status_code == 302
    assert api_upload(clerk, api, data).status_code == 202  # the page and the API share one allowance

    page = page_upload(clerk, data)
    response = api_upload(clerk, api, data)

    assert page.status_code == 429 and "上传过于频繁：每人每小时最多上传 2 个文件" in page.text
    assert 'name="file"' in page.text  # the upload form again, the reason beside its field
    assert (response.status_code, response.mimetype) == (429, PROBLEM)
    assert "每小时最多上传 2 个文件" in response.json["detail"] and "Retry-After" in response.headers
    assert clerk.get("/institution/imports/new").status_code == 200  # reading the form is not uploading
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 2


def test_the_rate_is_per_user(app, client, setting, make_user, api_token, strict_rate, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "sync")
    colleague = make_user("institution_staff", institution=setting.institution)
    data = csv_bytes(RESULT_HEADERS, setting.result(0))
    mine, theirs = api_token(setting.staff), api_token(colleague)
    assert [api_upload(client, mine, data).status_code for _ in range(3)] == [202, 202, 429]

    assert api_upload(client, theirs, data).status_code == 202


def finished_long_ago(setting, clerk, *, days: int) -> ImportJob:
    assert page_upload(clerk, csv_bytes(RESULT_HEADERS, setting.result(0))).status_code == 302
    job = db.session.scalars(select(ImportJob)).one()
    job.finished_at = utcnow() - timedelta(days=days)
    db.session.commit()
    return job


def test_purge_removes_old_files_only_and_keeps_the_outcome_report_and_hash(app, clerk, setting, runner):
    old = finished_long_ago(setting, clerk, days=91)
    assert old.status is ImportStatus.VALIDATED
    recent = page_upload(clerk, csv_bytes(RESULT_HEADERS, setting.result(1), setting.result(1)))
    assert recent.status_code == 302

    result = runner.invoke(args=["imports", "purge"])

    assert result.exit_code == 0 and "1 import file(s) older than 90 days purged" in result.output
    db.session.expire_all()
    assert db.session.execute(text("SELECT job_id FROM import_files")).scalars().all() == [
        db.session.scalars(select(ImportJob.id).where(ImportJob.id != old.id)).one()]
    kept = db.session.get(ImportJob, old.id)
    assert kept.file is None and kept.file_removed_at is not None
    assert (kept.status, kept.rows_created, len(kept.file_sha256)) == (ImportStatus.VALIDATED, 1, 64)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import.file_purged")).one()
    assert event.entity_id == str(old.id) and event.after["retention_days"] == 90


def test_the_sweep_purges_too(clerk, setting, runner):
    finished_long_ago(setting, clerk, days=200)

    result = runner.invoke(args=["jobs", "sweep"])

    assert result.exit_code == 0 and "1 import file(s) older than 90 days purged" in result.output
    assert db.session.scalar(select(func.count()).select_from(ImportFile)) == 0


def test_a_purged_dry_run_says_so_and_cannot_be_committed(clerk, setting, runner, api):
    job = finished_long_ago(setting, clerk, days=120)
    runner.invoke(args=["imports", "purge"])

    page = clerk.get(f"/institution/imports/{job.id}")
    committed = clerk.post(f"/institution/imports/{job.id}/commit", follow_redirects=True)
    response = clerk.post(f"/api/v1/imports/{job.id}/commit", headers=api)

    assert "按保存期限规定删除（保存 90 天）" in page.text and "试导入通过，但文件已删除" in page.text
    assert f'action="/institution/imports/{job.id}/commit"' not in page.text
    assert committed.status_code == 200 and "不能再导入：请重新上传该文件" in committed.text
    assert (response.status_code, response.mimetype, response.json["code"]) == (409, PROBLEM, "file_removed")
    english = clerk.post(f"/api/v1/imports/{job.id}/commit", headers={**api, "Accept-Language": "en"})
    assert "removed on" in english.json["detail"] and "under the retention rule (kept 90 days)" in english.json["detail"]
    body = clerk.get(f"/api/v1/imports/{job.id}", headers=api).json
    assert body["file_removed_at"] and body["status"] == "validated" and body["counts"]["created"] == 1

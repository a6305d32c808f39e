"""The clerk's import pages: templates, upload → dry run → report → commit → summary, scoping, exports,
and the job runners (in-request for tests, a background thread by default, RQ on Redis)."""

from __future__ import annotations

import io
import time
import uuid
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from credentials.models import AppraisalResult, ImportJob, ImportStatus
from tests.conftest import national_id
from tests.import_fixtures import RESULT_HEADERS, count, csv_bytes


@pytest.fixture
def clerk(app, client, setting, login, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "sync")
    login(client, setting.staff)
    return client


def upload(client, data: bytes, *, kind="appraisal_results", dry_run=True, name="成绩.csv"):
    form = {"kind": kind, "file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/institution/imports/new", data=form, content_type="multipart/form-data")


def sheet_rows(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True))


def test_imports_page_offers_the_upload_and_a_template_per_kind(clerk):
    page = clerk.get("/institution/imports")

    assert page.status_code == 200
    assert 'href="/institution/imports/new"' in page.text
    for kind in ("appraisal_results", "training_records"):
        for fmt in ("xlsx", "csv"):
            assert f"/institution/imports/templates/{kind}/{fmt}" in page.text
    assert 'href="/institution/imports"' in clerk.get("/institution/").text  # the nav link


def test_the_xlsx_template_has_the_chinese_headers_an_example_and_text_formatted_ids(clerk):
    response = clerk.get("/institution/imports/templates/appraisal_results/xlsx")

    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    # then the optional columns that let one file carry a cohort's work start and diploma
    assert [c.value for c in sheet[1]] == [*RESULT_HEADERS, "工作开始日期", "学校类型", "班级类型", "毕业日期", "应届毕业生"]
    assert sheet["A2"].value == "11010519491231002X" and sheet["A3"].number_format == "@"
    assert "填写说明 Notes" in workbook.sheetnames


def test_the_csv_template_opens_in_excel_with_chinese_headers(clerk):
    body = clerk.get("/institution/imports/templates/training_records/csv").data

    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").startswith("身份证号,姓名,职业编码,培训等级")


def test_an_unknown_template_is_not_found(clerk):
    assert clerk.get("/institution/imports/templates/diplomas/xlsx").status_code == 404
    assert clerk.get("/institution/imports/templates/appraisal_results/pdf").status_code == 404


def test_upload_form_starts_with_dry_run_on(clerk):
    page = clerk.get("/institution/imports/new?kind=training_records")

    assert '<input checked id="dry_run" name="dry_run" type="checkbox" value="y">' in page.text
    assert '<option selected value="training_records">' in page.text


def test_an_upload_with_errors_shows_the_row_report_and_writes_nothing(clerk, setting):
    data = csv_bytes(RESULT_HEADERS, setting.result(0), setting.result(1, theory="150"), encoding="gb18030")

    response = upload(clerk, data)
    page = clerk.get(response.headers["Location"])

    assert response.status_code == 302 and page.status_code == 200
    assert "发现 1 个问题，未写入任何数据" in page.text
    assert '<td class="num">3</td><td>理论知识考试成绩</td>' in page.text and "<code>150</code>" in page.text
    assert "重新上传" in page.text and "正式导入" not in page.text.split("</h1>")[1].split("问题报告")[0]
    assert count(AppraisalResult) == 0


def test_the_report_downloads_as_xlsx_with_row_column_message_and_value(clerk, setting):
    upload(clerk, csv_bytes(RESULT_HEADERS, setting.result(0, national="110105194912310021")))
    job_id = db.session.scalar(select(ImportJob.id))

    response = clerk.get(f"/institution/imports/{job_id}/report")

    rows = sheet_rows(response.data)
    assert rows[0] == ("行号", "列", "问题", "值", "类型")
    assert rows[1] == (2, "身份证号", "身份证号无效：身份证号校验位不正确", "110105********0021", "错误")


def test_a_clean_dry_run_offers_commit_which_reuses_the_file_and_shows_the_summary(clerk, setting):
    upload(clerk, csv_bytes(RESULT_HEADERS, setting.result(0), setting.result(1, theory="40")))
    job_id = db.session.scalar(select(ImportJob.id))
    page = clerk.get(f"/institution/imports/{job_id}")
    assert "试导入通过，尚未写入任何数据" in page.text
    assert f'action="/institution/imports/{job_id}/commit"' in page.text

    committed = clerk.post(f"/institution/imports/{job_id}/commit", follow_redirects=True)

    assert "导入完成" in committed.text and "新增 2 条记录" in committed.text
    assert count(AppraisalResult) == 2


def test_committing_twice_is_refused_with_a_message(clerk, setting):
    upload(clerk, csv_bytes(RESULT_HEADERS, setting.result(0)))
    job_id = db.session.scalar(select(ImportJob.id))
    clerk.post(f"/institution/imports/{job_id}/commit")

    again = clerk.post(f"/institution/imports/{job_id}/commit", follow_redirects=True)

    assert "不能正式导入" in again.text and count(AppraisalResult) == 1


def test_a_form_without_a_file_says_so_and_keeps_the_choices(clerk):
    response = clerk.post("/institution/imports/new", data={"kind": "training_records"},
                          content_type="multipart/form-data")

    assert response.status_code == 422 and "请选择要上传的文件" in response.text
    assert '<option selected value="training_records">' in response.text


def test_a_file_that_is_not_a_table_is_refused_on_the_form(clerk):
    response = upload(clerk, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, name="old.xls")

    assert response.status_code == 422 and "另存为 .xlsx 或 CSV" in response.text


def test_the_status_endpoint_reports_progress_for_the_page_to_poll(clerk, setting):
    upload(clerk, csv_bytes(RESULT_HEADERS, setting.result(0)))
    job_id = db.session.scalar(select(ImportJob.id))

    status = clerk.get(f"/institution/imports/{job_id}/status").json

    assert status == {"status": "validated", "label": "试导入通过", "finished": True, "rows_done": 1,
                      "rows_total": 1, "progress": "已检查 1 / 1 行"}


def test_a_running_job_page_shows_a_progress_bar_and_loads_the_poller(clerk, setting):
    from credentials.imports.jobs import create_import

    job = create_import(db.session(), kind="appraisal_results", institution=setting.institution,
                        file_bytes=csv_bytes(RESULT_HEADERS, setting.result(0)), filename="x.csv",
                        dry_run=True, by=setting.staff, vault=setting.vault)
    db.session.commit()

    page = clerk.get(f"/institution/imports/{job.id}")

    assert f'data-status-url="/institution/imports/{job.id}/status"' in page.text
    assert "<progress" in page.text and "/static/js/imports.js" in page.text


def test_another_institutions_import_is_not_found(clerk, app, make_user, login, setting):
    upload(clerk, csv_bytes(RESULT_HEADERS, setting.result(0)))
    job_id = db.session.scalar(select(ImportJob.id))
    stranger = app.test_client()
    login(stranger, make_user("institution_staff"))

    for path in (f"/institution/imports/{job_id}", f"/institution/imports/{job_id}/status",
                 f"/institution/imports/{job_id}/report"):
        assert stranger.get(path).status_code == 404
    assert stranger.post(f"/institution/imports/{job_id}/commit").status_code == 404
    assert "成绩.csv" not in stranger.get("/institution/imports").text


def test_the_list_shows_who_when_and_the_hash_and_exports_to_xlsx(clerk, setting):
    upload(clerk, csv_bytes(RESULT_HEADERS, setting.result(0)), name="=cmd|calc.csv")
    job = db.session.scalar(select(ImportJob))

    page = clerk.get("/institution/imports")
    rows = sheet_rows(clerk.get("/institution/imports/export").data)

    assert job.file_sha256[:12] in page.text and setting.staff.display_name in page.text
    assert rows[1][1] == "'=cmd|calc.csv" and rows[1][-1] == job.file_sha256


# ------------------------------------------------------------------ runners

def wait_until_finished(job_id: int, seconds: float = 20) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(ImportJob, job_id)
        if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_by_default_the_job_runs_in_a_background_thread_and_the_request_returns_at_once(
        app, client, setting, login, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "thread")
    login(client, setting.staff)

    response = upload(client, csv_bytes(RESULT_HEADERS, setting.result(0)), dry_run=False)

    job = wait_until_finished(int(response.headers["Location"].rsplit("/", 1)[1]))
    assert job.status is ImportStatus.COMMITTED and count(AppraisalResult) == 1


def test_with_redis_the_job_goes_through_an_rq_queue_and_a_worker_runs_it(app, client, setting, login,
                                                                          monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    redis = Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        redis.ping()
    except Exception:  # noqa: BLE001
        pytest.skip("no Redis on 127.0.0.1:6379")
    queue_name = f"talent-ladder-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.config, "JOB_RUNNER", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setitem(app.config, "RQ_QUEUE", queue_name)
    login(client, setting.staff)
    queue = Queue(queue_name, connection=redis)
    try:
        response = upload(client, csv_bytes(RESULT_HEADERS, setting.result(0)), dry_run=False)
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        assert queue.count == 1 and db.session.get(ImportJob, job_id).status is ImportStatus.QUEUED

        SimpleWorker([queue], connection=redis).work(burst=True)

        assert wait_until_finished(job_id).status is ImportStatus.COMMITTED and count(AppraisalResult) == 1
    finally:
        queue.delete(delete_jobs=True)


def test_the_worker_command_needs_redis(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)

    result = runner.invoke(args=["jobs", "worker", "--burst"])

    assert result.exit_code != 0 and "REDIS_URL" in result.output


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "导入意外中止，未写入任何数据"),
    ("en", "The import stopped unexpectedly"),
])
def test_a_failed_import_page_says_why_in_the_readers_language(clerk, setting, lang, expected):
    """The failure is a bilingual Text: the page shows it in one language, never the object's repr."""
    response = upload(clerk, csv_bytes(RESULT_HEADERS, setting.result(0)))
    job = db.session.get(ImportJob, int(response.headers["Location"].rsplit("/", 1)[1]))
    job.status, job.failure = ImportStatus.FAILED, "unexpected_failure"
    db.session.commit()

    page = clerk.get(f"/institution/imports/{job.id}?lang={lang}")

    assert page.status_code == 200
    assert expected in page.text and "Text(" not in page.text and "zh=" not in page.text


@pytest.mark.parametrize(("kind", "records"), [("appraisal_results", "/institution/results"),
                                               ("workers", "/institution/workers"),
                                               ("work_history", "/institution/workers")])
def test_a_committed_import_links_to_the_records_it_wrote(clerk, setting, kind, records):
    """After registering a cohort the clerk goes on to its workers, not to the training records."""
    rows, headers = {
        "appraisal_results": ([setting.result(0)], None),
        "workers": ([[national_id(date(2001, 5, 1)), "陈一", "苏州市"]], ["身份证号", "姓名", "所在城市"]),
        "work_history": ([[setting.id_of(0), "6-18-01-01", "2020-03-01"]], ["身份证号", "从事职业编码", "工作开始日期"]),
    }[kind]
    job = setting.run(rows, kind=kind, headers=headers)
    assert job.status is ImportStatus.COMMITTED, job.errors

    page = clerk.get(f"/institution/imports/{job.id}")

    assert f'href="{records}">查看记录</a>' in page.text

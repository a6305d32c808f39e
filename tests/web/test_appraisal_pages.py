"""The appraisal road's pages: each form refuses field by field and keeps what was typed, another's record is a
404, lists export, and the old direct "issue certificate" form is gone (issue 14 items 3-5)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import career
from app.extensions import db
from credentials.models import Application, AppraisalSession, Certificate
from tests.appraisal_fixtures import AFTER, APPLIED, HELD, apply, open_session, qualified, seated, sit, worked_since
from tests.promotion_fixtures import png_bytes
from tests.web.html import field_error


@pytest.fixture
def on_day(monkeypatch):
    """Pages and API take "today" from app.career.today: move it to a chosen day."""
    def move(day: date) -> None:
        monkeypatch.setattr(career, "today", lambda: day)
    move(APPLIED)
    return move


@pytest.fixture
def clerk(client, login, road, on_day):
    login(client, road.clerk)
    return client


# ---------------------------------------------------------------- sessions


def test_a_session_is_created_from_the_page(clerk, road):
    occupation_id = str(road.college.accreditations[0].occupation_id)

    response = clerk.post("/institution/sessions", data={
        "occupation_id": occupation_id, "levels": ["junior", "technician"], "held_on": HELD.isoformat(),
        "site": "实训楼 3 楼", "capacity": "20"})

    assert response.status_code == 302
    created = db.session.scalar(select(AppraisalSession))
    assert (created.levels, created.held_on, created.capacity) == (["junior", "technician"], HELD, 20)
    assert "实训楼 3 楼" in clerk.get(response.headers["Location"]).text


@pytest.mark.parametrize(("field", "data", "message"), [
    ("levels", {"levels": []}, "必填"),
    ("held_on", {"held_on": "2024-05-05"}, "考试日期不能早于今天"),
    ("site", {"site": ""}, ""),
    ("capacity", {"capacity": "0"}, ""),
    ("levels", {"levels": ["senior_technician", "junior"], "occupation_id": None}, ""),
])
def test_the_session_form_refuses_field_by_field_and_keeps_the_rest(clerk, road, make_institution, field, data,
                                                                    message):
    values = {"occupation_id": str(road.college.accreditations[0].occupation_id), "levels": ["junior"],
              "held_on": HELD.isoformat(), "site": "实训楼", "capacity": "5"} | data
    values = {k: v for k, v in values.items() if v is not None}

    response = clerk.post("/institution/sessions", data=values)

    assert response.status_code == 422
    if field != "levels" or message:
        assert field_error(response.text, field) and message in field_error(response.text, field)
    assert db.session.scalar(select(func.count()).select_from(AppraisalSession)) == 0
    if field != "site":
        assert 'value="实训楼"' in response.text


def test_another_institutions_session_is_not_found(client, login, road, on_day):
    found = open_session(road)
    login(client, road.other_clerk)

    assert client.get(f"/institution/sessions/{found.id}").status_code == 404
    assert client.post(f"/institution/sessions/{found.id}/close").status_code == 404


def test_sessions_export(clerk, road):
    open_session(road)

    sheet = load_workbook(BytesIO(clerk.get("/institution/sessions.xlsx").data)).active

    assert [cell.value for cell in sheet[2]][2:5] == ["实训楼 3 楼", "6-18-01-01", "车工"]


# ---------------------------------------------------------------- applications and review


def test_a_clerk_enters_an_application_and_the_list_shows_the_verdict(clerk, road, vault):
    occupation_id = str(road.college.accreditations[0].occupation_id)

    response = clerk.post("/institution/applications/new", data={
        "national_id": vault.reveal(road.newcomer.id_ciphertext), "occupation_id": occupation_id,
        "level": "junior"})

    assert response.status_code == 302
    listed = clerk.get("/institution/applications").text
    assert "2025-01-01 起可申报" in listed and "赵新人" in listed


@pytest.mark.parametrize(("field", "data", "message"), [
    ("national_id", {"national_id": "320505199001011234"}, "未找到该身份证号的劳动者"),
    ("level", {"level": "senior"}, "已取得高级工（三级）或更高等级"),
    ("promotion_request_id", {"promotion_request_id": "999"}, "该劳动者没有此编号的批准"),
])
def test_the_application_form_refuses_field_by_field(clerk, road, vault, field, data, message):
    values = {"national_id": vault.reveal(road.senior.id_ciphertext),
              "occupation_id": str(road.college.accreditations[0].occupation_id), "level": "technician"} | data

    response = clerk.post("/institution/applications/new", data=values)

    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_approval_on_the_page_shows_the_clause_met(clerk, road):
    application = apply(road, road.junior)

    response = clerk.post(f"/institution/applications/{application.id}/review", data={"decision": "approve"})

    assert response.status_code == 302
    page = clerk.get(response.headers["Location"]).text
    assert "审核时符合的申报条件" in page and "累计从事本职业或相关职业工作 1 年（含）以上" in page


def test_a_refusal_without_a_reason_is_refused_on_the_reason_field(clerk, road):
    application = apply(road, road.newcomer)

    response = clerk.post(f"/institution/applications/{application.id}/review", data={"decision": "refuse"})

    assert response.status_code == 422 and "必填" in field_error(response.text, "reason")
    db.session.refresh(application)
    assert application.state.value == "submitted"


def test_an_approval_the_engine_does_not_support_is_refused_with_the_missing_condition(clerk, road):
    application = apply(road, road.newcomer)

    response = clerk.post(f"/institution/applications/{application.id}/review", data={"decision": "approve"})

    assert response.status_code == 422 and "2025-01-01 起可申报" in field_error(response.text, "decision")


def test_another_institutions_application_is_not_found(client, login, road, on_day):
    application = apply(road, road.junior)
    login(client, road.other_clerk)

    assert client.get(f"/institution/applications/{application.id}").status_code == 404
    assert client.post(f"/institution/applications/{application.id}/review",
                       data={"decision": "approve"}).status_code == 404
    assert str(application.id) not in client.get("/institution/applications").text.split("applications-table")[1]


def test_seating_from_the_application_page_and_refusing_a_full_session(clerk, road, make_worker):
    found = open_session(road, capacity=1)
    first = qualified(road, road.junior)

    response = clerk.post(f"/institution/applications/{first.id}/seat", data={"seat-session_id": str(found.id)})
    assert response.status_code == 302

    other = make_worker("钱二")
    worked_since(other, date(2015, 1, 1))
    second = qualified(road, other)
    response = clerk.post(f"/institution/applications/{second.id}/seat", data={"seat-session_id": str(found.id)})
    assert response.status_code == 422 and "本场次已满（1 人）" in field_error(response.text, "seat-session_id")


def test_applications_export(clerk, road):
    qualified(road, road.junior)

    sheet = load_workbook(BytesIO(clerk.get("/institution/applications.xlsx").data)).active

    row = [cell.value for cell in sheet[2]]
    assert row[1] == "李小龙" and row[8] == "累计从事本职业或相关职业工作 1 年（含）以上"


# ---------------------------------------------------------------- results against the session


def test_a_score_out_of_range_is_refused_on_its_field_in_its_row(clerk, road, on_day):
    application = seated(road, road.junior, open_session(road))
    on_day(AFTER)

    response = clerk.post(f"/institution/sessions/{application.session_id}/results", data={
        "row": str(application.id), f"r{application.id}-application_id": str(application.id),
        f"r{application.id}-theory": "101", f"r{application.id}-practical": "80"})

    assert response.status_code == 422
    assert "理论知识考试成绩须在 0 到 100 分之间" in field_error(response.text, f"r{application.id}-theory")
    assert 'value="101"' in response.text


def test_results_cannot_be_entered_before_the_session_is_held(clerk, road):
    application = seated(road, road.junior, open_session(road))

    response = clerk.post(f"/institution/sessions/{application.session_id}/results", data={
        "row": str(application.id), f"r{application.id}-application_id": str(application.id),
        f"r{application.id}-theory": "80", f"r{application.id}-practical": "80"})

    assert response.status_code == 422 and "日期不能晚于今天" in response.text


# ---------------------------------------------------------------- corrections


def test_the_result_page_corrects_and_shows_the_history(clerk, road, on_day):
    result = sit(road, seated(road, road.junior, open_session(road)), theory=58)
    on_day(AFTER)

    response = clerk.post(f"/institution/results/{result.id}/correct", data={
        "correct-theory": "85", "correct-practical": "80", "correct-reason": "理论卷误登"})

    assert response.status_code == 302
    page = clerk.get(response.headers["Location"]).text
    assert 'data-outcome="passed"' in page and "理论卷误登" in page and "58 / 80 / —（未通过）" in page


def test_a_correction_needs_its_reason(clerk, road, on_day):
    result = sit(road, seated(road, road.junior, open_session(road)))

    response = clerk.post(f"/institution/results/{result.id}/correct", data={
        "correct-theory": "40", "correct-practical": "80", "correct-reason": ""})

    assert response.status_code == 422 and field_error(response.text, "correct-reason")
    assert result.certificate.is_valid


def test_another_institutions_result_is_not_found(client, login, road, on_day):
    result = sit(road, seated(road, road.junior, open_session(road)))
    login(client, road.other_clerk)

    assert client.get(f"/institution/results/{result.id}").status_code == 404
    assert client.post(f"/institution/results/{result.id}/void", data={"void-reason": "x"}).status_code == 404


# ---------------------------------------------------------------- certificates: none out of nothing


def test_the_certificates_page_no_longer_issues_and_says_where_certificates_come_from(clerk, road, vault):
    response = clerk.post("/institution/certificates", data={
        "national_id": vault.reveal(road.junior.id_ciphertext), "occupation_code": "6-18-01-01",
        "level": "junior", "issued_on": "2023-06-01"})

    assert response.status_code == 405
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1  # the senior's, from the fixture
    page = clerk.get("/institution/certificates").text
    assert "证书只由评价成绩产生" in page and 'href="/institution/results"' in page


def test_an_administrator_enters_a_historic_certificate_with_a_scan(client, login, road, make_user, vault, on_day):
    login(client, make_user("admin"))

    response = client.post("/admin/certificates/historic", data={
        "national_id": vault.reveal(road.junior.id_ciphertext), "occupation_code": "6-18-01-01", "level": "junior",
        "issued_on": "2015-03-01", "institution_id": str(road.college.id), "route": "regular",
        "number": "1532052001500123", "evidence": [(BytesIO(png_bytes()), "证书.png")]},
        content_type="multipart/form-data")

    assert response.status_code == 302, response.text[:2000]
    assert db.session.scalar(select(Certificate).where(Certificate.number == "1532052001500123")).is_historic


def test_a_historic_entry_without_a_scan_is_refused_on_the_evidence_field(client, login, road, make_user, vault):
    login(client, make_user("admin"))

    response = client.post("/admin/certificates/historic", data={
        "national_id": vault.reveal(road.junior.id_ciphertext), "occupation_code": "6-18-01-01", "level": "junior",
        "issued_on": "2015-03-01", "institution_id": str(road.college.id), "route": "regular",
        "number": "1532052001500123"}, content_type="multipart/form-data")

    assert response.status_code == 422 and "必填" in field_error(response.text, "evidence")


# ---------------------------------------------------------------- the worker's pages


@pytest.fixture
def worker(client, login, road, on_day):
    login(client, road.junior_user)
    return client


def test_the_worker_sees_the_verdict_and_the_institutions_before_applying(worker, road):
    page = worker.get("/worker/applications/new?occupation_code=6-18-01-01&level=junior").text

    assert "符合条件：累计从事本职业或相关职业工作 1 年（含）以上" in page
    assert "苏州技师学院" in page and "无锡技师学院" in page


def test_the_worker_applies_from_the_phone_page(worker, road):
    response = worker.post("/worker/applications/new", data={
        "occupation_code": "6-18-01-01", "level": "junior", "institution_id": str(road.college.id)})

    assert response.status_code == 302
    application = db.session.scalar(select(Application))
    assert (application.worker_id, application.institution_id) == (road.junior.id, road.college.id)
    assert "向苏州技师学院申报" in worker.get(response.headers["Location"]).text


def test_the_worker_must_choose_an_institution(worker, road):
    response = worker.post("/worker/applications/new", data={"occupation_code": "6-18-01-01", "level": "junior"})

    assert response.status_code == 422 and "请选择评价机构" in field_error(response.text, "institution_id")


def test_another_workers_application_is_not_found(worker, road):
    application = apply(road, road.senior, "technician")

    assert worker.get(f"/worker/applications/{application.id}").status_code == 404


def test_the_pages_read_in_english(clerk, road, on_day):
    application = seated(road, road.junior, open_session(road))
    on_day(AFTER)
    result = sit(road, application)

    pages = {"/institution/applications?lang=en": "Applications and review",
             f"/institution/applications/{application.id}?lang=en": "Condition met at the review",
             f"/institution/sessions/{application.session_id}?lang=en": "Results recorded in this session",
             f"/institution/results/{result.id}?lang=en": "Correct the result",
             "/institution/sessions?lang=en": "New session"}
    for url, text in pages.items():
        response = clerk.get(url)
        assert response.status_code == 200 and text in response.text, url

"""Pages as each audience meets them: worker ladder, institution forms and exports, headers and errors.

The bureau's and the admin's pages are in test_bureau_pages.py and test_admin_pages.py."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from credentials.models import Certificate, Worker
from tests.conftest import national_id
from tests.web.html import field_error, rows, sheet_rows


@pytest.fixture
def staff(make_user):
    return make_user("institution_staff")


@pytest.fixture
def staff_client(client, login, staff):
    login(client, staff)
    return client


# ------------------------------------------------------------------ worker

@pytest.fixture
def worker_client(client, login, make_user, make_institution, make_certificate):
    user = make_user("worker")
    school = make_institution("苏州技师学院", scope=(("6-18-01-01", "senior_technician"),
                                                     ("6-18-01-02", "senior_technician")))
    make_certificate(user.worker, school, level="junior", issued_on=date(2018, 7, 1))
    make_certificate(user.worker, school, level="intermediate", issued_on=date(2021, 3, 15))
    make_certificate(user.worker, school, occupation="6-18-01-02", level="junior", issued_on=date(2020, 9, 9))
    login(client, user)
    return client


def current_steps(html: str) -> list[str]:
    step = r'<li class="ladder__step[^"]*"\s*aria-current="step">\s*<span class="ladder__name">([^<]+)'
    return re.findall(step, html)


def test_worker_home_shows_each_occupation_with_the_current_level_marked(worker_client):
    html = worker_client.get("/worker/").text

    assert "车工" in html and "铣工" in html
    assert current_steps(html) == ["中级工（四级）", "初级工（五级）"]  # highest level first


def test_the_navigation_marks_the_section_a_page_belongs_to(worker_client):
    def marked(path: str) -> list[str]:
        return re.findall(r'<a href="([^"]+)" aria-current="page">', worker_client.get(path).text)

    assert marked("/worker/") == ["/worker/"]
    assert marked("/worker/shares") == ["/worker/shares"]
    number = re.search(r'href="/worker/certificates/(\w+)"', worker_client.get("/worker/").text).group(1)
    assert marked(f"/worker/certificates/{number}") == ["/worker/"], "a certificate belongs to my ladder"


def test_worker_timeline_shows_certificate_dates(worker_client):
    html = worker_client.get("/worker/").text

    assert '<time datetime="2021-03-15">2021年3月15日</time>' in html
    assert '<time datetime="2018-07-01">2018年7月1日</time>' in html
    assert "取得于 2021-03-15" in html


def test_worker_home_in_english_by_query_parameter(worker_client):
    html = worker_client.get("/worker/?lang=en").text

    assert current_steps(html) == ["Intermediate Worker (Level 4)", "Junior Worker (Level 5)"]
    assert '<time datetime="2021-03-15">2021-03-15</time>' in html
    assert '<html lang="en">' in html


def test_language_choice_is_remembered_in_a_cookie(worker_client):
    response = worker_client.get("/lang/en?next=/worker/")
    assert response.status_code == 302 and response.headers["Location"] == "/worker/"

    html = worker_client.get("/worker/").text

    assert "Senior Worker (Level 3)" in html and "中级工（四级）" not in html


def test_worker_without_certificates_sees_a_friendly_empty_state(client, login, make_user):
    login(client, make_user("worker"))

    html = client.get("/worker/").text

    assert "您还没有职业技能证书记录" in html and 'aria-current="step"' not in html


# ------------------------------------------------------------------ institution: workers

def test_workers_page_searches_by_name(staff_client, staff, make_worker):
    make_worker("张三丰", employer=staff.institution)
    make_worker("李四", employer=staff.institution)

    found = rows(staff_client.get("/institution/workers?q=张三").text, "workers-table")

    assert len(found) == 1 and "张三丰" in found[0]


def test_workers_page_finds_a_worker_by_full_national_id(staff_client, staff, make_worker):
    number = national_id()
    make_worker("张三", employer=staff.institution, id_number=number)
    make_worker("李四", employer=staff.institution)

    for typed in (number, number.lower()):
        response = staff_client.post("/institution/workers/search", data={"q": typed})
        assert response.status_code == 302 and number not in response.headers["Location"].upper()
        found = rows(staff_client.get(response.headers["Location"]).text, "workers-table")
        assert len(found) == 1 and "张三" in found[0] and number not in found[0]


def test_workers_page_is_paginated_twenty_a_page(staff_client, staff, make_worker):
    for n in range(25):
        make_worker("工人" + "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地人"[n], employer=staff.institution)

    first = staff_client.get("/institution/workers").text
    second = staff_client.get("/institution/workers?page=2").text

    assert len(rows(first, "workers-table")) == 20 and len(rows(second, "workers-table")) == 5
    assert "第 1 / 2 页，共 25 条" in first and 'rel="next"' in first
    assert "第 2 / 2 页，共 25 条" in second and 'rel="prev"' in second


def test_register_worker_from_the_page(staff_client, db):
    response = staff_client.post("/institution/workers",
                                 data={"name": "王五", "national_id": national_id(), "city_code": "3205"})

    assert response.status_code == 302
    assert db.session.scalar(select(Worker.name)) == "王五"


def test_register_form_shows_the_check_digit_error_next_to_the_id_and_keeps_input(staff_client, db):
    number = national_id()
    wrong = number[:17] + ("1" if number[17] == "0" else "0")

    response = staff_client.post("/institution/workers",
                                 data={"name": "王五", "national_id": wrong, "city_code": "3205"})

    assert response.status_code == 422
    assert "校验位不正确" in field_error(response.text, "national_id")
    assert field_error(response.text, "name") == ""
    assert 'value="王五"' in response.text and 'value="3205"' in response.text
    assert db.session.scalar(select(Worker.id)) is None


def test_register_form_shows_missing_fields_one_by_one(staff_client):
    response = staff_client.post("/institution/workers",
                                 data={"name": "", "national_id": "", "city_code": ""})

    assert response.status_code == 422
    assert all(field_error(response.text, f) for f in ("name", "national_id", "city_code"))


def test_register_form_reports_a_duplicate_on_the_id_field_without_saying_where(staff_client, make_worker):
    number = national_id()
    elsewhere = make_worker(id_number=number)

    response = staff_client.post("/institution/workers",
                                 data={"name": "王五", "national_id": number, "city_code": "3205"})

    assert response.status_code == 422
    error = field_error(response.text, "national_id")
    assert "不能在此登记" in error and str(elsewhere.id) not in error


# ------------------------------------------------------------------ institution: certificates

def _worked_as_lathe_operator_since(worker, started_on, db):
    from credentials.services.reference import find_occupation
    from credentials.services.worker_facts import record_work_period

    record_work_period(db.session(), worker=worker, occupation=find_occupation(db.session(), "6-18-01-01"),
                       started_on=started_on, by=None)
    db.session.commit()


def test_a_passing_result_recorded_on_the_page_issues_the_certificate(staff_client, staff, make_worker, vault, db):
    """The certificates page no longer issues: a certificate comes from the result that earns it."""
    worker = make_worker(employer=staff.institution)
    _worked_as_lathe_operator_since(worker, date(2021, 3, 1), db)

    assert staff_client.post("/institution/certificates", data={}).status_code == 405
    response = staff_client.post("/institution/results", data={
        "national_id": vault.reveal(worker.id_ciphertext), "occupation_code": "6-18-01-01", "level": "junior",
        "exam_date": "2023-06-01", "theory": "80", "practical": "75"})

    assert response.status_code == 302
    issued = db.session.scalar(select(Certificate))
    assert (issued.worker_id, issued.level, issued.issued_on) == (worker.id, "junior", date(2023, 6, 1))
    assert issued.institution_id == staff.institution_id
    page = staff_client.get("/institution/certificates").text
    assert len(rows(page, "certificates-table")) == 1 and issued.number in page


def test_a_pass_by_a_worker_who_may_not_yet_sit_the_level_is_refused_and_says_why(staff_client, staff, make_worker,
                                                                                  vault, db):
    worker = make_worker(employer=staff.institution)
    _worked_as_lathe_operator_since(worker, date(2023, 1, 1), db)

    response = staff_client.post("/institution/results", data={
        "national_id": vault.reveal(worker.id_ciphertext), "occupation_code": "6-18-01-01", "level": "intermediate",
        "exam_date": "2023-06-01", "theory": "80", "practical": "75"})

    assert response.status_code == 422
    assert "不符合中级工（四级）申报条件" in response.text
    assert db.session.scalar(select(Certificate.id)) is None


def test_the_results_form_shows_that_the_institution_is_not_accredited(staff_client, staff, make_worker, vault, db):
    worker = make_worker(employer=staff.institution)

    response = staff_client.post("/institution/results", data={
        "national_id": vault.reveal(worker.id_ciphertext), "occupation_code": "6-18-01-02", "level": "junior",
        "exam_date": "2023-06-01", "theory": "80", "practical": "75"})

    assert "未获准评价“铣工”初级工（五级）" in response.text
    assert db.session.scalar(select(Certificate.id)) is None


# ------------------------------------------------------------------ headers and errors

@pytest.mark.parametrize(("role", "paths"), [
    ("worker", ["/worker/"]),
    ("institution_staff", ["/institution/", "/institution/workers", "/institution/certificates"]),
    ("bureau_officer", ["/bureau/", "/bureau/certificates"]),
    ("admin", ["/admin/", "/admin/institutions/new"]),  # the system administrator
    ("admin:security", ["/admin/", "/admin/users/new"]),
    ("admin:audit", ["/admin/", "/admin/audit"]),
])
def test_authenticated_pages_are_not_cached_and_carry_the_csp(client, login, make_user, role, paths):
    role, _, duty = role.partition(":")
    login(client, make_user(role, duty=duty or None))

    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert "default-src 'self'" in response.headers["Content-Security-Policy"], path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path


def test_404_page_is_html_with_the_request_id(client):
    response = client.get("/no-such-page", headers={"X-Request-Id": "req123abc"})

    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "<code>req123abc</code>" in response.text and "页面不存在" in response.text
    assert response.headers["X-Request-Id"] == "req123abc"




def test_institution_lists_export_what_the_page_shows(staff_client, staff, make_worker, make_certificate):
    kept = make_worker("张三", employer=staff.institution)
    make_worker("李四", employer=staff.institution)
    make_certificate(kept, staff.institution, level="junior")

    workers = sheet_rows(staff_client.get("/institution/workers.xlsx?q=张"))
    certificates = sheet_rows(staff_client.get("/institution/certificates.xlsx"))

    assert [row[1] for row in workers[1:]] == ["张三"]
    assert [row[1] for row in certificates[1:]] == ["张三"] and certificates[1][5] == "初级工（五级）"


def test_every_export_is_recorded_in_the_audit_trail_without_the_search_terms(staff_client, staff, make_worker, db):
    from credentials.models import AuditEvent

    make_worker("张三", employer=staff.institution)
    staff_client.get("/institution/workers.xlsx?q=张三")

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "data.exported")).one()
    assert event.actor_id == staff.id and event.entity_id == "/institution/workers.xlsx"
    assert event.after["rows"] == 1 and "张三" not in str(event.after)


def test_institution_home_answers_did_my_upload_go_in(staff_client, staff, db):
    from flask import current_app

    from credentials.imports.jobs import create_import

    create_import(db.session(), kind="appraisal_results", institution=staff.institution,
                  file_bytes="身份证号,姓名\n".encode(), filename="六月考试.csv", dry_run=True, by=staff,
                  vault=current_app.extensions["vault"])
    db.session.commit()

    panel = staff_client.get("/institution/").text.split('id="recent-imports"')[1].split("</section>")[0]

    assert "六月考试.csv" in panel and 'data-status="queued"' in panel

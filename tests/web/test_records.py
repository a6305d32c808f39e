"""An institution clerk's results and training pages: record one, see errors beside the fields with what
was typed kept, search, page, and export to XLSX."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.exports import download_name, safe_cell, xlsx_bytes
from credentials.models import AppraisalResult, TargetGroup, TrainingRecord
from credentials.services.reference import find_occupation
from credentials.services.worker_facts import record_work_period
from credentials.services.workers import register_worker
from tests.conftest import national_id, numbered
from tests.web.html import field_error, rows

LATHE = "6-18-01-01"






def typed(html: str, field: str) -> str:
    found = re.search(rf'<input[^>]*id="{field}"[^>]*value="([^"]*)"', html) or \
        re.search(rf'<input[^>]*value="([^"]*)"[^>]*id="{field}"', html)
    return found.group(1) if found else ""


@pytest.fixture
def school(make_institution):
    return make_institution("苏州技师学院", scope=((LATHE, "technician"),))


@pytest.fixture
def staff(make_user, school):
    return make_user("institution_staff", institution=school)


@pytest.fixture
def staff_client(client, login, staff):
    login(client, staff)
    return client


@pytest.fixture
def worker_id_number(db, vault, school, make_certificate):
    """A Junior Worker (2019-07-01) at the lathe since 2019: eligible for intermediate from 2023-07-01."""
    number = national_id()
    worker = register_worker(db.session(), vault, name="陈工", national_id=number, city_code="3205",
                             target_groups=[TargetGroup.RURAL_MIGRANT], groups_valid_from=date(2015, 1, 1),
                             by=None)
    record_work_period(db.session(), worker=worker, occupation=find_occupation(db.session(), LATHE),
                       started_on=date(2019, 1, 1), by=None)
    db.session.commit()
    make_certificate(worker, school, level="junior", issued_on=date(2019, 7, 1))
    return number


def result_form(number: str, **overrides) -> dict:
    return {"national_id": number, "occupation_code": LATHE, "level": "intermediate",
            "exam_date": "2024-06-01", "theory": "78.5", "practical": "82", "review": "", "number": "",
            **overrides}


def training_form(number: str, **overrides) -> dict:
    return {"national_id": number, "occupation_code": LATHE, "target_level": "junior",
            "training_type": "employment_skills", "form": "order_based", "hours": "120",
            "started_on": "2024-03-01", "completed_on": "2024-05-20", "outcome": "completed", **overrides}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ------------------------------------------------------------------ appraisal results

def test_a_passing_result_issues_the_certificate_and_appears_in_the_list(staff_client, worker_id_number):
    response = staff_client.post("/institution/results", data=result_form(worker_id_number))

    assert response.status_code == 302
    page = staff_client.get("/institution/results").text
    assert "已登记成绩：通过，已发放证书" in page
    listed = rows(page, "results-table")
    assert len(listed) == 1 and "陈工" in listed[0] and "78.5 / 82 / —" in listed[0] and "通过" in listed[0]
    assert worker_id_number not in page  # the ID is shown masked


def test_a_pass_by_a_worker_not_yet_eligible_shows_why_beside_the_level_and_keeps_the_typed_values(
        db, staff_client, worker_id_number):
    too_early = result_form(worker_id_number, exam_date="2022-06-01")

    response = staff_client.post("/institution/results", data=too_early)

    assert response.status_code == 422
    error = field_error(response.text, "level")
    assert "不符合中级工（四级）申报条件" in error and "2023-07-01 起可申报" in error
    assert typed(response.text, "theory") == "78.5" and typed(response.text, "exam_date") == "2022-06-01"
    assert count(db, AppraisalResult) == 0


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"theory": "101"}, "theory", "理论知识考试成绩须在 0 到 100 分之间"),
    ({"practical": "abc"}, "practical", ""),
    ({"exam_date": "2099-01-01"}, "exam_date", "日期不能晚于今天"),
    ({"occupation_code": "9-99-99-99"}, "occupation_code", "未知的职业编码"),
    ({"national_id": "320505199001010000"}, "national_id", "未找到该身份证号的劳动者"),
])
def test_bad_input_is_answered_field_by_field_with_status_422(db, staff_client, worker_id_number, overrides,
                                                               field, message):
    response = staff_client.post("/institution/results", data=result_form(worker_id_number, **overrides))

    assert response.status_code == 422
    assert field_error(response.text, field) and message in field_error(response.text, field)
    assert count(db, AppraisalResult) == 0


def test_a_failed_sitting_is_listed_with_the_part_that_failed(staff_client, worker_id_number):
    staff_client.post("/institution/results", data=result_form(worker_id_number, theory="55"))

    listed = rows(staff_client.get("/institution/results").text, "results-table")

    assert len(listed) == 1 and "未通过" in listed[0] and "理论知识考试 55 分，低于 60 分" in listed[0]


def test_the_same_sitting_twice_is_refused_beside_the_exam_date(staff_client, worker_id_number):
    staff_client.post("/institution/results", data=result_form(worker_id_number, theory="40"))

    response = staff_client.post("/institution/results", data=result_form(worker_id_number, theory="40"))

    assert response.status_code == 422 and "评价成绩已登记" in field_error(response.text, "exam_date")


def test_search_by_national_id_goes_by_post_and_never_puts_the_id_in_a_url(
        staff_client, worker_id_number, make_worker, make_certificate, school):
    staff_client.post("/institution/results", data=result_form(worker_id_number, theory="40"))
    other = make_worker("周工")
    make_certificate(other, school, level="junior", issued_on=date(2019, 7, 1))

    response = staff_client.post("/institution/records/search",
                                 data={"q": worker_id_number, "target": "institution.results"})

    assert response.status_code == 302 and worker_id_number not in response.headers["Location"]
    listed = rows(staff_client.get(response.headers["Location"]).text, "results-table")
    assert len(listed) == 1 and "陈工" in listed[0]


def test_results_are_searched_by_name_filtered_by_outcome_and_paged(db, staff_client, school, make_worker):
    from credentials.services.appraisal import record_appraisal_result

    lathe = find_occupation(db.session(), LATHE)
    for n in range(23):
        worker = make_worker(numbered("学员", n))
        record_work_period(db.session(), worker=worker, occupation=lathe, started_on=date(2015, 1, 1),
                           by=None)
        record_appraisal_result(db.session(), worker=worker, institution=school, occupation=lathe,
                                level="junior", exam_date=date(2024, 1, 1 + n), theory=50 + n, practical=70,
                                by=None)
    db.session.commit()

    first = staff_client.get("/institution/results").text
    by_name = rows(staff_client.get("/institution/results?q=学员七").text, "results-table")
    failed = staff_client.get("/institution/results?outcome=failed").text

    assert len(rows(first, "results-table")) == 20 and "第 1 / 2 页，共 23 条" in first
    assert len(by_name) == 1 and "学员七" in by_name[0]
    assert "共 10 条" in failed  # theory 50..59 fails


def test_results_export_is_an_xlsx_of_the_filtered_list(staff_client, worker_id_number):
    staff_client.post("/institution/results", data=result_form(worker_id_number))

    response = staff_client.get("/institution/results.xlsx?outcome=passed")

    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''%E8%AF%84" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    table = list(sheet.values)
    assert table[0][:3] == ("考试日期", "姓名", "身份证号") and len(table) == 2
    assert table[1][1] == "陈工" and "*" in table[1][2] and table[1][9] == "通过"
    assert staff_client.get("/institution/results.xlsx?outcome=failed").status_code == 200


def test_another_institution_never_sees_these_results(app, login, make_user, staff_client, worker_id_number):
    staff_client.post("/institution/results", data=result_form(worker_id_number))
    stranger = app.test_client()
    login(stranger, make_user("institution_staff"))

    export = load_workbook(io.BytesIO(stranger.get("/institution/results.xlsx").data)).active
    assert rows(stranger.get("/institution/results").text, "results-table") == []
    assert len(list(export.values)) == 1  # the header row only


def test_a_list_too_long_for_one_download_is_refused_with_a_hint_not_cut_short(monkeypatch, staff_client,
                                                                              worker_id_number):
    from app import exports

    staff_client.post("/institution/training", data=training_form(worker_id_number))
    staff_client.post("/institution/training", data=training_form(worker_id_number, started_on="2024-04-01",
                                                                  completed_on="2024-05-01"))
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 1)

    response = staff_client.get("/institution/training.xlsx?outcome=completed")

    assert response.status_code == 302 and "outcome=completed" in response.headers["Location"]
    assert "无法一次导出" in staff_client.get(response.headers["Location"]).text


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM", "'@SUM"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("张三", "张三"), (12, 12), (None, None),
])
def test_exported_cells_that_a_spreadsheet_would_run_are_defused(value, cell):
    assert safe_cell(value) == cell


@pytest.mark.parametrize(("name", "safe"), [
    ("评价成绩.xlsx", "评价成绩.xlsx"), ("证书\u202e.xlsx", "证书.xlsx"), ("a/b\\c\u200b", "abc.xlsx"),
    ("", "export.xlsx"),
])
def test_download_names_lose_bidi_zero_width_and_path_characters(name, safe):
    assert download_name(name) == safe


# ------------------------------------------------------------------ training records

def test_a_training_record_shows_its_subsidy_and_the_rule_beside_it(staff_client, worker_id_number):
    response = staff_client.post("/institution/training", data=training_form(worker_id_number))

    assert response.status_code == 302
    page = staff_client.get("/institution/training").text
    listed = rows(page, "training-table")
    assert len(listed) == 1 and "800 元" in listed[0]
    assert "苏州市职业培训补贴" in listed[0] and "每人每职业每等级限享受一次" in listed[0]


def test_a_second_training_at_the_same_level_is_recorded_without_a_second_subsidy(staff_client,
                                                                                  worker_id_number):
    staff_client.post("/institution/training", data=training_form(worker_id_number))
    staff_client.post("/institution/training", data=training_form(worker_id_number, started_on="2024-04-01",
                                                                  completed_on="2024-05-01"))

    listed = rows(staff_client.get("/institution/training").text, "training-table")

    assert len(listed) == 2 and "不享受" in listed[0] and "已享受过本职业本等级的培训补贴" in listed[0]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"completed_on": ""}, "completed_on", "已结业的培训须填写结业日期"),
    ({"completed_on": "2024-02-01"}, "completed_on", "结束日期不能早于开始日期"),
    ({"hours": "20000"}, "hours", "学时须在 0 到 10,000 之间"),
    ({"started_on": "2099-03-01", "completed_on": "", "outcome": "enrolled"}, "started_on",
     "日期不能晚于今天"),
    ({"target_level": "senior_technician"}, "target_level", "未获准开展"),
])
def test_training_errors_are_shown_beside_their_fields_and_the_typed_values_kept(db, staff_client,
                                                                                 worker_id_number, overrides,
                                                                                 field, message):
    response = staff_client.post("/institution/training", data=training_form(worker_id_number, **overrides))

    assert response.status_code == 422 and message in field_error(response.text, field)
    assert typed(response.text, "hours") == overrides.get("hours", "120")
    assert count(db, TrainingRecord) == 0


def test_training_export_carries_the_subsidy_amount_and_rule(staff_client, worker_id_number):
    staff_client.post("/institution/training", data=training_form(worker_id_number))

    table = list(load_workbook(io.BytesIO(staff_client.get("/institution/training.xlsx").data)).active.values)

    assert table[0][-2:] == ("补贴金额（元）", "补贴规则")
    assert table[1][-2] == 800 and "苏州市职业培训补贴" in table[1][-1]


def test_training_page_in_english_explains_the_subsidy_in_english(staff_client, worker_id_number):
    staff_client.post("/institution/training", data=training_form(worker_id_number))

    page = staff_client.get("/institution/training?lang=en").text

    assert "Suzhou vocational training subsidy" in page and "once per person, occupation and level" in page


@pytest.mark.parametrize(("value", "cell"), [
    ("张\x00三", "张\ufffd三"), ("李\x01四", "李\ufffd四"), ("王\x1f五", "王\ufffd五"), ("赵\t六", "赵\t六"),
])
def test_control_characters_already_stored_never_break_an_export(value, cell):
    assert safe_cell(value) == cell
    xlsx_bytes(["姓名"], [[value]])  # openpyxl refuses control characters: this raised (a 500) before


def test_stored_moments_are_exported_in_china_time():
    from datetime import UTC, datetime

    assert safe_cell(datetime(2024, 6, 30, 16, 30)) == datetime(2024, 7, 1, 0, 30)  # naive = UTC
    assert safe_cell(datetime(2024, 6, 30, 16, 30, tzinfo=UTC)) == datetime(2024, 7, 1, 0, 30)


@pytest.mark.parametrize("typed", ["NaN", "nan", "Infinity", "-inf", "sNaN"])
def test_a_score_that_is_not_a_number_is_refused_beside_its_field(db, staff_client, worker_id_number, typed):
    response = staff_client.post("/institution/results", data=result_form(worker_id_number, theory=typed))

    assert response.status_code == 422  # it was a 500: Decimal("NaN") cannot be compared
    assert 'id="theory-error"' in response.text
    assert count(db, AppraisalResult) == 0


def test_the_pass_rule_refuses_a_score_that_is_not_a_number():
    from decimal import Decimal

    from ladder.appraisal import ScoreOutOfRange, judge

    with pytest.raises(ScoreOutOfRange):
        judge("junior", Decimal("NaN"), Decimal(80), None, on=date(2024, 1, 1))
    with pytest.raises(ScoreOutOfRange):
        judge("junior", float("inf"), 80, None, on=date(2024, 1, 1))

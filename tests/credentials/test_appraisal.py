"""Appraisal results through the service: the pass rule, eligibility on the exam date, the certificate.

Each clause of the conditions table is unit-tested in tests/ladder/test_eligibility.py; here, the path a
result takes: refused with the explanation, accepted when eligible, and the checks on its input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from credentials import Duplicate, ValidationFailed
from credentials.models import AppraisalResult, AuditEvent, Certificate, CertificateRoute
from credentials.numbers import format_skill_level22
from credentials.queries.history import history_of
from credentials.services.appraisal import record_appraisal_result, result_problems
from credentials.services.eligibility import eligibility_problem
from credentials.services.reference import find_occupation
from credentials.services.training import record_training
from credentials.services.worker_facts import record_work_period

LATHE = "6-18-01-01"
TODAY = date(2025, 1, 10)


@pytest.fixture
def school(make_institution):
    return make_institution("苏州技师学院", scope=((LATHE, "technician"),))


@pytest.fixture
def junior_worker(db, make_worker, school, make_certificate):
    """Junior Worker since 2019-07-01 and at the lathe since 2019-01-01: eligible for intermediate from
    2023-07-01 (4 years after Junior Worker, 2018 standard)."""
    worker = make_worker("陈工")
    make_certificate(worker, school, level="junior", issued_on=date(2019, 7, 1))
    record_work_period(db.session(), worker=worker, occupation=find_occupation(db.session(), LATHE),
                       started_on=date(2019, 1, 1), by=None, today=TODAY)
    db.session.commit()
    return worker


@pytest.fixture
def sit(db, school):
    def record(worker, **overrides):
        values = dict(worker=worker, institution=school, occupation=find_occupation(db.session(), LATHE),
                      level="intermediate", exam_date=date(2024, 6, 1), theory=Decimal("78.5"),
                      practical=Decimal(82), review=None, by=None, today=TODAY)
        values.update(overrides)
        result = record_appraisal_result(db.session(), **values)
        db.session.commit()
        return result
    return record


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_pass_by_an_eligible_worker_issues_a_regular_certificate_dated_the_exam_day(sit, junior_worker):
    result = sit(junior_worker)

    certificate = result.certificate
    assert result.passed and certificate is not None
    assert (certificate.level, certificate.issued_on, certificate.route) == (
        "intermediate", date(2024, 6, 1), CertificateRoute.REGULAR)
    assert certificate.number[-7] == "4"  # the level digit of Intermediate Worker in the 22-character scheme
    assert (result.theory_score, result.practical_score) == (Decimal("78.5"), Decimal(82))


def test_a_pass_by_a_worker_not_yet_eligible_is_refused_with_what_is_missing_and_from_when(db, sit,
                                                                                           junior_worker):
    with pytest.raises(ValidationFailed) as excinfo:
        sit(junior_worker, exam_date=date(2022, 6, 1))

    db.session.rollback()
    error = excinfo.value
    assert (error.code, error.field) == ("not_eligible", "level")
    assert error.message("zh").startswith(
        "不符合中级工（四级）申报条件：还差：还需在初级工等级工作 1 年 1 个月")
    assert "2023-07-01 起可申报" in error.message("zh") and "最接近的条件" in error.message("zh")
    assert "eligible from 2023-07-01" in error.message("en")
    assert count(db, AppraisalResult) == 0 and count(db, Certificate) == 1  # only the junior one


def test_the_new_level_counts_at_once_for_the_next_sitting(db, sit, junior_worker):
    sit(junior_worker)

    with pytest.raises(ValidationFailed) as excinfo:
        sit(junior_worker, level="senior", exam_date=date(2024, 9, 1))

    assert "2029-06-01 起可申报" in excinfo.value.message("zh")  # 5 years after the Intermediate Worker pass


def test_a_failed_sitting_is_recorded_without_a_certificate_and_without_checking_eligibility(db, sit,
                                                                                            junior_worker):
    result = sit(junior_worker, exam_date=date(2022, 6, 1), theory=Decimal(55))

    assert not result.passed and result.certificate is None
    assert count(db, Certificate) == 1


def test_technician_and_above_fail_without_a_comprehensive_review(db, sit, make_worker, school,
                                                                  make_certificate):
    worker = make_worker()
    make_certificate(worker, school, level="senior", issued_on=date(2015, 1, 1))
    record_work_period(db.session(), worker=worker, occupation=find_occupation(db.session(), LATHE),
                       started_on=date(2010, 1, 1), by=None, today=TODAY)

    without = sit(worker, level="technician", theory=Decimal(90), practical=Decimal(90))
    with_review = sit(worker, level="technician", exam_date=date(2024, 7, 1), theory=Decimal(90),
                      practical=Decimal(90), review=Decimal(61))

    assert not without.passed and with_review.passed
    assert with_review.certificate.level == "technician"


def test_the_same_sitting_twice_is_a_duplicate_with_a_clear_message(db, sit, junior_worker):
    sit(junior_worker, theory=Decimal(40))

    with pytest.raises(Duplicate) as excinfo:
        sit(junior_worker)

    assert excinfo.value.field == "exam_date"
    assert excinfo.value.message("zh") == "该劳动者 2024-06-01 的“车工”中级工（四级）评价成绩已登记"


@pytest.mark.parametrize(("part", "score"), [("theory", Decimal(101)), ("practical", Decimal(-1)),
                                             ("review", Decimal("100.5"))])
def test_a_score_outside_zero_to_a_hundred_is_refused_on_its_field(db, sit, junior_worker, part, score):
    with pytest.raises(ValidationFailed) as excinfo:
        sit(junior_worker, **{part: score})

    db.session.rollback()
    assert (excinfo.value.code, excinfo.value.field) == ("score_out_of_range", part)
    assert "0 到 100 分" in excinfo.value.message("zh")
    assert count(db, AppraisalResult) == 0


def test_every_bad_score_is_reported_not_only_the_first(db):
    problems = result_problems(occupation=find_occupation(db.session(), LATHE), level="technician",
                               exam_date=date(2030, 1, 1), theory=Decimal(120), practical=Decimal(-3),
                               review=Decimal(50), number=None, today=TODAY)

    assert [(p.field, p.code) for p in problems] == [
        ("exam_date", "date_in_future"), ("theory", "score_out_of_range"),
        ("practical", "score_out_of_range")]


def test_an_exam_date_in_the_future_is_refused(db, sit, junior_worker):
    with pytest.raises(ValidationFailed) as excinfo:
        sit(junior_worker, exam_date=date(2025, 1, 11))

    assert (excinfo.value.code, excinfo.value.field) == ("date_in_future", "exam_date")


def test_an_institution_accredited_only_to_a_lower_level_cannot_record_the_result(db, sit, junior_worker,
                                                                                  make_institution):
    small = make_institution(scope=((LATHE, "junior"),))

    with pytest.raises(ValidationFailed) as excinfo:
        sit(junior_worker, institution=small)

    assert (excinfo.value.code, excinfo.value.field) == ("not_accredited", "level")


@pytest.mark.parametrize(("number", "problem"), [
    (format_skill_level22("S", "0000", "32", "000001", 2024, 3, 7), "等级位"),  # a Senior Worker digit
    (format_skill_level22("S", "0000", "32", "000001", 2023, 4, 7), "年份"),
])
def test_a_given_number_must_carry_the_level_and_year_of_the_result(db, sit, junior_worker, number, problem):
    with pytest.raises(ValidationFailed) as excinfo:
        sit(junior_worker, number=number)

    db.session.rollback()
    assert (excinfo.value.code, excinfo.value.field) == ("number_mismatch", "number")
    assert problem in excinfo.value.message("zh")
    assert count(db, AppraisalResult) == 0


def test_a_given_number_that_fits_the_scheme_is_used(db, sit, junior_worker):
    number = format_skill_level22("S", "0000", "32", "000001", 2024, 4, 7)

    assert sit(junior_worker, number=number).certificate.number == number


def test_a_given_number_of_an_unknown_scheme_is_kept_and_flagged_for_review(db, sit, junior_worker):
    result = sit(junior_worker, number="0012345678901")  # a 13-digit Shanghai-style number

    assert result.certificate.number == "0012345678901" and result.certificate.needs_review


def test_a_number_given_with_a_failed_sitting_is_refused(db, sit, junior_worker):
    with pytest.raises(ValidationFailed) as excinfo:
        sit(junior_worker, theory=Decimal(10), number="0012345678901")

    assert (excinfo.value.code, excinfo.value.field) == ("number_without_pass", "number")


def test_a_level_already_held_cannot_be_earned_again(db, sit, junior_worker):
    with pytest.raises(ValidationFailed) as excinfo:
        sit(junior_worker, level="junior")

    assert "已取得初级工或更高等级" in excinfo.value.message("zh")


def test_the_result_is_on_the_audit_trail_with_its_certificate(db, sit, junior_worker):
    result = sit(junior_worker)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "appraisal.recorded"))
    assert event.after["certificate"] == result.certificate.number and event.after["passed"] is True


def test_eligibility_problem_is_none_when_eligible_and_explains_otherwise(db, junior_worker):
    history = history_of(db.session(), junior_worker.id)

    assert eligibility_problem(history, LATHE, "intermediate", date(2024, 1, 1)) is None
    problem = eligibility_problem(history, LATHE, "intermediate", date(2023, 1, 1))
    assert "2023-07-01" in problem.zh and "eligible from 2023-07-01" in problem.en


def test_under_the_2000_template_missing_training_hours_are_named(db, make_worker, school, make_certificate):
    """3 years after Junior Worker are done but the work stopped: only the training-hours clause is open."""
    worker = make_worker()
    make_certificate(worker, school, level="junior", issued_on=date(2010, 7, 1))
    lathe = find_occupation(db.session(), LATHE)
    record_work_period(db.session(), worker=worker, occupation=lathe, started_on=date(2010, 1, 1),
                       ended_on=date(2014, 5, 31), by=None)
    record_training(db.session(), worker=worker, institution=school, occupation=lathe,
                    target_level="intermediate", training_type="on_the_job_upgrading", form="other",
                    hours=300, started_on=date(2013, 1, 1), completed_on=date(2013, 6, 1),
                    outcome="completed", by=None)

    history = history_of(db.session(), worker.id)

    problem = eligibility_problem(history, LATHE, "intermediate", date(2014, 6, 1))

    assert problem.zh.startswith("还差：还需完成中级工培训 200 学时；仅靠时间无法满足")
    assert "200 more training hours towards Intermediate Worker" in problem.en

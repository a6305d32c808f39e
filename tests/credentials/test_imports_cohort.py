"""Bulk imports of a cohort: registering workers, their work history and diplomas, and appraisal results that
carry the candidates' work start and diploma. Dry run, all-or-nothing commit, idempotent re-upload, and a row
problem per bad cell, as for the other kinds."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials.models import (
    Attestation,
    AuditEvent,
    Certificate,
    Diploma,
    FactState,
    ImportStatus,
    InstitutionKind,
    TargetGroup,
    Worker,
    WorkPeriod,
)
from credentials.queries.history import history_of
from credentials.services.reference import find_occupation
from credentials.services.worker_facts import record_work_period
from tests.conftest import national_id
from tests.import_fixtures import OCCUPATION, RESULT_HEADERS, count, problems

WORKER_HEADERS = ["身份证号", "姓名", "所在城市", "工作单位", "培训补贴对象类别", "类别认定日期"]
HISTORY_HEADERS = ["身份证号", "姓名", "从事职业编码", "工作开始日期", "工作结束日期", "工作单位", "学校类型", "班级类型",
                   "毕业日期", "应届毕业生", "所学专业职业编码"]
COHORT_RESULT_HEADERS = [*RESULT_HEADERS, "工作开始日期", "学校类型", "班级类型", "毕业日期", "应届毕业生"]


@pytest.fixture
def ids():
    return [national_id(date(2000, 5, day)) for day in range(1, 6)]


def register(setting, rows, **kwargs):
    return setting.run(rows, kind="workers", headers=WORKER_HEADERS, **kwargs)


def history(setting, rows, **kwargs):
    return setting.run(rows, kind="work_history", headers=HISTORY_HEADERS, **kwargs)


def worker_row(number, name="新学员", city="苏州市", employer="", groups="", since=""):
    return [number, name, city, employer, groups, since]


def history_row(number, name="", *, occupation=OCCUPATION, start="2023-09-01", end="", employer="", school="",
                stream="", graduated="", current="", major=""):
    return [number, name, occupation, start, end, employer, school, stream, graduated, current, major]


def by_number(setting, number) -> Worker:
    return db.session.scalar(select(Worker).where(Worker.id_hash == setting.vault.index(number)))


# ---------------------------------------------------------------- registering workers

def test_a_dry_run_registers_no_one_and_a_commit_registers_the_cohort(setting, ids):
    rows = [worker_row(ids[0], "陈一", groups="农村转移劳动力 2024-03-01；退役军人", since="2023-01-01"),
            worker_row(ids[1], "陈二", city="3205", employer="苏州测试技师学院")]
    before = count(Worker)

    dry = register(setting, rows, dry_run=True)
    assert dry.status is ImportStatus.VALIDATED and dry.rows_created == 2 and count(Worker) == before

    job = register(setting, rows)

    assert job.status is ImportStatus.COMMITTED, job.errors
    first, second = by_number(setting, ids[0]), by_number(setting, ids[1])
    assert first.name == "陈一" and first.city_code == "3205" and first.registered_by_institution_id == setting.institution.id
    assert sorted((g.group, g.valid_from) for g in first.target_groups) == [
        (TargetGroup.RURAL_MIGRANT, date(2024, 3, 1)), (TargetGroup.VETERAN, date(2023, 1, 1))]
    assert second.employer_id == setting.institution.id and second.id_masked.startswith("320505")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "worker.registered",
                                                         AuditEvent.entity_id == str(first.id))).all()
    assert len(events) == 1 and ids[0] not in str(events[0].after) and events[0].after["name"] != "陈一"


def test_a_second_upload_of_the_same_file_registers_nothing_new(setting, ids):
    rows = [worker_row(ids[0], groups="退役军人 2020-05-01"), worker_row(ids[1])]
    register(setting, rows)
    total = count(Worker)

    again = register(setting, rows)

    assert again.status is ImportStatus.COMMITTED
    assert (again.rows_created, again.rows_existing) == (0, 2) and count(Worker) == total


def test_an_already_registered_worker_with_other_data_is_a_row_problem(setting, ids):
    register(setting, [worker_row(ids[0], "陈一")])
    total = count(Worker)

    job = register(setting, [worker_row(ids[0], "陈壹"), worker_row(ids[1])])

    assert job.status is ImportStatus.REJECTED and count(Worker) == total
    assert [(row, column) for row, column, _ in problems(job)] == [(2, "姓名")]
    assert "已有这条记录" in problems(job)[0][2]


@pytest.mark.parametrize(("cells", "column", "message"), [
    ({0: "320505200005010010"}, "身份证号", "身份证号无效"),
    ({1: ""}, "姓名", "必填"),
    ({2: "火星市"}, "所在城市", "未知的城市"),
    ({4: "外星人"}, "培训补贴对象类别", "无法识别的培训补贴对象类别"),
    ({4: "退役军人"}, "培训补贴对象类别", "须写明认定日期"),
    ({4: "退役军人 2030-01-01"}, "培训补贴对象类别", "日期不能晚于今天"),
    ({5: "2024-13-01", 4: "退役军人"}, "类别认定日期", "无法识别的日期"),
])
def test_each_bad_cell_is_one_row_problem(setting, ids, cells, column, message):
    row = worker_row(ids[0])
    for index, value in cells.items():
        row[index] = value

    job = register(setting, [row, worker_row(ids[1])])

    assert job.status is ImportStatus.REJECTED and job.rows_created == 0
    assert [(r, c) for r, c, _ in problems(job)] == [(2, column)]
    assert message in problems(job)[0][2]
    assert by_number(setting, ids[1]) is None  # all or nothing


def test_the_same_national_id_twice_in_a_file_is_a_duplicate(setting, ids):
    job = register(setting, [worker_row(ids[0]), worker_row(ids[0])])

    assert problems(job) == [(3, "身份证号", "与第 2 行重复（身份证号相同）")]


# ---------------------------------------------------------------- work history and diplomas

def test_work_history_commits_attested_periods_and_diplomas(setting, ids):
    register(setting, [worker_row(ids[0]), worker_row(ids[1])])
    job = history(setting, [
        history_row(ids[0], employer="苏州测试技师学院"),
        history_row(ids[1], occupation="", start="", school="技工学校", stream="中级工班", current="是", major=OCCUPATION),
    ])

    assert job.status is ImportStatus.COMMITTED, job.errors
    assert job.rows_created == 2
    period = db.session.scalars(select(WorkPeriod).where(WorkPeriod.import_job_id == job.id)).one()
    assert period.counts and period.attested_by_institution_id == setting.institution.id
    assert period.employer_id == setting.institution.id and period.ended_on is None
    diploma = db.session.scalars(select(Diploma).where(Diploma.import_job_id == job.id)).one()
    assert (diploma.school_type, diploma.stream, diploma.is_current_graduate) == ("technical_school",
                                                                                  "intermediate_class", True)
    assert [p.start for p in history_of(db.session(), by_number(setting, ids[0]).id).work_periods] == [date(2023, 9, 1)]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("%.recorded"))).all()
    assert {"work_period.recorded", "diploma.recorded"} <= set(actions)


def test_work_history_re_uploaded_is_already_present_and_a_changed_row_is_a_problem(setting, ids):
    register(setting, [worker_row(ids[0])])
    rows = [history_row(ids[0])]
    history(setting, rows)

    again = history(setting, rows)
    changed = history(setting, [history_row(ids[0], end="2024-06-30")])

    assert (again.status, again.rows_created, again.rows_existing) == (ImportStatus.COMMITTED, 0, 1)
    assert changed.status is ImportStatus.REJECTED
    assert [(r, c) for r, c, _ in problems(changed)] == [(2, "工作结束日期")]
    assert count(WorkPeriod) == 1 + len(setting.workers)


@pytest.mark.parametrize(("kwargs", "column", "message"), [
    ({"occupation": "", "start": ""}, "从事职业编码", "既没有工作经历也没有学历"),
    ({"start": ""}, "工作开始日期", "必填"),
    ({"occupation": "9-99-99-99"}, "从事职业编码", "未知的职业编码"),
    ({"end": "2020-01-01"}, "工作结束日期", "结束日期不能早于开始日期"),
    ({"start": "2030-01-01"}, "工作开始日期", "日期不能晚于今天"),
    ({"occupation": "", "start": "", "school": "幼儿园"}, "学校类型", "无法识别的学校类型"),
    ({"occupation": "", "start": "", "school": "技工学校"}, "毕业日期", "必填"),
    ({"occupation": "", "start": "", "school": "技工学校", "graduated": "2020-07-01", "current": "也许"},
     "应届毕业生", "无法识别的应届毕业生"),
])
def test_each_bad_work_history_cell_is_one_row_problem(setting, ids, kwargs, column, message):
    register(setting, [worker_row(ids[0])])

    job = history(setting, [history_row(ids[0], **kwargs)])

    assert job.status is ImportStatus.REJECTED and job.rows_created == 0
    assert [(r, c) for r, c, _ in problems(job)] == [(2, column)]
    assert message in problems(job)[0][2]


def test_an_unregistered_worker_in_the_work_history_is_a_row_problem(setting, ids):
    job = history(setting, [history_row(ids[4])])

    assert [(r, c) for r, c, _ in problems(job)] == [(2, "身份证号")] and "尚未登记" in problems(job)[0][2]


def test_the_institutions_record_replaces_the_workers_own_claim(setting, ids, make_user):
    register(setting, [worker_row(ids[0])])
    worker = by_number(setting, ids[0])
    me = make_user("worker", worker=worker)
    claim = record_work_period(db.session(), worker=worker, occupation=find_occupation(db.session(), OCCUPATION),
                               started_on=date(2023, 9, 1), by=me, today=date(2025, 1, 15))
    db.session.commit()
    assert claim.attestation is Attestation.UNVERIFIED

    job = history(setting, [history_row(ids[0])])

    assert job.status is ImportStatus.COMMITTED and job.rows_created == 1
    db.session.refresh(claim)
    assert claim.state is FactState.SUPERSEDED
    new = db.session.scalars(select(WorkPeriod).where(WorkPeriod.import_job_id == job.id)).one()
    assert new.replaces_id == claim.id and new.counts


# ---------------------------------------------------------------- appraisal results carrying the cohort's facts

def result_row(setting, number, name, *, level="初级工", work_start="", school="", stream="", graduated="", current=""):
    return [number, name, OCCUPATION, level, "2024-07-01", "85", "78", "", "", work_start, school, stream, graduated,
            current]


def test_a_results_file_with_work_start_records_the_work_then_judges_eligibility(setting, ids):
    register(setting, [worker_row(ids[0], "陈一"), worker_row(ids[1], "陈二")])

    job = setting.run([result_row(setting, ids[0], "陈一", work_start="2022-03-01"),
                       result_row(setting, ids[1], "陈二")], headers=COHORT_RESULT_HEADERS)

    assert job.status is ImportStatus.REJECTED
    assert [(r, c) for r, c, _ in problems(job)] == [(3, "等级")]
    assert "还需累计从事本职业" in problems(job)[0][2]
    job = setting.run([result_row(setting, ids[0], "陈一", work_start="2022-03-01")], headers=COHORT_RESULT_HEADERS)
    assert job.status is ImportStatus.COMMITTED, job.errors
    worker = by_number(setting, ids[0])
    assert db.session.scalar(select(Certificate).where(Certificate.worker_id == worker.id)).level == "junior"
    period = db.session.scalars(select(WorkPeriod).where(WorkPeriod.worker_id == worker.id)).one()
    assert (period.started_on, period.import_job_id, period.counts) == (date(2022, 3, 1), job.id, True)


def test_a_results_file_with_a_diploma_opens_intermediate_worker_for_a_technical_school_graduate(setting, ids):
    register(setting, [worker_row(ids[0], "陈一")])

    job = setting.run([result_row(setting, ids[0], "陈一", level="中级工", school="技工学校", stream="中级工班",
                                  current="是")], headers=COHORT_RESULT_HEADERS)

    assert job.status is ImportStatus.COMMITTED, job.errors
    worker = by_number(setting, ids[0])
    assert db.session.scalar(select(Certificate).where(Certificate.worker_id == worker.id)).level == "intermediate"
    diploma = db.session.scalars(select(Diploma).where(Diploma.worker_id == worker.id)).one()
    assert diploma.major_occupation.code == OCCUPATION and diploma.is_current_graduate


# ---------------------------------------------------------------- the headline: a cohort from file to certificates

def test_a_new_cohort_goes_from_three_files_to_certificates_and_a_bare_claim_is_refused_with_the_reason(
        setting, ids, make_institution, make_user):
    """Issue 14: every row of a new cohort was refused "还需累计从事本职业 1 年" because nothing could record
    their work. Now: register them, import their work history, import their results: certificates."""
    employer = make_institution("苏州新建机械厂", kind=InstitutionKind.ENTERPRISE)
    names = ["周一", "周二", "周三"]
    cohort = register(setting, [worker_row(n, name, employer=employer.name, groups="农村转移劳动力 2023-06-01")
                                for n, name in zip(ids, names, strict=False)])
    assert cohort.status is ImportStatus.COMMITTED and cohort.rows_created == 3, cohort.errors
    worked = history(setting, [history_row(ids[0], employer=employer.name, start="2022-01-10"),
                               history_row(ids[1], employer=employer.name, start="2023-05-01")])
    assert worked.status is ImportStatus.COMMITTED, worked.errors
    # The third only claims their work themself: unverified, so it does not count.
    third = by_number(setting, ids[2])
    me = make_user("worker", worker=third)
    record_work_period(db.session(), worker=third, occupation=find_occupation(db.session(), OCCUPATION),
                       started_on=date(2021, 1, 1), employer=employer, by=me, today=date(2025, 1, 15))
    db.session.commit()

    rows = [[n, name, OCCUPATION, "初级工", "2024-07-01", "85", "78", "", ""] for n, name in zip(ids, names, strict=False)]
    refused = setting.run(rows)
    assert refused.status is ImportStatus.REJECTED
    assert [(r, c) for r, c, _ in problems(refused)] == [(4, "等级")]
    assert "不符合初级工" in problems(refused)[0][2] and "还需累计从事本职业 1 年" in problems(refused)[0][2]

    issued = setting.run(rows[:2])

    assert issued.status is ImportStatus.COMMITTED, issued.errors
    holders = {c.worker_id for c in db.session.scalars(select(Certificate))
               if c.level == "junior" and c.route.value == "regular"}
    assert holders == {by_number(setting, ids[0]).id, by_number(setting, ids[1]).id}

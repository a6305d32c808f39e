"""Bulk import of appraisal results: every failure mode reported by row and column, all-or-nothing commits,
idempotent re-uploads, and the rules of one-by-one entry (pass rule, accreditation, eligibility, numbers)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials.errors import Conflict, ImportRejected
from credentials.imports.jobs import commit_import, create_import, run_import
from credentials.models import (
    AppraisalResult,
    AuditEvent,
    Certificate,
    ImportFile,
    ImportJob,
    ImportStatus,
    Occupation,
)
from credentials.services.audit import verify_chain
from credentials.services.certificates import number_series
from tests.conftest import national_id
from tests.import_fixtures import (
    RESULT_HEADERS,
    count,
    csv_bytes,
    problems,
    xlsx_bytes,
)


def written() -> tuple[int, int]:
    return count(AppraisalResult), count(Certificate)


def test_a_valid_file_commits_every_row_and_issues_a_certificate_for_each_pass(setting):
    job = setting.run([setting.result(0), setting.result(1, theory="55"), setting.result(2)])

    assert job.status is ImportStatus.COMMITTED, job.errors
    assert (job.rows_total, job.rows_created, job.rows_existing, job.error_count) == (3, 3, 0, 0)
    results = db.session.scalars(select(AppraisalResult).order_by(AppraisalResult.id)).all()
    assert [r.passed for r in results] == [True, False, True]
    assert results[1].certificate_id is None and {r.import_job_id for r in results} == {job.id}
    series = number_series(setting.institution, 5, date(2024, 7, 1))
    assert [r.certificate.number for r in (results[0], results[2])] == [series.number(1), series.number(2)]
    certificate = results[0].certificate
    assert certificate.issued_on == date(2024, 7, 1) and certificate.route.value == "regular"


def test_one_audit_event_per_created_record_keeps_the_chain_intact(setting):
    job = setting.run([setting.result(0), setting.result(1, theory="55")])

    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-4:] == ["certificate.issued", "appraisal.recorded", "appraisal.recorded",
                            "import.committed"]
    committed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import.committed")).one()
    assert committed.entity_id == str(job.id) and committed.after["sha256"] == job.file_sha256
    assert committed.actor_id == setting.staff.id
    assert verify_chain(db.session()).ok


def test_wrong_encoding_rejects_the_file_with_advice_and_writes_nothing(setting):
    job = setting.run([], data="身份证号,姓名\n".encode() + b"\x80\xff\xfe\x81\r\n")

    assert job.status is ImportStatus.REJECTED
    assert problems(job) == [(None, "", job.errors[0]["message_zh"])]
    assert "文件编码无法识别" in job.errors[0]["message_zh"] and written() == (0, 0)


def test_a_missing_column_rejects_the_file_and_names_the_column(setting):
    headers = [h for h in RESULT_HEADERS if h != "操作技能考核成绩"]
    row = setting.result(0)
    del row[6]

    job = setting.run([row], headers=headers)

    assert job.status is ImportStatus.REJECTED
    assert "操作技能考核成绩" in job.errors[0]["message_zh"]
    assert "Practical assessment score" in job.errors[0]["message_en"]


def _other_occupation_not_appraised() -> str:
    return db.session.scalar(select(Occupation.code).where(Occupation.code.startswith("2-")).limit(1))


@pytest.mark.parametrize(("change", "column", "words"), [
    ({"national": "110105194912310021"}, "身份证号", "校验位"),
    ({"national": "ID-NUMBER"}, "身份证号", "身份证号"),
    ({"national": national_id(date(1970, 1, 1), 899)}, "身份证号", "尚未登记"),
    ({"name": "王大明"}, "姓名", "姓名与该身份证号的登记信息不符"),
    ({"occupation": "6-99-99-99"}, "职业编码", "未知的职业编码"),
    ({"occupation": "618-01"}, "职业编码", "6-18-01-01"),
    ({"level": "技师", "review": "80"}, "等级", "未获准"),
    ({"level": "特级"}, "等级", "无法识别的等级"),
    ({"theory": "105"}, "理论知识考试成绩", "0 到 100"),
    ({"practical": "-1"}, "操作技能考核成绩", "0 到 100"),
    ({"theory": "八十五"}, "理论知识考试成绩", "不是数字"),
    ({"exam": "2025-02-01"}, "考试日期", "不能晚于今天"),
    ({"exam": "2024-13-01"}, "考试日期", "2024-07-01"),
    ({"exam": ""}, "考试日期", "必填"),
    ({"number": "ABC#123"}, "证书编号", "证书编号无效"),
    ({"number": "S000032000001244000001"}, "证书编号", "等级位"),
    ({"number": "S000032000001235000001"}, "证书编号", "年份"),
    ({"number": "S000032000001245000001", "theory": "40"}, "证书编号", "未通过"),
])
def test_each_bad_row_is_reported_by_row_and_column_and_nothing_is_written(setting, change, column, words):
    job = setting.run([setting.result(0), setting.result(1, **change)])

    assert job.status is ImportStatus.REJECTED
    assert job.error_count == 1, job.errors
    (row, found_column, message), = problems(job)
    assert (row, found_column) == (3, column) and words in message, message
    assert written() == (0, 0)


def test_a_level_the_occupation_is_not_appraised_at_is_refused(setting):
    job = setting.run([setting.result(0, occupation=_other_occupation_not_appraised())])

    assert job.status is ImportStatus.REJECTED and "不开展" in problems(job)[0][2]


def test_the_offending_national_id_is_shown_masked(setting):
    job = setting.run([setting.result(0, national="110105194912310021")])

    assert job.errors[0]["value"] == "110105********0021"


def test_a_worker_not_eligible_on_the_regular_route_is_refused_with_what_is_missing(setting, make_worker):
    newcomer = national_id(date(2000, 5, 5))
    make_worker(name="周杰", id_number=newcomer)

    job = setting.run([setting.result(0, national=newcomer, name="周杰")])

    (row, column, message), = problems(job)
    assert (row, column) == (2, "等级") and "不符合初级工（五级）申报条件" in message and "1 年" in message


@pytest.fixture
def veteran(setting):
    """Worker 0 has also worked in the occupation from 2005 to 2014: Intermediate by years alone in 2019."""
    from credentials.models import WorkPeriod
    from credentials.services.reference import find_occupation

    occupation = find_occupation(db.session(), "6-18-01-01")
    db.session.add(WorkPeriod(worker_id=setting.workers[0][0].id, occupation=occupation,
                              started_on=date(2005, 1, 1), ended_on=date(2014, 12, 31)))
    db.session.commit()
    return setting


def test_a_level_passed_earlier_in_the_same_file_counts_towards_the_next_one(veteran):
    """Senior Worker needs Intermediate + 5 years: the Intermediate passed in 2019 is in the same file."""
    rows = [veteran.result(0, level="高级工", exam="2024-07-01"),
            veteran.result(0, level="中级工", exam="2019-07-01")]

    job = veteran.run(rows)

    assert job.status is ImportStatus.COMMITTED, job.errors
    assert sorted(db.session.scalars(select(Certificate.level))) == ["intermediate", "senior"]


def test_without_the_earlier_level_the_next_one_is_refused(veteran):
    job = veteran.run([veteran.result(0, level="高级工", exam="2024-07-01")])

    assert job.status is ImportStatus.REJECTED and "需先取得中级工" in problems(job)[0][2]


def test_duplicate_rows_in_one_file_are_reported_against_the_first(setting):
    job = setting.run([setting.result(0), setting.result(1), setting.result(0, theory="90")])

    assert problems(job) == [(4, "身份证号", "与第 2 行重复（身份证号、职业、等级和考试日期相同）")]


def test_one_bad_row_among_many_writes_nothing_at_all(setting):
    rows = [setting.result(i % 4, exam=f"2024-07-{1 + i // 4:02d}", theory="85" if i < 4 else "50")
            for i in range(40)]  # the first sittings pass; the retakes fail, so each is a new record
    rows.append(setting.result(0, theory="101"))
    events_before = count(AuditEvent)

    job = setting.run(rows)

    assert job.status is ImportStatus.REJECTED and job.error_count == 1
    assert written() == (0, 0)
    assert count(AuditEvent) == events_before + 2  # import.created and import.rejected: the job's own history


def test_a_dry_run_checks_everything_and_writes_nothing(setting):
    job = setting.run([setting.result(0), setting.result(1, theory="40")], dry_run=True)

    assert job.status is ImportStatus.VALIDATED
    assert (job.rows_created, job.error_count) == (2, 0)
    assert written() == (0, 0)


def test_committing_a_dry_run_reuses_the_stored_file(setting):
    job = setting.run([setting.result(0), setting.result(1)], dry_run=True)

    commit_import(db.session(), job, by=setting.staff)
    db.session.commit()
    job = run_import(db.session(), job.id, vault=setting.vault, today=date(2025, 1, 15))

    assert job.status is ImportStatus.COMMITTED and not job.dry_run
    assert written() == (2, 2) and count(ImportFile) == 1


@pytest.mark.parametrize("dry_run", [True, False])
def test_only_a_dry_run_that_passed_can_be_committed(setting, dry_run):
    job = setting.run([setting.result(0, theory="x")] if dry_run else [setting.result(0)], dry_run=dry_run)

    with pytest.raises(Conflict):
        commit_import(db.session(), job, by=setting.staff)


def test_a_finished_job_is_never_run_twice(setting):
    job = setting.run([setting.result(0)])

    again = run_import(db.session(), job.id, vault=setting.vault)

    assert again.status is ImportStatus.COMMITTED and written() == (1, 1)


def test_uploading_the_same_file_again_creates_no_duplicates_and_says_how_many_were_there(setting):
    rows = [setting.result(0), setting.result(1, theory="50"), setting.result(2)]
    setting.run(rows)

    again = setting.run(rows)

    assert again.status is ImportStatus.COMMITTED
    assert (again.rows_created, again.rows_existing) == (0, 3)
    assert written() == (3, 2)


def test_overlapping_rows_create_only_the_new_ones(setting):
    setting.run([setting.result(0), setting.result(1)])

    job = setting.run([setting.result(1), setting.result(2), setting.result(3)])

    assert (job.rows_created, job.rows_existing) == (2, 1)
    assert written() == (4, 4)


def test_a_sitting_on_record_with_other_scores_is_refused_not_overwritten(setting):
    setting.run([setting.result(0)])

    job = setting.run([setting.result(0, theory="95")])

    assert job.status is ImportStatus.REJECTED
    assert problems(job)[0][1] == "理论知识考试成绩" and "不会改写" in problems(job)[0][2]
    assert db.session.scalar(select(AppraisalResult.theory_score)) == 85


def test_a_number_of_an_unknown_scheme_is_flagged_for_review_not_rejected(setting):
    job = setting.run([setting.result(0, number="3100000012345"), setting.result(1)])

    assert job.status is ImportStatus.COMMITTED and job.rows_flagged == 1
    flagged = db.session.scalar(select(Certificate).where(Certificate.number == "3100000012345"))
    assert flagged.needs_review and flagged.number_scheme == "unknown"
    assert problems(job, "warning") == [(2, "证书编号", "证书编号不属于已知的全国编码规则，已标记待核")]


def test_numbers_taken_or_repeated_in_the_file_are_refused(setting, make_certificate):
    make_certificate(setting.workers[3][0], setting.institution, number="S000032000001245000007",
                     issued_on=date(2024, 7, 1))

    job = setting.run([setting.result(0, number="S000032000001245000007"),
                       setting.result(1, number="S000032000001245000009"),
                       setting.result(2, number="S000032000001245000009")])

    assert [(row, message) for row, _, message in problems(job)] == [
        (2, "证书编号 S000032000001245000007 已存在"), (4, "证书编号与第 3 行重复")]


def test_new_numbers_continue_the_institution_series_after_its_last_one(setting, make_certificate):
    series = number_series(setting.institution, 5, date(2024, 7, 1))
    make_certificate(setting.workers[3][0], setting.institution, number=series.number(41),
                     issued_on=date(2024, 7, 1))

    setting.run([setting.result(0), setting.result(1, number=series.number(42)), setting.result(2)])

    numbers = sorted(db.session.scalars(select(Certificate.number)))
    assert numbers == [series.number(41), series.number(42), series.number(43), series.number(44)]


def test_xlsx_formula_cells_are_refused_with_their_cell_reference(setting):
    data = xlsx_bytes(RESULT_HEADERS, setting.result(0)[:5] + ["=40+45", 78])

    job = setting.run([], data=data, filename="成绩.xlsx")

    assert job.file_format == "xlsx"
    assert problems(job) == [
        (2, "理论知识考试成绩", "单元格 F2 是公式（=40+45）：请复制后“粘贴为数值”再导入")]


def test_xlsx_ids_that_excel_turned_into_numbers_are_refused_with_advice(setting):
    data = xlsx_bytes(RESULT_HEADERS, [3.20505198503081e17, *setting.result(0)[1:]])

    job = setting.run([], data=data)

    assert problems(job)[0][1] == "身份证号" and "文本" in problems(job)[0][2]


def test_xlsx_with_numbers_dates_and_gb18030_csv_import_the_same(setting):
    row = [setting.id_of(0), "王小明", "6-18-01-01", "五级", date(2024, 7, 1), 85, 78.5]
    data = xlsx_bytes(RESULT_HEADERS, row)

    job = setting.run([], data=data)

    assert job.status is ImportStatus.COMMITTED
    assert db.session.scalar(select(AppraisalResult.practical_score)) == 78.5


def test_an_unexpected_error_rolls_everything_back_and_marks_the_job_failed(setting, monkeypatch):
    from credentials.imports import loader

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(loader, "record_many", explode)  # after certificates and results were inserted

    job = setting.run([setting.result(0), setting.result(1)])

    assert job.status is ImportStatus.FAILED and job.failure == "unexpected_failure"
    assert written() == (0, 0)


def test_a_concurrent_writer_of_the_same_rows_makes_the_job_fail_cleanly(setting, monkeypatch):
    from credentials.imports import validate_results

    setting.run([setting.result(0, theory="50")])
    # as if the rows were read before another writer's identical rows landed
    monkeypatch.setattr(validate_results, "existing_results", lambda session, ids: {})

    job = setting.run([setting.result(0, theory="50"), setting.result(1)])

    assert job.status is ImportStatus.FAILED and job.failure == "concurrent_write"
    assert written() == (1, 0)


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty_file"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "xls_not_supported")])
def test_an_upload_that_cannot_be_a_table_is_refused_before_any_job_exists(setting, data, code):
    with pytest.raises(ImportRejected) as caught:
        create_import(db.session(), kind="appraisal_results", institution=setting.institution,
                      file_bytes=data, filename="x", dry_run=True, by=setting.staff, vault=setting.vault)

    assert caught.value.code == code and caught.value.field == "file"


def test_an_unknown_kind_is_refused(setting):
    with pytest.raises(ImportRejected) as caught:
        create_import(db.session(), kind="diplomas", institution=setting.institution, file_bytes=b"a,b\n",
                      filename="x.csv", dry_run=True, by=setting.staff, vault=setting.vault)

    assert caught.value.field == "kind"


def test_the_file_name_is_kept_as_data_without_paths_or_hidden_controls(setting):
    job = create_import(db.session(), kind="appraisal_results", institution=setting.institution,
                        file_bytes=csv_bytes(RESULT_HEADERS), filename="C:\\考核\\..\\成绩\u202egpj.csv",
                        dry_run=True, by=setting.staff, vault=setting.vault)

    assert job.filename == "成绩gpj.csv" and len(job.file_sha256) == 64 and job.file_size > 0


def test_progress_written_by_the_job_is_visible_to_other_connections_at_once(setting):
    from sqlalchemy.orm import Session

    from credentials.imports.jobs import ProgressWriter

    job = create_import(db.session(), kind="appraisal_results", institution=setting.institution,
                        file_bytes=csv_bytes(RESULT_HEADERS), filename="x.csv", dry_run=True,
                        by=setting.staff, vault=setting.vault)
    db.session.commit()
    db.session.scalar(select(AppraisalResult.id))  # the job's own session is reading, as while it checks rows
    writer = ProgressWriter(db.session(), job.id)
    writer.start(5_000)
    writer._write(1_200, force=True)

    with Session(db.engine) as elsewhere:
        seen = elsewhere.scalars(select(ImportJob.rows_done).where(ImportJob.id == job.id)).one()
    assert seen == 1_200


def test_bulk_audit_events_continue_the_same_chain_as_single_ones_in_order(setting):
    from credentials.services.audit import NewEvent, record, record_many

    record(db.session(), actor=None, action="before.bulk", entity_type="thing", entity_id=0)
    events = [NewEvent("bulk.event", "thing", n, after={"n": n}, before={"was": n} if n % 3 == 0 else None)
              for n in range(1, 8)]
    appended = record_many(db.session(), actor=setting.staff, events=events, chunk=2)
    record(db.session(), actor=None, action="after.bulk", entity_type="thing", entity_id=9)
    db.session.commit()

    trail = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert appended == 7 and verify_chain(db.session()).ok
    assert [e.entity_id for e in trail if e.entity_type == "thing"] == [str(n) for n in range(8)] + ["9"]
    assert trail[-2].before is None and trail[-6].before == {"was": 3}

"""Bulk import of training records: the rules of one-by-one entry, the city's subsidy schedule once per
person, occupation and level, and idempotent re-uploads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials.models import AuditEvent, ImportStatus, TargetGroup, TrainingRecord, WorkerTargetGroup
from credentials.services.audit import verify_chain
from tests.import_fixtures import TRAINING_HEADERS, count, problems

KIND = "training_records"


@pytest.fixture
def migrant(setting):
    """Worker 0 is a rural migrant worker since 2020: Suzhou subsidises their employment skills training."""
    db.session.add(WorkerTargetGroup(worker_id=setting.workers[0][0].id, group=TargetGroup.RURAL_MIGRANT,
                                     valid_from=date(2020, 1, 1)))
    db.session.commit()
    return setting


def records() -> list[TrainingRecord]:
    db.session.expire_all()
    statement = select(TrainingRecord).order_by(TrainingRecord.started_on, TrainingRecord.id)
    return db.session.scalars(statement).all()


def test_training_rows_are_recorded_with_the_subsidy_the_city_schedule_gives(migrant):
    job = migrant.run([migrant.training(0), migrant.training(1)], kind=KIND)

    assert job.status is ImportStatus.COMMITTED, job.errors
    first, second = sorted(records(), key=lambda r: r.worker_id)
    assert (first.subsidy_eligible, first.subsidy_amount, first.subsidy_rule) == (True, Decimal(800),
                                                                                   "3205-2019.employment")
    assert (second.subsidy_eligible, second.subsidy_rule) == (False, "not_in_group:3205-2019.employment")
    assert (first.form.value, first.outcome.value) == ("order_based", "completed")
    assert first.import_job_id == job.id


def test_the_subsidy_goes_once_per_level_to_the_first_enrolment_even_within_one_file(migrant):
    rows = [migrant.training(0, start="2024-09-01", end="2024-11-30"), migrant.training(0)]

    migrant.run(rows, kind=KIND)

    earlier, later = records()
    assert earlier.subsidy_eligible and not later.subsidy_eligible
    assert later.subsidy_rule == "already_subsidised"


def test_a_subsidy_granted_by_an_earlier_file_counts_for_a_later_one(migrant):
    migrant.run([migrant.training(0)], kind=KIND)

    migrant.run([migrant.training(0, start="2024-09-01", end="2024-11-30")], kind=KIND)

    assert [r.subsidy_rule for r in records()] == ["3205-2019.employment", "already_subsidised"]


@pytest.mark.parametrize(("change", "column", "words"), [
    ({"hours": "20000"}, "学时", "0 到 10,000"),
    ({"hours": "12.5"}, "学时", "整数"),
    ({"end": "2024-02-01"}, "结业日期", "不能早于开始日期"),
    ({"kind": "夜校"}, "培训类型", "无法识别的培训类型"),
    ({"end": ""}, "结业日期", "须填写结业日期"),
    ({"outcome": "在训"}, "结业日期", "只有已结业"),
    ({"start": "2025-03-01", "end": "", "outcome": "在训"}, "开班日期", "不能晚于今天"),
    ({"level": "技师"}, "培训等级", "未获准开展"),
])
def test_each_rule_a_training_row_breaks_lands_on_its_column_and_nothing_is_written(setting, change, column,
                                                                                    words):
    job = setting.run([setting.training(0), setting.training(1, **change)], kind=KIND)

    assert job.status is ImportStatus.REJECTED and job.error_count == 1, job.errors
    (row, found_column, message), = problems(job)
    assert (row, found_column) == (3, column) and words in message, message
    assert count(TrainingRecord) == 0


def test_the_outcome_left_empty_follows_the_completion_date(setting):
    setting.run([setting.training(0, outcome=""), setting.training(1, end="", outcome="")], kind=KIND)

    assert sorted((r.worker_id, r.outcome.value) for r in records()) == [
        (setting.workers[0][0].id, "completed"), (setting.workers[1][0].id, "enrolled")]


def test_columns_left_out_of_the_file_take_their_defaults(setting):
    headers = [h for h in TRAINING_HEADERS if h not in ("培训形式", "培训结果", "姓名")]
    row = setting.training(0)
    del row[9], row[5], row[1]

    job = setting.run([row], kind=KIND, headers=headers)

    assert job.status is ImportStatus.COMMITTED, job.errors
    assert (records()[0].form.value, records()[0].outcome.value) == ("other", "completed")


def test_uploading_training_again_counts_the_rows_already_there(setting):
    rows = [setting.training(0), setting.training(1)]
    setting.run(rows, kind=KIND)

    again = setting.run([*rows, setting.training(2)], kind=KIND)

    assert (again.status, again.rows_created, again.rows_existing) == (ImportStatus.COMMITTED, 1, 2)
    assert count(TrainingRecord) == 3


def test_a_training_on_record_with_other_hours_is_refused_not_overwritten(setting):
    setting.run([setting.training(0)], kind=KIND)

    job = setting.run([setting.training(0, hours="200")], kind=KIND)

    assert problems(job)[0][1] == "学时" and [r.hours for r in records()] == [120]


def test_each_training_record_gets_its_audit_event_and_the_chain_holds(setting):
    job = setting.run([setting.training(0), setting.training(1)], kind=KIND)

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "training.recorded")).all()
    assert sorted(int(e.entity_id) for e in events) == sorted(r.id for r in records())
    assert events[0].after["occupation"] == "6-18-01-01" and events[0].after["hours"] == 120
    assert verify_chain(db.session()).ok and job.rows_created == 2


@pytest.mark.parametrize(("change", "column"), [
    ({"form": "函授"}, "培训形式"),
    ({"outcome": "已毕业"}, "培训结果"),
    ({"end": "2024-13-40", "outcome": ""}, "结业日期"),
])
def test_an_unreadable_choice_or_date_is_reported_on_its_row_not_a_failed_job(migrant, change, column):
    job = migrant.run([migrant.training(0, **change)], kind=KIND)

    assert job.status is ImportStatus.REJECTED, (job.status, job.failure)
    assert [(row, col) for row, col, _ in problems(job)] == [(2, column)]
    assert count(TrainingRecord) == 0

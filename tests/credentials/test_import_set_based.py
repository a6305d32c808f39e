"""Imports are set-based: the statements a file costs do not grow with its rows (every kind), and the rules judged
once per distinct sitting still report every row that breaks them, by its own row number."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from app.extensions import db
from credentials.models import ImportStatus
from tests.conftest import national_id
from tests.credentials.test_imports_cohort import HISTORY_HEADERS, WORKER_HEADERS, history_row, worker_row
from tests.import_fixtures import OCCUPATION, TRAINING_HEADERS, problems


@contextmanager
def counted():
    """The statements sent to the database, less the job's progress writes (made on a timer, not per row)."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip().upper().startswith("UPDATE IMPORT_JOBS"):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def _cohort(setting, size: int, day: int) -> dict[str, int]:
    """Register `size` new workers, record their work, then their results and training: statements per kind."""
    numbers = [national_id(date(2001, 1, day), sequence=index) for index in range(size)]
    files = {
        "workers": ([worker_row(n) for n in numbers], WORKER_HEADERS),
        "work_history": ([history_row(n, start="2015-01-01") for n in numbers], HISTORY_HEADERS),
        "appraisal_results": ([[n, "新学员", OCCUPATION, "初级工", "2024-07-01", "85", "78", "", ""] for n in numbers],
                              None),
        "training_records": ([[n, "新学员", OCCUPATION, "初级工", "就业技能培训", "订单式培训", "120", "2024-03-01",
                               "2024-06-28", "结业"] for n in numbers], TRAINING_HEADERS),
    }
    statements = {}
    for kind, (rows, headers) in files.items():
        with counted() as sent:
            job = setting.run(rows, kind=kind, headers=headers)
        assert job.status is ImportStatus.COMMITTED and job.rows_created == size, (kind, job.errors)
        statements[kind] = len(sent)
    return statements


def test_no_kind_of_import_costs_more_statements_for_more_rows(setting):
    small = _cohort(setting, 3, day=1)
    large = _cohort(setting, 12, day=2)

    assert large == small


def test_a_sitting_judged_once_is_still_reported_on_every_row_that_breaks_a_rule(setting):
    job = setting.run([setting.result(0, theory="101"), setting.result(1, theory="101"), setting.result(2, theory="101")])

    assert job.status is ImportStatus.REJECTED
    assert [(row, column) for row, column, _ in problems(job)] == [(2, "理论知识考试成绩"), (3, "理论知识考试成绩"),
                                                                    (4, "理论知识考试成绩")]


def test_the_same_failing_scores_are_refused_only_where_a_certificate_number_is_given(setting):
    job = setting.run([setting.result(0, theory="55", number="S000032000001024500001"), setting.result(1, theory="55")],
                      dry_run=True)

    assert [(row, column) for row, column, _ in problems(job)] == [(2, "证书编号")]

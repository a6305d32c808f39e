"""Read side of training records and appraisal results: statements scoped to what an account may see.

An institution sees what it recorded; a bureau officer what belongs to workers of the region; a worker
their own; an admin everything. Another's record is simply not found.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..models import AppraisalResult, TrainingOutcome, TrainingRecord, User, Worker
from .scopes import record_scope

_Record = TypeVar("_Record", AppraisalResult, TrainingRecord)


def _search(statement: Select[_Record], model: type[_Record], search: str | None, worker_id: int | None) -> Select[_Record]:
    if worker_id is not None:
        return statement.where(model.worker_id == worker_id)
    if search:
        term = search.strip()
        names = select(Worker.id).where(Worker.name.contains(term, autoescape=True))
        return statement.where(model.worker_id.in_(names))
    return statement


def results_for(user: User, *, search: str | None = None, worker_id: int | None = None,
                outcome: str | None = None) -> Select[AppraisalResult]:
    """Appraisal results, newest exam first; `outcome` is "passed" or "failed"."""
    statement = (
        select(AppraisalResult).where(record_scope(user, AppraisalResult))
        .options(selectinload(AppraisalResult.worker), selectinload(AppraisalResult.occupation),
                 selectinload(AppraisalResult.certificate), selectinload(AppraisalResult.institution))
        .order_by(AppraisalResult.exam_date.desc(), AppraisalResult.id.desc())
    )
    if outcome in ("passed", "failed"):
        statement = statement.where(AppraisalResult.passed == (outcome == "passed"))
    return _search(statement, AppraisalResult, search, worker_id)


def training_for(user: User, *, search: str | None = None, worker_id: int | None = None,
                 outcome: str | None = None, subsidised: bool | None = None) -> Select[TrainingRecord]:
    """Training records, latest enrolment first."""
    statement = (
        select(TrainingRecord).where(record_scope(user, TrainingRecord))
        .options(selectinload(TrainingRecord.worker), selectinload(TrainingRecord.occupation),
                 selectinload(TrainingRecord.institution))
        .order_by(TrainingRecord.started_on.desc(), TrainingRecord.id.desc())
    )
    if outcome in {o.value for o in TrainingOutcome}:
        statement = statement.where(TrainingRecord.outcome == TrainingOutcome(outcome))
    if subsidised is not None:
        statement = statement.where(TrainingRecord.subsidy_eligible == subsidised)
    return _search(statement, TrainingRecord, search, worker_id)


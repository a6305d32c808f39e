"""A worker's history as the plain value that ladder/ reasons over, loaded in bulk (no N+1).

Only facts that count go in: valid certificates, completed training, and the current, attested work periods,
diplomas, apprenticeships and titles (a worker's unverified claim waits for an official; a corrected or
withdrawn row is history, not a fact).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from ladder.eligibility import Diploma as DiplomaFact
from ladder.eligibility import HeldLevel, WorkerHistory
from ladder.eligibility import TrainingRecord as TrainingFact
from ladder.eligibility import WorkPeriod as WorkFact
from ladder.history import HeldTitle

from ..bulk import bound_one_of, bound_values, in_list_batches
from ..models import (
    Apprenticeship,
    Attestation,
    Certificate,
    CertificateRoute,
    CertificateStatus,
    Diploma,
    FactState,
    Occupation,
    ProfessionalTitle,
    TrainingOutcome,
    TrainingRecord,
    WorkPeriod,
)

APPRENTICE = "apprentice"  # 学徒期满 is holding the apprentice level from the term's end (conditions-*.toml)
WORKER_IDS = "worker_ids"  # the parameter of the statements below


def counting(model: Any) -> ColumnElement[bool]:
    """The facts eligibility reads: current (not corrected, not withdrawn) and attested (not a bare claim)."""
    return and_(model.state == FactState.CURRENT, model.attestation == Attestation.ATTESTED)


@dataclass(frozen=True)
class _HistoryStatements:
    held: Select[int, str, str, date, CertificateRoute]
    apprenticeships: Select[int, str, date | None]
    work: Select[int, str, str, date, date | None]
    training: Select[int, str, str, int, date | None]
    diplomas: Select[int, str, str, str, date | None, bool]
    titles: Select[int, str, str, date]


@functools.cache
def _statements(dialect: str) -> _HistoryStatements:
    """The six statements, built once per dialect with the worker ids bound at execution: building them is most of
    the Python time of one worker's history (every worker page, every eligibility check reads one)."""
    def of_workers(column: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        return bound_one_of(dialect, column, WORKER_IDS)

    related, major = aliased(Occupation), aliased(Occupation)
    return _HistoryStatements(
        held=select(Certificate.worker_id, Occupation.code, Certificate.level, Certificate.issued_on, Certificate.route)
        .join(Occupation, Occupation.id == Certificate.occupation_id)
        .where(of_workers(Certificate.worker_id), Certificate.status == CertificateStatus.VALID),
        apprenticeships=select(Apprenticeship.worker_id, Occupation.code, Apprenticeship.ended_on)
        .join(Occupation, Occupation.id == Apprenticeship.occupation_id)
        .where(of_workers(Apprenticeship.worker_id), counting(Apprenticeship), Apprenticeship.completed),
        work=select(WorkPeriod.worker_id, Occupation.code, related.code, WorkPeriod.started_on, WorkPeriod.ended_on)
        .join(Occupation, Occupation.id == WorkPeriod.occupation_id)
        .outerjoin(related, related.id == WorkPeriod.related_to_id)
        .where(of_workers(WorkPeriod.worker_id), counting(WorkPeriod)),
        training=select(TrainingRecord.worker_id, Occupation.code, TrainingRecord.target_level, TrainingRecord.hours,
                        TrainingRecord.completed_on)
        .join(Occupation, Occupation.id == TrainingRecord.occupation_id)
        .where(of_workers(TrainingRecord.worker_id), TrainingRecord.outcome == TrainingOutcome.COMPLETED),
        diplomas=select(Diploma.worker_id, Diploma.school_type, Diploma.stream, major.code, Diploma.graduated_on,
                        Diploma.is_current_graduate)
        .outerjoin(major, major.id == Diploma.major_occupation_id)
        .where(of_workers(Diploma.worker_id), counting(Diploma)),
        titles=select(ProfessionalTitle.worker_id, ProfessionalTitle.series, ProfessionalTitle.grade,
                      ProfessionalTitle.obtained_on)
        .where(of_workers(ProfessionalTitle.worker_id), counting(ProfessionalTitle)),
    )


def histories_for(session: Session, worker_ids: Iterable[int]) -> dict[int, WorkerHistory]:
    """Six queries whatever the number of workers; revoked certificates never count."""
    ids = list(set(worker_ids))
    held: defaultdict[int, list[HeldLevel]] = defaultdict(list)
    work: defaultdict[int, list[WorkFact]] = defaultdict(list)
    training, diplomas, titles = (defaultdict(list) for _ in range(3))
    dialect = session.get_bind().dialect.name
    statements = _statements(dialect)
    for chunk in in_list_batches(session, ids):
        bound = {WORKER_IDS: bound_values(dialect, chunk)}
        for worker_id, code, level, issued_on, route in session.execute(statements.held, bound):
            held[worker_id].append(HeldLevel(code, level, issued_on, route.value))
        for worker_id, code, ended_on in session.execute(statements.apprenticeships, bound):
            if ended_on is not None:  # a completed apprenticeship has ended (the table's check)
                held[worker_id].append(HeldLevel(code, APPRENTICE, ended_on))
        for worker_id, code, related_code, started_on, ended_on in session.execute(statements.work, bound):
            work[worker_id] += [WorkFact(c, started_on, ended_on) for c in (code, related_code) if c is not None]
        for worker_id, code, target, hours, completed_on in session.execute(statements.training, bound):
            training[worker_id].append(TrainingFact(code, target, hours, completed_on))
        for worker_id, school_type, stream, major_code, graduated_on, is_current in session.execute(
                statements.diplomas, bound):
            diplomas[worker_id].append(DiplomaFact(school_type, stream, major_code, graduated_on, is_current))
        for worker_id, series, grade, obtained_on in session.execute(statements.titles, bound):
            titles[worker_id].append(HeldTitle(series, grade, obtained_on))
    return {
        worker_id: WorkerHistory(
            held_levels=tuple(sorted(held[worker_id], key=lambda h: h.reached_on)),
            work_periods=tuple(sorted(work[worker_id], key=lambda w: w.start)),
            training=tuple(training[worker_id]),
            diplomas=tuple(diplomas[worker_id]),
            titles=tuple(sorted(titles[worker_id], key=lambda t: t.obtained_on)),
        )
        for worker_id in ids
    }


def history_of(session: Session, worker_id: int) -> WorkerHistory:
    return histories_for(session, [worker_id])[worker_id]

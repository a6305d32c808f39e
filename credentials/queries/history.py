"""A worker's history as the plain value that ladder/ reasons over, loaded in bulk (no N+1).

Only facts that count go in: valid certificates, completed training, and the current, attested work periods,
diplomas, apprenticeships and titles (a worker's unverified claim waits for an official; a corrected or
withdrawn row is history, not a fact).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, aliased

from ladder.eligibility import Diploma as DiplomaFact
from ladder.eligibility import HeldLevel, WorkerHistory
from ladder.eligibility import TrainingRecord as TrainingFact
from ladder.eligibility import WorkPeriod as WorkFact
from ladder.history import HeldTitle

from ..bulk import in_list_batches, one_of
from ..models import (
    Apprenticeship,
    Attestation,
    Certificate,
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


def counting(model: Any) -> ColumnElement[bool]:
    """The facts eligibility reads: current (not corrected, not withdrawn) and attested (not a bare claim)."""
    return and_(model.state == FactState.CURRENT, model.attestation == Attestation.ATTESTED)


def histories_for(session: Session, worker_ids: Iterable[int]) -> dict[int, WorkerHistory]:
    """Six queries whatever the number of workers; revoked certificates never count."""
    ids = list(set(worker_ids))
    held: defaultdict[int, list[HeldLevel]] = defaultdict(list)
    work: defaultdict[int, list[WorkFact]] = defaultdict(list)
    training, diplomas, titles = (defaultdict(list) for _ in range(3))
    related = aliased(Occupation)
    for chunk in in_list_batches(session, ids):
        for worker_id, code, level, issued_on, route in session.execute(
            select(Certificate.worker_id, Occupation.code, Certificate.level, Certificate.issued_on, Certificate.route)
            .join(Occupation, Occupation.id == Certificate.occupation_id)
            .where(one_of(session, Certificate.worker_id, chunk), Certificate.status == CertificateStatus.VALID)
        ):
            held[worker_id].append(HeldLevel(code, level, issued_on, route.value))
        for worker_id, code, ended_on in session.execute(
            select(Apprenticeship.worker_id, Occupation.code, Apprenticeship.ended_on)
            .join(Occupation, Occupation.id == Apprenticeship.occupation_id)
            .where(one_of(session, Apprenticeship.worker_id, chunk), counting(Apprenticeship), Apprenticeship.completed)
        ):
            if ended_on is not None:  # a completed apprenticeship has ended (the table's check)
                held[worker_id].append(HeldLevel(code, APPRENTICE, ended_on))
        for worker_id, code, related_code, started_on, ended_on in session.execute(
            select(WorkPeriod.worker_id, Occupation.code, related.code, WorkPeriod.started_on, WorkPeriod.ended_on)
            .join(Occupation, Occupation.id == WorkPeriod.occupation_id)
            .outerjoin(related, related.id == WorkPeriod.related_to_id)
            .where(one_of(session, WorkPeriod.worker_id, chunk), counting(WorkPeriod))
        ):
            work[worker_id] += [WorkFact(c, started_on, ended_on) for c in (code, related_code) if c is not None]
        for worker_id, code, target, hours, completed_on in session.execute(
            select(TrainingRecord.worker_id, Occupation.code, TrainingRecord.target_level, TrainingRecord.hours,
                   TrainingRecord.completed_on)
            .join(Occupation, Occupation.id == TrainingRecord.occupation_id)
            .where(one_of(session, TrainingRecord.worker_id, chunk), TrainingRecord.outcome == TrainingOutcome.COMPLETED)
        ):
            training[worker_id].append(TrainingFact(code, target, hours, completed_on))
        major = aliased(Occupation)
        for worker_id, school_type, stream, major_code, graduated_on, is_current in session.execute(
            select(Diploma.worker_id, Diploma.school_type, Diploma.stream, major.code, Diploma.graduated_on,
                   Diploma.is_current_graduate)
            .outerjoin(major, major.id == Diploma.major_occupation_id)
            .where(one_of(session, Diploma.worker_id, chunk), counting(Diploma))
        ):
            diplomas[worker_id].append(DiplomaFact(school_type, stream, major_code, graduated_on, is_current))
        for worker_id, series, grade, obtained_on in session.execute(
            select(ProfessionalTitle.worker_id, ProfessionalTitle.series, ProfessionalTitle.grade,
                   ProfessionalTitle.obtained_on)
            .where(one_of(session, ProfessionalTitle.worker_id, chunk), counting(ProfessionalTitle))
        ):
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

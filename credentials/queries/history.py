"""A worker's history as the plain value that ladder/ reasons over, loaded in bulk (no N+1)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ladder.eligibility import Diploma as DiplomaFact
from ladder.eligibility import HeldLevel, WorkerHistory
from ladder.eligibility import TrainingRecord as TrainingFact
from ladder.eligibility import WorkPeriod as WorkFact

from ..bulk import in_list_batches, one_of
from ..models import (
    Certificate,
    CertificateStatus,
    Diploma,
    Occupation,
    TrainingOutcome,
    TrainingRecord,
    WorkPeriod,
)


def histories_for(session: Session, worker_ids: Iterable[int]) -> dict[int, WorkerHistory]:
    """Four queries whatever the number of workers; revoked certificates never count."""
    ids = list(set(worker_ids))
    held, work, training, diplomas = (defaultdict(list) for _ in range(4))
    for chunk in in_list_batches(session, ids):
        for worker_id, code, level, issued_on, route in session.execute(
            select(Certificate.worker_id, Occupation.code, Certificate.level, Certificate.issued_on, Certificate.route)
            .join(Occupation, Occupation.id == Certificate.occupation_id)
            .where(one_of(session, Certificate.worker_id, chunk), Certificate.status == CertificateStatus.VALID)
        ):
            held[worker_id].append(HeldLevel(code, level, issued_on, route.value))
        for worker_id, code, started_on, ended_on in session.execute(
            select(WorkPeriod.worker_id, Occupation.code, WorkPeriod.started_on, WorkPeriod.ended_on)
            .join(Occupation, Occupation.id == WorkPeriod.occupation_id).where(one_of(session, WorkPeriod.worker_id, chunk))
        ):
            work[worker_id].append(WorkFact(code, started_on, ended_on))
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
            .outerjoin(major, major.id == Diploma.major_occupation_id).where(one_of(session, Diploma.worker_id, chunk))
        ):
            diplomas[worker_id].append(DiplomaFact(school_type, stream, major_code, graduated_on, is_current))
    return {
        worker_id: WorkerHistory(
            held_levels=tuple(sorted(held[worker_id], key=lambda h: h.reached_on)),
            work_periods=tuple(sorted(work[worker_id], key=lambda w: w.start)),
            training=tuple(training[worker_id]),
            diplomas=tuple(diplomas[worker_id]),
        )
        for worker_id in ids
    }


def history_of(session: Session, worker_id: int) -> WorkerHistory:
    return histories_for(session, [worker_id])[worker_id]


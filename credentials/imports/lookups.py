"""What validation needs from the database, read in bulk: one query per batch of rows, never one per row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ..bulk import in_list_batches, one_of
from ..models import (
    AppraisalResult,
    Certificate,
    Occupation,
    TrainingRecord,
    Worker,
    WorkerTargetGroup,
)
from ..services.reference import OCCUPATION_EDITION

SittingKey = tuple[int, int, str, date]  # (worker, occupation, level, exam date)
SittingScores = tuple[Decimal, Decimal, Decimal | None]  # (theory, practical, review)
EnrolmentKey = tuple[int, int, str, date]  # (worker, occupation, target level, start)
EnrolmentFacts = tuple[str, str, int, date | None, str]  # (type, form, hours, completed_on, outcome)


@dataclass
class KnownWorker:
    """The few facts of a registered worker that the rules read; `target_groups` duck-types Worker's."""

    id: int
    name: str
    city_code: str
    target_groups: list[WorkerTargetGroup] = field(default_factory=list)


def workers_by_hash(session: Session, hashes: Iterable[str]) -> dict[str, KnownWorker]:
    """The registered workers the rows' ID numbers name: a record merged into another answers as the survivor."""
    found = {}
    listed, standing = aliased(Worker), aliased(Worker)
    for batch in in_list_batches(session, set(hashes)):
        for worker_id, id_hash, name, city_code in session.execute(
            select(standing.id, listed.id_hash, standing.name, standing.city_code)
            .join(standing, standing.id == func.coalesce(listed.merged_into_id, listed.id))
            .where(one_of(session, listed.id_hash, batch))
        ):
            found[id_hash] = KnownWorker(worker_id, name, city_code)
    return found


def load_target_groups(session: Session, workers: Iterable[KnownWorker]) -> None:
    by_id = {worker.id: worker for worker in workers}
    for batch in in_list_batches(session, by_id):
        for group in session.scalars(select(WorkerTargetGroup).where(one_of(session, WorkerTargetGroup.worker_id, batch))):
            by_id[group.worker_id].target_groups.append(group)


def occupations_by_code(session: Session, codes: Iterable[str]) -> dict[str, Occupation]:
    found = {}
    for batch in in_list_batches(session, set(codes)):
        for occupation in session.scalars(
            select(Occupation).where(Occupation.edition == OCCUPATION_EDITION, one_of(session, Occupation.code, batch))
        ):
            found[occupation.code] = occupation
    return found


def existing_results(session: Session, worker_ids: Iterable[int]) -> dict[SittingKey, SittingScores]:
    """(worker, occupation, level, exam date) -> (theory, practical, review) of the sittings on record."""
    found: dict[SittingKey, SittingScores] = {}
    for batch in in_list_batches(session, set(worker_ids)):
        for worker_id, occupation_id, level, exam_date, theory, practical, review in session.execute(
            select(AppraisalResult.worker_id, AppraisalResult.occupation_id, AppraisalResult.level,
                   AppraisalResult.exam_date, AppraisalResult.theory_score, AppraisalResult.practical_score,
                   AppraisalResult.review_score).where(one_of(session, AppraisalResult.worker_id, batch))
        ):
            found[(worker_id, occupation_id, level, exam_date)] = (theory, practical, review)
    return found


def existing_training(session: Session, institution_id: int, worker_ids: Iterable[int]) -> dict[EnrolmentKey, EnrolmentFacts]:
    """(worker, occupation, target level, start) -> (type, form, hours, completed_on, outcome), at this
    institution."""
    found: dict[EnrolmentKey, EnrolmentFacts] = {}
    for batch in in_list_batches(session, set(worker_ids)):
        for worker_id, occupation_id, level, started_on, training_type, form, hours, completed_on, outcome in session.execute(
            select(TrainingRecord.worker_id, TrainingRecord.occupation_id, TrainingRecord.target_level,
                   TrainingRecord.started_on, TrainingRecord.training_type, TrainingRecord.form,
                   TrainingRecord.hours, TrainingRecord.completed_on, TrainingRecord.outcome)
            .where(TrainingRecord.institution_id == institution_id, one_of(session, TrainingRecord.worker_id, batch))
        ):
            found[(worker_id, occupation_id, level, started_on)] = (training_type.value, form.value, hours, completed_on,
                                                                    outcome.value)
    return found


def subsidised(session: Session, worker_ids: Iterable[int]) -> set[tuple[int, int, str]]:
    """(worker, occupation, level) already granted a training subsidy, at any institution."""
    found: set[tuple[int, int, str]] = set()
    for batch in in_list_batches(session, set(worker_ids)):
        found.update((worker_id, occupation_id, level) for worker_id, occupation_id, level in session.execute(
            select(TrainingRecord.worker_id, TrainingRecord.occupation_id, TrainingRecord.target_level)
            .where(one_of(session, TrainingRecord.worker_id, batch), TrainingRecord.subsidy_eligible)))
    return found


def taken_numbers(session: Session, numbers: Iterable[str]) -> dict[str, int]:
    """Certificate numbers already issued -> the certificate's worker."""
    found: dict[str, int] = {}
    for batch in in_list_batches(session, set(numbers)):
        found.update((number, worker_id) for number, worker_id in session.execute(
            select(Certificate.number, Certificate.worker_id).where(one_of(session, Certificate.number, batch))))
    return found


def latest_serials(session: Session, prefixes: Iterable[tuple[str, int]]) -> dict[str, str | None]:
    """The highest number issued so far in each series (prefix, full length)."""
    return {
        prefix: session.scalar(select(func.max(Certificate.number)).where(
            Certificate.number.startswith(prefix), func.length(Certificate.number) == length))
        for prefix, length in prefixes
    }


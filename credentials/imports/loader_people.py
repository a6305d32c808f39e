"""Write registrations and work history, set-based, inside the import job's one transaction (see loader.py).

Workers first (their ids read back by blind index), then their target groups; facts after any claim they
replace has been marked superseded; one audit event per record, on the worker's trail as the single-record
services write it.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..bulk import in_list_batches, insert_rows, one_of
from ..models import Attestation, Diploma, FactState, ImportJob, User, Worker, WorkerTargetGroup, WorkPeriod, utcnow
from ..services.audit import NewEvent, lock_chain, record_many
from ..services.worker_facts import fact_snapshot
from ..services.workers import registration_snapshot
from .new_facts import NewDiploma, NewFact, NewWorkPeriod
from .report import Plan
from .validate_workers import NewWorker


def write_workers(session: Session, plan: Plan[NewWorker], *, job: ImportJob, by: User | None) -> int:
    records, now = plan.records, utcnow()
    lock_chain(session)
    insert_rows(session, Worker.__table__, [{**new.insert_values(job.institution_id), "created_at": now}
                                            for new in records])
    ids: dict[str, int] = {}
    for batch in in_list_batches(session, [new.sealed.hash for new in records]):
        ids.update(session.execute(select(Worker.id_hash, Worker.id).where(one_of(session, Worker.id_hash, batch)))
                   .all())
    insert_rows(session, WorkerTargetGroup.__table__, [
        {"worker_id": ids[new.sealed.hash], "group": group, "valid_from": since}
        for new in records for group, since in new.groups])
    return record_many(session, actor=by, events=(
        NewEvent("worker.registered", "worker", ids[new.sealed.hash], after=registration_snapshot(
            name=new.name, id_masked=new.sealed.masked, city_code=new.city_code, employer_id=new.employer_id,
            groups=[group for group, _ in new.groups]))
        for new in records))


def write_facts(session: Session, facts: list[NewFact], *, job: ImportJob, by: User | None) -> int:
    """Work periods and diplomas, attested by the importing institution (and its clerk who uploaded them)."""
    if not facts:
        return 0
    now = utcnow()
    lifecycle = {"attestation": Attestation.ATTESTED, "state": FactState.CURRENT, "attested_at": now,
                 "attested_by_id": by.id if by else None, "attested_by_institution_id": job.institution_id,
                 "recorded_by_id": by.id if by else None, "recorded_by_institution_id": job.institution_id,
                 "import_job_id": job.id, "created_at": now}
    periods = [f for f in facts if isinstance(f, NewWorkPeriod)]
    diplomas = [f for f in facts if isinstance(f, NewDiploma)]
    for model, written in ((WorkPeriod, periods), (Diploma, diplomas)):
        replaced = [f.replaces_id for f in written if f.replaces_id is not None]
        for batch in in_list_batches(session, replaced):
            session.execute(update(model).where(one_of(session, model.id, batch), model.state == FactState.CURRENT)
                            .values(state=FactState.SUPERSEDED, ended_at=now, ended_by_id=by.id if by else None))
        insert_rows(session, model.__table__, [{**f.insert_values(), **lifecycle, "replaces_id": f.replaces_id}
                                               for f in written])
    period_ids = {(worker, occupation, start): found for found, worker, occupation, start in session.execute(
        select(WorkPeriod.id, WorkPeriod.worker_id, WorkPeriod.occupation_id, WorkPeriod.started_on)
        .where(WorkPeriod.import_job_id == job.id))}
    diploma_ids = {(worker, school, stream, major): found for found, worker, school, stream, major in session.execute(
        select(Diploma.id, Diploma.worker_id, Diploma.school_type, Diploma.stream, Diploma.major_occupation_id)
        .where(Diploma.import_job_id == job.id))}

    def events() -> Iterator[NewEvent]:
        for fact in facts:
            fact_id = period_ids[fact.key] if isinstance(fact, NewWorkPeriod) else diploma_ids[fact.key]
            after = {**fact_snapshot(fact.kind, fact, fact_id=fact_id), "replaces_id": fact.replaces_id}
            yield NewEvent(f"{fact.kind}.recorded", "worker", fact.worker_id, after=after)

    return record_many(session, actor=by, events=events())

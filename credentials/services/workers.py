"""Register and look up workers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..clock import china_today
from ..errors import Duplicate, Forbidden, ValidationFailed
from ..identity import InvalidNationalId, clean_person_name, mask_name, person_name_problem
from ..models import City, Institution, RecordAmendment, TargetGroup, User, Worker, WorkerTargetGroup
from ..permissions import may_correct_identity
from ..queries.registry import standing_worker_id
from ..queries.scopes import worker_scope
from ..vault import PersonalDataVault, SealedId
from .amendments import amend, amendment_reason
from .audit import record

MAX_NAME = 64


def name_problem(name: str) -> ValidationFailed | None:
    """A worker's name (already cleaned) is required and fits the column."""
    if not name:
        return ValidationFailed("required", field="name")
    if len(name) > MAX_NAME:
        return ValidationFailed("binding", field="name", reason=Text("姓名过长", "name is too long"))
    reason = person_name_problem(name)
    return ValidationFailed("binding", field="name", reason=reason) if reason is not None else None


def seal_national_id(vault: PersonalDataVault, national_id: str) -> SealedId:
    """The number sealed for storage (blind index, ciphertext, masked form), or the field error saying why not."""
    try:
        return vault.seal(national_id)
    except InvalidNationalId as error:
        raise ValidationFailed("national_id", field="national_id", reason=error) from None


def _already_registered(session: Session, worker_id: int, by: User | None) -> Duplicate:
    """Whoever may see the worker is shown which one; anyone else learns only that this ID cannot be registered
    here — never where, nor under which number (that would make registration an oracle of who exists)."""
    visible = by is None or session.scalar(select(Worker.id).where(Worker.id == worker_id, worker_scope(by)))
    if visible:
        return Duplicate("worker", field="national_id", worker_id=worker_id)
    return Duplicate("worker_elsewhere", field="national_id")


def register_worker(
    session: Session,
    vault: PersonalDataVault,
    *,
    name: str,
    national_id: str,
    city_code: str,
    employer: Institution | None = None,
    employer_name: str | None = None,
    target_groups: Iterable[TargetGroup] = (),
    groups_valid_from: date | None = None,
    by: User | None,
) -> Worker:
    """Register a worker (target groups from `groups_valid_from`, else today). Staff registering a worker keep
    seeing them (`registered_by_institution_id`); the bulk registration applies the same rules row by row."""
    name = clean_person_name(name)
    problem = name_problem(name)
    if problem is not None:
        raise problem
    sealed = seal_national_id(vault, national_id)
    if session.get(City, city_code) is None:
        raise ValidationFailed("unknown_city", field="city_code", city=city_code)
    existing = session.scalar(select(Worker.id).where(Worker.id_hash == sealed.hash))
    if existing is not None:
        raise _already_registered(session, existing, by)
    worker = Worker(
        name=name,
        id_hash=sealed.hash,
        id_ciphertext=sealed.ciphertext,
        id_masked=sealed.masked,
        birth_date=sealed.parsed.birth_date,
        gender=sealed.parsed.gender,
        city_code=city_code,
        employer=employer,
        employer_name=employer.name if employer is not None else employer_name,
        registered_by_institution_id=by.institution_id if by is not None else None,
    )
    since = groups_valid_from or china_today()
    worker.target_groups = [WorkerTargetGroup(group=group, valid_from=since) for group in set(target_groups)]
    session.add(worker)
    session.flush()
    record(session, actor=by, action="worker.registered", entity_type="worker", entity_id=worker.id,
           after=worker_snapshot(worker))
    return worker


def correct_worker_name(session: Session, worker: Worker, *, name: str, reason: str, by: User) -> RecordAmendment:
    """Correct the name a worker is registered under (a bureau of their region). The audit keeps masked names
    as always; the earlier name itself is kept in a RecordAmendment, the worker's record history. Digital
    credentials carry no name (the subject is a salted hash of the ID's blind index), so none is superseded."""
    if not may_correct_identity(by, worker):
        raise Forbidden("action")
    reason = amendment_reason(reason)
    name = clean_person_name(name)
    problem = name_problem(name)
    if problem is not None:
        raise problem
    if name == worker.name:
        raise ValidationFailed("binding", field="name", reason=Text("姓名没有变化", "the name is unchanged"))
    before = worker_snapshot(worker)
    amendment = amend(session, worker_id=worker.id, entity_type="worker", entity_id=worker.id, action="corrected",
                      before={"name": worker.name}, after={"name": name}, reason=reason, by=by)
    worker.name = name
    session.flush()
    record(session, actor=by, action="worker.name_corrected", entity_type="worker", entity_id=worker.id,
           before=before, after={**worker_snapshot(worker), "amendment_id": amendment.id, "reason": reason})
    return amendment


def worker_snapshot(worker: Worker) -> dict[str, Any]:
    """What the audit trail keeps of a worker: masked, never the full ID or name."""
    return registration_snapshot(name=worker.name, id_masked=worker.id_masked, city_code=worker.city_code,
                                 employer_id=worker.employer_id, groups=[g.group for g in worker.target_groups])


def registration_snapshot(*, name: str, id_masked: str, city_code: str, employer_id: int | None,
                          groups: Iterable[TargetGroup]) -> dict[str, Any]:
    """`worker_snapshot` from plain values (the bulk registration writes rows, not objects)."""
    return {"name": mask_name(name), "id": id_masked, "city": city_code, "employer_id": employer_id,
            "target_groups": sorted(group.value for group in groups)}


def find_worker_by_national_id(session: Session, vault: PersonalDataVault, national_id: str) -> Worker | None:
    try:
        index = vault.index(national_id)
    except InvalidNationalId:
        return None
    return session.scalar(select(Worker).where(Worker.id == standing_worker_id(index)))

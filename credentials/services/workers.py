"""Register and look up workers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import Duplicate, ValidationFailed
from ..identity import InvalidNationalId, mask_name
from ..models import City, Institution, TargetGroup, User, Worker, WorkerTargetGroup
from ..vault import PersonalDataVault
from .audit import record

MAX_NAME = 64


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
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("required", field="name")
    if len(name) > MAX_NAME:
        raise ValidationFailed("binding", field="name", reason=Text("姓名过长", "name is too long"))
    try:
        sealed = vault.seal(national_id)
    except InvalidNationalId as error:
        raise ValidationFailed("national_id", field="national_id", reason=error) from None
    if session.get(City, city_code) is None:
        raise ValidationFailed("unknown_city", field="city_code", city=city_code)
    existing = session.scalar(select(Worker.id).where(Worker.id_hash == sealed.hash))
    if existing is not None:
        raise Duplicate("worker", field="national_id", worker_id=existing)
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
    )
    since = groups_valid_from or date.today()
    worker.target_groups = [WorkerTargetGroup(group=group, valid_from=since) for group in set(target_groups)]
    session.add(worker)
    session.flush()
    record(session, actor=by, action="worker.registered", entity_type="worker", entity_id=worker.id,
           after=worker_snapshot(worker))
    return worker


def worker_snapshot(worker: Worker) -> dict[str, Any]:
    """What the audit trail keeps of a worker: masked, never the full ID or name."""
    return {
        "name": mask_name(worker.name),
        "id": worker.id_masked,
        "city": worker.city_code,
        "employer_id": worker.employer_id,
        "target_groups": sorted(g.group.value for g in worker.target_groups),
    }


def find_worker_by_national_id(session: Session, vault: PersonalDataVault, national_id: str) -> Worker | None:
    try:
        index = vault.index(national_id)
    except InvalidNationalId:
        return None
    return session.scalar(select(Worker).where(Worker.id_hash == index))

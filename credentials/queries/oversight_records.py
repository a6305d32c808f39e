"""The records behind oversight flags as a page or a spreadsheet shows them: one row per certificate, sitting or
nomination, the holder's name and ID masked, and whether the officer may open the record itself (its worker is in
the region: records of the region's institutions may name workers of other regions). A few queries per kind of
record, in IN-list batches, however many flags."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..bulk import in_list_batches
from ..clock import china_date
from ..identity import mask_name
from ..models import AppraisalResult, Certificate, Institution, Occupation, PromotionRequest, User, Worker
from .oversight_flags import RecordRef
from .scopes import certificate_scope, promotion_scope, record_scope


@dataclass(frozen=True)
class RecordRow:
    ref: RecordRef
    on: date  # issued, sat, or nominated
    worker_id: int
    worker_name: str  # masked
    worker_id_masked: str
    occupation: str
    level: str
    institution: str
    status: str  # the certificate's status, the sitting's outcome or the request's state (their values)
    number: str | None = None  # the certificate (for a sitting: the certificate it earned)
    promotion_kind: str | None = None
    visible: bool = False  # the officer may open the record's own page


# The holder, joined under another name: the scopes' own `Worker` subqueries must not correlate with it.
person = aliased(Worker, name="person")


def record_rows(session: Session, user: User, refs: Iterable[RecordRef]) -> dict[RecordRef, RecordRow]:
    wanted: dict[str, set[int]] = {"certificate": set(), "sitting": set(), "nomination": set()}
    for ref in refs:
        wanted[ref.kind].add(ref.id)
    found: dict[RecordRef, RecordRow] = {}
    for chunk in in_list_batches(session, sorted(wanted["certificate"])):
        found.update(_certificates(session, user, chunk))
    for chunk in in_list_batches(session, sorted(wanted["sitting"])):
        found.update(_sittings(session, user, chunk))
    for chunk in in_list_batches(session, sorted(wanted["nomination"])):
        found.update(_nominations(session, user, chunk))
    return found


def _person(row: Any) -> dict[str, Any]:
    return {"worker_id": row.worker_id, "worker_name": mask_name(row.worker_name),
            "worker_id_masked": row.id_masked, "occupation": row.occupation, "institution": row.institution or ""}


def _certificates(session: Session, user: User, ids: list[int]) -> dict[RecordRef, RecordRow]:
    rows = session.execute(
        select(Certificate.id, Certificate.number, Certificate.issued_on, Certificate.level, Certificate.status,
               Certificate.worker_id, person.name.label("worker_name"), person.id_masked,
               Occupation.name.label("occupation"), Institution.name.label("institution"),
               certificate_scope(user).label("visible"))
        .join(person, person.id == Certificate.worker_id).join(Occupation, Occupation.id == Certificate.occupation_id)
        .join(Institution, Institution.id == Certificate.institution_id)
        .where(Certificate.id.in_(ids)))
    return {(ref := RecordRef("certificate", row.id)): RecordRow(
        ref, row.issued_on, level=row.level, status=row.status.value, number=row.number, visible=bool(row.visible),
        **_person(row)) for row in rows}


def _sittings(session: Session, user: User, ids: list[int]) -> dict[RecordRef, RecordRow]:
    rows = session.execute(
        select(AppraisalResult.id, AppraisalResult.exam_date, AppraisalResult.level, AppraisalResult.outcome,
               AppraisalResult.worker_id, person.name.label("worker_name"), person.id_masked,
               Occupation.name.label("occupation"), Institution.name.label("institution"), Certificate.number,
               record_scope(user, AppraisalResult).label("visible"))
        .join(person, person.id == AppraisalResult.worker_id)
        .join(Occupation, Occupation.id == AppraisalResult.occupation_id)
        .join(Institution, Institution.id == AppraisalResult.institution_id)
        .outerjoin(Certificate, Certificate.id == AppraisalResult.certificate_id)
        .where(AppraisalResult.id.in_(ids)))
    return {(ref := RecordRef("sitting", row.id)): RecordRow(
        ref, row.exam_date, level=row.level, status=row.outcome.value, number=row.number, visible=bool(row.visible),
        **_person(row)) for row in rows}


def _nominations(session: Session, user: User, ids: list[int]) -> dict[RecordRef, RecordRow]:
    rows = session.execute(
        select(PromotionRequest.id, PromotionRequest.created_at, PromotionRequest.target_level,
               PromotionRequest.state, PromotionRequest.kind, PromotionRequest.worker_id,
               person.name.label("worker_name"), person.id_masked, Occupation.name.label("occupation"),
               Institution.name.label("institution"), promotion_scope(user).label("visible"))
        .join(person, person.id == PromotionRequest.worker_id)
        .join(Occupation, Occupation.id == PromotionRequest.occupation_id)
        .outerjoin(Institution, Institution.id == PromotionRequest.institution_id)
        .where(PromotionRequest.id.in_(ids)))
    return {(ref := RecordRef("nomination", row.id)): RecordRow(
        ref, china_date(row.created_at), level=row.target_level, status=row.state.value,
        promotion_kind=row.kind.value, visible=bool(row.visible), **_person(row)) for row in rows}

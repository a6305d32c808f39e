"""The registry read: workers, certificates, level counts and import jobs, each filtered by its scope.

Statements, not results: views paginate them, exports stream them, counts wrap them.
"""

from __future__ import annotations

from sqlalchemy import ScalarSelect, Select, false, func, or_, select
from sqlalchemy.orm import selectinload

from ..models import (
    Certificate,
    CertificateStatus,
    ImportJob,
    Institution,
    User,
    Worker,
)
from .scopes import certificate_scope, import_job_scope, institution_scope, worker_scope


def standing_worker_id(id_hash: str) -> ScalarSelect[int]:
    """The worker an ID number's blind index stands for now: its own record or, for one entered twice and merged,
    the record it was merged into (a merge re-points earlier merges, so one step reaches the survivor)."""
    return select(func.coalesce(Worker.merged_into_id, Worker.id)).where(Worker.id_hash == id_hash).scalar_subquery()


def workers_for(
    user: User, *, search: str | None = None, id_hash: str | None = None, worker_id: int | None = None
) -> Select[Worker]:
    statement = select(Worker).where(worker_scope(user)).order_by(Worker.id.desc())
    if id_hash:
        statement = statement.where(Worker.id == standing_worker_id(id_hash))
    elif worker_id is not None:
        statement = statement.where(Worker.id == worker_id)
    elif search:
        statement = statement.where(Worker.name.contains(search.strip(), autoescape=True))
    return statement


def certificates_for(
    user: User, *, search: str | None = None, worker_id: int | None = None, status: str | None = None
) -> Select[Certificate]:
    statement = (
        select(Certificate).where(certificate_scope(user))
        .options(selectinload(Certificate.occupation), selectinload(Certificate.worker),
                 selectinload(Certificate.institution))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    )
    if worker_id is not None:
        statement = statement.where(Certificate.worker_id == worker_id)
    if status:
        statement = statement.where(Certificate.status == CertificateStatus(status))
    if search:
        term = search.strip()
        statement = statement.where(
            or_(Certificate.number.startswith(term, autoescape=True),
                Certificate.worker_id.in_(select(Worker.id).where(Worker.name.contains(term, autoescape=True))))
        )
    return statement


def level_counts(user: User, *, city_code: str | None = None) -> Select[str, int]:
    """Valid certificates by level (and occupation) in the officer's region."""
    statement = (
        select(Certificate.level, func.count(Certificate.id))
        .where(certificate_scope(user), Certificate.status == CertificateStatus.VALID)
        .group_by(Certificate.level)
    )
    if city_code:
        statement = statement.where(
            Certificate.worker_id.in_(select(Worker.id).where(Worker.city_code == city_code))
        )
    return statement


def import_jobs_for(user: User) -> Select[ImportJob]:
    """Bulk imports: an institution's staff see their institution's, newest first (never the file bytes)."""
    return (select(ImportJob).where(import_job_scope(user)).options(selectinload(ImportJob.uploaded_by))
            .order_by(ImportJob.created_at.desc(), ImportJob.id.desc()))


PICKER_LIMIT = 20


def workers_matching(user: User, term: str, *, limit: int = PICKER_LIMIT) -> Select[Worker]:
    """Workers in scope whose name contains `term`, for a searchable picker. Never by ID number: a picker asks by
    GET, and a number would sit in the URL (the form takes a typed ID number by POST instead)."""
    term = term.strip()
    if not term or any(ch.isdigit() for ch in term):
        return select(Worker).where(false())
    return (select(Worker).where(worker_scope(user), Worker.name.contains(term, autoescape=True))
            .options(selectinload(Worker.city)).order_by(Worker.name != term, Worker.name, Worker.id).limit(limit))


def institutions_matching(user: User, term: str, *, limit: int = PICKER_LIMIT) -> Select[Institution]:
    """Institutions in scope whose name contains `term`, for a searchable picker."""
    term = term.strip()
    statement = select(Institution).where(institution_scope(user)).options(selectinload(Institution.city))
    if term:
        statement = statement.where(Institution.name.contains(term, autoescape=True))
    return statement.order_by(Institution.name != term, Institution.name).limit(limit)

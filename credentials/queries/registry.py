"""Read side: statements scoped to what an account may see (views paginate them).

Scoping is the object-level half of authorization: a record outside the scope simply is not found,
so another's object answers 404, never 403.
"""

from __future__ import annotations

from sqlalchemy import Select, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from .models import (
    BureauScope,
    Certificate,
    CertificateStatus,
    City,
    ImportJob,
    Institution,
    Role,
    User,
    Worker,
)


def worker_scope(user: User):
    """A WHERE clause on Worker for what `user` may see."""
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.WORKER:
        return Worker.id == user.worker_id
    if user.role is Role.INSTITUTION_STAFF:
        issued_here = select(Certificate.id).where(
            Certificate.worker_id == Worker.id, Certificate.institution_id == user.institution_id
        ).exists()
        return or_(Worker.employer_id == user.institution_id, issued_here)
    if user.role is Role.BUREAU_OFFICER:
        return region_clause(user, Worker.city_code)
    return false()


def certificate_scope(user: User):
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.WORKER:
        return Certificate.worker_id == user.worker_id
    if user.role is Role.INSTITUTION_STAFF:
        return Certificate.institution_id == user.institution_id
    if user.role is Role.BUREAU_OFFICER:
        in_region = select(Worker.id).where(Worker.id == Certificate.worker_id, region_clause(user, Worker.city_code))
        return in_region.exists()
    return false()


def institution_scope(user: User):
    if user.role in (Role.ADMIN, Role.WORKER):
        return true()  # institutions are public facts
    if user.role is Role.INSTITUTION_STAFF:
        return Institution.id == user.institution_id
    if user.role is Role.BUREAU_OFFICER:
        return region_clause(user, Institution.city_code)
    return false()


def region_clause(user: User, city_column):
    """The officer's region as a WHERE clause on a city-code column (ministry: everything)."""
    if user.bureau_scope is BureauScope.MINISTRY:
        return true()
    if user.bureau_scope is BureauScope.PROVINCE:
        return city_column.in_(select(City.code).where(City.province_code == user.region_code))
    if user.bureau_scope is BureauScope.CITY:
        return city_column == user.region_code
    return false()


def workers_for(
    user: User, *, search: str | None = None, id_hash: str | None = None, worker_id: int | None = None
) -> Select:
    statement = select(Worker).where(worker_scope(user)).order_by(Worker.id.desc())
    if id_hash:
        statement = statement.where(Worker.id_hash == id_hash)
    elif worker_id is not None:
        statement = statement.where(Worker.id == worker_id)
    elif search:
        statement = statement.where(Worker.name.contains(search.strip(), autoescape=True))
    return statement


def certificates_for(
    user: User, *, search: str | None = None, worker_id: int | None = None, status: str | None = None
) -> Select:
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


def level_counts(user: User, *, city_code: str | None = None) -> Select:
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


def import_jobs_for(user: User) -> Select:
    """Bulk imports: an institution's staff see their institution's, newest first (never the file bytes)."""
    own = user.role is Role.INSTITUTION_STAFF
    scope = ImportJob.institution_id == user.institution_id if own else false()
    return (select(ImportJob).where(scope).options(selectinload(ImportJob.uploaded_by))
            .order_by(ImportJob.created_at.desc(), ImportJob.id.desc()))

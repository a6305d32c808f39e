"""Reporting upward, the read side: whose packages an officer sees, the regions they may report for, a region's
last package, and what each certificate looked like when the region last reported it."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import Session

from ..models import BureauScope, CertificateStatus, City, Province, ReportedCertificate, ReportPackage, Role, User
from ..permissions import may_report_for


def package_scope(user: User) -> ColumnElement[bool]:
    """A city bureau sees its city's packages, a province bureau its own and its cities', the ministry all
    (their metadata: it builds and downloads none)."""
    if user.role is not Role.BUREAU_OFFICER or user.bureau_scope is None:
        return false()
    if user.bureau_scope is BureauScope.MINISTRY:
        return true()
    if user.bureau_scope is BureauScope.PROVINCE:
        return ReportPackage.region_code.startswith(user.region_code or "--", autoescape=True)
    return ReportPackage.region_code == user.region_code


def packages_for(user: User) -> Select[ReportPackage]:
    return select(ReportPackage).where(package_scope(user)).order_by(ReportPackage.id.desc())


def last_package(session: Session, region_code: str) -> ReportPackage | None:
    """The region's newest package: what a "changes only" package is built against."""
    return session.scalar(select(ReportPackage).where(ReportPackage.region_code == region_code)
                          .order_by(ReportPackage.id.desc()).limit(1))


def region_name(session: Session, region_code: str) -> str | None:
    """A city's or province's name, None for a code that names neither."""
    if len(region_code) == 4:
        city = session.get(City, region_code)
        return city.full_name if city is not None else None
    province = session.get(Province, region_code) if len(region_code) == 2 else None
    return province.name if province is not None else None


def reporting_regions(session: Session, user: User) -> list[tuple[str, str]]:
    """(code, name) of each region `user` may build a package for: their city; or their province, then its cities."""
    if user.region_code is None or not may_report_for(user, user.region_code):
        return []
    own = [(user.region_code, region_name(session, user.region_code) or user.region_code)]
    if user.bureau_scope is not BureauScope.PROVINCE:
        return own
    cities = session.scalars(select(City).where(City.province_code == user.region_code).order_by(City.code))
    return own + [(city.code, city.full_name) for city in cities]


def last_reported(session: Session, region_code: str) -> dict[int, tuple[str, CertificateStatus]]:
    """certificate id -> (fingerprint, status) as the region's newest package carrying it reported it."""
    rows = session.execute(
        select(ReportedCertificate.certificate_id, ReportedCertificate.fingerprint, ReportedCertificate.status)
        .join(ReportPackage, ReportPackage.id == ReportedCertificate.package_id)
        .where(ReportPackage.region_code == region_code)
        .order_by(ReportedCertificate.package_id)
        .execution_options(yield_per=5000)
    )
    return {certificate_id: (fingerprint, status) for certificate_id, fingerprint, status in rows}

"""Object-level permission predicates (the route-level gate lives in app/access.py)."""

from __future__ import annotations

from .models import BureauScope, Certificate, Role, User


def can_reveal_national_id(user: User) -> bool:
    """Full ID numbers are shown only to admins and to the worker themself; every reveal is audited."""
    return user.role is Role.ADMIN


def can_register_workers(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.INSTITUTION_STAFF)


def can_revoke(user: User, certificate: Certificate) -> bool:
    """Revocation is a bureau decision, within the officer's region (or any, for the ministry)."""
    if user.role is not Role.BUREAU_OFFICER:
        return False
    city = certificate.worker.city
    if user.bureau_scope is BureauScope.MINISTRY:
        return True
    if user.bureau_scope is BureauScope.PROVINCE:
        return city.province_code == user.region_code
    return city.code == user.region_code

"""Accounts as the administrator lists them: search by account or display name, or a worker's national ID
number; filter by role and state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..identity import InvalidNationalId, parse_national_id
from ..models import AdminDuty, AuditEvent, Role, User, Worker

STATES = ("active", "disabled", "must_change")


PASSWORD_CHANGES = ("account.password_reset", "account.password_changed")


def accounts(*, search: str = "", role: Role | None = None, state: str | None = None,
             id_index: Callable[[str], str] | None = None) -> Select[User]:
    """Every account the filters keep, oldest first (ids are stable, so a page stays where it was).

    A worker signs in with their ID number, so a search that is a valid ID number also finds that worker's
    account: by the number's keyed index (`id_index`, the vault's), as every look-up by number does; no stored
    number is decrypted."""
    statement = (select(User).options(selectinload(User.institution), selectinload(User.worker))
                 .order_by(User.id))
    term = search.strip()
    if term:
        matches = [User.username.contains(term, autoescape=True), User.display_name.contains(term, autoescape=True)]
        id_hash = _id_hash(term, id_index)
        if id_hash is not None:
            matches.append(User.worker_id.in_(select(Worker.id).where(Worker.id_hash == id_hash)))
        statement = statement.where(or_(*matches))
    if role is not None:
        statement = statement.where(User.role == role)
    if state == "active":
        statement = statement.where(User.is_active.is_(True))
    elif state == "disabled":
        statement = statement.where(User.is_active.is_(False))
    elif state == "must_change":
        statement = statement.where(User.must_change_password.is_(True))
    return statement


def active_admins() -> Select[int]:
    """Ids of the active security administrators, who alone manage accounts (the page hides "disable" and the duty
    change from the last one)."""
    return select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True),
                                 User.admin_duty == AdminDuty.SECURITY)


def last_password_change(session: Session, user_id: int) -> datetime | None:
    """When the account's password was last reset by an administrator or changed by its owner (the audit trail
    keeps the moment; the account row does not)."""
    return session.scalar(select(func.max(AuditEvent.occurred_at)).where(
        AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user_id),
        AuditEvent.action.in_(PASSWORD_CHANGES)))


def _id_hash(term: str, id_index: Callable[[str], str] | None) -> str | None:
    """The keyed index of `term` if it is a valid national ID number (15 or 18 digits, check digit right)."""
    if id_index is None:
        return None
    try:
        parsed = parse_national_id(term)
    except InvalidNationalId:
        return None
    return id_index(parsed.number)

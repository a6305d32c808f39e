"""Accounts as the administrator lists them: search by account or display name, filter by role and state."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from ..models import AdminDuty, Role, User

STATES = ("active", "disabled", "must_change")


def accounts(*, search: str = "", role: Role | None = None, state: str | None = None) -> Select[User]:
    """Every account the filters keep, oldest first (ids are stable, so a page stays where it was)."""
    statement = (select(User).options(selectinload(User.institution), selectinload(User.worker))
                 .order_by(User.id))
    term = search.strip()
    if term:
        statement = statement.where(or_(User.username.contains(term, autoescape=True),
                                        User.display_name.contains(term, autoescape=True)))
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

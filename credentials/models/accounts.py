"""Accounts, server-side login sessions and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .institutions import Institution
from .people import Worker


class Role(enum.StrEnum):
    WORKER = "worker"
    INSTITUTION_STAFF = "institution_staff"
    BUREAU_OFFICER = "bureau_officer"
    ADMIN = "admin"


class AdminDuty(enum.StrEnum):
    """Separate duties of administrators (三员分立, 等保 2.0 level 3): no one account both grants rights and reads
    or exports the trail that records it. An administrator holds exactly one duty."""

    SYSTEM = "system"  # 系统管理员: institutions, accreditation, historic records, campaign reading, sign-in waits
    SECURITY = "security"  # 安全管理员: accounts — create, duty, disable, enable, reset a password
    AUDIT = "audit"  # 审计管理员: reads, filters and exports the audit trail; changes nothing


class BureauScope(enum.StrEnum):
    CITY = "city"
    PROVINCE = "province"
    MINISTRY = "ministry"


class User(Base):
    """An account. Workers sign in with their national ID (via `worker_id`), officers by username."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("(role = 'worker') = (worker_id IS NOT NULL)", name="worker_iff_worker_role"),
        CheckConstraint("role = 'worker' OR username IS NOT NULL", name="officers_have_username"),
        CheckConstraint(
            "(role = 'institution_staff') = (institution_id IS NOT NULL)", name="staff_iff_institution"
        ),
        CheckConstraint(
            "(role = 'bureau_officer') = (bureau_scope IS NOT NULL)", name="officer_iff_scope"
        ),
        CheckConstraint(
            "bureau_scope IS NULL OR (bureau_scope = 'ministry') = (region_code IS NULL)",
            name="region_matches_scope",
        ),
        CheckConstraint("(role = 'admin') = (admin_duty IS NOT NULL)", name="admin_iff_duty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str | None] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), unique=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    bureau_scope: Mapped[BureauScope | None] = mapped_column(str_enum(BureauScope))
    # City code (4 digits) for city scope, province code (2 digits) for province scope.
    region_code: Mapped[str | None] = mapped_column(String(4), index=True)
    admin_duty: Mapped[AdminDuty | None] = mapped_column(str_enum(AdminDuty))  # administrators only, exactly one
    is_active: Mapped[bool] = mapped_column(default=True)
    # Set when an administrator resets the password: every page sends the user to change it, the API refuses.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    worker: Mapped[Worker | None] = relationship()
    institution: Mapped[Institution | None] = relationship()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class LoginSession(Base):
    """Server-side record of a browser session: logout and idle time really end it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


# Flask-Login's duck-typed account protocol, without importing it into the domain.
User.is_authenticated = property(lambda self: True)
User.is_anonymous = property(lambda self: False)
User.get_id = lambda self: str(self.id)


class LoginThrottle(Base):
    """Failed sign-ins for one account name *from one client*, and until when that pair must wait.

    Keyed by a hash of (what was typed as the account, the client address), so an account that does not
    exist throttles exactly like one that does (nothing tells them apart), and an attacker elsewhere slows
    only themselves: the owner signing in from their own client is never locked out.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures_not_negative"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # keyed hash of (account typed, client)
    account: Mapped[str] = mapped_column(String(64), index=True)  # keyed hash of the account typed: for unlock
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class WorkerActivation(Base):
    """A one-time code that lets a registered worker open their own account and choose their password.

    Issued by staff who can see the worker (the registering or training institution) and handed over in
    person; only its keyed hash is stored. Nobody but the worker ever knows the worker's password.
    """

    __tablename__ = "worker_activations"
    __table_args__ = (CheckConstraint("expires_at > issued_at", name="expires_after_issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

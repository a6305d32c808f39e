"""Administrators' separate duties (三员分立, issue 12): each administrator holds exactly one duty; only the security
administrator manages accounts and duties, never their own; the last active security administrator stays; the
migration gives existing administrators the security duty."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from credentials import ValidationFailed
from credentials.errors import Forbidden
from credentials.models import AdminDuty, ApiToken, AuditEvent, Role, User
from credentials.services.accounts import create_user, disable_user, issue_api_token, reset_password, start_session
from credentials.services.admin_duties import change_duty
from tests.conftest import PASSWORD


def new_admin(db, duty: AdminDuty | None, *, by=None, username="ops") -> User:
    user = create_user(db.session(), role=Role.ADMIN, username=username, password=PASSWORD, admin_duty=duty, by=by)
    db.session.commit()
    return user


def test_an_administrator_holds_exactly_one_duty_and_nobody_else_holds_one(db, make_institution):
    with pytest.raises(ValidationFailed) as no_duty:
        new_admin(db, None)
    with pytest.raises(ValidationFailed):
        create_user(db.session(), role=Role.INSTITUTION_STAFF, username="clerk", password=PASSWORD,
                    institution=make_institution(), admin_duty=AdminDuty.AUDIT, by=None)

    assert "一项职责" in no_duty.value.message("zh")
    db.session.rollback()
    with pytest.raises(IntegrityError):  # the database holds the rule too (ck_users_admin_iff_duty)
        db.session.execute(text("INSERT INTO users (username, display_name, password_hash, role, is_active, "
                                "must_change_password, failed_logins, created_at) VALUES ('x', 'x', 'x', 'admin', "
                                "true, false, 0, CURRENT_TIMESTAMP)"))
    db.session.rollback()


@pytest.mark.parametrize("duty", [AdminDuty.SYSTEM, AdminDuty.AUDIT])
def test_only_the_security_administrator_creates_resets_and_disables_accounts(db, make_user, duty):
    other = make_user("admin", duty=duty)
    clerk = make_user("institution_staff")

    for attempt in (lambda: new_admin(db, AdminDuty.AUDIT, by=other),
                    lambda: reset_password(db.session(), clerk, by=other),
                    lambda: disable_user(db.session(), clerk, by=other, reason="离职")):
        with pytest.raises(Forbidden):
            attempt()


def test_the_security_administrator_creates_an_auditor_and_the_trail_says_which_duty(db, make_user):
    security = make_user("admin", duty="security")

    auditor = new_admin(db, AdminDuty.AUDIT, by=security)

    assert auditor.admin_duty is AdminDuty.AUDIT
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created",
                                                       AuditEvent.entity_id == str(auditor.id)))
    assert (event.actor_id, event.after["admin_duty"]) == (security.id, "audit")


def test_a_duty_change_ends_the_accounts_sessions_and_tokens_and_is_audited(db, make_user):
    security, system = make_user("admin", duty="security"), make_user("admin", duty="system")
    start_session(db.session(), system)
    issue_api_token(db.session(), system, hours=1)

    change_duty(db.session(), system, AdminDuty.AUDIT, by=security)
    db.session.commit()

    assert system.admin_duty is AdminDuty.AUDIT
    assert db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == system.id)) is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.duty_changed"))
    assert (event.before, event.after["admin_duty"], event.after["sessions_ended"]) == (
        {"admin_duty": "system"}, "audit", 1)


def test_nobody_changes_their_own_duty_and_only_administrators_hold_one(db, make_user):
    security, other_security = make_user("admin", duty="security"), make_user("admin", duty="security")

    with pytest.raises(ValidationFailed) as own:
        change_duty(db.session(), security, AdminDuty.AUDIT, by=security)
    with pytest.raises(ValidationFailed) as officer:
        change_duty(db.session(), make_user("bureau_officer"), AdminDuty.AUDIT, by=security)
    with pytest.raises(Forbidden):
        change_duty(db.session(), other_security, AdminDuty.AUDIT, by=make_user("admin", duty="audit"))

    assert "自己的职责" in own.value.message("zh") and "只有管理员" in officer.value.message("zh")
    assert security.admin_duty is AdminDuty.SECURITY


def test_the_last_active_security_administrator_keeps_the_duty_and_cannot_be_disabled(db, make_user):
    first, second = make_user("admin", duty="security"), make_user("admin", duty="security")
    change_duty(db.session(), second, AdminDuty.SYSTEM, by=first)
    db.session.commit()

    with pytest.raises(ValidationFailed) as moved:
        change_duty(db.session(), first, AdminDuty.AUDIT, by=User(id=-1, role=Role.ADMIN, is_active=True,
                                                                  admin_duty=AdminDuty.SECURITY))
    with pytest.raises(ValidationFailed) as disabled:
        disable_user(db.session(), first, by=User(id=-1, role=Role.ADMIN, is_active=True,
                                                  admin_duty=AdminDuty.SECURITY), reason="交接")

    assert "最后一个有效的安全管理员" in moved.value.message("zh")
    assert "最后一个有效的安全管理员" in disabled.value.message("zh")
    disable_user(db.session(), second, by=first, reason="调岗")  # a system administrator is not the last of anything
    assert not second.is_active


def test_the_migration_gives_existing_administrators_the_security_duty(tmp_path, app):
    """Upgraded installations keep someone who can manage accounts (and create the system and audit
    administrators); officers stay without a duty; the downgrade removes the column."""
    from flask_migrate import downgrade, upgrade

    from app import create_app

    url = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    old = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    with old.app_context():
        upgrade(revision="0025_partitions")
        engine = create_engine(url)
        with engine.begin() as connection:
            for username, role, scope in (("root", "admin", None), ("mohrss", "bureau_officer", "ministry")):
                connection.execute(text(
                    "INSERT INTO users (username, display_name, password_hash, role, bureau_scope, is_active, "
                    "must_change_password, failed_logins, created_at) VALUES (:u, :u, 'x', :r, :s, 1, 0, 0, "
                    "CURRENT_TIMESTAMP)"), {"u": username, "r": role, "s": scope})
        upgrade(revision="0026_admin_duties")
        with engine.connect() as connection:
            duties = dict(connection.execute(text("SELECT username, admin_duty FROM users")).all())
        downgrade(revision="0025_partitions")
        with engine.connect() as connection:
            columns = [row[1] for row in connection.execute(text("PRAGMA table_info(users)"))]
        engine.dispose()

    assert duties == {"root": "security", "mohrss": None}
    assert "admin_duty" not in columns

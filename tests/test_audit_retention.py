"""Audit retention: events are kept at least 180 days; `flask audit purge` removes older ones, audits itself,
and leaves a trail that `flask audit verify` still finds intact (and still finds tampered)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from app.config import ConfigError, load_config
from credentials import CredentialsError
from credentials.models import AuditEvent
from credentials.services.audit import record, verify_chain
from credentials.services.audit_retention import purge_audit_trail

START = datetime(2026, 1, 1, 9, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """The time the audit trail and the purge read; tests move it forward by days."""
    state = {"now": START}
    for module in ("credentials.services.audit", "credentials.services.audit_retention"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: state["now"])

    def at(days: float) -> datetime:
        state["now"] = START + timedelta(days=days)
        return state["now"]
    return at


def events_on(db, clock, day: float, count: int, action: str = "user.login") -> None:
    clock(day)
    for n in range(count):
        record(db.session(), actor=None, action=action, entity_type="user", entity_id=n)
    db.session.commit()


def actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def trail(db, clock):
    """Three logins and a denial on day 0, two logins on day 200, one export on day 390."""
    events_on(db, clock, 0, 3)
    events_on(db, clock, 0, 1, "access.denied")
    events_on(db, clock, 200, 2)
    events_on(db, clock, 390, 1, "export.xlsx")


def test_purge_removes_what_is_older_than_the_retention_and_audits_itself(db, clock, trail):
    clock(400)

    report = purge_audit_trail(db.session(), retention_days=365, by=None)
    db.session.commit()

    assert (report.deleted, report.by_action) == (4, {"access.denied": 1, "user.login": 3})
    assert actions(db) == ["user.login", "user.login", "export.xlsx", "audit.purged"]
    purged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.purged")).one()
    assert purged.after["deleted"] == 4 and purged.after["by_action"] == {"access.denied": 1, "user.login": 3}
    assert purged.after["cut_off"] == (START + timedelta(days=35)).isoformat()
    assert verify_chain(db.session()).ok


def test_purge_never_removes_events_newer_than_180_days_whatever_is_asked(db, clock, trail):
    clock(370)

    with pytest.raises(CredentialsError, match="180"):
        purge_audit_trail(db.session(), retention_days=30, by=None)
    report = purge_audit_trail(db.session(), retention_days=180, by=None)
    db.session.commit()

    assert report.deleted == 4  # the day-200 logins are 170 days old: kept
    assert actions(db)[:2] == ["user.login", "user.login"]


def test_dry_run_counts_and_changes_nothing(db, clock, trail, runner):
    clock(400)

    result = runner.invoke(args=["audit", "purge", "--dry-run", "--days", "365"])

    assert result.exit_code == 0, result.output
    assert "would delete 4 audit events" in result.output and "user.login: 3" in result.output
    assert len(actions(db)) == 7 and "audit.purged" not in actions(db)


def test_cli_purges_with_the_configured_retention(app, db, clock, trail, runner, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_RETENTION_DAYS", 190)
    clock(400)

    result = runner.invoke(args=["audit", "purge"])

    assert result.exit_code == 0, result.output
    assert "deleted 6 audit events" in result.output and "retention 190 days" in result.output
    assert actions(db) == ["export.xlsx", "audit.purged"]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_cli_refuses_less_than_180_days_and_deletes_nothing(db, clock, trail, runner):
    clock(400)

    result = runner.invoke(args=["audit", "purge", "--days", "179"])

    assert result.exit_code != 0
    assert "at least 180 days" in result.output
    assert len(actions(db)) == 7


def test_a_fully_purged_trail_and_a_later_purge_still_verify(db, clock, trail):
    clock(800)
    assert purge_audit_trail(db.session(), retention_days=365, by=None).deleted == 7
    db.session.commit()
    assert actions(db) == ["audit.purged"] and verify_chain(db.session()).ok

    events_on(db, clock, 900, 2)
    clock(1300)
    report = purge_audit_trail(db.session(), retention_days=365, by=None)  # removes the first purge event too
    db.session.commit()

    assert report.by_action == {"audit.purged": 1, "user.login": 2}
    assert actions(db) == ["audit.purged"] and verify_chain(db.session()).ok


def test_deleting_behind_the_purges_back_is_still_found(db, clock, trail):
    clock(400)
    purge_audit_trail(db.session(), retention_days=365, by=None)
    db.session.commit()
    oldest_kept, next_one = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id).limit(2))

    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": oldest_kept})
    db.session.commit()

    report = verify_chain(db.session())
    assert report.first_broken_id == next_one and report.problem.startswith("link")


@pytest.mark.parametrize("value", ["179", "0", "-5", "half a year", ""])
def test_configuration_refuses_a_retention_under_180_days(monkeypatch, value):
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", value)

    with pytest.raises(ConfigError, match="AUDIT_RETENTION_DAYS .* at least 180"):
        load_config()


def test_configuration_defaults_to_a_year_and_accepts_180(monkeypatch):
    monkeypatch.delenv("AUDIT_RETENTION_DAYS", raising=False)
    assert load_config()["AUDIT_RETENTION_DAYS"] == 365
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "180")
    assert load_config()["AUDIT_RETENTION_DAYS"] == 180

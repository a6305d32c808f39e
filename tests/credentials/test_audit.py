"""The audit trail is hash-chained: any edit or removal of a row is found and the row is named."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from credentials.models import AuditEvent
from credentials.services.audit import GENESIS, record, verify_chain


@pytest.fixture
def trail(db) -> list[int]:
    """Five committed events; returns their ids in order."""
    for n in range(5):
        record(db.session(), actor=None, action="test.event", entity_type="thing", entity_id=n,
               after={"n": n, "name": "王*明"})
    db.session.commit()
    return list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def tamper(db, sql: str, **params) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    db.session.execute(text(sql), params)
    db.session.commit()
    db.session.expire_all()


def json_param(db) -> str:
    return "CAST(:value AS JSON)" if db.engine.dialect.name == "postgresql" else ":value"


def test_untouched_trail_verifies(db, trail):
    report = verify_chain(db.session())

    assert report.ok
    assert (report.checked, report.first_broken_id, report.problem) == (5, None, None)


def test_empty_trail_verifies(db):
    assert verify_chain(db.session()).ok


def test_events_are_linked_to_the_previous_hash(db, trail):
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()

    assert events[0].prev_hash == GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]


def test_business_writes_append_to_the_same_chain(db, make_worker, make_institution):
    make_institution()
    make_worker()

    report = verify_chain(db.session())

    assert report.ok and report.checked == 3  # institution created + accredited, worker registered


@pytest.mark.parametrize(("column", "value"), [
    ("after", json.dumps({"n": 2, "name": "李*四"})),
    ("action", "test.other"),
    ("entity_id", "99"),
])
def test_editing_one_row_names_exactly_that_row(db, trail, column, value):
    middle = trail[2]
    placeholder = json_param(db) if column == "after" else ":value"
    tamper(db, f"UPDATE audit_events SET {column} = {placeholder} WHERE id = :id", value=value, id=middle)  # noqa: S608

    report = verify_chain(db.session())

    assert report.first_broken_id == middle
    assert report.problem.startswith("content")
    assert report.checked == 3


def test_rewriting_a_row_with_a_recomputed_hash_breaks_the_next_link(db, trail):
    from credentials.services.audit import event_digest

    middle = db.session.get(AuditEvent, trail[2])
    middle.after = {"n": 2, "name": "forged"}
    middle.hash = event_digest(middle.prev_hash, middle)  # a careful forger fixes the row's own hash
    db.session.commit()

    report = verify_chain(db.session())

    assert report.first_broken_id == trail[3]
    assert report.problem.startswith("link")


def test_deleting_a_middle_row_names_the_next_row(db, trail):
    tamper(db, "DELETE FROM audit_events WHERE id = :id", id=trail[2])

    report = verify_chain(db.session())

    assert report.first_broken_id == trail[3]
    assert report.problem.startswith("link")


def test_deleting_the_first_row_names_the_new_first_row(db, trail):
    tamper(db, "DELETE FROM audit_events WHERE id = :id", id=trail[0])

    assert verify_chain(db.session()).first_broken_id == trail[1]


def test_cli_verify_reports_an_intact_trail(db, trail, runner):
    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 0, result.output
    assert "intact: 5 events" in result.output


def test_cli_verify_exits_1_and_names_the_altered_row(db, trail, runner):
    tamper(db, f"UPDATE audit_events SET after = {json_param(db)} WHERE id = :id",  # noqa: S608
           value=json.dumps({"n": 2, "name": "李*四"}), id=trail[2])

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert f"BROKEN at event {trail[2]} " in result.output


def test_cli_verify_exits_1_and_names_the_row_after_a_deleted_one(db, trail, runner):
    tamper(db, "DELETE FROM audit_events WHERE id = :id", id=trail[2])

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert f"BROKEN at event {trail[3]} " in result.output

"""The audit trail partitioned by year on PostgreSQL (migration 0025, credentials/services/partitions.py, `flask partitions`):
rows land in their year's partition, a year's query reads that partition alone, the ORM and the hash chain work as
before, and the CLI creates a coming year's partition, emptying the default partition of its rows. SQLite keeps
one plain table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, text

from credentials.models import AuditEvent
from credentials.services.audit import record, verify_chain
from credentials.services.partitions import PARTITIONED, ensure_partitions, ensure_year, is_partitioned, partitions

AUDIT = PARTITIONED[0]


@pytest.fixture
def postgres(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("partitioning is PostgreSQL's; SQLite keeps one table")
    return db


def _add_event(db, moment: datetime, n: int) -> None:
    db.session.execute(insert(AuditEvent).values(
        occurred_at=moment, action="test.partitioned", entity_type="test", entity_id=str(n),
        prev_hash=f"{n:064x}", hash=f"{n + 1000:064x}"))


def _partition_of(db, n: int) -> str:
    return db.session.execute(text("SELECT tableoid::regclass::text FROM audit_events WHERE entity_id = :n"),
                              {"n": str(n)}).scalar_one()


def test_sqlite_keeps_one_plain_table(db, runner):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite side")
    with db.engine.connect() as connection:
        assert not is_partitioned(connection, AUDIT)
    assert "nothing to do" in runner.invoke(args=["partitions", "ensure"]).output


def test_rows_land_in_their_years_partition_and_a_years_query_reads_only_it(postgres):
    db = postgres
    with db.engine.begin() as connection:  # the migration made this year's and next year's: a registry's past too
        ensure_partitions(connection, range(2024, 2027))
    # 2024-12-31 20:00 UTC is already 2025 in China: years are China's, as every date the registry shows
    moments = [datetime(2024, 6, 1, tzinfo=UTC), datetime(2024, 12, 31, 20, tzinfo=UTC),
               datetime(2026, 3, 1, tzinfo=UTC)]
    for n, moment in enumerate(moments):
        _add_event(db, moment, n)
    db.session.commit()

    assert [_partition_of(db, n) for n in range(3)] == ["audit_events_y2024", "audit_events_y2025", "audit_events_y2026"]
    plan = db.session.execute(text(
        "EXPLAIN (FORMAT JSON) SELECT * FROM audit_events WHERE occurred_at >= '2025-01-01 00:00+08' "
        "AND occurred_at < '2026-01-01 00:00+08'")).scalar_one()
    assert relations_scanned(plan[0]["Plan"]) == {"audit_events_y2025"}


def relations_scanned(node: dict) -> set[str]:
    """The tables a plan reads (its scans' "Relation Name"), through every level of the plan."""
    names = {node["Relation Name"]} if "Relation Name" in node else set()
    for child in node.get("Plans", []):
        names |= relations_scanned(child)
    return names


def test_the_orm_and_the_hash_chain_work_on_the_partitioned_table(postgres):
    db = postgres
    with db.engine.connect() as connection:
        assert is_partitioned(connection, AUDIT)
    first = record(db.session(), actor=None, action="test.one", entity_type="test", entity_id=1)
    second = record(db.session(), actor=None, action="test.two", entity_type="test", entity_id=2)
    db.session.commit()

    assert second.id > first.id and second.prev_hash == first.hash
    assert db.session.get(AuditEvent, second.id).action == "test.two"
    assert verify_chain(db.session()).ok


def test_the_chain_stays_unique_within_a_years_partition(postgres):
    db = postgres
    moment = datetime(2026, 5, 1, tzinfo=UTC)
    _add_event(db, moment, 7)
    db.session.commit()
    with pytest.raises(Exception, match="uq_audit_events_y2026_prev_hash"):
        _add_event(db, moment, 7)
        db.session.flush()
    db.session.rollback()


def test_ensure_creates_a_coming_years_partition_and_moves_its_rows_out_of_the_default(postgres, runner):
    db = postgres
    _add_event(db, datetime(2041, 7, 1, tzinfo=UTC), 41)  # no partition for 2041 yet: the default takes it
    db.session.commit()
    assert _partition_of(db, 41) == "audit_events_default"
    db.session.rollback()  # attaching a partition waits for every open transaction that read the table

    with db.engine.begin() as connection:
        assert ensure_year(connection, AUDIT, 2041) is True
        assert ensure_year(connection, AUDIT, 2041) is False  # idempotent
        names = partitions(connection, AUDIT)
    try:
        assert _partition_of(db, 41) == "audit_events_y2041"
        assert names[-2:] == ["audit_events_y2041", "audit_events_default"]
        db.session.rollback()
        assert "every partition exists" in runner.invoke(args=["partitions", "ensure"]).output
    finally:
        db.session.rollback()
        with db.engine.begin() as connection:  # the session's database is shared: leave the years as they were
            connection.execute(text("DROP TABLE audit_events_y2041"))

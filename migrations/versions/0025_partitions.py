"""tables that grow without bound partitioned (PostgreSQL)

The audit trail, by year (China time) of occurred_at: one partition per year from its oldest row's to next
year's, and a default one. Its identity becomes a unique index on (id, occurred_at), since a partitioned table's
unique keys must hold the partition key: an index, not a PRIMARY KEY constraint, because `pg_restore --clean` (the
forced restore of app/backup.py) cannot drop a partition's inherited primary key and fails; the one sequence still
numbers every row. The chain's prev_hash and hash become unique within each partition (see
credentials/services/partitions.py, which creates the later years' partitions: `flask partitions ensure`). The rows are
copied across in id order and the id sequence kept. Certificates stay one table: a dozen tables hold foreign keys
to them, and their number and QR look-ups carry no date to prune by.

SQLite: nothing changes (it has no partitioning; its tables stay as they are).

Revision ID: 0025_partitions
Revises: 0024_second_factor
"""
from alembic import op
import sqlalchemy as sa

revision = "0025_partitions"
down_revision = "0024_second_factor"
branch_labels = None
depends_on = None

ZONE = "+08"
INDEXES = {  # the trail's indexes as 0001 and 0016 made them
    "ix_audit_events_entity": "(entity_type, entity_id)",
    "ix_audit_events_actor_id_id": "(actor_id, id)",
    "ix_audit_events_occurred_at": "(occurred_at)",
}
IDENTITY = "uq_audit_events_id_occurred_at"  # credentials/services/partitions.py names it the same way
FOREIGN_KEY = "ALTER TABLE audit_events ADD CONSTRAINT fk_audit_events_actor_id_users " \
              "FOREIGN KEY (actor_id) REFERENCES users (id)"


def _year(expression: str) -> int:
    return int(op.get_bind().scalar(sa.text(
        f"SELECT CAST(extract(year FROM {expression} AT TIME ZONE 'Asia/Shanghai') AS integer)")))  # noqa: S608


def _indexes() -> None:
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON audit_events {columns}")
    op.execute(FOREIGN_KEY)
    op.execute("ALTER SEQUENCE audit_events_id_seq OWNED BY audit_events.id")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    first = _year("(SELECT coalesce(min(occurred_at), now()) FROM audit_events)")
    this_year = _year("now()")
    op.execute("ALTER SEQUENCE audit_events_id_seq OWNED BY NONE")  # the old table's drop must not take it along
    op.execute("ALTER TABLE audit_events RENAME TO audit_events_unpartitioned")
    op.execute("CREATE TABLE audit_events (LIKE audit_events_unpartitioned INCLUDING DEFAULTS) "
               "PARTITION BY RANGE (occurred_at)")
    for year in range(first, this_year + 2):
        op.execute(f"CREATE TABLE audit_events_y{year} PARTITION OF audit_events "
                   f"FOR VALUES FROM ('{year}-01-01 00:00:00{ZONE}') TO ('{year + 1}-01-01 00:00:00{ZONE}')")
    op.execute("CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT")
    op.execute("INSERT INTO audit_events SELECT * FROM audit_events_unpartitioned ORDER BY id")
    op.execute("DROP TABLE audit_events_unpartitioned")  # with its indexes, whose names the new ones take
    op.execute(f"CREATE UNIQUE INDEX {IDENTITY} ON audit_events (id, occurred_at)")
    _indexes()
    for year in [*range(first, this_year + 2), "default"]:
        partition = f"audit_events_y{year}" if year != "default" else "audit_events_default"
        for column in ("prev_hash", "hash"):
            op.execute(f"CREATE UNIQUE INDEX uq_{partition}_{column} ON {partition} ({column})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER SEQUENCE audit_events_id_seq OWNED BY NONE")
    op.execute("ALTER TABLE audit_events RENAME TO audit_events_partitioned")
    op.execute("CREATE TABLE audit_events (LIKE audit_events_partitioned INCLUDING DEFAULTS)")
    op.execute("INSERT INTO audit_events SELECT * FROM audit_events_partitioned ORDER BY id")
    op.execute("DROP TABLE audit_events_partitioned")  # and every partition with it
    op.execute("ALTER TABLE audit_events ADD CONSTRAINT pk_audit_events PRIMARY KEY (id)")
    op.execute("ALTER TABLE audit_events ADD CONSTRAINT uq_audit_events_hash UNIQUE (hash)")
    op.execute("ALTER TABLE audit_events ADD CONSTRAINT uq_audit_events_prev_hash UNIQUE (prev_hash)")
    _indexes()

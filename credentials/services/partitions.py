"""Yearly partitions of the tables that grow without bound, on PostgreSQL (migration 0025_partitions).

The audit trail gets a row for every write and is never updated, only read by recent date, entity or actor and,
after its retention period, purged from the oldest end: partitioned by year (China time) of `occurred_at`, a
year's look-up touches one partition and a purge could drop whole years. Each year's partition must exist before
its first row: rows of a year without one land in the default partition, which this module empties into the new
partition when it creates it. `flask partitions ensure` (run it daily, or at least each December) creates this
year's and next year's partitions.

The chain's `prev_hash` and `hash` are unique within each partition: PostgreSQL cannot enforce uniqueness across
partitions without the partition key, and the advisory lock that orders every append (services/audit.py) is what
keeps the chain from forking across a new year's boundary.

SQLite tables are never partitioned; every function here is a no-op there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

YEAR_ZONE = "+08"  # years begin at midnight China time, as every date the registry shows


@dataclass(frozen=True)
class PartitionedTable:
    name: str
    key: str  # the timestamp column the table is partitioned by, by year
    unique_per_partition: tuple[str, ...] = ()  # unique within each year (not across: see the module's note)

    @property
    def identity_index(self) -> str:
        """The unique index on (id, key) that stands for the primary key: a PRIMARY KEY constraint on a partitioned
        table makes `pg_restore --clean` fail (it cannot drop a partition's inherited key)."""
        return f"uq_{self.name}_id_{self.key}"


PARTITIONED = (PartitionedTable("audit_events", "occurred_at", ("prev_hash", "hash")),)


def partition_name(table: PartitionedTable, year: int) -> str:
    return f"{table.name}_y{year}"


def default_partition_name(table: PartitionedTable) -> str:
    return f"{table.name}_default"


def year_bounds(year: int) -> tuple[str, str]:
    return f"{year}-01-01 00:00:00{YEAR_ZONE}", f"{year + 1}-01-01 00:00:00{YEAR_ZONE}"


def is_partitioned(connection: Connection, table: PartitionedTable) -> bool:
    if connection.dialect.name != "postgresql":
        return False
    kind = connection.scalar(text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:name)"), {"name": table.name})
    return bool(kind == "p")


def partitions(connection: Connection, table: PartitionedTable) -> list[str]:
    """The table's partitions by name, oldest year first, the default one last."""
    names = connection.scalars(text(
        "SELECT child.relname FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
        "WHERE pg_inherits.inhparent = to_regclass(:name) ORDER BY child.relname"), {"name": table.name}).all()
    default = default_partition_name(table)
    return [n for n in names if n != default] + [n for n in names if n == default]


def add_unique_indexes(connection: Connection, table: PartitionedTable, partition: str) -> None:
    for column in table.unique_per_partition:
        connection.execute(text(f'CREATE UNIQUE INDEX IF NOT EXISTS "uq_{partition}_{column}" '
                                f'ON "{partition}" ("{column}")'))


def ensure_year(connection: Connection, table: PartitionedTable, year: int) -> bool:
    """Create the year's partition unless it exists, moving that year's rows out of the default partition first
    (PostgreSQL refuses a new partition while the default one holds rows of its range). True when created."""
    name = partition_name(table, year)  # from the fixed table list and an int: safe to splice into SQL
    if name in partitions(connection, table):
        return False
    start, end = year_bounds(year)
    default = default_partition_name(table)
    connection.execute(text(f'CREATE TABLE "{name}" (LIKE "{table.name}" INCLUDING DEFAULTS)'))
    move = (f'WITH moved AS (DELETE FROM "{default}" WHERE "{table.key}" >= :start AND "{table.key}" < :end '  # noqa: S608 - fixed table names  # nosec B608
            f'RETURNING *) INSERT INTO "{name}" SELECT * FROM moved')
    connection.execute(text(move), {"start": start, "end": end})
    # Attaching builds the parent's indexes (its identity index included) on the new partition.
    connection.execute(text(f"ALTER TABLE \"{table.name}\" ATTACH PARTITION \"{name}\" "
                            f"FOR VALUES FROM ('{start}') TO ('{end}')"))
    add_unique_indexes(connection, table, name)
    return True


def ensure_partitions(connection: Connection, years: range) -> list[str]:
    """Every partitioned table's partitions for these years; the names of those created."""
    created = []
    for table in PARTITIONED:
        if not is_partitioned(connection, table):
            continue
        for year in years:
            if ensure_year(connection, table, year):
                created.append(partition_name(table, year))
    return created


def is_partition_of_a_partitioned_table(name: str) -> bool:
    """A name this module gives partitions (they are tables of their own to an inspector, not models)."""
    return any(name == default_partition_name(table) or
               (name.startswith(f"{table.name}_y") and name.removeprefix(f"{table.name}_y").isdigit())
               for table in PARTITIONED)

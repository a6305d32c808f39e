"""Which rows refer to a record, read from the declared foreign keys rather than listed by hand.

A worker's export ("everything held about me") and the merge of a worker entered twice must both reach every
row that names the worker; a table added later is found here without anyone remembering to add it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Table

from .base import Base


@dataclass(frozen=True)
class Reference:
    """One foreign-key column of `table` pointing at the referred table's primary key."""

    table: Table
    column: Column[object]

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column.name}"


def references_to(table_name: str) -> list[Reference]:
    """Every foreign-key column, in every model table, that refers to `table_name` (sorted by name)."""
    found = [
        Reference(table, foreign_key.parent)
        for table in Base.metadata.sorted_tables
        for foreign_key in table.foreign_keys
        if foreign_key.column.table.name == table_name
    ]
    return sorted(found, key=lambda reference: reference.name)


def worker_references() -> list[Reference]:
    """Every column that names a worker (workers.id), e.g. certificates.worker_id, users.worker_id."""
    return references_to("workers")

"""Which attributes of a counted row its counts read, so that the ORM listener recounts a row only when one of
them changes: a write to any other column (a certificate's `status_list_index`, set when its credential is
signed) moves no count, and recounting it cost a read of the row's facts before and after every such flush.

The columns are read off the source's own set-based recount statements (the rule `check_tallies` proves the
counts by) and, for a source that decides a worker's standing, off the standings statement; a relationship
counts when it sets one of those columns (assigning `certificate.worker` changes `worker_id` only at flush).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Table, inspect
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import iterate

from .tally_series import Source, standings

_COUNTED: dict[tuple[str, str], frozenset[str]] = {}  # (table, dialect) -> attribute keys


class _HolderProbe:
    def __getattr__(self, name: str) -> int:
        return 0


def counted_attributes(session: Session, source: Source) -> frozenset[str]:
    """The mapped attributes of `source`'s rows that its counts (or its holder's standing) read."""
    key = (source.table_name, session.get_bind().dialect.name)
    if key not in _COUNTED:
        _COUNTED[key] = _attributes(source, _columns(source, source.recount(session)))
    return _COUNTED[key]


def _columns(source: Source, statements: list[Any]) -> set[str]:
    table: Table = source.model.__table__
    if source.holder(_HolderProbe()) is not None:
        statements = [*statements, standings()]
    return {element.name for statement in statements for element in iterate(statement)
            if isinstance(element, Column) and element.table is table}


def _attributes(source: Source, names: set[str]) -> frozenset[str]:
    mapper = inspect(source.model)
    table = source.model.__table__
    counted = {mapper.get_property_by_column(table.c[name]).key for name in names}
    counted |= {relationship.key for relationship in mapper.relationships
                if any(column.name in names for column in relationship.local_columns
                       if isinstance(column, Column) and column.table is table)}
    return frozenset(counted)

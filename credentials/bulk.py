"""Many rows into one table inside the session's transaction: COPY on PostgreSQL, executemany elsewhere.

COPY writes rows several times faster than executemany on PostgreSQL (bulk imports write one result, one
certificate and one audit event per row). Column defaults that SQLAlchemy would apply client-side (e.g.
`created_at=utcnow`) are applied here, since COPY bypasses them; enum members are written as their values.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import JSON, ColumnElement, String, Table, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import InstrumentedAttribute, Session

CHUNK = 10_000
T = TypeVar("T")


Row = Mapping[str, Any]


def insert_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    if not rows:
        return
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, table, rows)
        return
    _executemany(session, table, rows)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of at most `size`, in order (the only chunking helper: use it, or `in_list_batches`)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def in_list_batches(session: Session, items: Iterable[T]) -> Iterator[list[T]]:
    """Batches for IN lists (see `one_of`): SQLite binds at most 999 parameters; PostgreSQL takes far more
    per round trip."""
    return batches(items, 900 if session.get_bind().dialect.name == "sqlite" else CHUNK)


def _copy(session: Session, table: Table, rows: Sequence[Row]) -> None:
    import psycopg

    statement = f'COPY "{table.name}"'
    try:
        _copy_rows(session, table, rows)
    except psycopg.Error as error:  # raise what executemany would have raised (IntegrityError, …)
        raise DBAPIError.instance(statement, None, error, psycopg.Error) from error


def _written_columns(table: Table, rows: Sequence[Row]) -> tuple[list[str], dict[str, Any]]:
    """The columns the rows give, then those they leave to a client-side default (and those defaults)."""
    given = {key for row in rows for key in row}
    defaulted = [column for column in table.columns
                 if column.name not in given and column.default is not None and not column.primary_key]
    names = [column.name for column in table.columns if column.name in given] + [c.name for c in defaulted]
    return names, {column.name: column.default for column in defaulted}


def _executemany(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """The driver's own executemany over values converted by each column type's bind processor, as SQLAlchemy
    converts them: its per-row parameter handling cost more than the inserts themselves at 100,000 rows."""
    names, fixed = _written_columns(table, rows)
    dialect = session.get_bind().dialect
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
    columns = list(zip(names, processors, strict=True))
    quoted = ", ".join(f'"{name}"' for name in names)
    statement = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})'  # noqa: S608 - table's own names  # nosec B608
    connection = session.connection()
    for chunk in batches(rows, CHUNK):
        values = []
        for row in chunk:
            value_row = []
            for name, process in columns:
                value = row[name] if name in row else _default(fixed[name]) if name in fixed else None
                value_row.append(value if process is None else process(value))
            values.append(tuple(value_row))
        connection.exec_driver_sql(statement, values)


def _copy_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    from psycopg.types.json import Json

    names, fixed = _written_columns(table, rows)
    json_columns = {column.name for column in table.columns if isinstance(column.type, JSON)}
    quoted = ", ".join(f'"{name}"' for name in names)
    raw = session.connection().connection.driver_connection
    assert raw is not None  # a live psycopg connection inside the session's transaction
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            values = []
            for name in names:
                value = row[name] if name in row else _default(fixed[name]) if name in fixed else None
                if isinstance(value, enum.Enum):
                    value = value.value
                elif name in json_columns and value is not None:
                    value = Json(value)
                values.append(value)
            copy.write_row(values)


def _default(default: Any) -> object:  # a ColumnDefault (scalar or callable)
    return default.arg(None) if default.is_callable else default.arg


def one_of(session: Session, column: ColumnElement[Any] | InstrumentedAttribute[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN (values)`, written `column = ANY(:array)` on PostgreSQL (and over `json_each` on SQLite, for
    whole numbers and text): one short statement however many values, where psycopg would parse a 10,000-placeholder
    IN list anew for every batch."""
    values = list(values)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    if dialect == "sqlite" and all(type(value) in (int, str) for value in values):
        # The same on SQLite: the values as one JSON array, read back by json_each (the index is still used),
        # instead of a placeholder per value that SQLAlchemy renders anew for every batch.
        listed = func.json_each(bindparam(None, json.dumps(values, ensure_ascii=False), type_=String))
        return column.in_(select(literal_column("value")).select_from(listed))
    return column.in_(values)

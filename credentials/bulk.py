"""Many rows into one table inside the session's transaction: COPY on PostgreSQL, executemany elsewhere.

COPY writes rows several times faster than executemany on PostgreSQL (bulk imports write one result, one
certificate and one audit event per row). Column defaults that SQLAlchemy would apply client-side (e.g.
`created_at=utcnow`) are applied here, since COPY bypasses them; enum members are written as their values.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import JSON, ColumnElement, Date, DateTime, Numeric, String, Table, any_, bindparam, func, literal_column, select
from sqlalchemy import Enum as SAEnum
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


class JsonText(str):
    """A JSON column's value already serialised (the audit trail serialises each event once, for its hash and its
    column): written as it is, where any other value of a JSON column is serialised here."""

    __slots__ = ()


def _written_columns(table: Table, rows: Sequence[Row]) -> tuple[list[str], dict[str, Any]]:
    """The columns the rows give, then those they leave to a client-side default (and those defaults)."""
    given = {key for row in rows for key in row}
    defaulted = [column for column in table.columns
                 if column.name not in given and column.default is not None and not column.primary_key]
    names = [column.name for column in table.columns if column.name in given] + [c.name for c in defaulted]
    return names, {column.name: column.default for column in defaulted}


Convert = Callable[[Any], Any]
# Types whose values an import repeats (one exam date, one timestamp, a few levels and scores): each distinct value
# is converted once per chunk. Equal values of these types convert alike (Decimal("60") and Decimal("60.0") alike).
_REPEATED = (Date, DateTime, Numeric, SAEnum)


def _value_rows(table: Table, rows: Sequence[Row], names: list[str], fixed: dict[str, Any],
                convert: list[Convert | None]) -> Iterator[list[tuple[Any, ...]]]:
    """Chunks of the rows' values in `names` order: given, else the column's default (a column no row gives),
    else None; converted a whole column at a time by its converter, chosen once per column."""
    for chunk in batches(rows, CHUNK):
        columns: list[list[Any]] = []
        for name, process in zip(names, convert, strict=True):
            default = fixed.get(name)
            values = ([_default(default) for _ in chunk] if default is not None
                      else [row.get(name) for row in chunk])
            if process is not None and isinstance(table.c[name].type, _REPEATED):
                converted = {value: process(value) for value in set(values)}
                values = list(map(converted.__getitem__, values))
            elif process is not None:
                values = list(map(process, values))
            columns.append(values)
        yield list(zip(*columns, strict=True))


def _executemany(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """The driver's own executemany over values converted by each column type's bind processor, as SQLAlchemy
    converts them: its per-row parameter handling cost more than the inserts themselves at 100,000 rows."""
    names, fixed = _written_columns(table, rows)
    dialect = session.get_bind().dialect
    convert = [_unless_serialised(process) if isinstance(table.c[name].type, JSON) and process is not None else process
               for name in names for process in [table.c[name].type._cached_bind_processor(dialect)]]
    quoted = ", ".join(f'"{name}"' for name in names)
    statement = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})'  # noqa: S608 - table's own names  # nosec B608
    connection = session.connection()
    for chunk in _value_rows(table, rows, names, fixed, convert):
        connection.exec_driver_sql(statement, chunk)


def _unless_serialised(process: Convert) -> Convert:
    return lambda value: str(value) if type(value) is JsonText else process(value)


def _copy_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    names, fixed = _written_columns(table, rows)
    convert = [_copy_converter(table, name, rows) for name in names]
    quoted = ", ".join(f'"{name}"' for name in names)
    raw = session.connection().connection.driver_connection
    assert raw is not None  # a live psycopg connection inside the session's transaction
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for chunk in _value_rows(table, rows, names, fixed, convert):
            for values in chunk:
                copy.write_row(values)


def _copy_converter(table: Table, name: str, rows: Sequence[Row]) -> Convert | None:
    """How COPY takes a column's values: JSON wrapped for psycopg (unless already text), enum members as their
    values; None (as they are) for a column whose type and first value are neither."""
    from psycopg.types.json import Json

    if isinstance(table.c[name].type, JSON):
        return lambda value: value if value is None else str(value) if type(value) is JsonText else Json(value)
    first = next((row[name] for row in rows if row.get(name) is not None), None)
    if isinstance(table.c[name].type, SAEnum) or isinstance(first, enum.Enum):
        return lambda value: value.value if isinstance(value, enum.Enum) else value
    return None


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


def bound_one_of(dialect: str, column: InstrumentedAttribute[int], name: str) -> ColumnElement[bool]:
    """`column IN (:name)` written as `one_of` writes it, the values bound at execution (`bound_values`) so that
    the statement can be built once: an array on PostgreSQL, JSON on SQLite."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(column.type)))
    if dialect == "sqlite":
        return column.in_(select(literal_column("value")).select_from(func.json_each(bindparam(name, type_=String))))
    return column.in_(bindparam(name, expanding=True))


def bound_values(dialect: str, values: list[int]) -> object:
    return json.dumps(values) if dialect == "sqlite" else values

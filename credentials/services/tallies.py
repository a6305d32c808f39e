"""Indicator tallies kept in the same transaction as the writes that change what they count.

How a write reaches the tallies (the series themselves are defined in `tally_series`):

- **ORM flushes** (every service): a `before_flush` listener finds the rows of the counted tables (`SOURCES`)
  that the flush will insert, change or delete, and the rows whose facts it changes through another table
  (a worker's target groups, an institution's city); it reads what those rows contribute *as the database
  holds them now* (locking them on PostgreSQL), and `after_flush` reads them again and applies the difference.
  Reading the rows back, rather than taking old values from attribute history, also catches a change that
  reaches a row through a join (an institution that moves city moves its certificates' counts with it).
- **Core UPDATE/DELETE through `Session.execute`** (competition plan decisions via `state_changes.move_state`,
  a merge moving rows, anything later): a `do_orm_execute` hook does the same around the statement.
  A statement that moves rows feeding another table's facts to new owners (a merge moving target groups)
  cannot be diffed one statement at a time: wrap such moves in `recount_workers()`, as merges do; the hook
  refuses them otherwise, loudly, instead of letting the tallies drift.
- **Bulk inserts that bypass the session** (the import loader's COPY/executemany, `flask synth`) call
  `count_inserted()` for the new rows (`count_inserted_where()`: set-based, for a whole file), or rebuild
  afterwards (`flask synth` does).

Each difference is applied to its city, its province and the nation with one UPSERT per flush (`value = value +
delta` on each touched series, region, month and key), so concurrent writers add up instead of overwriting each
other; workers' standings (the highest valid level now) are recomputed in SQL for the workers touched and the
stock series ``workforce.level`` moves -1/+1.

`rebuild_tallies` recomputes everything set-based (GROUP BY statements, no per-row Python), `check_tallies`
recounts into a temporary table and lists every difference (`tally_rebuild`); `flask campaign rebuild|check`
wrap them. Nothing here commits: the caller's transaction holds the records and their counts together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, event, exists, func, inspect, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.util import ClauseAdapter

from ..bulk import in_list_batches, one_of
from ..models import Base, Tally, Worker, WorkerStanding, WorkerTargetGroup
from ..models.tallies import regions_of
from .programme_series import PROGRAMME_SOURCES
from .tally_fields import counted_attributes
from .tally_rebuild import TallyDifference, fill, standing_differences, tally_differences
from .tally_series import SOURCES as RECORD_SOURCES
from .tally_series import (
    STANDING_FIELDS,
    AnySelect,
    Count,
    Link,
    Source,
    count_of,
    count_standing,
    counts_of,
    recount_workforce,
    standings,
)

# Every counted table: the registry's records, and the programmes registry's (programme_series builds on tally_series,
# so the two lists meet here rather than in tally_series, which would make an import cycle).
SOURCES: tuple[Source, ...] = (*RECORD_SOURCES, *PROGRAMME_SOURCES)
_PENDING = "tallies.pending"  # session.info: the recount begun in before_flush, finished in after_flush
_SUSPENDED = "tallies.suspended"  # session.info: inside recount_workers(), the Core hook stands aside
_SOURCES = {source.table_name: source for source in SOURCES}
_LINKS = [(source, link) for source in SOURCES for link in source.links]
_TALLY_COLUMNS = ["series", "region_code", "month", "key", "value"]


class TalliesBypassed(RuntimeError):
    """A statement moved rows that feed counted facts to new owners outside `recount_workers()`."""


# ---- applying differences ----------------------------------------------------------------------------------

def apply_counts(session: Session, counts: Iterable[Count]) -> None:
    """Add each count to its region's tally row and those of the regions above it (creating them at need): one
    UPSERT, rows in key order (no deadlocks)."""
    totals: dict[tuple[str, str, date, str], Decimal] = defaultdict(Decimal)
    for count in counts:
        for region in regions_of(count.city_code):
            totals[(count.series, region, count.month, count.key)] += count.value
    rows: list[dict[str, Any]] = [dict(zip(_TALLY_COLUMNS, (*key, value), strict=True))
                                  for key, value in sorted(totals.items()) if value]
    if not rows:
        return
    table = Tally.__table__
    dialect_insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = dialect_insert(table)
    statement = statement.on_conflict_do_update(index_elements=list(table.primary_key.columns),
                                                set_={"value": table.c.value + statement.excluded.value})
    session.execute(statement, rows)
    emptied = [{f"_{name}": row[name] for name in _TALLY_COLUMNS[:4]} for row in rows if row["value"] < 0]
    if emptied:  # a row counted down to nothing goes, as a rebuild would not write it
        session.execute(delete(table).where(table.c.value == 0, *(
            table.c[name] == bindparam(f"_{name}") for name in _TALLY_COLUMNS[:4])), emptied)


def refresh_standings(session: Session, worker_ids: Iterable[int | None]) -> None:
    """Recompute these workers' highest valid level and city in SQL; move workforce.level where it changed."""
    ids = sorted({worker_id for worker_id in worker_ids if worker_id is not None})
    table = WorkerStanding.__table__
    counts: list[Count] = []
    for batch in in_list_batches(session, ids):
        if session.get_bind().dialect.name == "postgresql":  # two writers of one worker's standing take turns
            session.execute(select(Worker.id).where(one_of(session, Worker.id, batch)).with_for_update())
        wanted = {row.worker_id: tuple(row)[1:] for row in session.execute(standings(one_of(session, Worker.id, batch)))}
        kept = {row.worker_id: tuple(row)[1:] for row in session.execute(
            select(table.c.worker_id, table.c.city_code, table.c.highest_level, table.c.framework)
            .where(one_of(session, table.c.worker_id, batch)))}
        changed = [worker_id for worker_id in batch if kept.get(worker_id) != wanted.get(worker_id)]
        if not changed:
            continue
        for worker_id in changed:
            if worker_id in kept:
                counts.append(count_standing(kept[worker_id][0], kept[worker_id][1], -1))
            if worker_id in wanted:
                counts.append(count_standing(wanted[worker_id][0], wanted[worker_id][1], +1))
        session.execute(delete(table).where(one_of(session, table.c.worker_id, changed)))
        new_rows = [{"worker_id": worker_id, "city_code": wanted[worker_id][0], "highest_level": wanted[worker_id][1],
                     "framework": wanted[worker_id][2]} for worker_id in changed if worker_id in wanted]
        if new_rows:
            session.execute(table.insert(), new_rows)
    apply_counts(session, counts)


@dataclass
class _Recount:
    """Rows whose counts may change: read before the write (`begin`), again after (`finish`), apply the change."""

    ids: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # source table -> row ids
    linked: list[tuple[Source, Link, set[Any]]] = field(default_factory=list)  # resolved to ids in `begin`
    workers: set[int] = field(default_factory=set)  # standings to refresh
    new_objects: list[tuple[Source, Any]] = field(default_factory=list)  # ids known after the flush
    before: list[Count] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.ids or self.linked or self.workers or self.new_objects)

    def begin(self, session: Session) -> None:
        for source, link, values in self.linked:
            values = {value for value in values if value is not None}
            for batch in in_list_batches(session, sorted(values)):
                self.ids[source.table_name].update(session.scalars(
                    select(source.model.id).where(link.target.in_(batch))))  # type: ignore[attr-defined]
        for name, ids in self.ids.items():
            self.before.extend(self._read(session, _SOURCES[name], ids, lock=True))

    def finish(self, session: Session) -> None:
        for source, obj in self.new_objects:
            if obj.id is not None:
                self.ids[source.table_name].add(obj.id)
        after = [count for name, ids in self.ids.items() for count in self._read(session, _SOURCES[name], ids, lock=False)]
        apply_counts(session, [*after, *(count._replace(value=-count.value) for count in self.before)])
        refresh_standings(session, self.workers)

    def _read(self, session: Session, source: Source, ids: set[int], *, lock: bool) -> list[Count]:
        facts = source.load(session, sorted(ids), lock)
        self.workers.update(holder for row in facts if (holder := source.holder(row)) is not None)
        return list(counts_of(source, facts))


def _source(model: type[Base]) -> Source:
    name = model.__table__.name
    if name not in _SOURCES:
        raise ValueError(f"{name} is not a counted table; counted: {', '.join(sorted(_SOURCES))}")
    return _SOURCES[name]


def count_inserted(session: Session, model: type[Base], ids: Iterable[int]) -> None:
    """Count rows of a counted table just inserted without the ORM (the import loader's bulk writes)."""
    source = _source(model)
    recount = _Recount()
    recount.ids[source.table_name].update(ids)
    recount.finish(session)


class _ReadColumns:
    """Stands in for a row of facts to learn which of its columns a source's `holder` reads."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __getattr__(self, name: str) -> int:
        self.names.append(name)
        return 0


def count_inserted_where(session: Session, model: type[Base], where: ColumnElement[bool]) -> None:
    """Count the rows of a counted table that `where` selects, just inserted without the ORM, set-based: the
    source's own recount statements (the rule rebuild and check use) run over those rows only, one GROUP BY per
    series, instead of a fact per row read back into Python (a 100,000-row import)."""
    source = _source(model)
    table = model.__table__
    new_rows = ClauseAdapter(select(table).where(where).subquery(f"new_{source.table_name}"))
    apply_counts(session, [Count(series, city, month, key, count_of(value))
                           for statement in source.recount(session)
                           for series, city, month, key, value in session.execute(new_rows.traverse(statement))])
    probe = _ReadColumns()
    if source.holder(probe) is None:
        return
    holders = select(*(table.c[name] for name in probe.names)).where(where).distinct()
    refresh_standings(session, (source.holder(row) for row in session.execute(holders)))


@contextmanager
def recount_workers(session: Session, worker_ids: Iterable[int]) -> Iterator[None]:
    """Around Core statements that move these workers' rows between them (a merge): everything counted of the
    workers is read before and after, and the difference applied once. Write with Core statements inside."""
    workers = set(worker_ids)
    session.flush()
    recount = _Recount(workers=set(workers))
    owned = [source for source in SOURCES if "worker_id" in source.model.__table__.c]

    def rows_of_workers() -> None:
        for source in owned:
            column = source.model.__table__.c.worker_id
            for batch in in_list_batches(session, sorted(workers)):
                recount.ids[source.table_name].update(session.scalars(
                    select(source.model.__table__.c.id).where(column.in_(batch))))

    rows_of_workers()
    recount.begin(session)
    session.info[_SUSPENDED] = True
    try:
        yield
    finally:
        session.info.pop(_SUSPENDED, None)
    session.flush()
    rows_of_workers()
    recount.finish(session)


# ---- the ORM listener --------------------------------------------------------------------------------------

def _values(obj: Any, column: str) -> set[Any]:
    """The values a column of `obj` had and has in this flush (the related row's id when set by relationship)."""
    state = inspect(obj)
    history = state.attrs[column].load_history()
    values = {value for value in (*history.added, *history.unchanged, *history.deleted) if value is not None}
    if not values:
        for relationship in state.mapper.relationships:
            if any(local.key == column for local in relationship.local_columns):
                target = getattr(obj, relationship.key)
                identity = inspect(target).identity if target is not None else None
                if identity:
                    values.add(identity[0])
    return values


def _changed(obj: Any, fields: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _note(session: Session, recount: _Recount, obj: Any, *, new: bool = False, deleted: bool = False) -> None:
    source = _SOURCES.get(getattr(type(obj), "__tablename__", ""))
    if source is not None:
        if new:
            recount.new_objects.append((source, obj))
        elif deleted or _changed(obj, counted_attributes(session, source)):  # not any column: only what counts
            recount.ids[source.table_name].add(obj.id)
    for owner, link in _LINKS:
        if isinstance(obj, link.model) and (new or deleted or link.fields is None or _changed(obj, link.fields)):
            if new and link.column == "id":
                continue  # a new institution has no records yet
            recount.linked.append((owner, link, _values(obj, link.column)))
    if isinstance(obj, Worker) and not new:
        if deleted or _changed(obj, STANDING_FIELDS):
            recount.workers.add(obj.id)
        if not deleted and inspect(obj).attrs.target_groups.history.has_changes():  # a group removed (orphan)
            recount.linked.extend((owner, link, {obj.id}) for owner, link in _LINKS if link.model is WorkerTargetGroup)


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    recount = _Recount()
    for obj in session.new:
        _note(session, recount, obj, new=True)
    for obj in session.dirty:
        _note(session, recount, obj)
    for obj in session.deleted:
        _note(session, recount, obj, deleted=True)
    session.info.pop(_PENDING, None)
    if recount:
        recount.begin(session)
        session.info[_PENDING] = recount


def _after_flush(session: Session, _context: object) -> None:
    recount = session.info.pop(_PENDING, None)
    if recount is not None:
        recount.finish(session)


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(_PENDING, None)  # a flush that failed leaves nothing to finish


# ---- the Core hook -----------------------------------------------------------------------------------------

def _affected_ids(state: ORMExecuteState, key: Any) -> list[Any]:
    where = state.statement.whereclause  # type: ignore[attr-defined]
    query = select(key) if where is None else select(key).where(where)
    if not isinstance(state.parameters, list):
        return list(state.session.scalars(query, state.parameters))
    if where is None:  # an ORM bulk UPDATE by primary key
        return [parameters[key.key] for parameters in state.parameters]
    return sorted({found for parameters in state.parameters for found in state.session.scalars(query, parameters)})


def _on_execute(state: ORMExecuteState) -> Any:
    if not (state.is_update or state.is_delete) or state.session.info.get(_SUSPENDED):
        return None
    table = state.statement.table  # type: ignore[attr-defined]
    links = [(owner, link) for owner, link in _LINKS if link.model.__table__.name == table.name]
    is_source, is_worker = table.name in _SOURCES, table.name == Worker.__tablename__
    if not (is_source or links or is_worker):
        return None
    session = state.session
    (key,) = table.primary_key.columns
    ids = _affected_ids(state, key)
    if not ids:
        return None
    recount = _Recount()
    if is_source:
        recount.ids[table.name].update(ids)
    if is_worker:
        recount.workers.update(ids)
    owners_before = {}
    for owner, link in links:
        owners_before[link.column] = _column_values(session, table, link.column, key, ids)
        recount.linked.append((owner, link, set(owners_before[link.column])))
    recount.begin(session)
    result = state.invoke_statement()
    for column, before in owners_before.items():
        if not set(_column_values(session, table, column, key, ids)) <= set(before):
            raise TalliesBypassed(f"{table.name}.{column} moved to new owners outside recount_workers()")
    recount.finish(session)
    return result


def _column_values(session: Session, table: Any, column: str, key: Any, ids: list[Any]) -> list[Any]:
    found: list[Any] = []
    for batch in in_list_batches(session, ids):
        found.extend(session.scalars(select(table.c[column]).where(key.in_(batch)).distinct()))
    return found


def keep_tallies(session_class: type[Session] = Session) -> None:
    """Keep the tallies in every session of this class (and its subclasses); safe to call more than once."""
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("after_soft_rollback", _forget), ("do_orm_execute", _on_execute)):
        if not event.contains(session_class, name, listener):
            event.listen(session_class, name, listener)


# ---- rebuild and check (the SQL is in tally_rebuild) ------------------------------------------------------

@dataclass(frozen=True)
class RebuildSummary:
    tallies: int
    standings: int


def _recounts(session: Session) -> list[AnySelect]:
    return [statement for source in SOURCES for statement in source.recount(session)]


def rebuild_tallies(session: Session) -> RebuildSummary:
    """Recompute every standing and tally from the records, set-based (the caller commits)."""
    session.flush()
    if session.get_bind().dialect.name == "postgresql":  # writers wait until the rebuilt counts are committed
        session.execute(text("LOCK TABLE tallies, worker_standings IN EXCLUSIVE MODE"))
    tallies, kept = Tally.__table__, WorkerStanding.__table__
    session.execute(delete(tallies))
    session.execute(delete(kept))
    session.execute(kept.insert().from_select(["worker_id", "city_code", "highest_level", "framework"], standings()))
    fill(session, tallies, [*_recounts(session), recount_workforce(
        select(kept.c.worker_id, kept.c.city_code, kept.c.highest_level))])
    return RebuildSummary(tallies=session.scalar(select(func.count()).select_from(tallies)) or 0,
                          standings=session.scalar(select(func.count()).select_from(kept)) or 0)


def check_tallies(session: Session) -> list[TallyDifference]:
    """Every kept tally (and standing) that differs from a recount from the records; [] when all agree."""
    session.flush()
    tables = [Tally.__table__, WorkerStanding.__table__, *(source.model.__table__ for source in SOURCES)]
    if not session.scalar(select(or_(*(exists().select_from(table) for table in tables)))):
        return []  # nothing counted, nothing kept (most tests' databases: one cheap query)
    return (tally_differences(session, [*_recounts(session), recount_workforce(standings())])
            + standing_differences(session))

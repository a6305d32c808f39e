"""The set-based half of the tallies: fill a table of tallies from the records, and compare the kept tallies
with such a recount, all in SQL (GROUP BY, INSERT … SELECT, outer joins), so that rebuild and check take
minutes, not hours, at national scale and never hold the country's rows in Python.

`credentials.services.tallies.rebuild_tallies` and `check_tallies` are the entry points; this module knows
nothing of the sources, it takes their recount statements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Date, MetaData, Numeric, String, Table, and_, func, literal, null, or_, select, text, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import Tally, WorkerStanding
from ..models.tallies import NATION, STOCK_MONTH
from .tally_series import AnySelect, standings

COLUMNS = ["series", "region_code", "month", "key", "value"]
_CENT = Decimal("0.01")
# The recount `check_tallies` compares with: a temporary table of the kept table's shape (not in the models).
RECOUNT = Table("tally_recount", MetaData(),
                Column("series", String(48), primary_key=True), Column("region_code", String(4), primary_key=True),
                Column("month", Date, primary_key=True), Column("key", String(64), primary_key=True),
                Column("value", Numeric(16, 2)), prefixes=["TEMPORARY"])


@dataclass(frozen=True)
class TallyDifference:
    """One kept value that is not what the records say (a missing row counts as 0). Standings differ as series
    ``worker_standings`` (key ``<worker id>:<level>``, 1 where the row exists, 0 where it does not)."""

    series: str
    region_code: str
    month: date
    key: str
    kept: Decimal
    recomputed: Decimal


def fill(session: Session, table: Table, statements: Iterable[AnySelect]) -> None:
    """Insert the rows of the recount statements (series, most specific region, month, key, value) into `table`,
    then add every city's rows into its province's and every province's into the nation's."""
    for statement in statements:
        session.execute(table.insert().from_select(COLUMNS, statement))
    _roll_up(session, table, length=4, to=2)
    _roll_up(session, table, length=2, to=0)


def _roll_up(session: Session, table: Table, *, length: int, to: int) -> None:
    below = table.alias("below")
    region = func.substr(below.c.region_code, 1, to) if to else literal(NATION, String)
    rows = (select(below.c.series, region.label("region_code"), below.c.month, below.c.key, below.c.value)
            .where(func.length(below.c.region_code) == length).subquery())
    keys = [rows.c.series, rows.c.region_code, rows.c.month, rows.c.key]
    totals = select(*keys, func.sum(rows.c.value)).group_by(*keys)
    dialect_insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = dialect_insert(table).from_select(COLUMNS, totals)
    session.execute(statement.on_conflict_do_update(index_elements=list(table.primary_key.columns),
                                                    set_={"value": table.c.value + statement.excluded.value}))


def tally_differences(session: Session, statements: Iterable[AnySelect]) -> list[TallyDifference]:
    """Recount into a temporary table and list where the kept tallies differ from it."""
    session.execute(text("DROP TABLE IF EXISTS tally_recount"))  # left by a check that failed half-way
    RECOUNT.create(session.connection())
    fill(session, RECOUNT, statements)
    kept, new = Tally.__table__, RECOUNT
    on = and_(*(kept.c[name] == new.c[name] for name in COLUMNS[:4]))
    found = session.execute(union_all(
        select(*(kept.c[name] for name in COLUMNS), new.c.value).select_from(kept.outerjoin(new, on))
        .where(or_(new.c.value.is_(None), func.round(kept.c.value, 2) != func.round(new.c.value, 2))),
        select(*(new.c[name] for name in COLUMNS[:4]), null(), new.c.value).select_from(new.outerjoin(kept, on))
        .where(kept.c.value.is_(None)))).all()
    session.execute(text("DROP TABLE tally_recount"))
    differences = [TallyDifference(series, region, month, key, _decimal(held), _decimal(recounted))
                   for series, region, month, key, held, recounted in found]
    return sorted((d for d in differences if d.kept != d.recomputed),
                  key=lambda d: (d.series, d.region_code, d.month, d.key))


def standing_differences(session: Session) -> list[TallyDifference]:
    """Kept worker standings that are not what the certificates say now (set-based, both ways)."""
    table = WorkerStanding.__table__
    kept = select(table.c.worker_id, table.c.city_code, table.c.highest_level, table.c.framework)
    wanted = standings()
    found = []
    for rows, is_kept in ((kept.except_(wanted), True), (wanted.except_(kept), False)):
        for worker_id, city_code, level, _framework in session.execute(rows):
            one, none = Decimal(1), Decimal(0)
            found.append(TallyDifference("worker_standings", city_code, STOCK_MONTH, f"{worker_id}:{level}",
                                         kept=one if is_kept else none, recomputed=none if is_kept else one))
    return sorted(found, key=lambda d: d.key)


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(_CENT)

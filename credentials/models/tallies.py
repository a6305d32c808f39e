"""Indicator tallies: the counts behind the campaign's indicators, kept as aggregate rows.

One `Tally` row holds the running total of one series (e.g. ``certificates.level``) for one region, one month
and one key (e.g. ``senior``); `credentials.services.tallies` changes it in the same transaction as the write
that changes what it counts, and can rebuild or check every row from the records. `WorkerStanding` holds each
worker's highest valid level now, from which the stock series ``workforce.level`` is kept.

`region_code` is the region the row totals: a city (4 digits), a province (2 digits) or the nation (""). Every
count is kept for its city, its province and the nation at once (`regions_of`), so that a provincial or national
figure is read from a handful of rows however many cities there are. What belongs to a province and no city (a
provincial competition) is counted for the province and the nation only; a national competition for the nation.

Neither table names a worker or a city by foreign key, on purpose: they are derived data that `flask campaign
rebuild` recreates at any time. A merge (credentials/services/merges.py) moves every row that names a worker
by foreign key, and a worker's data export lists them; a standing is recomputed, not moved.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

STOCK_MONTH = date(1900, 1, 1)  # the month of a stock series (a count "now", not of a month)
NATION = ""  # region_code of the nation


def regions_of(code: str) -> tuple[str, ...]:
    """The regions a count of `code` (a city, a province or the nation) is kept for: itself and those above it."""
    return (code, code[:2], NATION) if len(code) == 4 else (code, NATION) if len(code) == 2 else (NATION,)


class Tally(Base):
    __tablename__ = "tallies"
    __table_args__ = (
        # Reads take one series over a range of months for one region (every indicator read), or for the cities of
        # a province or the nation (ranking): one covering index each, so SQLite and PostgreSQL answer from the
        # index alone, and a region's read never walks the rows of other regions.
        Index("ix_tallies_region", "series", "region_code", "month", "key", "value"),
        Index("ix_tallies_series_month", "series", "month", "region_code", "key", "value"),
    )

    series: Mapped[str] = mapped_column(String(48), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(4), primary_key=True)  # city, province or "" (the nation)
    month: Mapped[date] = mapped_column(primary_key=True)  # the first day of the month; STOCK_MONTH for stock
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" when the series has no key
    value: Mapped[Decimal] = mapped_column(Numeric(16, 2))

    def __repr__(self) -> str:
        return f"<Tally {self.series} {self.region_code or 'nation'} {self.month:%Y-%m} {self.key}={self.value}>"


class WorkerStanding(Base):
    """A worker with a valid certificate: the highest level they hold now (any occupation) and their city.

    Ties of rank go to the certificate reached first, as the bureau census counts (queries.career.highest_held).
    """

    __tablename__ = "worker_standings"

    worker_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    city_code: Mapped[str] = mapped_column(String(4))
    highest_level: Mapped[str] = mapped_column(String(32))
    framework: Mapped[str] = mapped_column(String(16))

    def __repr__(self) -> str:
        return f"<WorkerStanding {self.worker_id} {self.highest_level}>"

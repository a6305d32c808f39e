"""The ladder census of a region on a day, kept as one row: a documented daily refresh, never computed per request.

How many workers may move along each edge of the ladder *now* depends on today's date (years of service accrue
without any write), so it cannot be kept per write like the tallies; `flask campaign census` recomputes it
(`credentials.services.census_refresh`) once a day from cron, and the bureau's ladder page reads the latest row and
says when it was computed. The workers standing on each node are kept exactly by the tallies (`workforce.level`);
the `nodes` here are the census's own count on that day (it also places workers whose only level is a completed
apprenticeship, which holds no certificate).

Derived data, like the tallies: no foreign keys, recreated by the command at any time, not audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class CensusSnapshot(Base):
    __tablename__ = "census_snapshots"
    __table_args__ = (UniqueConstraint("region_code", "framework", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(4))  # "" the nation, 2 digits a province, 4 a city
    framework: Mapped[str] = mapped_column(String(16))  # the skill framework in force on `on`
    on: Mapped[date]  # the day whose rules and dates the counts follow
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    workers: Mapped[int]  # registered workers of the region
    on_ladder: Mapped[int]  # of whom standing on some level
    nodes: Mapped[dict[str, int]] = mapped_column(JSON)  # {node id: workers standing there}
    edges: Mapped[list[dict[str, Any]]]  # [{source, target, kind, eligible, judged}]

    def __repr__(self) -> str:
        return f"<CensusSnapshot {self.region_code or 'nation'} {self.framework} {self.on}>"

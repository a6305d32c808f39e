"""The daily refresh of the bureau ladder census: one `CensusSnapshot` per region and day.

Who may move along an edge of the ladder *now* changes with the date alone (years accrue), so these counts cannot
be kept per write like the tallies. `flask campaign census` runs `refresh_all` once a day (from cron): every city
with workers is counted once, one at a time (`ladder_census`'s chunked read), and each province and the nation are
the sums of their cities — a worker's verdicts depend on their own city only, so a sum equals a count of the
whole region, at a third of the work. Snapshots older than `KEPT_DAYS` are dropped as new ones come.

Derived data, recreated at will like the tallies, so not audited. Nothing here commits: the caller does (the CLI
once per region, through `each`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import CensusSnapshot, City, Worker, utcnow
from ..queries.census import LadderCensus, empty_census, region_census
from ..queries.indicators import Region

KEPT_DAYS = 31  # a month of daily snapshots per region is history enough; the page reads the latest


def refresh_census(session: Session, *, region_code: str, today: date) -> CensusSnapshot:
    """Count one region ("" the nation, a 2-digit province, a 4-digit city) on `today` and keep it."""
    code = Region.of(region_code).code  # a malformed code: ValidationFailed
    return keep_census(session, code, region_census(session, code, today=today))


def refresh_all(session: Session, today: date, *,
                each: Callable[[CensusSnapshot], None] | None = None) -> list[CensusSnapshot]:
    """Every city with workers, then every province with workers, then the nation; `each` is called after each
    region is kept (the CLI commits there). Returns the snapshots in that order."""
    nation = empty_census(today)
    provinces: dict[str, LadderCensus] = {}
    kept = []

    def keep(code: str, census: LadderCensus) -> None:
        kept.append(keep_census(session, code, census))
        if each is not None:
            each(kept[-1])

    for city_code, province_code in census_cities(session):
        census = region_census(session, city_code, today=today)
        keep(city_code, census)
        provinces.setdefault(province_code, empty_census(today)).add(census)
        nation.add(census)
    for province_code, census in sorted(provinces.items()):
        keep(province_code, census)
    keep("", nation)
    return kept


def census_cities(session: Session) -> list[tuple[str, str]]:
    """(city, its province) of every city where some worker is registered, in code order: one statement."""
    rows = session.execute(select(City.code, City.province_code).where(
        select(Worker.id).where(Worker.city_code == City.code, Worker.merged_into_id.is_(None)).exists())
        .order_by(City.code))
    return [(city_code, province_code) for city_code, province_code in rows]


def keep_census(session: Session, region_code: str, census: LadderCensus) -> CensusSnapshot:
    """Insert or replace the region's snapshot for the census's day, and drop those past `KEPT_DAYS`."""
    snapshot = session.scalars(select(CensusSnapshot).where(
        CensusSnapshot.region_code == region_code, CensusSnapshot.framework == census.framework,
        CensusSnapshot.on == census.on)).first()
    if snapshot is None:
        snapshot = CensusSnapshot(region_code=region_code, framework=census.framework, on=census.on)
        session.add(snapshot)
    snapshot.computed_at = utcnow()
    snapshot.workers, snapshot.on_ladder = census.workers, census.on_ladder
    snapshot.nodes = dict(sorted(census.nodes.items()))
    snapshot.edges = [{"source": source, "target": target, "kind": kind, "eligible": count.eligible,
                       "judged": count.judged} for (source, target, kind), count in census.edges.items()]
    session.execute(delete(CensusSnapshot).where(CensusSnapshot.region_code == region_code,
                                                 CensusSnapshot.on < census.on - timedelta(days=KEPT_DAYS)))
    session.flush()
    return snapshot

"""A region on the ladder: how many workers stand on each node now, and how many may move along each edge now.

Bulk by design: the region's workers are read in keyset chunks, each chunk's histories in four queries
(``histories_for``), then judged by the ladder's rules in memory; nothing is queried per worker.

A worker stands on the node of their highest valid level in any occupation. Whether they may take an edge
now follows the planner's dating rules (``ladder.routes``): the step to the next appraised level is the
eligibility engine's verdict; any other step is due `min_years` after the level was reached. Exceptional,
level-skipping and competition steps depend on evidence reviewed case by case (awards, results, approvals),
and steps whose rule sets no wait (a title series' own standard) cannot be judged from the records: such
edges are reported as not judged rather than as zero.

It reads every worker of the region, which takes seconds at national scale, so pages never run it: `flask campaign
census` runs it daily (`credentials.services.census_refresh`) and keeps a `CensusSnapshot` per region, which
`latest_snapshot` reads back. `region_census` counts a region by code (the daily refresh); `ladder_census` what
a user may see.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
from sqlalchemy import and_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from ladder.eligibility import evaluate, next_regular_target
from ladder.frameworks import NATIONAL, framework_for, get_framework
from ladder.graph import graph_for
from ladder.history import HeldLevel, WorkerHistory
from ladder.routes import EVIDENCE_KINDS
from ladder.timeline import add_years

from ..models import CensusSnapshot, City, User, Worker
from .career import highest_held, jurisdiction_for, rule_places
from .history import histories_for
from .scopes import worker_scope

EdgeId = tuple[str, str, str]  # (source node, target node, edge kind): parallel rules of one kind merged
EdgeData = dict[str, Any]  # a graph edge's attributes (ladder.graph)


@dataclass
class EdgeCount:
    eligible: int = 0
    judged: bool = False  # some rule of this edge could be judged for someone standing at its source


@dataclass
class LadderCensus:
    on: date
    framework: str
    workers: int = 0
    on_ladder: int = 0
    nodes: Counter[str] = field(default_factory=Counter)
    edges: dict[EdgeId, EdgeCount] = field(default_factory=dict)

    def add(self, other: LadderCensus) -> None:
        """Count `other`'s workers in too (a province is the sum of its cities: a worker's verdicts depend on
        their own city only)."""
        self.workers += other.workers
        self.on_ladder += other.on_ladder
        self.nodes.update(other.nodes)
        for edge, count in other.edges.items():
            mine = self.edges.setdefault(edge, EdgeCount())
            mine.eligible += count.eligible
            mine.judged |= count.judged


def ladder_census(session: Session, user: User, *, today: date, chunk: int = 2000) -> LadderCensus:
    """The census of the workers `user` may see."""
    return _census(session, worker_scope(user), today=today, chunk=chunk)


def region_census(session: Session, region_code: str, *, today: date, chunk: int = 2000) -> LadderCensus:
    """The census of a region: "" the nation, 2 digits a province, 4 a city."""
    return _census(session, region_workers(region_code), today=today, chunk=chunk)


def region_workers(region_code: str) -> ColumnElement[bool]:
    """The workers of a region by code, as a bureau officer of that region sees them (`scopes.worker_scope`)."""
    if not region_code:
        where: ColumnElement[bool] = true()
    elif len(region_code) == 2:
        where = Worker.city_code.in_(select(City.code).where(City.province_code == region_code))
    else:
        where = Worker.city_code == region_code
    return and_(Worker.merged_into_id.is_(None), where)


def latest_snapshot(session: Session, region_code: str, framework: str) -> CensusSnapshot | None:
    """The region's most recent kept census under a framework (None before the first refresh)."""
    return session.scalars(select(CensusSnapshot).where(CensusSnapshot.region_code == region_code,
                                                        CensusSnapshot.framework == framework)
                           .order_by(CensusSnapshot.on.desc()).limit(1)).first()


def census_of(snapshot: CensusSnapshot) -> LadderCensus:
    """A kept snapshot read back as the census it was computed from."""
    census = LadderCensus(snapshot.on, snapshot.framework, snapshot.workers, snapshot.on_ladder,
                          Counter(snapshot.nodes))
    for row in snapshot.edges:
        census.edges[(row["source"], row["target"], row["kind"])] = EdgeCount(row["eligible"], row["judged"])
    return census


def empty_census(today: date) -> LadderCensus:
    """The census of nobody: every edge of the ladder in force, at 0 (what sums of regions start from)."""
    return _start(today)[0]


def _start(today: date) -> tuple[LadderCensus, dict[str, list[tuple[str, EdgeData]]]]:
    g = graph_for(today)
    framework = framework_for(today).code
    census = LadderCensus(today, framework)
    moves: dict[str, list[tuple[str, EdgeData]]] = {}  # per level, the rules the records might judge
    for u, v, data in g.edges(data=True):
        if g.nodes[u]["track"] == framework:
            count = census.edges.setdefault((u, v, data["kind"]), EdgeCount())
            # A national rule the records can judge is reported even where nobody stands yet (as 0).
            count.judged |= data["jurisdiction"] == NATIONAL and _judgeable(g, u, v, data, framework)
            if data["kind"] not in EVIDENCE_KINDS:
                moves.setdefault(u, []).append((v, data))
    return census, moves


def _census(session: Session, scope: ColumnElement[bool], *, today: date, chunk: int) -> LadderCensus:
    census, moves = _start(today)
    places = rule_places(graph_for(today))
    last_id = 0
    while True:
        rows = session.execute(
            select(Worker.id, Worker.city_code).where(scope, Worker.id > last_id)
            .order_by(Worker.id).limit(chunk)).all()
        if not rows:
            return census
        last_id = rows[-1].id
        histories = histories_for(session, [row.id for row in rows])
        for worker_id, city_code in rows:
            census.workers += 1
            _count(census, moves, histories[worker_id], jurisdiction_for(city_code, places))


def _count(census: LadderCensus, moves: dict[str, list[tuple[str, EdgeData]]], history: WorkerHistory,
           place: str | None) -> None:
    held = highest_held(history)
    if held is None:
        return
    node = f"{census.framework}:{held.level_code}"
    census.on_ladder += 1
    census.nodes[node] += 1
    next_code = next_regular_target(history, held.occupation_code, census.framework)
    next_node = f"{census.framework}:{next_code}"
    verdicts: dict[EdgeId, list[bool | None]] = {}
    for target, data in moves.get(node, ()):
        if data["jurisdiction"] in (NATIONAL, place):
            regular_next = data["kind"] == "regular" and target == next_node
            verdict = (_eligible(history, held, next_code, census.on) if regular_next and next_code is not None
                       else _due_now(data, held, census.on))
            verdicts.setdefault((node, target, data["kind"]), []).append(verdict)
    for edge, found in verdicts.items():
        judged = [verdict for verdict in found if verdict is not None]
        if judged:
            census.edges[edge].judged = True
            census.edges[edge].eligible += any(judged)


def _judgeable(g: nx.MultiDiGraph[str], u: str, v: str, data: EdgeData, framework: str) -> bool:
    if data["kind"] in EVIDENCE_KINDS:
        return False
    above = [lv for lv in get_framework(framework).appraised if lv.rank > g.nodes[u]["rank"]]
    next_appraised = above[0] if above else None
    to_next = data["kind"] == "regular" and next_appraised is not None and v == next_appraised.node_id
    return to_next or data["min_years"] is not None


def _eligible(history: WorkerHistory, held: HeldLevel, target_level: str, today: date) -> bool:
    return evaluate(history, held.occupation_code, target_level, on=today).eligible


def _due_now(data: EdgeData, held: HeldLevel, today: date) -> bool | None:
    """True or False when the records can tell; None when the step rests on evidence or an unstated wait."""
    if data["kind"] in EVIDENCE_KINDS or data["min_years"] is None:
        return None
    return add_years(held.reached_on, data["min_years"]) <= today

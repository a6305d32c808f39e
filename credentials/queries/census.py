"""A region on the ladder: how many workers stand on each node now, and how many may move along each edge now.

Bulk by design: the region's workers are read in keyset chunks, each chunk's histories in four queries
(``histories_for``), then judged by the ladder's rules in memory; nothing is queried per worker.

A worker stands on the node of their highest valid level in any occupation. Whether they may take an edge
now follows the planner's dating rules (``ladder.routes``): the step to the next appraised level is the
eligibility engine's verdict; any other step is due `min_years` after the level was reached. Exceptional,
level-skipping and competition steps depend on evidence reviewed case by case (awards, results, approvals),
and steps whose rule sets no wait (a title series' own standard) cannot be judged from the records: such
edges are reported as not judged rather than as zero.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.eligibility import evaluate, next_regular_target
from ladder.frameworks import NATIONAL, framework_for, get_framework
from ladder.graph import graph_for
from ladder.history import HeldLevel, WorkerHistory
from ladder.routes import EVIDENCE_KINDS
from ladder.timeline import add_years

from ..models import User, Worker
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


def ladder_census(session: Session, user: User, *, today: date, chunk: int = 2000) -> LadderCensus:
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
    places = rule_places(g)
    last_id = 0
    while True:
        rows = session.execute(
            select(Worker.id, Worker.city_code).where(worker_scope(user), Worker.id > last_id)
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

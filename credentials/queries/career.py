"""A worker's career routes: where they stand on the ladder and the dated ways to a goal, from their records.

The records come from the database (``history``); the rules, the graph and the planning are ``ladder``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.frameworks import NATIONAL, framework_for, get_framework, level_rank, next_level
from ladder.graph import CROSSOVER_KINDS, graph_for
from ladder.history import HeldLevel, WorkerHistory
from ladder.routes import DEFAULT_ALLOW, Route, Step, plan_for_worker

from ..errors import ValidationFailed
from ..models import Occupation, Worker
from .history import history_of


def rule_places(g: nx.MultiDiGraph[str]) -> frozenset[str]:
    """The jurisdictions that have rules of their own in the graph."""
    return frozenset(data["jurisdiction"] for _, _, data in g.edges(data=True)) - {NATIONAL}


def jurisdiction_for(city_code: str, places: frozenset[str]) -> str | None:
    """The local rules that apply in a city besides the national ones.

    The planner takes one jurisdiction, so a city with rules of its own uses them, and any other city uses its
    province's (ladder data codes divisions with six digits: 320500 Suzhou, 320000 Jiangsu).
    """
    city, province = f"{city_code[:4]}00", f"{city_code[:2]}0000"
    return next((code for code in (city, province) if code in places), None)


def highest_held(history: WorkerHistory) -> HeldLevel | None:
    """The highest level held in any occupation; on a tie, the one reached first (it has served longest)."""
    return max(history.held_levels, key=lambda h: (level_rank(h.level_code), -h.reached_on.toordinal()),
               default=None)


def occupations_of(history: WorkerHistory) -> tuple[str, ...]:
    """Occupations with a level or recorded work, the highest level first, then the latest work."""
    by_level = sorted({h.occupation_code for h in history.held_levels}, key=lambda code: -_highest_rank(history, code))
    by_work = [p.occupation_code for p in sorted(history.work_periods, key=lambda p: p.start, reverse=True)]
    return tuple(dict.fromkeys(by_level + by_work))


def _highest_rank(history: WorkerHistory, occupation_code: str) -> int:
    held = history.highest_level(occupation_code)
    assert held is not None  # asked only for occupations the history holds a level in
    return level_rank(held.level_code)


@dataclass(frozen=True)
class WorkerPlan:
    worker_id: int
    on: date
    occupation_code: str
    occupations: tuple[str, ...]
    position: str | None  # node of the highest level held in the occupation; None: not on the ladder yet
    reached_on: date | None
    target: str | None  # None: at the top of the ladder, nothing above to aim for
    allow: frozenset[str]
    jurisdiction: str | None
    routes: tuple[Route, ...]  # ranked: earliest arrival first
    bridges: tuple[Step, ...] = ()  # crossovers from the position, each dated like a one-step route


def plan_worker_routes(session: Session, worker: Worker, *, today: date, target: str | None = None,
                       allow: Iterable[str] = DEFAULT_ALLOW, occupation_code: str | None = None, k: int = 5,
                       with_bridges: bool = False) -> WorkerPlan:
    """The worker's ranked, dated routes on the graph in force today, from their real history.

    `target` defaults to the next node up the worker's own ladder (the entry level for someone without one).
    `with_bridges` also dates every crossover open from where they stand.
    """
    g = graph_for(today)
    if target is not None and target not in g:
        raise ValidationFailed("unknown_node", field="to", node=target)
    history = history_of(session, worker.id)
    occupations = occupations_of(history)
    if occupation_code is None:
        if not occupations:
            raise ValidationFailed("no_occupation", field="occupation")
        occupation_code = occupations[0]
    elif occupation_code not in occupations and session.scalar(
            select(Occupation.id).where(Occupation.code == occupation_code).limit(1)) is None:
        raise ValidationFailed("unknown_occupation", field="occupation", occupation=occupation_code)
    framework = framework_for(today).code
    held = history.highest_level(occupation_code)
    position = f"{framework}:{held.level_code}" if held else None
    if target is None:
        target = _next_up(framework, held)
    allow = frozenset(allow)
    jurisdiction = jurisdiction_for(worker.city_code, rule_places(g))

    def plan(goal: str, count: int) -> list[Route]:
        return plan_for_worker(g, history, occupation_code, goal, today=today, k=count, allow=allow,
                               jurisdiction=jurisdiction)

    routes = plan(target, k) if target is not None else []
    bridges: list[Step] = []
    if with_bridges and position is not None:
        crossings = dict.fromkeys(v for _, v, data in g.out_edges(position, data=True)
                                  if data["kind"] in CROSSOVER_KINDS)
        for goal in crossings:
            bridges += [r.steps[0] for r in plan(goal, 5) if len(r.steps) == 1][:1]
    return WorkerPlan(worker.id, today, occupation_code, occupations, position,
                      held.reached_on if held else None, target, allow, jurisdiction, tuple(routes),
                      tuple(bridges))


def _next_up(framework: str, held: HeldLevel | None) -> str | None:
    if held is None:
        return f"{framework}:{get_framework(framework).appraised[0].code}"
    above = next_level(held.level_code, framework)
    return above.node_id if above else None

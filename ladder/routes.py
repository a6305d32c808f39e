"""Route planning over the career graph: the ways from a position to a goal, each step dated at the earliest.

Dating rules. A step waits `min_years` after its source was reached. When a rule sets no wait, an
evidence-based step (exceptional, skip, competition: the caller vouches for the evidence by allowing the
kind) is taken at once, while a regular or crossover step is left undated, and so is every step after it.
No step is dated before its rule came into force. On a graph built for one date the rules of that date are
assumed to go on; on an undated graph each step must fall inside its rule's validity window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict
from weakref import WeakKeyDictionary

import networkx as nx

from ladder.eligibility import WorkerHistory, evaluate, get_rules, next_regular_target
from ladder.frameworks import NATIONAL, all_frameworks, framework_for
from ladder.i18n import Text, join
from ladder.timeline import add_years, in_window

DEFAULT_ALLOW = frozenset({"regular", "skill_to_title", "title_to_skill"})
EVIDENCE_KINDS = frozenset({"exceptional", "skip", "competition"})
MAX_STEPS = 8
_KIND_ORDER = {"regular": 0, "skill_to_title": 1, "title_to_skill": 1, "exceptional": 2, "skip": 3,
               "competition": 4}


@dataclass(frozen=True)
class Step:
    edge: str | None  # the graph edge key; None for entering the ladder
    source: str | None  # None: a worker with no level yet enters the ladder
    target: str
    kind: str
    policy: str | None
    earliest_date: date | None  # None: the wait is not set by any rule we hold
    condition_zh: str
    condition_en: str


@dataclass(frozen=True)
class Route:
    steps: tuple[Step, ...]

    @property
    def arrival(self) -> date | None:
        return self.steps[-1].earliest_date if self.steps else None

    @property
    def nodes(self) -> tuple[str, ...]:
        ends = (self.steps[0].source, *(step.target for step in self.steps))
        return tuple(node for node in ends if node is not None)


# Per graph, computed once: the usable edges of every hop and the paths between two nodes. Graphs are
# treated as immutable (graph_for hands out frozen ones).
_Option = tuple[str, dict[str, Any]]  # (edge key, edge data)
_Successors = dict[str, dict[str, list[_Option]]]


@dataclass
class _Memo:
    options: dict[tuple[frozenset[str], frozenset[str]], _Successors] = field(default_factory=dict)  # by (allow, places)
    paths: dict[tuple[frozenset[str], frozenset[str], str, str, int], list[tuple[str, ...]]] = field(default_factory=dict)


_cache: WeakKeyDictionary[nx.MultiDiGraph[str], _Memo] = WeakKeyDictionary()


def _options(g: nx.MultiDiGraph[str], allow: frozenset[str], places: frozenset[str]) -> _Successors:
    """Allowed edges as successor lists, the most promising rule first for every hop."""
    memo = _cache.setdefault(g, _Memo()).options
    if (allow, places) not in memo:
        succ: dict[str, dict[str, list[_Option]]] = {}
        for u, v, key, data in g.edges(keys=True, data=True):
            if data["kind"] in allow and data["jurisdiction"] in places:
                succ.setdefault(u, {}).setdefault(v, []).append((key, data))
        for targets in succ.values():
            for options in targets.values():
                options.sort(key=_preference)
        memo[(allow, places)] = succ
    return memo[(allow, places)]


def _preference(option: _Option) -> tuple[bool, int, bool, int, str]:
    key, data = option
    years = data["min_years"]
    undated = years is None and data["kind"] not in EVIDENCE_KINDS
    local_first = data["jurisdiction"] == NATIONAL  # on a tie, the local rule the caller asked for
    return (undated, years or 0, local_first, _KIND_ORDER[data["kind"]], key)


def _paths(g: nx.MultiDiGraph[str], allow: frozenset[str], places: frozenset[str], start: str, target: str,
           cutoff: int) -> list[tuple[str, ...]]:
    """Simple paths on one skill ladder that leave each track at most once (no crossing over and back)."""
    memo = _cache.setdefault(g, _Memo()).paths
    memo_key = (allow, places, start, target, cutoff)
    if memo_key in memo:
        return memo[memo_key]
    succ, nodes = _options(g, allow, places), g.nodes
    found: list[tuple[str, ...]] = []

    def walk(path: list[str], left: frozenset[str], ladder: str | None) -> None:
        here = path[-1]
        if here == target:
            found.append(tuple(path))
            return
        if len(path) > cutoff:
            return
        track = nodes[here]["track"]
        for nxt in succ.get(here, {}):
            to = nodes[nxt]
            crossing = to["track"] != track
            other_ladder = to["kind"] == "skill" and ladder not in (None, to["track"])
            if nxt in path or other_ladder or (crossing and to["track"] in left):
                continue
            walk(path + [nxt], left | {track} if crossing else left,
                 to["track"] if to["kind"] == "skill" else ladder)

    first = nodes[start]
    walk([start], frozenset(), first["track"] if first["kind"] == "skill" else None)
    memo[memo_key] = found
    return found


_First = tuple[str, date | None, Text]  # (next regular level's node, when eligible, why)


def _due(data: Mapping[str, Any], arrive: date | None, start_date: date, first: _First | None,
         dated_graph: bool) -> tuple[bool, date | None]:
    """(usable, earliest date) of one edge for a step whose source was reached on `arrive`."""
    if first is not None and data["kind"] == "regular":
        return True, first[1]
    if arrive is None or (data["min_years"] is None and data["kind"] not in EVIDENCE_KINDS):
        return True, None
    due = max(add_years(arrive, data["min_years"] or 0), start_date)
    due = max(due, data["valid_from"] or due)  # no step before its rule came into force
    if dated_graph:
        return True, due
    return in_window(due, data["valid_from"], data["valid_to"]), due


def _choose(options: list[_Option], arrive: date | None, start_date: date, first: _First | None,
            dated_graph: bool) -> tuple[str, dict[str, Any], date | None] | None:
    """The first usable rule of a hop (its options come best first), with the step's date."""
    for key, data in options:
        usable, due = _due(data, arrive, start_date, first, dated_graph)
        if usable:
            return key, data, due
    return None


def _date_route(g: nx.MultiDiGraph[str], path: tuple[str, ...], succ: _Successors, reached: date | None,
                start_date: date, first: _First | None) -> Route | None:
    dated_graph = g.graph.get("on") is not None
    steps, arrive = [], reached
    for u, v in zip(path, path[1:], strict=False):
        mine = first if first is not None and u == path[0] and v == first[0] else None
        chosen = _choose(succ[u][v], arrive, start_date, mine, dated_graph)
        if chosen is None:
            return None
        key, data, due = chosen
        condition = mine[2] if mine is not None and data["kind"] == "regular" else join(data["requirements"])
        steps.append(Step(key, u, v, data["kind"], data["policy"], due, condition.zh, condition.en))
        arrive = due
    return Route(tuple(steps))


def _rank(routes: Iterable[Route], k: int) -> list[Route]:
    return sorted(routes, key=lambda r: (r.arrival is None, r.arrival or date.max, len(r.steps),
                                         sum(s.kind != "regular" for s in r.steps), r.nodes))[:k]


def plan_routes(g: nx.MultiDiGraph[str], start_node: str, target_node: str, *, start_date: date,
                held_since: date | None = None, k: int = 5, allow: Iterable[str] = DEFAULT_ALLOW,
                jurisdiction: str | None = None, cutoff: int = MAX_STEPS) -> list[Route]:
    """Up to k routes from start to target, earliest arrival first, then fewer steps.

    `held_since`: when the start position was reached (default: start_date). `allow`: edge kinds to use;
    exceptional, skip and competition only when the worker has the evidence. `jurisdiction`: a division
    code whose local rules apply besides the national ones.
    """
    return _plan(g, start_node, target_node, start_date=start_date, reached=held_since or start_date, k=k,
                 allow=frozenset(allow), jurisdiction=jurisdiction, cutoff=cutoff)


def _plan(g: nx.MultiDiGraph[str], start: str, target: str, *, start_date: date, reached: date | None, k: int,
          allow: frozenset[str], jurisdiction: str | None, cutoff: int = MAX_STEPS,
          first: _First | None = None) -> list[Route]:
    for node in (start, target):
        if node not in g:
            raise KeyError(f"{node!r} is not a node of this career graph")
    places = frozenset({NATIONAL} if jurisdiction is None else {NATIONAL, jurisdiction})
    succ = _options(g, allow, places)
    routes = (_date_route(g, path, succ, reached, start_date, first)
              for path in _paths(g, allow, places, start, target, cutoff) if len(path) > 1)
    return _rank((r for r in routes if r is not None), k)


class _PlanArgs(TypedDict):
    """The arguments of `_plan` that plan_for_worker passes whether or not the worker holds a level."""

    start_date: date
    k: int
    allow: frozenset[str]
    jurisdiction: str | None


def plan_for_worker(g: nx.MultiDiGraph[str], history: WorkerHistory, occupation_code: str, target_node: str, *,
                    today: date, k: int = 5, allow: Iterable[str] = DEFAULT_ALLOW,
                    jurisdiction: str | None = None) -> list[Route]:
    """Routes from the worker's highest level in the occupation (however it was reached) to a target.

    The step to the next regular level is dated by the eligibility engine rather than by the graph's minimum.
    """
    framework = _framework_of(g, today)
    held = history.highest_level(occupation_code)
    next_code = next_regular_target(history, occupation_code, framework)
    first: _First | None = None
    if next_code is not None:
        verdict = evaluate(history, occupation_code, next_code, on=today)
        if verdict.eligible:
            clauses = get_rules(verdict.rules).clauses
            condition = next(c.text for c in clauses if c.id == verdict.matched_clause)
        else:
            condition = Text("；".join(verdict.describe("zh")), "; ".join(verdict.describe("en")))
        first = (f"{framework}:{next_code}", verdict.eligible_from and max(verdict.eligible_from, today),
                 condition)
    plan: _PlanArgs = {"start_date": today, "k": k, "allow": frozenset(allow), "jurisdiction": jurisdiction}
    if held is not None:
        return _plan(g, f"{framework}:{held.level_code}", target_node, reached=held.reached_on, first=first,
                     **plan)
    # No level yet: the first step enters the ladder at the first appraised level.
    assert first is not None  # with no level held, the next regular target is the first appraised level
    entry_node, entry_date, condition = first
    entry = Step(None, None, entry_node, "regular", verdict.rules, entry_date, condition.zh, condition.en)
    if entry_node == target_node:
        return [Route((entry,))]
    onward = _plan(g, entry_node, target_node, reached=entry_date, **plan)
    return _rank((Route((entry, *route.steps)) for route in onward), k)


def _framework_of(g: nx.MultiDiGraph[str], today: date) -> str:
    """The skill ladder to plan on: the one in force today if the graph has it, else the newest it has."""
    in_graph = [fw.code for fw in all_frameworks() if f"{fw.code}:junior" in g]
    current = framework_for(today).code
    if current in in_graph:
        return current
    if not in_graph:
        raise ValueError("the career graph has no skill ladder")
    return in_graph[-1]

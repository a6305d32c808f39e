"""The career graph: skill levels and professional titles as nodes, promotions and crossovers as edges.

Everything comes from data: regular steps from the application conditions, exceptional and skip steps from
exceptional.toml, competition steps from competitions.toml, posts, title ladders and crossovers from
graph-*.toml. Two rules can link the same two nodes (a national and a local crossover, two condition
templates on the five-level ladder), so the graph is a MultiDiGraph keyed "<kind>:<policy>:<jurisdiction>".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

import networkx as nx

from ladder import competitions, eligibility, exceptional
from ladder.frameworks import (
    NATIONAL,
    LadderDataError,
    all_frameworks,
    all_title_series,
    data_files,
    get_framework,
    get_level,
    get_title_series,
    read_data,
)
from ladder.i18n import Text
from ladder.timeline import Dated, in_window

EDGE_KINDS = ("regular", "exceptional", "skip", "competition", "skill_to_title", "title_to_skill")
PROMOTION_KINDS = frozenset({"regular", "exceptional", "skip", "competition"})
CROSSOVER_KINDS = frozenset({"skill_to_title", "title_to_skill"})


class GraphIntegrityError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        super().__init__("career graph is inconsistent:\n- " + "\n- ".join(problems))


@dataclass(frozen=True)
class _Rule(Dated):
    """One edge as the data states it; endpoints are level codes or "<series>:<grade>"."""

    kind: str
    source: str
    target: str
    requirements: tuple[Text, ...]
    policy: str
    policy_name: Text
    jurisdiction: str
    valid_from: date | None
    valid_to: date | None
    min_years: int | None = None


def _regular_rules() -> list[_Rule]:
    rules = []
    for rs in eligibility.all_rule_sets():
        for target in dict.fromkeys(c.target for c in rs.clauses):
            clauses = rs.clauses_for(target)
            for prev in dict.fromkeys(c.prev_level for c in clauses if c.prev_level):
                # The fewest years reachable by time and training alone; a diploma is a shortcut for some.
                years = [c.years_since_prev or 0 for c in clauses if c.prev_level == prev and not c.diplomas]
                rules.append(_Rule("regular", prev, target, tuple(c.text for c in clauses), rs.code, rs.name,
                                   NATIONAL, rs.valid_from, rs.valid_to, min(years, default=0)))
    return rules


def _exceptional_rules() -> list[_Rule]:
    rules = []
    ladder = get_framework("skill-2022").appraised
    for limit in exceptional.exceptional_limits():
        fewest_skipped = 1 if limit.kind == "skip" else 0
        for target in map(get_level, limit.targets):
            rules += [_Rule(limit.kind, source.code, target.code, (limit.name,), limit.id, limit.name,
                            limit.jurisdiction, limit.valid_from, limit.valid_to)
                      for source in ladder
                      if fewest_skipped <= target.rank - source.rank - 1 <= limit.max_levels_skipped]
    for policy in exceptional.exceptional_policies():
        pairs: dict[tuple[str, str], list[Text]] = {}
        for clause in policy.clauses:
            if clause.from_level:  # a clause open to any level is not one step of the ladder
                pairs.setdefault((clause.from_level, clause.target), []).append(clause.text)
        rules += [_Rule("exceptional", source, target, tuple(texts), policy.id, policy.name,
                        policy.jurisdiction, policy.valid_from, policy.valid_to)
                  for (source, target), texts in pairs.items()]
    return rules


def _competition_rules() -> list[_Rule]:
    """Steps of the policies that apply to a whole tier; one contest's own notice is not a route."""
    return [_Rule("competition", source, target, tuple(texts), policy.id, policy.name, place,
                  policy.valid_from, policy.valid_to)
            for policy in competitions.all_policies() if policy.is_tier_default
            for (source, target), texts in competitions.promotion_steps(policy, "skill-2022").items()
            for place in policy.jurisdictions]


def _listed_rules() -> list[_Rule]:
    rules = []
    for file in data_files("graph-"):
        for policy in read_data(file)["policy"]:
            name = Text.of(policy, "name_")
            for edge in policy["edge"]:
                if edge["kind"] not in EDGE_KINDS:
                    raise LadderDataError(f"{file}: policy {policy['id']!r} has an edge of unknown kind "
                                          f"{edge['kind']!r}")
                for series in edge.get("series", [None]):
                    source, target = (edge[end].replace("{series}", series or "") for end in ("from", "to"))
                    rules.append(_Rule(edge["kind"], source, target, (Text.of(edge, "requirement_"),),
                                       policy["id"], name, policy["jurisdiction"], policy.get("valid_from"),
                                       policy.get("valid_to"), edge.get("min_years")))
    return rules


@cache
def _rules() -> tuple[_Rule, ...]:
    return tuple(_regular_rules() + _exceptional_rules() + _competition_rules() + _listed_rules())


def _title_node(ref: str) -> str:
    series, grade = ref.split(":")
    return get_title_series(series).grade(grade).node_id


def _placements(rule: _Rule) -> list[tuple[str, str, date | None, date | None]]:
    """(source node, target node, valid_from, valid_to) for every framework the rule reaches."""
    title_source, title_target = ":" in rule.source, ":" in rule.target
    if title_source and title_target:
        return [(_title_node(rule.source), _title_node(rule.target), rule.valid_from, rule.valid_to)]
    skill_ends = [ref for ref, is_title in ((rule.source, title_source), (rule.target, title_target))
                  if not is_title]
    placed: list[tuple[str, str, date | None, date | None]] = []
    for fw in all_frameworks():
        if not all(fw.has(ref) for ref in skill_ends):
            continue
        start = max(rule.valid_from or fw.valid_from, fw.valid_from)
        ends = [d for d in (rule.valid_to, fw.valid_to) if d is not None]
        end = min(ends) if ends else None
        if end is None or start <= end:
            source = _title_node(rule.source) if title_source else fw.level(rule.source).node_id
            target = _title_node(rule.target) if title_target else fw.level(rule.target).node_id
            placed.append((source, target, start, end))
    return placed


def _add_nodes(g: nx.MultiDiGraph[str], on: date | None) -> None:
    for fw in all_frameworks():
        if on is None or fw.in_force(on):
            for lv in fw.levels:
                g.add_node(lv.node_id, kind="skill", track=fw.code, framework=fw.code, code=lv.code,
                           rank=lv.rank, aligned_rank=lv.rank, name_zh=lv.name_zh, name_en=lv.name_en,
                           is_high_skilled=lv.is_high_skilled)
    for series in all_title_series():
        for grade in series.grades:
            g.add_node(grade.node_id, kind="title", track=f"title:{series.code}", series=series.code,
                       code=grade.code, rank=grade.rank, aligned_rank=grade.aligned_rank,
                       name_zh=grade.name_zh, name_en=grade.name_en, is_high_skilled=False)


def build_graph(on: date | None = None) -> nx.MultiDiGraph[str]:
    """The career graph; with `on`, only the frameworks and rules in force that day."""
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(on=on)
    _add_nodes(g, on)
    for rule in _rules():
        for source, target, start, end in _placements(rule):
            if source in g and target in g and in_window(on, start, end):
                g.add_edge(source, target, key=f"{rule.kind}:{rule.policy}:{rule.jurisdiction}",
                           kind=rule.kind, min_years=rule.min_years, requirements=rule.requirements,
                           policy=rule.policy, policy_name=rule.policy_name, jurisdiction=rule.jurisdiction,
                           valid_from=start, valid_to=end)
    check_integrity(g)
    return g


@lru_cache(maxsize=64)
def graph_for(on: date) -> nx.MultiDiGraph[str]:
    """The graph in force on a date, built once per process and frozen: callers share it."""
    g = build_graph(on)
    nx.freeze(g)  # freezes in place and returns the same graph
    return g


def check_integrity(g: nx.MultiDiGraph[str]) -> None:
    """Raise GraphIntegrityError listing cycles, unreachable levels and crossovers without a policy."""
    problems = []
    tracks: dict[str | None, list[str]] = {}  # None: a node without a track
    for node, data in g.nodes(data=True):
        tracks.setdefault(data.get("track"), []).append(node)
    for u, v, data in g.edges(data=True):
        if data.get("kind") not in EDGE_KINDS:
            problems.append(f"edge {u} -> {v} has unknown kind {data.get('kind')!r}")
        elif data["kind"] in CROSSOVER_KINDS and not data.get("policy"):
            problems.append(f"crossover edge {u} -> {v} names no policy")
        elif data["kind"] in PROMOTION_KINDS and g.nodes[u]["track"] != g.nodes[v]["track"]:
            problems.append(f"{data['kind']} edge {u} -> {v} leaves its track")
    for track, nodes in tracks.items():
        promotions: nx.DiGraph[str] = nx.DiGraph()
        promotions.add_nodes_from(nodes)
        promotions.add_edges_from((u, v) for u, v, data in g.subgraph(nodes).edges(data=True)
                                  if data.get("kind") in PROMOTION_KINDS)
        for cycle in list(nx.simple_cycles(promotions))[:5]:
            problems.append(f"promotion cycle in {track}: {' -> '.join(cycle + cycle[:1])}")
        entry = min(nodes, key=lambda n: g.nodes[n]["rank"])
        reachable = nx.descendants(promotions, entry) | {entry}
        problems += [f"{node} cannot be reached from {entry}, the entry of {track}"
                     for node in nodes if node not in reachable]
    if problems:
        raise GraphIntegrityError(problems)


def _plain(value: Any) -> Any:
    if isinstance(value, Text):
        return value.as_dict()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def to_json(g: nx.MultiDiGraph[str]) -> dict[str, Any]:
    """Nodes and edges with their attributes, ready for json.dumps."""
    def attrs(data: Mapping[str, Any]) -> dict[str, Any]:
        return {name: _plain(value) for name, value in data.items()}

    return {"on": _plain(g.graph.get("on")),
            "nodes": [{"id": node, **attrs(data)} for node, data in g.nodes(data=True)],
            "edges": [{"source": u, "target": v, "key": key, **attrs(data)}
                      for u, v, key, data in g.edges(keys=True, data=True)]}


def layout(g: nx.MultiDiGraph[str]) -> dict[str, Any]:
    """Grid positions for a layered drawing: one column per track (skill ladders first, then title series),
    y rising with rank; title grades sit beside the skill level they cross over with."""
    tracks = {data.get("track") for _, data in g.nodes(data=True)}
    named = [(fw.code, fw) for fw in all_frameworks()] + [(f"title:{s.code}", s) for s in all_title_series()]
    columns = [{"track": track, "x": x, "name_zh": named_by.name_zh, "name_en": named_by.name_en}
               for x, (track, named_by) in enumerate((t, n) for t, n in named if t in tracks)]
    column_of = {column["track"]: column["x"] for column in columns}
    return {"columns": columns,
            "nodes": {node: {"x": column_of[data["track"]], "y": data["aligned_rank"]}
                      for node, data in g.nodes(data=True)}}

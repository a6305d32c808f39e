"""What the ladder pages and the ladder API share: the planning date, and the graph's words in the reader's
language (node names, edge kinds, jurisdictions, policy sources)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import networkx as nx
from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from credentials.clock import china_today
from credentials.models import City, Province
from ladder.competitions import all_policies as competition_policies
from ladder.eligibility import all_rule_sets
from ladder.exceptional import exceptional_limits, exceptional_policies
from ladder.frameworks import NATIONAL, data_files, read_data, vocabulary
from ladder.graph import EDGE_KINDS
from ladder.routes import Route

from .extensions import db
from .i18n import is_english, localized

# The title series drawn beside the skill ladder on focused pictures: the 2018 crossover pilot opened it first.
MATCHING_TITLES = "title:engineering"
# One line on why each kind of edge exists (UX: every number and refusal has its "why").
KIND_WHY = {
    "regular": _l("按国家职业技能标准的申报条件：在前一等级工作满规定年限，或具备相应学历、培训"),
    "exceptional": _l("技能高超、业绩突出的一线职工，经审批可破格参加高一级评价"),
    "skip": _l("经审批越过一个等级，直接参加更高等级的评价"),
    "competition": _l("竞赛获奖者按该竞赛的奖励办法晋升相应等级，经核准后发证"),
    "skill_to_title": _l("高技能人才按贯通政策申报相应的专业技术职称"),
    "title_to_skill": _l("专业技术人才按贯通政策申报相应的职业技能等级"),
}


def today() -> date:
    """The day plans are made for: one seam for the pages and the API."""
    return china_today()


def lang() -> str:
    return "en" if is_english() else "zh"



def node_name(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node]["name_en" if is_english() else "name_zh"]


def kind_name(kind: str) -> str:
    return localized(vocabulary("edge_kinds")[kind])


def kinds() -> list[tuple[str, str, str]]:
    """(kind, name, why) for every edge kind, in the ladder's order."""
    return [(kind, kind_name(kind), str(KIND_WHY[kind])) for kind in EDGE_KINDS]


def route_summary(graph: nx.MultiDiGraph, route: Route, on: date | None = None) -> str:
    """'2027-03-01 起可申报技师（二级）；然后 2030-03-01 起可申报工程师'; a step open on `on` (the planning
    day) reads 'now'."""
    parts = []
    for step in route.steps:
        name, when = node_name(graph, step.target), step.earliest_date
        if when is None:
            parts.append(_("%(name)s（日期待定）", name=name))
        elif when == on:
            parts.append(_("现在即可申报%(name)s", name=name))
        else:
            parts.append(_("%(date)s 起可申报%(name)s", date=when.isoformat(), name=name))
    return _("；然后 ").join(parts)


def jurisdiction_name(code: str) -> str:
    """CN → 全国; six-digit division codes → the province or city name; anything else as written."""
    if code == NATIONAL:
        return _("全国")
    names = _division_names()
    if code.isdigit() and len(code) == 6:
        name = names.get(code[:2]) if code.endswith("0000") else names.get(code[:4])
        if name:
            return name
    return _("地方规定（%(code)s）", code=code)


def _division_names() -> dict[str, str]:
    """Province (2-digit) and city (4-digit) names, read once per request."""
    if "division_names" not in g:
        g.division_names = dict(db.session.execute(select(Province.code, Province.name)).all())
        g.division_names |= dict(db.session.execute(select(City.code, City.name)).all())
    return g.division_names


@dataclass(frozen=True)
class PolicyFacts:
    sources: tuple[str, ...]
    valid_from: date | None  # the policy's own dates; a graph edge's are clipped to the ladder it sits on
    valid_to: date | None


@cache
def policy_facts() -> dict[str, PolicyFacts]:
    """policy id → the public sources its data file cites and its own effective dates."""
    dated = [*all_rule_sets(), *exceptional_limits(), *exceptional_policies(), *competition_policies()]
    facts = {getattr(item, "code", None) or item.id: (item.source, item.valid_from, item.valid_to)
             for item in dated}
    for file in data_files("graph-"):
        facts |= {policy["id"]: (policy.get("source", ""), policy.get("valid_from"), policy.get("valid_to"))
                  for policy in read_data(file)["policy"]}
    return {policy: PolicyFacts(tuple(p.strip() for p in source.split(" ; ") if p.strip()), start, end)
            for policy, (source, start, end) in facts.items()}


def step_policy(graph: nx.MultiDiGraph, step) -> str:
    """The policy a route step follows, named in the reader's language ('' for entering the ladder)."""
    if step.source is None or step.edge is None:
        return ""
    return localized(graph.edges[step.source, step.target, step.edge]["policy_name"])


def template_helpers() -> dict:
    """Names the ladder templates call: node and kind names, route sentences, step policies."""
    return {"node_name": node_name, "kind_names": {kind: name for kind, name, _why in kinds()},
            "route_summary": route_summary, "step_policy": step_policy}

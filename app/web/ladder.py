"""The ladder explained, for anyone: the whole picture, and the rules behind every kind of edge with the
policies they come from, where they apply and since when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import networkx as nx
from flask import Blueprint, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from ladder.frameworks import NATIONAL
from ladder.graph import EDGE_KINDS, graph_for

from .. import career
from ..access import public
from ..career import jurisdiction_name, kinds, lang, node_name, policy_facts
from ..i18n import localized
from ..ladder_svg import Texts, ladder_svg, legend

bp = Blueprint("ladder", __name__)


@dataclass
class PolicyRules:
    """One policy's edges of one kind: where and when it applies, its sources, and each step's condition."""

    id: str
    name: str
    jurisdiction: str
    is_national: bool
    valid_from: date | None
    valid_to: date | None
    sources: tuple[str, ...]
    steps: list[tuple[str, str, int | None, str]] = field(default_factory=list)  # from, to, years, condition


@bp.get("/ladder")
@public
def explained():
    on = career.today()
    g = graph_for(on)
    return render_template("ladder/explained.html", on=on, svg=_picture(on, lang()), legend=legend(),
                           rules=rules_by_kind(g), kinds=kinds(), nodes=g.number_of_nodes(),
                           edges=g.number_of_edges())


@lru_cache(maxsize=16)
def _picture(on: date, language: str) -> Markup:
    """The whole graph in force on a date, drawn once per date and language."""
    texts = Texts(_("技能等级与专业技术职称阶梯"),
                  _("左列为技能等级，右侧各列为职称系列，等级越高位置越高；连线是晋升和贯通的途径，线型见图例。"))
    return ladder_svg(graph_for(on), texts, lang=language)


def rules_by_kind(g: nx.MultiDiGraph) -> dict[str, list[PolicyRules]]:
    """kind → the policies behind its edges, national first, each with its steps from the lowest level up."""
    grouped: dict[str, dict[tuple[str, str], PolicyRules]] = {kind: {} for kind in EDGE_KINDS}
    def lowest_first(edge):
        return g.nodes[edge[0]]["rank"], g.nodes[edge[1]]["rank"]

    for u, v, data in sorted(g.edges(data=True), key=lowest_first):
        key = (data["policy"], data["jurisdiction"])
        rules = grouped[data["kind"]].get(key)
        if rules is None:
            facts = policy_facts().get(data["policy"])
            rules = grouped[data["kind"]][key] = PolicyRules(
                data["policy"], localized(data["policy_name"]), jurisdiction_name(data["jurisdiction"]),
                data["jurisdiction"] == NATIONAL, facts.valid_from if facts else data["valid_from"],
                facts.valid_to if facts else data["valid_to"], facts.sources if facts else ())
        condition = "；".join(localized(text) for text in data["requirements"])
        rules.steps.append((node_name(g, u), node_name(g, v), data["min_years"], condition))
    return {kind: sorted(policies.values(), key=lambda p: (not p.is_national, -len(p.steps), p.name))
            for kind, policies in grouped.items()}

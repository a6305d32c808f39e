"""The region on the ladder: workers standing on each node now and those eligible to move along each edge now,
as a picture with the numbers on it, a table beside it, and an XLSX export.

Routes of the bureau blueprint; imported at the end of bureau.py.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import gettext as _

from credentials.models import Role
from credentials.queries.census import LadderCensus, ladder_census
from ladder.graph import EDGE_KINDS, graph_for
from ladder.routes import EVIDENCE_KINDS

from ... import career
from ...access import allow
from ...auth import current_actor
from ...career import MATCHING_TITLES, kind_name, lang, node_name
from ...exports import xlsx_response
from ...extensions import db
from ...ladder_svg import Texts, ladder_svg, legend
from .blueprint import bp
from .home import _region_name


@dataclass(frozen=True)
class EdgeRow:
    edge: tuple[str, str, str]  # (source node, target node, kind)
    source: str  # names in the reader's language
    target: str
    kind: str
    eligible: int | None  # None: not judged from the records
    why_not: str


_census_cache: dict[tuple, tuple[float, LadderCensus]] = {}
_cache_lock = threading.Lock()


def census_for(user) -> tuple[LadderCensus, float]:
    """The census of the officer's region, recomputed at most every CENSUS_CACHE_SECONDS per process.

    It reads every worker of the region (a national officer: all of them), which takes seconds at scale;
    a few minutes' delay is fine for counts, and the page says when they were computed."""
    ttl = current_app.config.get("CENSUS_CACHE_SECONDS", 600)
    key = (user.bureau_scope, user.region_code, career.today())
    with _cache_lock:
        cached = _census_cache.get(key)
    if cached is not None and time.time() - cached[0] < ttl:
        return cached[1], cached[0]
    census = ladder_census(db.session(), user, today=career.today())
    computed_at = time.time()
    with _cache_lock:
        _census_cache[key] = (computed_at, census)
    return census, computed_at


@bp.get("/ladder")
@allow(Role.BUREAU_OFFICER)
def ladder():
    user = current_actor()
    census, computed_at = census_for(user)
    g = graph_for(census.on)
    nodes = _node_rows(census, g)
    edges = _edge_rows(census, g)
    texts = Texts(_("本地区劳动者在阶梯上的分布"), _("每个技能等级上的数字是现在站在这一级的人数；各途径可晋升的人数见旁边的表。"))
    svg = ladder_svg(g, texts, lang=lang(), tracks={census.framework, MATCHING_TITLES},
                     counts={node: count for node, _name, count in nodes})
    return render_template("bureau/ladder.html", census=census, region=_region_name(user), svg=svg,
                           computed_at=datetime.fromtimestamp(computed_at, ZoneInfo("Asia/Shanghai")),
                           nodes=nodes,
                           judged=[row for row in edges if row.eligible is not None],
                           unjudged=[row for row in edges if row.eligible is None], legend=legend(),
                           kind_name=kind_name)


@bp.get("/ladder.xlsx")
@allow(Role.BUREAU_OFFICER)
def ladder_export():
    user = current_actor()
    census, _computed_at = census_for(user)
    g = graph_for(census.on)
    rows = [(_("站位"), name, "", "", count, "") for _node, name, count in _node_rows(census, g)]
    rows += [(_("途径"), row.source, row.target, kind_name(row.kind), row.eligible, row.why_not)
             for row in _edge_rows(census, g)]
    headers = [_("类型"), _("等级或起点"), _("终点"), _("途径类型"), _("人数"), _("说明")]
    name = _("阶梯分布-%(region)s-%(date)s", region=_region_name(user), date=census.on.isoformat())
    return xlsx_response(f"{name}.xlsx", headers, rows)


def _node_rows(census: LadderCensus, g) -> list[tuple[str, str, int]]:
    """(node, name, workers there) for every level of the skill ladder in force, highest first."""
    levels = [n for n, track in g.nodes(data="track") if track == census.framework]
    levels.sort(key=lambda n: -g.nodes[n]["rank"])
    return [(node, node_name(g, node), census.nodes.get(node, 0)) for node in levels]


def _edge_rows(census: LadderCensus, g) -> list[EdgeRow]:
    def order(edge):
        u, v, kind = edge
        return g.nodes[u]["rank"], EDGE_KINDS.index(kind), g.nodes[v]["track"], g.nodes[v]["rank"]

    rows = []
    for edge in sorted(census.edges, key=order):
        u, v, kind = edge
        count = census.edges[edge]
        why = "" if count.judged else (_("需经审批或凭竞赛成绩，逐案审核") if kind in EVIDENCE_KINDS
                                       else _("该规则未规定年限，或登记记录中缺少所需信息"))
        eligible = count.eligible if count.judged else None
        rows.append(EdgeRow(edge, node_name(g, u), node_name(g, v), kind, eligible, why))
    return rows

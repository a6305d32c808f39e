"""The region on the ladder: workers standing on each node now and those eligible to move along each edge, as a
picture with the numbers on it, a table beside it, and an XLSX export.

Nothing is counted per request. The node counts are read live from the kept tallies (the `certified_workforce`
indicator by level: workers by their highest valid certificate). Who may move along an edge now depends on the
date, so it comes from the region's latest census snapshot, which `flask campaign census` refreshes daily
(credentials/services/census_refresh.py); the page says when it was computed, or that it has not been yet.

Routes of the bureau blueprint; imported at the end of bureau.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import gettext as _

from credentials.clock import china_now
from credentials.models import CensusSnapshot, Role, User
from credentials.queries.census import LadderCensus, census_of, latest_snapshot
from credentials.queries.indicators import Region, indicator_breakdown
from credentials.queries.scopes import officer_region
from ladder.frameworks import framework_for
from ladder.graph import EDGE_KINDS, graph_for
from ladder.routes import EVIDENCE_KINDS

from ... import career
from ...access import allow
from ...auth import current_actor
from ...career import MATCHING_TITLES, kind_name, lang, node_name
from ...exports import xlsx_response
from ...extensions import read_session
from ...ladder_svg import Texts, ladder_svg, legend
from .blueprint import bp
from .home import _region_name

APPRENTICE = "apprentice"  # a completed apprenticeship places a worker here without any certificate


@dataclass(frozen=True)
class EdgeRow:
    edge: tuple[str, str, str]  # (source node, target node, kind)
    source: str  # names in the reader's language
    target: str
    kind: str
    eligible: int | None  # None: not judged from the records
    why_not: str


@dataclass(frozen=True)
class RegionLadder:
    on: date  # today: the ladder drawn and the node counts
    framework: str
    nodes: list[tuple[str, str, int]]  # (node, name, certified workers standing there now), highest first
    certified: int  # workers holding a valid certificate now
    snapshot: CensusSnapshot | None  # the latest daily census; None before the first refresh
    census: LadderCensus | None  # the snapshot read back
    edges: list[EdgeRow]  # from the snapshot; empty without one

    @property
    def computed_at(self) -> str:
        return china_now(self.snapshot.computed_at).strftime("%Y-%m-%d %H:%M") if self.snapshot else ""

    @property
    def apprentices(self) -> int:
        """Workers whose highest level is a completed apprenticeship (no certificate, so no tally), at the census."""
        return self.census.nodes.get(f"{self.framework}:{APPRENTICE}", 0) if self.census else 0


def region_ladder(user: User) -> RegionLadder:
    today = career.today()
    framework = framework_for(today).code
    region = Region.of(officer_region(user))
    g = graph_for(today)
    by_level = {key: int(value or 0) for key, value in
                indicator_breakdown(read_session(), "certified_workforce", region, today, today, by="level")}
    levels = [n for n, track in g.nodes(data="track") if track == framework]
    levels.sort(key=lambda n: -g.nodes[n]["rank"])
    nodes = [(node, node_name(g, node), by_level.get(node.partition(":")[2], 0)) for node in levels]
    snapshot = latest_snapshot(read_session(), region.code, framework)
    census = census_of(snapshot) if snapshot is not None else None
    edges = _edge_rows(census) if census is not None else []
    return RegionLadder(today, framework, nodes, sum(by_level.values()), snapshot, census, edges)


@bp.get("/ladder")
@allow(Role.BUREAU_OFFICER)
def ladder():
    user = current_actor()
    view = region_ladder(user)
    texts = Texts(_("本地区劳动者在阶梯上的分布"), _("每个技能等级上的数字是现在站在这一级的人数；各途径可晋升的人数见旁边的表。"))
    svg = ladder_svg(graph_for(view.on), texts, lang=lang(), tracks={view.framework, MATCHING_TITLES},
                     counts={node: count for node, _name, count in view.nodes})
    return render_template("bureau/ladder.html", view=view, region=_region_name(user), svg=svg,
                           judged=[row for row in view.edges if row.eligible is not None],
                           unjudged=[row for row in view.edges if row.eligible is None], legend=legend(),
                           kind_name=kind_name)


@bp.get("/ladder.xlsx")
@allow(Role.BUREAU_OFFICER)
def ladder_export():
    user = current_actor()
    view = region_ladder(user)
    rows = [(_("站位"), name, "", "", count, "") for _node, name, count in view.nodes]
    rows += [(_("途径"), row.source, row.target, kind_name(row.kind), row.eligible, row.why_not) for row in view.edges]
    rows.append((_("说明"), _("可晋升人数统计于 %(time)s（每日更新）", time=view.computed_at) if view.snapshot
                 else _("可晋升人数尚未统计"), "", "", None, ""))
    headers = [_("类型"), _("等级或起点"), _("终点"), _("途径类型"), _("人数"), _("说明")]
    name = _("阶梯分布-%(region)s-%(date)s", region=_region_name(user), date=view.on.isoformat())
    return xlsx_response(f"{name}.xlsx", headers, rows)


def _edge_rows(census: LadderCensus) -> list[EdgeRow]:
    g = graph_for(census.on)

    def order(edge):
        u, v, kind = edge
        return g.nodes[u]["rank"], EDGE_KINDS.index(kind), g.nodes[v]["track"], g.nodes[v]["rank"]

    rows = []
    drawn = [edge for edge in census.edges if edge[0] in g and edge[1] in g]  # the ladder's data may have changed since
    for edge in sorted(drawn, key=order):
        u, v, kind = edge
        count = census.edges[edge]
        why = "" if count.judged else (_("需经审批或凭竞赛成绩，逐案审核") if kind in EVIDENCE_KINDS
                                       else _("该规则未规定年限，或登记记录中缺少所需信息"))
        eligible = count.eligible if count.judged else None
        rows.append(EdgeRow(edge, node_name(g, u), node_name(g, v), kind, eligible, why))
    return rows

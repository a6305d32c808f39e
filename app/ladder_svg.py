"""The ladder as a picture: an SVG drawn on the server from the same graph the planner uses, so the drawing
never drifts from the rules.

Layered like ``ladder.graph.layout``: one column per track (the skill ladder, then each title series), rank
rising upward, title grades level with the skill level they cross over with. Promotions inside a column run
straight up (regular) or bow out to its left (exceptional, skip, competition); crossover bridges leave a
node's side and run along a lane just above (skill → title) or below (title → skill) its row. Each edge kind
has its own line pattern as well as its colour, and the legend names both. Parallel rules of one kind
between two nodes (a national and a local one) are drawn as one line that lists them all.

Presentation attributes give a readable picture on their own; static/css/ladder.css restyles the classes
(.is-current, .is-route, .is-target) that mark the worker's place and the chosen route.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
from markupsafe import Markup, escape

from ladder.graph import EDGE_KINDS, layout
from ladder.routes import Route

from .career import kinds

NODE_W, NODE_H, COL_W, ROW_H = 128, 46, 184, 78
GUTTER, HEADER, FOOT, LANE = 96, 56, 16, 30  # left margin for bowed edges, column titles, lane offset
# kind → (colour, dash pattern): the pattern alone tells the kinds apart (not colour alone).
STROKES = {
    "regular": ("#52606d", ""),
    "exceptional": ("#8a5a00", "8 4"),
    "skip": ("#a61b1b", "12 4 2 4"),
    "competition": ("#1e6b3a", "2 4"),
    "skill_to_title": ("#1d4f91", "14 5"),
    "title_to_skill": ("#6b3fa0", "14 4 3 4 3 4"),
}
ROUTE_COLOUR, INK = "#b3261e", "#1f2933"
_BOW_SLOT = {"regular": 0, "exceptional": 1, "skip": 2, "competition": 3, "skill_to_title": 4,
             "title_to_skill": 4}
EdgeId = tuple[str, str, str]


@dataclass(frozen=True)
class Highlight:
    """What to mark: the worker's node, the goal, and the nodes and edges of the chosen route."""

    current: str | None = None
    target: str | None = None
    nodes: frozenset[str] = frozenset()
    edges: frozenset[EdgeId] = frozenset()

    @classmethod
    def of(cls, route: Route | None, *, current: str | None = None, target: str | None = None) -> Highlight:
        if route is None:
            return cls(current, target, frozenset({current} - {None}))
        edges = frozenset((s.source, s.target, s.kind) for s in route.steps if s.source is not None)
        return cls(current, target, frozenset(route.nodes) | ({current} - {None}), edges)


@dataclass(frozen=True)
class Texts:
    """The words the picture carries, already in the reader's language."""

    title: str
    description: str
    now: str = "当前"
    goal: str = "目标"


def ladder_svg(g: nx.MultiDiGraph, texts: Texts, *, lang: str = "zh", tracks: set[str] | None = None,
               highlight: Highlight = Highlight(), counts: dict[str, int] | None = None) -> Markup:
    """The picture as inline SVG markup. `tracks` limits the columns (default: all); `counts` writes a
    number on each node it names (workers standing there)."""
    drawing = _Drawing(g, lang, tracks)
    groups = drawing.edge_groups()
    on_top = sorted(groups, key=lambda e: e in highlight.edges)  # the route is drawn last, over the rest
    body = [_defs(), *drawing.columns(), *(drawing.edge(e, groups[e], e in highlight.edges) for e in on_top),
            *(drawing.node(node, highlight, texts, counts) for node in drawing.nodes)]
    return _el("svg", {"class": "ladder-svg", "xmlns": "http://www.w3.org/2000/svg", "role": "img",
                       "width": drawing.width, "height": drawing.height,
                       "viewBox": f"0 0 {drawing.width} {drawing.height}", "font-family": "sans-serif",
                       "aria-labelledby": "ladder-svg-title ladder-svg-desc"},
               _el("title", {"id": "ladder-svg-title"}, escape(texts.title))
               + _el("desc", {"id": "ladder-svg-desc"}, escape(texts.description)) + Markup("\n").join(body))


def legend_sample(kind: str) -> Markup:
    """A short line in the kind's pattern, for the legend beside the picture."""
    colour, dash = STROKES[kind]
    line = _el("line", {"x1": 2, "y1": 6, "x2": 54, "y2": 6, "stroke": colour, "stroke-width": 2.5,
                        "stroke-dasharray": dash or None, "stroke-linecap": "round"})
    return _el("svg", {"class": "legend__sample", "width": 56, "height": 12, "viewBox": "0 0 56 12",
                       "aria-hidden": "true", "focusable": "false"}, line)


def legend() -> list[tuple[str, str, str, Markup]]:
    """(kind, name, why, line sample) for each edge kind, in the reader's language."""
    return [(kind, name, why, legend_sample(kind)) for kind, name, why in kinds()]


class _Drawing:
    def __init__(self, g: nx.MultiDiGraph, lang: str, tracks: set[str] | None):
        self.g, self.lang = g, lang
        plan = layout(g)
        self.cols = [c for c in plan["columns"] if tracks is None or c["track"] in tracks]
        self.col_of = {c["track"]: i for i, c in enumerate(self.cols)}
        self.rank = {n: p["y"] for n, p in plan["nodes"].items() if g.nodes[n]["track"] in self.col_of}
        self.nodes = sorted(self.rank, key=lambda n: (self.col_of[g.nodes[n]["track"]], self.rank[n]))
        self.top, self.bottom = max(self.rank.values()), min(self.rank.values())
        self.width = GUTTER + len(self.cols) * COL_W - (COL_W - NODE_W) + 16
        self.height = HEADER + (self.top - self.bottom) * ROW_H + NODE_H + FOOT

    def col(self, node: str) -> int:
        return self.col_of[self.g.nodes[node]["track"]]

    def centre(self, node: str) -> tuple[float, float]:
        return (GUTTER + self.col(node) * COL_W + NODE_W / 2,
                HEADER + (self.top - self.rank[node]) * ROW_H + NODE_H / 2)

    def name(self, data: dict[str, Any]) -> str:
        return data["name_en" if self.lang == "en" else "name_zh"]

    def columns(self) -> list[Markup]:
        out = []
        for i, column in enumerate(self.cols):
            x = GUTTER + i * COL_W
            kind = "title" if column["track"].startswith("title:") else "skill"
            band = _el("rect", {"x": x - 10, "y": HEADER - 14, "width": NODE_W + 20, "rx": 8,
                                "height": self.height - HEADER + 6,
                                "fill": "#eef3fa" if kind == "skill" else "#f7f5f0"})
            title = _lines(_wrap(self.name(column), self.lang, 13 if self.lang == "zh" else 24),
                           x + NODE_W / 2, 16, css="track__name", size=13, bold=True)
            out.append(_el("g", {"class": f"track track--{kind}", "data-track": column["track"]},
                           band + title))
        return out

    def edge_groups(self) -> dict[EdgeId, list[tuple[str, dict]]]:
        groups: dict[EdgeId, list[tuple[str, dict]]] = {}
        for u, v, key, data in self.g.edges(keys=True, data=True):
            if u in self.rank and v in self.rank:
                groups.setdefault((u, v, data["kind"]), []).append((key, data))
        return dict(sorted(groups.items(), key=lambda item: (EDGE_KINDS.index(item[0][2]), item[0])))

    def edge(self, edge: EdgeId, rules: list[tuple[str, dict]], on_route: bool) -> Markup:
        u, v, kind = edge
        colour, dash = STROKES[kind]
        policies = "；".join(dict.fromkeys(data["policy_name"].get(self.lang) for _, data in rules))
        label = f"{self.name(self.g.nodes[u])} → {self.name(self.g.nodes[v])}: {policies}"
        return _el("path", {
            "class": f"edge edge--{kind}" + (" is-route" if on_route else ""), "d": self.path(u, v, kind),
            "fill": "none", "stroke": ROUTE_COLOUR if on_route else colour,
            "stroke-width": 3.5 if on_route else 1.8,
            "stroke-dasharray": dash or None, "marker-end": f"url(#arrow-{'route' if on_route else kind})",
            "data-source": u, "data-target": v, "data-kind": kind,
            "data-edges": " ".join(key for key, _ in rules),
        }, _el("title", {}, escape(label)))

    def path(self, u: str, v: str, kind: str) -> str:
        (x1, y1), (x2, y2) = self.centre(u), self.centre(v)
        if self.col(u) == self.col(v):
            rows = round((y1 - y2) / ROW_H)
            if kind == "regular" and abs(rows) == 1:  # one step up the same ladder: straight
                step = NODE_H / 2 if rows > 0 else -NODE_H / 2
                return f"M{x1:g} {y1 - step:g} V{y2 + step:g}"
            slot = _BOW_SLOT[kind]
            bow = 16 + 13 * slot + 8 * (abs(rows) - 1)
            left, lift = x1 - NODE_W / 2, (6 + 3 * slot) * (1 if rows > 0 else -1)
            return (f"M{left:g} {y1 - lift:g} C{left - bow:g} {y1 - lift:g} {left - bow:g} {y2 + lift:g} "
                    f"{left:g} {y2 + lift:g}")
        direction = 1 if self.col(v) > self.col(u) else -1
        below = 1 if kind == "title_to_skill" else -1  # skill → title runs above the row, the way back below
        start_x, end_x = x1 + direction * NODE_W / 2, x2 - direction * NODE_W / 2
        lane = y1 + below * LANE
        points = [(start_x, y1 + below * 8), (start_x + direction * 12, lane), (end_x - direction * 14, lane)]
        if abs(y2 - y1) > 1:
            points.append((end_x - direction * 14, y2 + below * 8))
        points.append((end_x, y2 + below * 8))
        return "M" + " L".join(f"{x:g} {y:g}" for x, y in points)

    def node(self, node: str, highlight: Highlight, texts: Texts, counts: dict[str, int] | None) -> Markup:
        data = self.g.nodes[node]
        x, y = self.centre(node)
        left, top = x - NODE_W / 2, y - NODE_H / 2
        states = [state for state, on in (("is-route", node in highlight.nodes),
                                          ("is-current", node == highlight.current),
                                          ("is-target", node == highlight.target)) if on]
        name = self.name(data)
        count = counts.get(node) if counts else None
        parts = [_el("title", {}, escape(name if count is None else f"{name}: {count}"))]
        if states:  # a second outline: solid around the worker's place, dashed along the route
            dashed = node != highlight.current and node in highlight.nodes
            parts.append(_el("rect", {"class": "node__halo", "x": left - 4, "y": top - 4, "width": NODE_W + 8,
                                      "height": NODE_H + 8, "rx": 9, "fill": "none", "stroke": ROUTE_COLOUR,
                                      "stroke-width": 2, "stroke-dasharray": "4 3" if dashed else None}))
        parts.append(_el("rect", {"class": "node__box", "x": left, "y": top, "width": NODE_W,
                                  "height": NODE_H, "rx": 6,
                                  "fill": "#ffffff" if data["kind"] == "skill" else "#fffdf8",
                                  "stroke": "#7b8794", "stroke-width": 2.5 if states else 1.2}))
        parts.append(_lines(_wrap(name, self.lang, 9 if self.lang == "zh" else 19), x, y, css="node__label",
                            size=13 if self.lang == "zh" else 12, bold=bool(states)))
        flag = texts.now if node == highlight.current else texts.goal if node == highlight.target else None
        if flag:
            width = (14 if self.lang == "zh" else 7) * len(flag) + 10
            parts.append(_badge("node__flag", left + 4, top - 9, width, ROUTE_COLOUR, flag))
        if count is not None:
            parts.append(_badge("node__count", left + NODE_W - 44, top + NODE_H - 9, 48, "#1d4f91",
                                str(count)))
        classes = " ".join(["node", f"node--{data['kind']}", *states])
        return _el("g", {"class": classes, "data-node": node}, Markup("").join(parts))


def _el(tag: str, attrs: dict[str, Any], body: Markup | str = "") -> Markup:
    """One element: attribute values escaped (None leaves one out); the body is markup already made safe."""
    rendered = "".join(f' {name}="{escape(_number(value))}"'
                       for name, value in attrs.items() if value is not None)
    if not body:
        return Markup(f"<{tag}{rendered}/>")  # noqa: S704 - every attribute value went through escape()  # nosec B704
    return Markup(f"<{tag}{rendered}>") + Markup(body) + Markup(f"</{tag}>")  # noqa: S704 - attribute values escaped, body already Markup  # nosec B704


def _number(value: Any) -> Any:
    return f"{value:g}" if isinstance(value, float) else value


def _badge(css: str, x: float, y: float, width: float, fill: str, text: str) -> Markup:
    pill = _el("rect", {"x": x, "y": y, "width": width, "height": 17, "rx": 8.5, "fill": fill})
    label = _el("text", {"x": x + width / 2, "y": y + 12.5, "text-anchor": "middle", "font-size": 11,
                         "fill": "#ffffff"}, escape(text))
    return _el("g", {"class": css}, pill + label)


def _defs() -> Markup:
    arrows = [(kind, colour) for kind, (colour, _) in STROKES.items()] + [("route", ROUTE_COLOUR)]
    return _el("defs", {}, Markup("").join(
        _el("marker", {"id": f"arrow-{name}", "viewBox": "0 0 10 10", "refX": 9, "refY": 5,
                       "markerUnits": "userSpaceOnUse", "markerWidth": 9, "markerHeight": 9,
                       "orient": "auto-start-reverse"},
            _el("path", {"d": "M0 0 L10 5 L0 10 z", "fill": colour}))
        for name, colour in arrows))


def _wrap(text: str, lang: str, width: int) -> list[str]:
    """At most two lines: break before a bracket, else English between words and Chinese at the width."""
    if len(text) <= width:
        return [text]
    bracket = text.find("（" if lang == "zh" else " (")
    if 0 < bracket <= width:
        first, rest = text[:bracket], text[bracket:].strip()
    elif lang == "zh":
        first, rest = text[:width], text[width:]
    else:
        words, first = text.split(), ""
        while words and len(f"{first} {words[0]}".strip()) <= width:
            first = f"{first} {words.pop(0)}".strip()
        first = first or text[:width]
        rest = text[len(first):].strip()
    return [first, rest if len(rest) <= width else rest[:width - 1] + "…"]


def _lines(lines: list[str], x: float, y: float, *, css: str, size: int, bold: bool = False,
           leading: int = 15) -> Markup:
    """Centred text, one tspan a line, the block centred on y."""
    first = y + size * 0.35 - leading * (len(lines) - 1) / 2
    spans = Markup("").join(_el("tspan", {"x": x, "y": first + i * leading}, escape(line))
                            for i, line in enumerate(lines))
    return _el("text", {"class": css, "text-anchor": "middle", "font-size": size,
                        "font-weight": 700 if bold else None, "fill": INK}, spans)

"""The career graph and route planning.

The graph and the routes between two positions are public knowledge (the same picture and rules that
/ladder shows to anyone), so they need no token; they are rate-limited per address because each new date
builds a graph. A worker's own plan comes from their records, so it needs a bearer token and is scoped like
GET /api/v1/workers/<id>: another's worker answers 404.
"""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask import current_app, jsonify
from flask_smorest import Blueprint
from webargs.fields import DelimitedList

from credentials import ValidationFailed
from credentials.models import Role
from credentials.queries.career import plan_worker_routes
from ladder.frameworks import all_frameworks
from ladder.graph import EDGE_KINDS, graph_for, layout, to_json
from ladder.routes import DEFAULT_ALLOW, EVIDENCE_KINDS, Route, Step, plan_routes

from .. import career
from ..access import allow, public
from ..extensions import db, limiter
from ..lookups import worker_or_404
from .common import (
    Bilingual,
    boolean,
    choice,
    day,
    integer,
    many,
    nested,
    problems,
    string,
    strings,
)

PREFIX = ""
blp = Blueprint("api_ladder", __name__,
                description="The career ladder (public) and a worker's routes (token)")
FIRST_DAY = min(fw.valid_from for fw in all_frameworks())  # before it no skill ladder was in force
NODE = ma.validate.Length(min=1, max=80)
EVIDENCE_HELP = ("Evidence-based kinds to consider besides regular steps and crossovers, comma-separated: "
                 "exceptional, skip, competition (the caller vouches for the approval or the result).")


def _evidence_kinds() -> DelimitedList:
    kind = ma.fields.String(validate=ma.validate.OneOf(sorted(EVIDENCE_KINDS)))
    return DelimitedList(kind, load_default=list, metadata={"description": EVIDENCE_HELP})


def _rate() -> str:
    return current_app.config.get("LADDER_API_RATE_LIMIT", "300 per minute")


class GraphNode(ma.Schema):
    id = string("Node id: <framework>:<level> or title:<series>:<grade>", "skill-2022:senior")
    kind = choice(["skill", "title"], "A skill level or a professional title grade", "skill")
    track = string("Column it belongs to: the framework, or title:<series>", "skill-2022")
    framework = string("Skill levels only: the framework", "skill-2022", required=False)
    series = string("Title grades only: the title series", "engineering", required=False)
    code = string("Level or grade code", "senior")
    rank = integer("Position within its own track, 1 = lowest", 4)
    aligned_rank = integer("Height in the drawing: title grades level with the skill level they match", 4)
    name_zh = string("Name in Chinese", "高级工（三级）")
    name_en = string("Name in English", "Senior Worker (Level 3)")
    is_high_skilled = boolean("Counts as highly skilled", True)


class GraphEdge(ma.Schema):
    source = string("From node", "skill-2022:intermediate")
    target = string("To node", "skill-2022:senior")
    key = string("Edge id: <kind>:<policy>:<jurisdiction>", "regular:standard-2018:CN")
    kind = choice(EDGE_KINDS, "regular, evidence-based (exceptional, skip, competition) or a crossover", "regular")
    min_years = integer("Fewest years at the source before the step (null: no rule sets a wait)", 5, null=True)
    requirements = many(Bilingual, "The conditions, one per clause")
    policy = string("The policy it rests on", "standard-2018")
    policy_name = nested(Bilingual, "The policy's name")
    jurisdiction = string("CN for national rules, else the division code of the place whose rule it is", "CN")
    valid_from = day("First day the rule applies", "2022-04-01", null=True)
    valid_to = day("Last day the rule applies", null=True)


class LayoutColumn(ma.Schema):
    track = string("The track drawn in this column", "skill-2022")
    x = integer("Column, from 0", 0)
    name_zh = string("Heading in Chinese", "新八级职业技能等级")
    name_en = string("Heading in English", "eight-level skill ladder")


class GridPosition(ma.Schema):
    x = integer("Column", 0)
    y = integer("Row, rising with rank", 4)


class GraphLayout(ma.Schema):
    columns = many(LayoutColumn, "One column per track: skill ladders first, then title series")
    nodes = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(GridPosition), required=True,
                           metadata={"description": "Node id to its grid position",
                                     "example": {"skill-2022:senior": {"x": 0, "y": 4}}})


class LadderGraph(ma.Schema):
    class Meta:
        description = ("The career graph in node-link JSON (nodes, and edges of a multigraph with their keys), "
                       "with grid positions for a layered drawing.")

    on = day("The rules in force on this date", "2024-07-01")
    nodes = many(GraphNode, "Skill levels and title grades in force")
    edges = many(GraphEdge, "Every step between them, one per rule")
    layout = nested(GraphLayout, "Grid positions")


class RouteStep(ma.Schema):
    edge = string("The graph edge's key (null: entering the ladder)", "regular:standard-2018:CN", null=True)
    kind = choice(EDGE_KINDS, "Kind of step", "regular")
    policy = string("The policy (or rule set) it rests on", "standard-2018", null=True)
    source = string("From node (null: a worker with no level yet enters the ladder)", "skill-2022:intermediate",
                    null=True)
    target = string("To node", "skill-2022:senior")
    target_name = nested(Bilingual, "The target's name", example={"zh": "高级工（三级）", "en": "Senior Worker (Level 3)"})
    earliest_date = day("Earliest date the step can be taken (null: no rule sets the wait)", "2029-07-01", null=True)
    condition = nested(Bilingual, "Its condition in words")


class RouteOut(ma.Schema):
    rank = integer("1 = earliest arrival", 1)
    arrival = day("Earliest arrival at the goal (null: not dated by any rule)", "2029-07-01", null=True)
    nodes = strings("The nodes passed, start to goal", ["skill-2022:intermediate", "skill-2022:senior"])
    steps = many(RouteStep, "The steps in order")


class RoutePlan(ma.Schema):
    from_ = string("Start node", "skill-2022:intermediate", data_key="from", attribute="from")
    to = string("Goal node", "skill-2022:senior")
    on = day("Planned with the rules in force on this date", "2024-07-01")
    allow = strings("Kinds of step considered, sorted", ["regular", "skill_to_title", "title_to_skill"])
    jurisdiction = string("Division code whose local rules also apply", "320500", null=True)
    routes = many(RouteOut, "Ranked routes, earliest arrival first (empty: none found)")


class WorkerRoutePlan(ma.Schema):
    worker_id = integer("The worker", 42)
    on = day("Planned today, with the rules in force today", "2024-07-01")
    occupation = string("The occupation planned in", "6-18-01-01")
    occupations = strings("Every occupation the worker has records in", ["6-18-01-01"])
    position = string("Node of the highest level held (null: not on the ladder yet)", "skill-2022:intermediate",
                      null=True)
    reached_on = day("When that level was reached", "2024-07-01", null=True)
    to = string("Goal node", "skill-2022:senior")
    allow = strings("Kinds of step considered, sorted", ["regular", "skill_to_title", "title_to_skill"])
    jurisdiction = string("Division code whose local rules also apply (from the worker's city)", "320500", null=True)
    routes = many(RouteOut, "Ranked routes, earliest arrival first (empty: none found)")


class GraphArgs(ma.Schema):
    on = ma.fields.Date(load_default=None, validate=ma.validate.Range(min=FIRST_DAY, max=date(2099, 12, 31)),
                        metadata={"description": "The rules in force on this date (default: today)"})


class RouteArgs(GraphArgs):
    from_ = ma.fields.String(data_key="from", required=True, validate=NODE,
                             metadata={"description": "Start node, e.g. skill-2022:intermediate"})
    to = ma.fields.String(required=True, validate=NODE,
                          metadata={"description": "Goal node, e.g. title:engineering:associate_senior"})
    allow = _evidence_kinds()
    held_since = ma.fields.Date(load_default=None, metadata={"description": "When the start was reached"})
    jurisdiction = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d{6}$"),
                                    metadata={"description": "Division code whose local rules also apply"})
    k = ma.fields.Integer(load_default=5, validate=ma.validate.Range(min=1, max=20))


class WorkerRouteArgs(ma.Schema):
    to = ma.fields.String(required=True, validate=NODE)
    allow = _evidence_kinds()
    occupation = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d-\d{2}-\d{2}-\d{2}$"),
                                  metadata={"description": "Occupation code (default: highest level held)"})
    k = ma.fields.Integer(load_default=5, validate=ma.validate.Range(min=1, max=20))


@blp.route("/ladder/graph", methods=["GET"])
@public
@limiter.limit(_rate)
@blp.arguments(GraphArgs, location="query")
@blp.response(200, LadderGraph, description="The graph (returned as built, not re-serialised)")
@problems(422, 429)
@blp.doc(security=[], description="Public, no token. Every node (skill levels and title grades) and every "
                                  "edge with its kind, years, requirements (zh and en), policy and dates; "
                                  "`layout` gives grid positions for a layered drawing.")
def graph(args):
    g = graph_for(args["on"] or career.today())
    return jsonify({**to_json(g), "layout": layout(g)})  # documented by LadderGraph, not dumped: as built


@blp.route("/ladder/routes", methods=["GET"])
@public
@limiter.limit(_rate)
@blp.arguments(RouteArgs, location="query")
@blp.response(200, RoutePlan)
@problems(422, 429)
@blp.doc(security=[], description="Public, no token. Ranked routes (earliest arrival first) from one "
                                  "position to another, each step dated and its condition explained in zh "
                                  "and en. An unknown node answers 422 naming the field.")
def routes(args):
    on = args["on"] or career.today()
    g = graph_for(on)
    for field, node in (("from", args["from_"]), ("to", args["to"])):
        if node not in g:
            raise ValidationFailed("unknown_node", field=field, node=node)
    allowed = DEFAULT_ALLOW | set(args["allow"])
    found = plan_routes(g, args["from_"], args["to"], start_date=on, held_since=args["held_since"],
                        k=args["k"], allow=allowed, jurisdiction=args["jurisdiction"])
    return {"from": args["from_"], "to": args["to"], "on": on.isoformat(),
            "allow": sorted(allowed), "jurisdiction": args["jurisdiction"],
            "routes": [route_dict(g, route, rank) for rank, route in enumerate(found, start=1)]}


@blp.route("/workers/<int:worker_id>/routes", methods=["GET"])
@allow(Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
@blp.arguments(WorkerRouteArgs, location="query")
@blp.response(200, WorkerRoutePlan)
@problems(401, 404, 422)
@blp.doc(description="Bearer token. The worker's dated plan to `to` from their real history (levels and how "
                     "they were reached, work, training, diplomas), planned today with national rules and "
                     "their region's. Scoped like GET /workers/<id>: another's worker answers 404.")
def worker_routes(args, worker_id: int):
    worker = worker_or_404(worker_id)
    plan = plan_worker_routes(db.session(), worker, target=args["to"], today=career.today(),
                              allow=DEFAULT_ALLOW | set(args["allow"]), occupation_code=args["occupation"],
                              k=args["k"])
    g = graph_for(plan.on)
    return {"worker_id": worker.id, "on": plan.on.isoformat(), "occupation": plan.occupation_code,
            "occupations": list(plan.occupations), "position": plan.position,
            "reached_on": _iso(plan.reached_on), "to": plan.target, "allow": sorted(plan.allow),
            "jurisdiction": plan.jurisdiction,
            "routes": [route_dict(g, route, rank) for rank, route in enumerate(plan.routes, start=1)]}


def route_dict(g, route: Route, rank: int) -> dict:
    return {"rank": rank, "arrival": _iso(route.arrival), "nodes": list(route.nodes),
            "steps": [_step_dict(g, step) for step in route.steps]}


def _step_dict(g, step: Step) -> dict:
    target = g.nodes[step.target]
    return {"edge": step.edge, "kind": step.kind, "policy": step.policy, "source": step.source,
            "target": step.target, "target_name": {"zh": target["name_zh"], "en": target["name_en"]},
            "earliest_date": _iso(step.earliest_date),
            "condition": {"zh": step.condition_zh, "en": step.condition_en}}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None

"""The career graph and route planning.

The graph and the routes between two positions are public knowledge (the same picture and rules that
/ladder shows to anyone), so they need no token; they are rate-limited per address because each new date
builds a graph. A worker's own plan comes from their records, so it needs a bearer token and is scoped like
GET /api/v1/workers/<id>: another's worker answers 404.
"""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint
from webargs.fields import DelimitedList

from credentials import ValidationFailed
from credentials.models import Role
from credentials.queries.career import plan_worker_routes
from ladder.frameworks import all_frameworks
from ladder.graph import graph_for, layout, to_json
from ladder.routes import DEFAULT_ALLOW, EVIDENCE_KINDS, Route, Step, plan_routes

from .. import career
from ..access import allow, public
from ..extensions import db, limiter
from ..lookups import worker_or_404

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
@blp.response(200)
@blp.doc(security=[], description="Public, no token. Every node (skill levels and title grades) and every "
                                  "edge with its kind, years, requirements (zh and en), policy and dates; "
                                  "`layout` gives grid positions for a layered drawing.")
def graph(args):
    g = graph_for(args["on"] or career.today())
    return {**to_json(g), "layout": layout(g)}


@blp.route("/ladder/routes", methods=["GET"])
@public
@limiter.limit(_rate)
@blp.arguments(RouteArgs, location="query")
@blp.response(200)
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
@blp.response(200)
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

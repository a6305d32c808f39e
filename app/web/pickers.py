"""The searchable lists behind every occupation and city field (static/js/pickers.js): a clerk types a few
characters of a name or a code and picks; nobody has to know a code. Signed-in users only, small answers."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from credentials.models import Role
from credentials.queries.reference import cities_matching, occupations_matching
from credentials.queries.registry import institutions_matching, workers_matching

from ..access import allow
from ..auth import current_actor
from ..extensions import db

bp = Blueprint("pickers", __name__, url_prefix="/pickers")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
MAX_TERM = 32


def _term() -> str:
    """What was typed: in the query string for occupations, cities and institutions, in the body for workers."""
    return (request.form if request.method == "POST" else request.args).get("q", "")[:MAX_TERM]


@bp.get("/occupations")
@allow(*ALL_ROLES)
def occupations() -> Response:
    found = db.session.scalars(occupations_matching(_term())).all()
    return jsonify([{"value": o.code, "label": f"{o.code} {o.name}"} for o in found])


@bp.get("/cities")
@allow(*ALL_ROLES)
def cities() -> Response:
    found = db.session.scalars(cities_matching(_term())).all()
    return jsonify([{"value": c.code, "label": f"{c.code} {c.full_name}"} for c in found])


@bp.post("/workers")
@allow(Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
def workers() -> Response:
    """Workers the caller may see, by name only, the name posted (names never travel in URLs); the value names the
    worker by registry number and name, the label adds the masked ID number and the city to tell namesakes apart."""
    found = db.session.scalars(workers_matching(current_actor(), _term())).all()
    return jsonify([{"value": f"{w.id} {w.name}", "label": f"{w.name} · {w.id_masked} · {w.city.full_name}"}
                    for w in found])


@bp.get("/institutions")
@allow(Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
def institutions() -> Response:
    found = db.session.scalars(institutions_matching(current_actor(), _term())).all()
    return jsonify([{"value": i.name, "label": f"{i.name} · {i.city.full_name}"} for i in found])

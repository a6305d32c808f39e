"""The searchable lists behind every occupation and city field (static/js/pickers.js): a clerk types a few
characters of a name or a code and picks; nobody has to know a code. Signed-in users only, small answers."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from credentials.models import Role
from credentials.queries.reference import cities_matching, occupations_matching

from ..access import allow
from ..extensions import db

bp = Blueprint("pickers", __name__, url_prefix="/pickers")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
MAX_TERM = 32


def _term() -> str:
    return request.args.get("q", "")[:MAX_TERM]


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

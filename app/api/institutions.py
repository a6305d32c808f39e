"""Institutions and their accreditation scope."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from credentials.models import Accreditation, Institution, Role
from credentials.queries.scopes import institution_scope

from ..access import allow
from ..auth import current_actor
from ..lookups import institution_or_404
from .common import Envelope, SearchArgs, page_envelope

PREFIX = "/institutions"
blp = Blueprint("api_institutions", __name__, description="Training institutions and evaluation bodies")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


def institution_dict(institution: Institution) -> dict:
    return {
        "id": institution.id, "name": institution.name, "kind": institution.kind.value,
        "city_code": institution.city_code,
        "accreditations": [
            {"occupation_code": a.occupation.code, "occupation_name": a.occupation.name, "max_level": a.max_level,
             "valid_from": a.valid_from.isoformat(),
             "valid_until": a.valid_until.isoformat() if a.valid_until else None}
            for a in institution.accreditations
        ],
    }


@blp.route("", methods=["GET"])
@allow(*ALL_ROLES)
@blp.arguments(SearchArgs, location="query")
@blp.response(200, Envelope)
def list_institutions(args):
    statement = (
        select(Institution).where(institution_scope(current_actor())).order_by(Institution.id)
        .options(selectinload(Institution.accreditations).selectinload(Accreditation.occupation))
    )
    if args["q"]:
        statement = statement.where(Institution.name.contains(args["q"], autoescape=True))
    return page_envelope(statement, args, institution_dict)


@blp.route("/<int:institution_id>", methods=["GET"])
@allow(*ALL_ROLES)
@blp.response(200)
def get_institution(institution_id: int):
    return institution_dict(institution_or_404(institution_id))

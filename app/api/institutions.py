"""Institutions and their accreditation scope."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from credentials.models import Accreditation, Institution, InstitutionKind, Role
from credentials.queries.scopes import institution_scope

from ..access import allow
from ..auth import current_actor
from ..lookups import institution_or_404
from .common import Page, SearchArgs, choice, day, integer, many, page_envelope, problems, string, values

PREFIX = "/institutions"
blp = Blueprint("api_institutions", __name__, description="Training institutions and evaluation bodies")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


class AccreditationOut(ma.Schema):
    occupation_code = string("Occupation code", "6-18-01-01")
    occupation_name = string("Occupation name", "车工")
    max_level = string("Code of the highest level the institution may appraise", "senior_technician")
    valid_from = day("First day of the accreditation", "2024-07-01")
    valid_until = day("Last day, or null while open-ended", null=True)


class InstitutionOut(ma.Schema):
    id = integer("Institution id", 7)
    name = string("Name", "苏州技师学院")
    kind = choice(values(InstitutionKind), "Kind of institution", "technician_college")
    city_code = string("Four-digit city code", "3205")
    accreditations = many(AccreditationOut, "What it may appraise, and at which levels")


class InstitutionPage(Page):
    items = many(InstitutionOut, "This page's institutions")


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
@blp.response(200, InstitutionPage)
@problems(401, 422)
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
@blp.response(200, InstitutionOut)
@problems(401, 404)
def get_institution(institution_id: int):
    return institution_dict(institution_or_404(institution_id))

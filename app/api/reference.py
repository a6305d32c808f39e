"""Reference data: levels, occupations, cities (public facts, but behind a token like the rest)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import or_, select

from credentials.models import City, Occupation, Role
from ladder.frameworks import all_frameworks

from ..access import allow
from .common import Envelope, PageArgs, SearchArgs, level_dict, page_envelope

PREFIX = "/reference"
blp = Blueprint("api_reference", __name__, description="Levels, occupations, cities")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


class CityArgs(PageArgs):
    province = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d{2}$"))
    campaign = ma.fields.Boolean(load_default=None)


@blp.route("/levels", methods=["GET"])
@allow(*ALL_ROLES)
@blp.response(200)
def levels():
    return {
        "frameworks": [
            {"code": fw.code, "name_zh": fw.name_zh, "name_en": fw.name_en,
             "valid_from": fw.valid_from.isoformat() if fw.valid_from else None,
             "valid_to": fw.valid_to.isoformat() if fw.valid_to else None,
             "levels": [level_dict(level.code, fw.code) for level in fw.levels]}
            for fw in all_frameworks()
        ]
    }


@blp.route("/occupations", methods=["GET"])
@allow(*ALL_ROLES)
@blp.arguments(SearchArgs, location="query")
@blp.response(200, Envelope)
def occupations(args):
    statement = select(Occupation).order_by(Occupation.code)
    if args["q"]:
        term = args["q"].strip()
        statement = statement.where(or_(Occupation.code.startswith(term, autoescape=True),
                                        Occupation.name.contains(term, autoescape=True)))
    return page_envelope(statement, args, lambda o: {
        "code": o.code, "edition": o.edition, "name": o.name, "category_path": o.category_path,
        "appraised_levels": o.appraised_levels,
    })


@blp.route("/cities", methods=["GET"])
@allow(*ALL_ROLES)
@blp.arguments(CityArgs, location="query")
@blp.response(200, Envelope)
def cities(args):
    statement = select(City).order_by(City.code)
    if args["province"]:
        statement = statement.where(City.province_code == args["province"])
    if args["campaign"] is not None:
        statement = statement.where(City.is_campaign_city == args["campaign"])
    return page_envelope(statement, args, lambda c: {
        "code": c.code, "name": c.name, "province_code": c.province_code, "is_campaign_city": c.is_campaign_city,
    })

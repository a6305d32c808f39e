"""Reference data: levels, occupations, cities (public facts, but behind a token like the rest)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import or_, select

from credentials.models import City, Occupation, Role
from ladder.frameworks import all_frameworks

from ..access import allow
from .common import (
    LevelOut,
    Page,
    PageArgs,
    SearchArgs,
    boolean,
    day,
    integer,
    level_dict,
    many,
    page_envelope,
    problems,
    string,
    strings,
)

PREFIX = "/reference"
blp = Blueprint("api_reference", __name__, description="Levels, occupations, cities")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


class FrameworkOut(ma.Schema):
    code = string("Framework code", "skill-2022")
    name_zh = string("Name in Chinese", "新八级职业技能等级")
    name_en = string("Name in English", "eight-level skill ladder")
    valid_from = day("First day in force", "2022-04-01", null=True)
    valid_to = day("Last day in force, or null while in force", null=True)
    levels = many(LevelOut, "Its levels, lowest first")


class Frameworks(ma.Schema):
    frameworks = many(FrameworkOut, "Every skill framework, past and present")


class OccupationOut(ma.Schema):
    code = string("Occupation code", "6-18-01-01")
    edition = integer("Edition of the classification", 2022)
    name = string("Occupation name", "车工")
    category_path = strings("Major, middle and minor category", ["生产制造及有关人员", "机械制造基础加工人员", "机械冷加工人员"])
    appraised_levels = strings("Codes of the levels this occupation is appraised at (empty: not appraised)",
                               ["junior", "intermediate", "senior", "technician", "senior_technician"])


class OccupationPage(Page):
    items = many(OccupationOut, "This page's occupations")


class CityOut(ma.Schema):
    code = string("Four-digit city (prefecture) code", "3205")
    name = string("Name", "苏州市")
    province_code = string("Two-digit province code", "32")
    is_campaign_city = boolean("Among the cities of the skills campaign", True)


class CityPage(Page):
    items = many(CityOut, "This page's cities")


class CityArgs(PageArgs):
    province = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d{2}$"))
    campaign = ma.fields.Boolean(load_default=None)


@blp.route("/levels", methods=["GET"])
@allow(*ALL_ROLES)
@blp.response(200, Frameworks)
@problems(401)
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
@blp.response(200, OccupationPage)
@problems(401, 422)
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
@blp.response(200, CityPage)
@problems(401, 422)
def cities(args):
    statement = select(City).order_by(City.code)
    if args["province"]:
        statement = statement.where(City.province_code == args["province"])
    if args["campaign"] is not None:
        statement = statement.where(City.is_campaign_city == args["campaign"])
    return page_envelope(statement, args, lambda c: {
        "code": c.code, "name": c.name, "province_code": c.province_code, "is_campaign_city": c.is_campaign_city,
    })

"""Schemas and helpers shared by the API resources.

Response schemas describe the dicts the views build, key for key: flask-smorest dumps every answer through
its schema, so a key missing here would vanish from the answer. Every key a dict always has is `required`
(the OpenAPI document then says so); keys a dict may lack are not; `null` values are `allow_none`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from credentials.models import Certificate, CertificateKind, CertificateRoute, CertificateStatus, Gender, TargetGroup, Worker
from credentials.numbers import SCHEMES
from ladder.frameworks import get_level

from ..extensions import db

PROBLEM_JSON = "application/problem+json"
CERTIFICATE_NUMBER = "S000032000001204000001"


# ---------------------------------------------------------------- documenting

def problems(*codes: int):
    """Document the problem+json answers an operation may give besides its success (see TalentLadderApi)."""
    return Blueprint.doc(responses={str(code): HTTPStatus(code).name for code in codes})


def values(enum_cls) -> list[str]:
    return [member.value for member in enum_cls]


def _field(cls, description: str, example=None, *, null: bool = False, required: bool = True,
           args: tuple = (), **extra) -> ma.fields.Field:
    metadata = {"description": description}
    if example is not None:
        metadata["example"] = example
    if "enum" in extra and null:
        extra["enum"] = [*extra["enum"], None]
    metadata.update({key: extra.pop(key) for key in ("enum", "format") if key in extra})
    return cls(*args, required=required, allow_none=null, metadata=metadata, **extra)


def string(description: str, example=None, **kwargs) -> ma.fields.Field:
    return _field(ma.fields.String, description, example, **kwargs)


def integer(description: str, example=None, **kwargs) -> ma.fields.Field:
    return _field(ma.fields.Integer, description, example, **kwargs)


def boolean(description: str, example=None, **kwargs) -> ma.fields.Field:
    return _field(ma.fields.Boolean, description, example, **kwargs)


def number(description: str, example=None, **kwargs) -> ma.fields.Field:
    return _field(ma.fields.Float, description, example, **kwargs)


def day(description: str, example=None, **kwargs) -> ma.fields.Field:
    """A date the view already wrote as YYYY-MM-DD (a Date field would try to format it again)."""
    return _field(ma.fields.String, description, example, format="date", **kwargs)


def moment(description: str, example=None, **kwargs) -> ma.fields.Field:
    """A UTC timestamp the view already wrote with iso_utc()."""
    return _field(ma.fields.String, description, example, format="date-time", **kwargs)


def choice(options, description: str, example=None, **kwargs) -> ma.fields.Field:
    return _field(ma.fields.String, description, example, enum=list(options), **kwargs)


def nested(schema, description: str, **kwargs) -> ma.fields.Field:
    return _field(ma.fields.Nested, description, args=(schema,), **kwargs)


def many(schema, description: str, **kwargs) -> ma.fields.Field:
    return _field(ma.fields.List, description, args=(ma.fields.Nested(schema),), **kwargs)


def strings(description: str, example=None, *, enum=None, **kwargs) -> ma.fields.Field:
    item = ma.fields.String(metadata={"enum": list(enum)} if enum else {})
    return _field(ma.fields.List, description, example, args=(item,), **kwargs)


class Verbatim(ma.fields.Nested):
    """Documented as its schema, but dumped as stored: for JSON columns, whose older rows must come out as
    they went in (a Nested field would drop any key the schema does not name)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value


def stored(schema, description: str, **kwargs) -> ma.fields.Field:
    return _field(ma.fields.List, description, args=(Verbatim(schema),), **kwargs)


# ---------------------------------------------------------------- shared response schemas

class Problem(ma.Schema):
    class Meta:
        description = ("An RFC 9457 problem document (application/problem+json), as the API writes it for "
                       "every error under /api. `title` and `detail` follow Accept-Language (Chinese by default).")

    type = string("Always about:blank: the status says what kind of problem it is", "about:blank")
    title = string("Short summary of the status", "输入有误")
    status = integer("The HTTP status code", 422)
    detail = string("What went wrong this time (absent when there is nothing to add to the title)",
                    "请检查以下字段", required=False)
    errors = _field(ma.fields.Dict, "Field name to its messages; nested objects for nested fields or list "
                    "positions, `_schema` for the body as a whole (absent when no field is to blame)",
                    {"name": ["必填字段缺失。"]}, required=False, keys=ma.fields.String(), values=ma.fields.Raw())
    request_id = string("The request's id, also in the X-Request-Id header and the server log",
                        "3f2b9c0e5d4a4e1f8a7b6c5d4e3f2a1b", null=True)
    code = string("Machine-readable reason, for errors the registry raises itself (e.g. already_decided, "
                  "already_revoked, credentials, certificate)", "already_decided", required=False)


class Bilingual(ma.Schema):
    class Meta:
        description = "A text in Chinese and in English."

    zh = string("Chinese", "累计从事本职业或相关职业工作 1 年（含）以上")
    en = string("English", "1 year (cumulative) in the occupation or a related one")


class Ref(ma.Schema):
    class Meta:
        description = "A record named by its id and name."

    id = integer("Id", 7)
    name = string("Name", "苏州技师学院")


class OccupationBrief(ma.Schema):
    code = string("Occupation code of the national classification (职业分类大典)", "6-18-01-01")
    name = string("Occupation name", "车工")


class OccupationRef(OccupationBrief):
    edition = integer("Edition of the classification", 2022)


class LevelOut(ma.Schema):
    class Meta:
        description = "A level of a skill framework."

    code = string("Level code within the framework", "intermediate")
    framework = string("Framework code (skill-2022: the eight-level ladder; skill-2013: the five levels)",
                       "skill-2022")
    name_zh = string("Name in Chinese", "中级工（四级）")
    name_en = string("Name in English", "Intermediate Worker (Level 4)")
    rank = integer("Position on the ladder, 1 = lowest", 3)
    is_high_skilled = boolean("Counts as highly skilled (高技能人才)", False)


class WorkerOut(ma.Schema):
    id = integer("Worker id", 42)
    name = string("Full name", "张*三")
    national_id_masked = string("National ID number, masked", "320505********123X")
    birth_date = day("Date of birth", "1990-01-01")
    gender = choice(values(Gender), "Gender", "male")
    city_code = string("Four-digit city (prefecture) code of residence", "3205")
    employer_id = integer("Employing institution's id, when it is in the registry", 7, null=True)
    employer_name = string("Employer's name", "苏州精工机械有限公司", null=True)
    target_groups = strings("Target groups (for training subsidies), sorted",
                            ["rural_migrant"], enum=values(TargetGroup))


class CertificateOut(ma.Schema):
    number = string("Certificate number", CERTIFICATE_NUMBER)
    number_scheme = choice(SCHEMES, "National numbering scheme the number follows", "skill_level22")
    needs_review = boolean("The number is flagged for review", False)
    kind = choice(values(CertificateKind), "Kind of certificate", "skill_level")
    worker = nested(Ref, "The holder (id and full name)", example={"id": 42, "name": "张*三"})
    occupation = nested(OccupationRef, "The occupation")
    level = nested(LevelOut, "The level certified")
    issued_on = day("Date of issue", "2024-07-01")
    institution = nested(Ref, "The issuing institution")
    route = choice(values(CertificateRoute), "How the level was reached", "regular")
    status = choice(values(CertificateStatus), "valid or revoked", "valid")
    revoked_at = moment("When it was revoked (UTC)", null=True)
    revocation_reason = string("Why it was revoked", null=True)
    is_historic = boolean("Entered by an administrator from paper, without the records that earned it", False)


class Page(ma.Schema):
    """A page of a list; each list has its own page type with typed `items`."""

    page = integer("This page's number, from 1", 1)
    per_page = integer("Items per page (at most 200)", 20)
    total = integer("Items on all pages", 1)


# ---------------------------------------------------------------- query arguments

class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=200))


class SearchArgs(PageArgs):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64))


# ---------------------------------------------------------------- bodies

def page_envelope(statement, args: dict, dump) -> dict:
    per_page = min(args["per_page"], current_app.config["MAX_PAGE_SIZE"])
    page = db.paginate(statement, page=args["page"], per_page=per_page, error_out=False, count=True)
    return {"items": [dump(item) for item in page.items], "page": page.page, "per_page": page.per_page,
            "total": page.total}


def iso_utc(moment: datetime | None) -> str | None:
    """UTC timestamps as 2024-07-01T08:00:00Z (SQLite returns them naive; they are stored as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def level_dict(code: str, framework: str = "skill-2022") -> dict:
    level = get_level(code, framework)
    return {"code": level.code, "framework": framework, "name_zh": level.name_zh, "name_en": level.name_en,
            "rank": level.rank, "is_high_skilled": level.is_high_skilled}


def worker_dict(worker: Worker) -> dict:
    return {
        "id": worker.id, "name": worker.name, "national_id_masked": worker.id_masked,
        "birth_date": worker.birth_date.isoformat(), "gender": worker.gender.value, "city_code": worker.city_code,
        "employer_id": worker.employer_id, "employer_name": worker.employer_name,
        "target_groups": sorted(g.group.value for g in worker.target_groups),
    }


def certificate_dict(certificate: Certificate) -> dict:
    return {
        "number": certificate.number, "number_scheme": certificate.number_scheme,
        "needs_review": certificate.needs_review, "kind": certificate.kind.value,
        "worker": {"id": certificate.worker_id, "name": certificate.worker.name},
        "occupation": {"code": certificate.occupation.code, "name": certificate.occupation.name,
                       "edition": certificate.occupation.edition},
        "level": level_dict(certificate.level, certificate.framework),
        "issued_on": certificate.issued_on.isoformat(),
        "institution": {"id": certificate.institution_id, "name": certificate.institution.name},
        "route": certificate.route.value, "status": certificate.status.value,
        "revoked_at": iso_utc(certificate.revoked_at),
        "revocation_reason": certificate.revocation_reason, "is_historic": certificate.is_historic,
    }

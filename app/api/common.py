"""Schemas and helpers shared by the API resources."""

from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma
from flask import current_app

from credentials.models import Certificate, Worker
from ladder.frameworks import get_level

from ..extensions import db


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=200))


class SearchArgs(PageArgs):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64))


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
        "revocation_reason": certificate.revocation_reason,
    }


class Envelope(ma.Schema):
    items = ma.fields.List(ma.fields.Dict())
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


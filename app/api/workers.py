"""Workers: list (scoped, searchable), register, read."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from credentials.models import Role, TargetGroup
from credentials.queries.registry import workers_for
from credentials.services.access_log import record_view
from credentials.services.workers import register_worker

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import vault, worker_or_404
from .common import Page, SearchArgs, WorkerOut, many, page_envelope, problems, worker_dict

PREFIX = "/workers"
blp = Blueprint("api_workers", __name__, description="Workers (national ID shown masked)")


class WorkerCreate(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    national_id = ma.fields.String(required=True, validate=ma.validate.Length(min=15, max=20))
    city_code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d{4}$"))
    employer_name = ma.fields.String(load_default=None, validate=ma.validate.Length(max=128))
    target_groups = ma.fields.List(ma.fields.Enum(TargetGroup, by_value=True), load_default=list)


class WorkerPage(Page):
    items = many(WorkerOut, "This page's workers")


@blp.route("", methods=["GET"])
@allow(Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN, Role.WORKER)
@blp.arguments(SearchArgs, location="query")
@blp.response(200, WorkerPage)
@problems(401, 422)
def list_workers(args):
    return page_envelope(workers_for(current_actor(), search=args["q"]), args, worker_dict)


@blp.route("", methods=["POST"])
@allow(Role.INSTITUTION_STAFF, Role.ADMIN)
@blp.arguments(WorkerCreate)
@blp.response(201, WorkerOut)
@problems(400, 401, 403, 409, 422)
def create_worker(body):
    user = current_actor()
    worker = register_worker(
        db.session(), vault(), name=body["name"], national_id=body["national_id"], city_code=body["city_code"],
        employer=user.institution if user.role is Role.INSTITUTION_STAFF and not body["employer_name"] else None,
        employer_name=body["employer_name"], target_groups=body["target_groups"], by=user,
    )
    db.session.commit()
    return worker_dict(worker)


@blp.route("/<int:worker_id>", methods=["GET"])
@allow(Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN, Role.WORKER)
@blp.response(200, WorkerOut)
@problems(401, 404)
def get_worker(worker_id: int):
    worker = worker_or_404(worker_id)
    record_view(db.session(), viewer=current_actor(), worker=worker, where="api.worker")
    db.session.commit()  # the worker may ask who looked (credentials.services.access_log)
    return worker_dict(worker)

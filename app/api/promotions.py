"""Exceptional (破格) and level-skipping (越级) promotion requests: list, read, nominate, attach evidence, and
move through the review states. Scoped like the pages: another's request answers 404. A decision that
someone else made first answers 409 with code `already_decided`."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask_smorest import Blueprint

from credentials import Conflict
from credentials.labels import STATE_NAMES
from credentials.models import PromotionKind, PromotionRequest, PromotionState, ReviewStage, Role
from credentials.queries.approvals import promotions_for
from credentials.services.promotions import (
    attach_evidence,
    nominate_promotion,
    resubmit_promotion,
    submit_promotion,
    withdraw_promotion,
)
from credentials.services.reviews import DECISIONS, review_promotion
from credentials.uploads import MAX_EVIDENCE_BYTES

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import occupation_or_field_error, request_or_404, worker_or_field_error
from .common import (
    Bilingual,
    LevelOut,
    OccupationBrief,
    Page,
    PageArgs,
    choice,
    day,
    integer,
    iso_utc,
    level_dict,
    many,
    moment,
    nested,
    page_envelope,
    problems,
    string,
    strings,
    values,
)

PREFIX = "/promotions"
blp = Blueprint("api_promotions", __name__,
                description="Exceptional and level-skipping promotion requests: nomination and review")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
ACTIONS = ("submit", "resubmit", "withdraw", "review", "approve", "reject", "return")


class PromotionArgs(PageArgs):
    state = ma.fields.String(load_default=None, validate=ma.validate.OneOf([s.value for s in PromotionState]))
    kind = ma.fields.String(load_default=None, validate=ma.validate.OneOf([k.value for k in PromotionKind]))


class PromotionCreate(ma.Schema):
    worker_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**62))
    occupation_code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d-\d{2}-\d{2}-\d{2}$"))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf([k.value for k in PromotionKind]))
    target_level = ma.fields.String(required=True, validate=ma.validate.Length(max=32))
    grounds = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=48)), required=True,
                             validate=ma.validate.Length(min=1, max=10),
                             metadata={"description": "codes of ladder vocabulary `promotion_grounds`"})
    statement = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=4000))
    rule_id = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64))


class Transition(ma.Schema):
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(ACTIONS))
    reason = ma.fields.String(load_default=None, validate=ma.validate.Length(max=2000),
                              metadata={"description": "required for approve, reject and return"})
    version = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**31),
                                metadata={"description": "the version you saw: a newer one answers 409"})


class EvidenceFile(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                                  "description": "PDF, JPEG or PNG, at most 10 MB"})


class PromotionWorker(ma.Schema):
    id = integer("Worker id", 42)
    name = string("Full name", "张*三")
    national_id_masked = string("National ID number, masked", "320505********123X")


class PromotionLinks(ma.Schema):
    self = string("This request's address", "/api/v1/promotions/9")


class PromotionOut(ma.Schema):
    id = integer("Request id", 9)
    kind = choice(values(PromotionKind), "exceptional (破格) or level_skipping (越级)", "exceptional")
    state = choice(values(PromotionState), "Where the request is", "submitted")
    stage = choice(values(ReviewStage), "Review stage: city first, then province", "city")
    state_name = nested(Bilingual, "The state in words", example={"zh": "待审核", "en": "submitted"})
    version = integer("Increases with every change; send it back with a transition", 2)
    worker = nested(PromotionWorker, "The worker nominated")
    occupation = nested(OccupationBrief, "The occupation")
    current_level = nested(LevelOut, "The worker's level now")
    target_level = nested(LevelOut, "The level asked for")
    grounds = strings("Codes of ladder vocabulary `promotion_grounds`", ["unique_mastery", "patent"])
    rule_id = string("The ladder clause or limit relied upon", null=True)
    institution_id = integer("The nominating institution (null: nominated by a bureau)", 7, null=True)
    submitted_at = moment("Last time it entered the review queue (UTC)", "2024-07-01T08:00:00Z", null=True)
    decided_at = moment("When it was approved or rejected (UTC)", null=True)
    approval_valid_until = day("Last day the approval may be used for an appraisal", null=True)
    links = nested(PromotionLinks, "Related addresses")


class DecisionOut(ma.Schema):
    action = string("What was done (nominated, submitted, reviewed, forwarded, approved, rejected, returned, ...)",
                    "submitted")
    stage = choice(values(ReviewStage), "Stage it was done at", "city")
    from_ = choice(values(PromotionState), "State before", "draft", data_key="from", attribute="from")
    to = choice(values(PromotionState), "State after", "submitted")
    reason = string("Reason given", null=True)
    actor = string("Who did it (display name)", "李*华")
    at = moment("When (UTC)", "2024-07-01T08:00:00Z")


class EvidenceOut(ma.Schema):
    id = integer("Evidence id", 4)
    name = string("File name as uploaded", "专利证书.pdf")
    content_type = string("Media type", "application/pdf")
    size = integer("Size in bytes", 482113)
    sha256 = string("SHA-256 of the content, hex", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")


class PromotionDetail(PromotionOut):
    statement = string("The nominator's statement of the worker's achievements", "主持完成数控车床夹具改进，获实用新型专利。")
    decisions = many(DecisionOut, "Every step so far, oldest first")
    evidence = many(EvidenceOut, "Files attached")


class PromotionPage(Page):
    items = many(PromotionOut, "This page's requests")


def promotion_dict(request: PromotionRequest, *, full: bool = False) -> dict:
    body = {
        "id": request.id, "kind": request.kind.value, "state": request.state.value, "stage": request.stage.value,
        "state_name": dict(zip(("zh", "en"), STATE_NAMES[request.state], strict=True)),
        "version": request.version,
        "worker": {"id": request.worker_id, "name": request.worker.name,
                   "national_id_masked": request.worker.id_masked},
        "occupation": {"code": request.occupation.code, "name": request.occupation.name},
        "current_level": level_dict(request.current_level), "target_level": level_dict(request.target_level),
        "grounds": request.grounds, "rule_id": request.rule_id, "institution_id": request.institution_id,
        "submitted_at": iso_utc(request.submitted_at), "decided_at": iso_utc(request.decided_at),
        "approval_valid_until": request.approval_valid_until.isoformat() if request.approval_valid_until else None,
        "links": {"self": url_for("api_promotions.get_promotion", request_id=request.id)},
    }
    if full:
        body["statement"] = request.statement
        body["decisions"] = [{"action": d.action, "stage": d.stage.value, "from": d.from_state.value,
                              "to": d.to_state.value, "reason": d.reason, "actor": d.actor.display_name,
                              "at": iso_utc(d.decided_at)} for d in request.decisions]
        body["evidence"] = [{"id": e.id, "name": e.original_name, "content_type": e.content_type, "size": e.size,
                             "sha256": e.sha256} for e in request.evidence]
    return body


@blp.route("", methods=["GET"])
@allow(*ALL_ROLES)
@blp.arguments(PromotionArgs, location="query")
@blp.response(200, PromotionPage)
@problems(401, 422)
def list_promotions(args):
    return page_envelope(promotions_for(current_actor(), state=args["state"], kind=args["kind"]), args,
                         promotion_dict)


@blp.route("/<int:request_id>", methods=["GET"])
@allow(*ALL_ROLES)
@blp.response(200, PromotionDetail)
@problems(401, 404)
def get_promotion(request_id: int):
    return promotion_dict(request_or_404(request_id), full=True)


@blp.route("", methods=["POST"])
@allow(Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER)
@blp.arguments(PromotionCreate)
@blp.response(201, PromotionDetail, headers={"Location": {
    "description": "The new request's address", "schema": {"type": "string"}}})
@problems(400, 401, 403, 409, 422)
def create_promotion(body):
    """A draft nomination; attach evidence, then `submit`."""
    user, session = current_actor(), db.session()
    worker, occupation = worker_or_field_error(body["worker_id"]), occupation_or_field_error(body["occupation_code"])
    request = nominate_promotion(session, worker=worker, occupation=occupation, kind=PromotionKind(body["kind"]),
                                 target_level=body["target_level"], grounds=body["grounds"],
                                 statement=body["statement"], rule_id=body["rule_id"], by=user)
    db.session.commit()
    return promotion_dict(request, full=True), 201, {"Location": url_for("api_promotions.get_promotion",
                                                                         request_id=request.id)}


@blp.route("/<int:request_id>/evidence", methods=["POST"])
@allow(Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER)
@blp.arguments(EvidenceFile, location="files")
@blp.response(201, EvidenceOut)
@problems(401, 403, 404, 409, 413, 422)
def add_evidence(files, request_id: int):
    upload = files["file"]
    evidence = attach_evidence(db.session(), request_or_404(request_id), filename=upload.filename,
                               content=upload.read(MAX_EVIDENCE_BYTES + 1), by=current_actor())
    db.session.commit()
    return {"id": evidence.id, "name": evidence.original_name, "content_type": evidence.content_type,
            "size": evidence.size, "sha256": evidence.sha256}


@blp.route("/<int:request_id>/transitions", methods=["POST"])
@allow(Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER)
@blp.arguments(Transition)
@blp.response(200, PromotionDetail, description="The request after the transition")
@problems(400, 401, 403, 404, 409, 422)
def transition(body, request_id: int):
    """submit | resubmit | withdraw (the nominating side); review | approve | reject | return (the bureau)."""
    user, session = current_actor(), db.session()
    request = request_or_404(request_id)
    if body["version"] is not None and body["version"] != request.version:
        raise Conflict("already_decided", state=STATE_NAMES[request.state])
    action = body["action"]
    if action in DECISIONS:
        DECISIONS[action](session, request, reason=body["reason"], by=user)
    elif action == "review":
        review_promotion(session, request, by=user)
    elif action == "withdraw":
        withdraw_promotion(session, request, by=user, reason=body["reason"])
    else:
        {"submit": submit_promotion, "resubmit": resubmit_promotion}[action](session, request, by=user)
    db.session.commit()
    return promotion_dict(request, full=True)

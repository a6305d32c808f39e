"""Applications (申报): a worker applies, or an institution enters one for them; the institution reviews it
(the engine's verdict in words: the clause met, or what is missing and from when) and seats the qualified in
one of its sessions. Scoped like the pages: another's application answers 404."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from credentials import ValidationFailed
from credentials.labels import APPLICATION_STATE_NAMES
from credentials.models import Application, ApplicationRoute, ApplicationState, Institution, PromotionRequest, Role
from credentials.queries.applications import applications_for, clause_text, road
from credentials.services.applications import (
    MAX_REASON,
    approve_application,
    refuse_application,
    seat_application,
    submit_application,
    verdict_for,
)
from ladder.i18n import Text

from .. import career
from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import application_or_404, occupation_or_field_error, session_or_404, worker_from_body
from .common import (
    Bilingual,
    LevelOut,
    OccupationBrief,
    Page,
    PageArgs,
    Ref,
    choice,
    day,
    integer,
    level_dict,
    many,
    nested,
    page_envelope,
    problems,
    string,
    values,
)

PREFIX = "/applications"
blp = Blueprint("api_applications", __name__, description="Applications (申报), their review and seating")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


class ApplicationArgs(PageArgs):
    state = ma.fields.String(load_default=None, validate=ma.validate.OneOf(values(ApplicationState)))


class ApplicationCreate(ma.Schema):
    worker_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**62),
                                  metadata={"description": "institutions: the worker (or national_id); workers: "
                                                           "omitted, they apply for themselves"})
    national_id = ma.fields.String(load_default=None, validate=ma.validate.Length(min=15, max=20))
    occupation_code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d-\d{2}-\d{2}-\d{2}$"))
    level = ma.fields.String(required=True, validate=ma.validate.Length(max=32))
    institution_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**62),
                                       metadata={"description": "workers: the accredited institution applied to"})
    promotion_request_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**62),
                                             metadata={"description": "an approved exceptional request to sit on"})


class Review(ma.Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(["approve", "refuse"]))
    reason = ma.fields.String(load_default=None, validate=ma.validate.Length(max=MAX_REASON),
                              metadata={"description": "required to refuse; told to the applicant"})


class Seating(ma.Schema):
    session_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**62))


class StepOut(ma.Schema):
    key = choice(["applied", "approval", "review", "seated", "result", "certificate", "retake", "closed"],
                 "Which step", "review")
    done = ma.fields.Boolean(required=True, metadata={"description": "Reached (false: still to come)"})
    on = day("When", "2024-07-01", null=True)
    detail = nested(Bilingual, "The step in words")
    certificate_number = string("The certificate of a certificate step", null=True)


class SessionBrief(ma.Schema):
    id = integer("Session id", 3)
    held_on = day("Date", "2024-07-01")
    site = string("Site", "苏州技师学院实训楼 3 楼")


class ApplicationOut(ma.Schema):
    id = integer("Application id", 5)
    worker = nested(Ref, "The applicant", example={"id": 42, "name": "张三"})
    institution = nested(Ref, "The institution applied to")
    occupation = nested(OccupationBrief, "The occupation")
    level = nested(LevelOut, "The level applied for")
    route = choice(values(ApplicationRoute), "regular, or exceptional on an approval", "regular")
    promotion_request_id = integer("The approval it sits on (exceptional route)", null=True)
    state = choice(values(ApplicationState), "Where it is", "submitted")
    state_name = nested(Bilingual, "The state in words")
    verdict = nested(Bilingual, "The engine's verdict today (regular route) or the approval's validity")
    clause = nested(Bilingual, "The application condition met when qualified", null=True)
    refusal_reason = string("Why it was refused", null=True)
    session = nested(SessionBrief, "The session the candidate is (or was last) seated in", null=True)
    retake_until = day("Last day of the retake window after a failure", null=True)
    closed_reason = string("Why it was closed", null=True)
    version = integer("Increases with every change", 2)
    steps = many(StepOut, "Each step so far and to come")


class ApplicationPage(Page):
    items = many(ApplicationOut, "This page's applications")


def application_dict(application: Application) -> dict:
    clause = clause_text(application.rule_set, application.matched_clause)
    s = application.session
    return {
        "id": application.id, "worker": {"id": application.worker_id, "name": application.worker.name},
        "institution": {"id": application.institution_id, "name": application.institution.name},
        "occupation": {"code": application.occupation.code, "name": application.occupation.name},
        "level": level_dict(application.level), "route": application.route.value,
        "promotion_request_id": application.promotion_request_id, "state": application.state.value,
        "state_name": APPLICATION_STATE_NAMES[application.state].as_dict(),
        "verdict": verdict_for(db.session(), application, on=career.today()).as_dict(),
        "clause": clause.as_dict() if clause else None, "refusal_reason": application.refusal_reason,
        "session": {"id": s.id, "held_on": s.held_on.isoformat(), "site": s.site} if s else None,
        "retake_until": application.retake_until.isoformat() if application.retake_until else None,
        "closed_reason": application.closed_reason, "version": application.version,
        "steps": [{"key": step.key, "done": step.done, "on": step.on.isoformat() if step.on else None,
                   "detail": step.detail.as_dict(), "certificate_number": step.certificate_number}
                  for step in road(application)],
    }


@blp.route("", methods=["GET"])
@allow(*ALL_ROLES)
@blp.arguments(ApplicationArgs, location="query")
@blp.response(200, ApplicationPage)
@problems(401, 422)
def list_applications(args):
    return page_envelope(applications_for(current_actor(), state=args["state"]), args, application_dict)


@blp.route("", methods=["POST"])
@allow(Role.WORKER, Role.INSTITUTION_STAFF)
@blp.arguments(ApplicationCreate)
@blp.response(201, ApplicationOut)
@problems(400, 401, 403, 404, 409, 422)
def create_application(body):
    """A worker applies to an accredited institution; an institution enters an application to itself."""
    user, session = current_actor(), db.session()
    if user.role is Role.WORKER:
        worker = user.worker
        institution = session.get(Institution, body["institution_id"]) if body["institution_id"] else None
        if institution is None:
            raise ValidationFailed("unknown_institution", field="institution_id", id=body["institution_id"])
    else:
        worker, institution = worker_from_body(body), user.institution
    request = None
    if body["promotion_request_id"] is not None:
        request = session.get(PromotionRequest, body["promotion_request_id"])
        if request is None or request.worker_id != worker.id:
            raise ValidationFailed("binding", field="promotion_request_id",
                                   reason=Text("该劳动者没有此编号的批准", "no such approval for this worker"))
    application = submit_application(session, worker=worker, occupation=occupation_or_field_error(
        body["occupation_code"]), level=body["level"], institution=institution, promotion_request=request, by=user,
        today=career.today())
    db.session.commit()
    return application_dict(application)


@blp.route("/<int:application_id>", methods=["GET"])
@allow(*ALL_ROLES)
@blp.response(200, ApplicationOut)
@problems(401, 404)
def get_application(application_id: int):
    return application_dict(application_or_404(application_id))


@blp.route("/<int:application_id>/review", methods=["POST"])
@allow(Role.INSTITUTION_STAFF)
@blp.arguments(Review)
@blp.response(200, ApplicationOut, description="The application after the review")
@problems(400, 401, 403, 404, 409, 422)
def review(body, application_id: int):
    """approve (only when the engine finds a clause met, or the approval holds) or refuse (with a reason)."""
    application, user = application_or_404(application_id), current_actor()
    if body["decision"] == "approve":
        approve_application(db.session(), application, by=user, today=career.today())
    else:
        refuse_application(db.session(), application, reason=body["reason"] or "", by=user)
    db.session.commit()
    return application_dict(application)


@blp.route("/<int:application_id>/seat", methods=["POST"])
@allow(Role.INSTITUTION_STAFF)
@blp.arguments(Seating)
@blp.response(200, ApplicationOut, description="The application, seated")
@problems(400, 401, 403, 404, 409, 422)
def seat(body, application_id: int):
    """Seat a qualified (or failed, within the retake window) candidate in one of the institution's sessions."""
    application = application_or_404(application_id)
    seat_application(db.session(), application, session_or_404(body["session_id"]), by=current_actor(),
                     today=career.today())
    db.session.commit()
    return application_dict(application)

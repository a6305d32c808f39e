"""Appraisal sessions (考试场次): an institution creates them, reads who is seated, and enters results against
them (a pass issues the certificate). Scoped like the pages: another institution's session answers 404."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from credentials import ValidationFailed
from credentials.models import Application, AppraisalSession, Role, SessionState
from credentials.queries.applications import roster, sessions_for
from credentials.services.applications import record_session_result
from credentials.services.sessions import MAX_CAPACITY, MAX_SITE, create_appraisal_session
from ladder.i18n import Text

from .. import career
from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import occupation_or_field_error, session_or_404
from .applications import ApplicationOut, application_dict
from .common import (
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
from .results import Scores, SittingOut, result_dict

PREFIX = "/sessions"
blp = Blueprint("api_sessions", __name__, description="Appraisal sessions: seats and results against them")
READERS = (Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


class SessionCreate(ma.Schema):
    occupation_code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d-\d{2}-\d{2}-\d{2}$"))
    levels = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=32)), required=True,
                            validate=ma.validate.Length(min=1, max=8))
    held_on = ma.fields.Date(required=True)
    site = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_SITE))
    capacity = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=MAX_CAPACITY))


class SessionResult(Scores):
    application_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**62),
                                       metadata={"description": "the seated candidate's application"})


class SessionOut(ma.Schema):
    id = integer("Session id", 3)
    institution = nested(Ref, "The institution holding it")
    occupation = nested(OccupationBrief, "The occupation examined")
    levels = many(LevelOut, "Levels examined, lowest first")
    held_on = day("Date", "2024-07-01")
    site = string("Site", "苏州技师学院实训楼 3 楼")
    capacity = integer("Seats", 30)
    state = choice(values(SessionState), "open (seats given) or closed", "open")


class SessionDetail(SessionOut):
    taken = integer("Seats taken: candidates waiting plus sittings recorded (not voided)", 12)
    waiting = many(ApplicationOut, "Candidates seated, waiting for their result")
    results = many(SittingOut, "Results recorded in this session")


class SessionPage(Page):
    items = many(SessionOut, "This page's sessions")


def session_dict(found: AppraisalSession) -> dict:
    return {"id": found.id, "institution": {"id": found.institution_id, "name": found.institution.name},
            "occupation": {"code": found.occupation.code, "name": found.occupation.name},
            "levels": [level_dict(level) for level in found.levels], "held_on": found.held_on.isoformat(),
            "site": found.site, "capacity": found.capacity, "state": found.state.value}


def _detail(found: AppraisalSession) -> dict:
    seated = roster(db.session(), found)
    return {**session_dict(found), "taken": seated.taken, "waiting": [application_dict(a) for a in seated.waiting],
            "results": [result_dict(r) for r in seated.results]}


@blp.route("", methods=["GET"])
@allow(*READERS)
@blp.arguments(PageArgs, location="query")
@blp.response(200, SessionPage)
@problems(401, 422)
def list_sessions(args):
    return page_envelope(sessions_for(current_actor()), args, session_dict)


@blp.route("", methods=["POST"])
@allow(Role.INSTITUTION_STAFF)
@blp.arguments(SessionCreate)
@blp.response(201, SessionDetail)
@problems(400, 401, 403, 422)
def create_session(body):
    user = current_actor()
    found = create_appraisal_session(
        db.session(), institution=user.institution, occupation=occupation_or_field_error(body["occupation_code"]),
        levels=body["levels"], held_on=body["held_on"], site=body["site"], capacity=body["capacity"], by=user,
        today=career.today())
    db.session.commit()
    return _detail(found)


@blp.route("/<int:session_id>", methods=["GET"])
@allow(*READERS)
@blp.response(200, SessionDetail)
@problems(401, 404)
def get_session(session_id: int):
    return _detail(session_or_404(session_id))


@blp.route("/<int:session_id>/results", methods=["POST"])
@allow(Role.INSTITUTION_STAFF)
@blp.arguments(SessionResult)
@blp.response(201, SittingOut)
@problems(400, 401, 403, 404, 409, 422)
def create_session_result(body, session_id: int):
    """A seated candidate's scores, dated the session's day; a pass earns the certificate."""
    found = session_or_404(session_id)
    application = db.session.get(Application, body["application_id"])
    if application is None or application.session_id != found.id:
        raise ValidationFailed("binding", field="application_id", reason=Text(
            "该考生未安排在本场次", "no such candidate seated in this session"))
    result = record_session_result(db.session(), found, application, theory=body["theory"],
                                   practical=body["practical"], review=body["review"], number=body["number"],
                                   by=current_actor(), today=career.today())
    db.session.commit()
    return result_dict(result)

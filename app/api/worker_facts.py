"""A worker's facts: work periods, diplomas, apprenticeships and professional titles, each attested or the
worker's unverified claim, with its corrected and withdrawn versions kept.

Scoped like GET /workers/{id} (another's worker answers 404). Officials (the worker's institutions, bureau
officers of the region) record facts that count at once; the worker adds claims (work, diplomas, titles) that
count once attested. A correction is a new version (the earlier one stays, superseded); a withdrawal keeps
the row with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import abort
from flask_smorest import Blueprint

from credentials.models import Apprenticeship, Diploma, ProfessionalTitle, Role, User, Worker, WorkPeriod
from credentials.models.worker_facts import REASON_MAX
from credentials.queries.worker_facts import FactsOf, fact_of, facts_of, institution_named
from credentials.services.worker_facts import (
    APPRENTICESHIP_TARGETS,
    attest_fact,
    record_apprenticeship,
    record_diploma,
    record_title,
    record_work_period,
    title_name,
    withdraw_fact,
)
from ladder.frameworks import vocabulary

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import occupation_or_field_error, worker_or_404
from .common import (
    Bilingual,
    LevelOut,
    OccupationBrief,
    Ref,
    boolean,
    choice,
    day,
    integer,
    iso_utc,
    level_dict,
    many,
    moment,
    nested,
    problems,
    string,
)

PREFIX = "/workers"
blp = Blueprint("api_worker_facts", __name__,
                description="A worker's work periods, diplomas, apprenticeships and titles (what eligibility reads)")
READERS = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
OFFICIALS = (Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER)
Fact = WorkPeriod | Diploma | Apprenticeship | ProfessionalTitle


# ---------------------------------------------------------------- bodies

def _date(description: str, *, required: bool = True) -> ma.fields.Field:
    if required:
        return ma.fields.Date(required=True, metadata={"description": description})
    return ma.fields.Date(load_default=None, allow_none=True, metadata={"description": description})


def _text(description: str, max_length: int, *, required: bool = False) -> ma.fields.Field:
    extra = {} if required else {"load_default": None, "allow_none": True}
    return ma.fields.String(required=required, validate=ma.validate.Length(max=max_length),
                            metadata={"description": description}, **extra)


class WorkPeriodIn(ma.Schema):
    occupation_code = _text("Code of the occupation worked (or \"code name\")", 64, required=True)
    started_on = _date("First day")
    ended_on = _date("Last day (null while the work goes on)", required=False)
    employer_name = _text("Employer; linked to the registry's institution of exactly this name", 128)
    related_to = _text("When the occupation worked is a related one: the occupation it counts towards", 64)


class DiplomaIn(ma.Schema):
    school_type = ma.fields.String(required=True, metadata={"description": "School type",
                                                            "enum": list(vocabulary("school_types"))})
    stream = ma.fields.String(load_default="none", metadata={"description": "Stream of a technical school",
                                                             "enum": list(vocabulary("streams"))})
    major_code = _text("Occupation code of the major (in the field when it is the one applied for)", 64)
    school_name = _text("School", 128)
    graduated_on = _date("Graduation day (may be null for a current-year student)", required=False)
    is_current_graduate = ma.fields.Boolean(load_default=False, metadata={"description": "应届: no diploma yet"})


class ApprenticeshipIn(ma.Schema):
    enterprise_name = _text("Enterprise (default: the caller's institution)", 128)
    occupation_code = _text("Occupation code", 64, required=True)
    target_level = ma.fields.String(required=True, metadata={"description": "Target level",
                                                             "enum": list(APPRENTICESHIP_TARGETS)})
    started_on = _date("First day")
    ended_on = _date("Last day of the term, planned or actual", required=False)
    completed = ma.fields.Boolean(load_default=False, metadata={"description": "学徒期满: the term was completed"})


class ProfessionalTitleIn(ma.Schema):
    series = ma.fields.String(required=True, metadata={"description": "Title series code", "example": "engineering"})
    grade = ma.fields.String(required=True, metadata={"description": "Grade code", "example": "assistant"})
    obtained_on = _date("Day the title was obtained")
    issuer_name = _text("Reviewing body or employer", 128)


class WithdrawIn(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=REASON_MAX),
                              metadata={"description": "Why (kept in the record and the audit trail)"})


# ---------------------------------------------------------------- answers

class FactOut(ma.Schema):
    id = integer("Fact id", 12)
    attestation = choice(["attested", "unverified"], "attested by an official, or the worker's unverified claim",
                         "attested")
    state = choice(["current", "superseded", "withdrawn"], "current, superseded by a correction, or withdrawn",
                   "current")
    counts = boolean("Eligibility reads it (current and attested)", True)
    attested_by = nested(Ref, "The institution that attested it (null: a bureau, the system, or not yet)", null=True)
    attested_at = moment("When it was attested (UTC)", null=True)
    replaces_id = integer("The earlier version this one corrects", null=True)
    ended_at = moment("When it was superseded or withdrawn (UTC)", null=True)
    withdrawal_reason = string("Why it was withdrawn", null=True)
    created_at = moment("When it was written (UTC)", "2025-01-15T08:00:00Z")


class WorkPeriodOut(FactOut):
    occupation = nested(OccupationBrief, "The occupation worked")
    related_to = nested(OccupationBrief, "The occupation it also counts towards (相关职业)", null=True)
    employer = nested(Ref, "The employer, when it is in the registry", null=True)
    employer_name = string("The employer's name", "苏州精工机械有限公司", null=True)
    started_on = day("First day", "2020-03-01")
    ended_on = day("Last day (null while it goes on)", null=True)


class DiplomaOut(FactOut):
    school_type = choice(list(vocabulary("school_types")), "School type", "technical_school")
    stream = choice(list(vocabulary("streams")), "Stream", "intermediate_class")
    major = nested(OccupationBrief, "The occupation the major corresponds to", null=True)
    school_name = string("School", null=True)
    graduated_on = day("Graduation day", "2022-07-01", null=True)
    is_current_graduate = boolean("A current-year student (应届)", False)


class ApprenticeshipOut(FactOut):
    enterprise = nested(Ref, "The enterprise, when it is in the registry", null=True)
    enterprise_name = string("The enterprise's name", "苏州精工机械有限公司")
    occupation = nested(OccupationBrief, "The occupation")
    target_level = nested(LevelOut, "The level the apprenticeship aims at")
    started_on = day("First day", "2023-09-01")
    ended_on = day("Last day of the term", null=True)
    completed = boolean("学徒期满", True)


class ProfessionalTitleOut(FactOut):
    series = string("Title series code", "engineering")
    grade = string("Grade code", "assistant")
    name = nested(Bilingual, "The title's name", example={"zh": "助理工程师", "en": "Assistant Engineer"})
    obtained_on = day("Day obtained", "2019-01-01")
    issuer_name = string("Reviewing body or employer", null=True)


def _list_schema(name: str, item: type[ma.Schema]) -> type[ma.Schema]:
    return type(name, (ma.Schema,), {
        "current": many(item, "What the record says now, newest first"),
        "earlier": many(item, "Versions corrected since, and facts withdrawn, newest first"),
    })


def _ref(institution) -> dict | None:
    return {"id": institution.id, "name": institution.name} if institution is not None else None


def _occupation(occupation) -> dict | None:
    return {"code": occupation.code, "name": occupation.name} if occupation is not None else None


def _status(fact: Fact) -> dict:
    return {"id": fact.id, "attestation": fact.attestation.value, "state": fact.state.value, "counts": fact.counts,
            "attested_by": _ref(fact.attested_by_institution), "attested_at": iso_utc(fact.attested_at),
            "replaces_id": fact.replaces_id, "ended_at": iso_utc(fact.ended_at),
            "withdrawal_reason": fact.withdrawal_reason, "created_at": iso_utc(fact.created_at)}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def work_period_dict(fact: WorkPeriod) -> dict:
    return {**_status(fact), "occupation": _occupation(fact.occupation), "related_to": _occupation(fact.related_to),
            "employer": _ref(fact.employer), "employer_name": fact.employer_name,
            "started_on": fact.started_on.isoformat(), "ended_on": _iso(fact.ended_on)}


def diploma_dict(fact: Diploma) -> dict:
    return {**_status(fact), "school_type": fact.school_type, "stream": fact.stream,
            "major": _occupation(fact.major_occupation), "school_name": fact.school_name,
            "graduated_on": _iso(fact.graduated_on), "is_current_graduate": fact.is_current_graduate}


def apprenticeship_dict(fact: Apprenticeship) -> dict:
    return {**_status(fact), "enterprise": _ref(fact.enterprise), "enterprise_name": fact.enterprise_name,
            "occupation": _occupation(fact.occupation), "target_level": level_dict(fact.target_level),
            "started_on": fact.started_on.isoformat(), "ended_on": _iso(fact.ended_on), "completed": fact.completed}


def title_dict(fact: ProfessionalTitle) -> dict:
    return {**_status(fact), "series": fact.series, "grade": fact.grade,
            "name": title_name(fact.series, fact.grade).as_dict(), "obtained_on": fact.obtained_on.isoformat(),
            "issuer_name": fact.issuer_name}


# ---------------------------------------------------------------- writing a body

def _occupation_or_none(code: str | None, field: str):
    return occupation_or_field_error(code, field=field) if code else None


def _write_work_period(body: dict, worker: Worker, by: User, correcting: Any = None) -> WorkPeriod:
    session = db.session()
    return record_work_period(
        session, worker=worker, occupation=occupation_or_field_error(body["occupation_code"]),
        started_on=body["started_on"], ended_on=body["ended_on"],
        employer=institution_named(session, body["employer_name"]), employer_name=body["employer_name"],
        related_to=_occupation_or_none(body["related_to"], "related_to"), by=by, correcting=correcting)


def _write_diploma(body: dict, worker: Worker, by: User, correcting: Any = None) -> Diploma:
    return record_diploma(
        db.session(), worker=worker, school_type=body["school_type"], stream=body["stream"],
        major_occupation=_occupation_or_none(body["major_code"], "major_code"), school_name=body["school_name"],
        graduated_on=body["graduated_on"], is_current_graduate=body["is_current_graduate"], by=by,
        correcting=correcting)


def _write_apprenticeship(body: dict, worker: Worker, by: User, correcting: Any = None) -> Apprenticeship:
    session = db.session()
    name = body["enterprise_name"] or (by.institution.name if by.institution else None)
    return record_apprenticeship(
        session, worker=worker, occupation=occupation_or_field_error(body["occupation_code"]),
        target_level=body["target_level"], started_on=body["started_on"], ended_on=body["ended_on"],
        completed=body["completed"], enterprise=institution_named(session, name), enterprise_name=name, by=by,
        correcting=correcting)


def _write_title(body: dict, worker: Worker, by: User, correcting: Any = None) -> ProfessionalTitle:
    return record_title(db.session(), worker=worker, series=body["series"], grade=body["grade"],
                        obtained_on=body["obtained_on"], issuer_name=body["issuer_name"], by=by,
                        correcting=correcting)


def _fact_or_404(worker: Worker, kind: str, fact_id: int) -> Fact:
    fact = fact_of(db.session(), kind, worker.id, fact_id)
    if fact is None:
        abort(404)
    return fact


# ---------------------------------------------------------------- the routes, one set per kind

def _routes(kind: str, path: str, body: type[ma.Schema], out: type[ma.Schema], dump: Callable[[Any], dict],
            write: Callable[..., Any], pick: Callable[[Any], FactsOf], *, writers: tuple[Role, ...],
            attestable: bool) -> None:
    listing = _list_schema(f"{out.__name__.removesuffix('Out')}List", out)
    base, item = f"/<int:worker_id>/{path}", f"/<int:worker_id>/{path}/<int:fact_id>"
    name = path.replace("-", "_")

    def read(worker_id: int) -> dict:
        facts = pick(facts_of(db.session(), worker_or_404(worker_id).id))
        return {"current": [dump(f) for f in facts.current], "earlier": [dump(f) for f in facts.earlier]}
    read.__doc__ = f"The worker's {path.replace('-', ' ')}: current ones, then corrected and withdrawn versions."

    def create(data: dict, worker_id: int) -> dict:
        written = write(data, worker_or_404(worker_id), current_actor())
        db.session.commit()
        return dump(written)
    create.__doc__ = "Record one: attested when an official writes it, an unverified claim when the worker does."

    def correct(data: dict, worker_id: int, fact_id: int) -> dict:
        worker = worker_or_404(worker_id)
        written = write(data, worker, current_actor(), _fact_or_404(worker, kind, fact_id))
        db.session.commit()
        return dump(written)
    correct.__doc__ = "Correct one: the body is the corrected version; the one on record stays, superseded."

    def withdraw(data: dict, worker_id: int, fact_id: int) -> dict:
        worker = worker_or_404(worker_id)
        fact = withdraw_fact(db.session(), _fact_or_404(worker, kind, fact_id), worker=worker, by=current_actor(),
                             reason=data["reason"])
        db.session.commit()
        return dump(fact)
    withdraw.__doc__ = "Withdraw one (it stops counting); the row stays, with the reason."

    def attest(worker_id: int, fact_id: int) -> dict:
        worker = worker_or_404(worker_id)
        fact = attest_fact(db.session(), _fact_or_404(worker, kind, fact_id), worker=worker, by=current_actor())
        db.session.commit()
        return dump(fact)
    attest.__doc__ = "Attest the worker's claim (a registered employer's staff, or a bureau officer of the region)."

    views = [("list", read, base, "GET", READERS, None, 200, (401, 404)),
             ("add", create, base, "POST", writers, body, 201, (400, 401, 403, 404, 409, 422)),
             ("correct", correct, item + "/correct", "POST", writers, body, 201, (400, 401, 403, 404, 409, 422)),
             ("withdraw", withdraw, item + "/withdraw", "POST", writers, WithdrawIn, 200, (400, 401, 403, 404, 409, 422))]
    if attestable:
        views.append(("attest", attest, item + "/attest", "POST", OFFICIALS, None, 200, (401, 403, 404, 409)))
    for verb, view, rule, method, roles, arguments, status, errors in views:
        view.__name__ = f"{verb}_{name}"
        decorated = blp.response(status, listing if view is read else out)(problems(*errors)(view))
        if arguments is not None:
            decorated = blp.arguments(arguments)(decorated)
        blp.route(rule, methods=[method], endpoint=view.__name__)(allow(*roles)(decorated))


_routes("work_period", "work-periods", WorkPeriodIn, WorkPeriodOut, work_period_dict, _write_work_period,
        lambda facts: facts.work_periods, writers=(Role.WORKER, *OFFICIALS), attestable=True)
_routes("diploma", "diplomas", DiplomaIn, DiplomaOut, diploma_dict, _write_diploma,
        lambda facts: facts.diplomas, writers=(Role.WORKER, *OFFICIALS), attestable=True)
_routes("title", "titles", ProfessionalTitleIn, ProfessionalTitleOut, title_dict, _write_title,
        lambda facts: facts.titles, writers=(Role.WORKER, *OFFICIALS), attestable=True)
_routes("apprenticeship", "apprenticeships", ApprenticeshipIn, ApprenticeshipOut, apprenticeship_dict,
        _write_apprenticeship, lambda facts: facts.apprenticeships, writers=OFFICIALS, attestable=False)

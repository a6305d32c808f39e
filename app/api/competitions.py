"""Competitions, their results, and the promotions results propose: register, the plan decision for enterprise
contests, results, and the bureau's confirmation. Conflicting decisions answer 409 (`already_decided`)."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask_smorest import Blueprint
from sqlalchemy import select

from credentials import ValidationFailed
from credentials.models import (
    Certificate,
    Competition,
    CompetitionPromotion,
    Institution,
    PlanState,
    ProposalState,
    ResultOutcome,
    Role,
)
from credentials.queries.approvals import competitions_for
from credentials.queries.scopes import proposal_scope
from credentials.services.competition_promotions import (
    confirm_competition_promotion,
    judge_again,
    reject_competition_promotion,
)
from credentials.services.competitions import apply_for_plan, decide_plan, entrant, record_result, register_competition
from ladder.competitions import medals, tiers

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import (
    competition_or_404,
    competition_rule_or_404,
    occupation_or_field_error,
    proposal_or_404,
    vault,
)
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
    stored,
    string,
    values,
)

PREFIX = "/competitions"
blp = Blueprint("api_competitions", __name__,
                description="Vocational skills competitions, results and promotion by competition")
RUNNERS = (Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER)


class CompetitionArgs(PageArgs):
    tier = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(tiers())))


class CompetitionCreate(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    tier = ma.fields.String(required=True, validate=ma.validate.OneOf(list(tiers())))
    occupation_code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d-\d{2}-\d{2}-\d{2}$"))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    organizer = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    city_code = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d{4}$"))
    province_code = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d{2}$"))
    policy_id = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64))
    paper_level = ma.fields.String(load_default=None, validate=ma.validate.Length(max=32))
    entrants = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=1_000_000))
    rule_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**62),
                                metadata={"description": "a bureau reward rule it follows (GET /competition-rules)"})


class JudgeAgain(ma.Schema):
    rule_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**62),
                                metadata={"description": "name this bureau rule for the competition first; "
                                                         "null: the rule of its region"})


class PlanAction(ma.Schema):
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(["apply", "include", "refuse"]))
    reason = ma.fields.String(load_default=None, validate=ma.validate.Length(max=2000))


class ResultCreate(ma.Schema):
    national_id = ma.fields.String(required=True, validate=ma.validate.Length(min=15, max=20),
                                   metadata={"description": "in the body, never in a URL"})
    rank = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=100_000))
    medal = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(medals())))
    team_size = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=10))


class ProposalArgs(PageArgs):
    state = ma.fields.String(load_default=None, validate=ma.validate.OneOf([s.value for s in ProposalState]))


class ProposalAction(ma.Schema):
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(["confirm", "reject"]))
    issuer_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**62),
                                  metadata={"description": "the accredited institution issuing the certificate"})
    reason = ma.fields.String(load_default=None, validate=ma.validate.Length(max=2000))


class CompetitionLinks(ma.Schema):
    self = string("This competition's address", "/api/v1/competitions/3")


class CompetitionOut(ma.Schema):
    id = integer("Competition id", 3)
    name = string("Name", "2024年苏州市职业技能大赛车工项目")
    tier = choice(tiers(), "Tier (decides the promotion it may bring)", "city")
    occupation = nested(OccupationBrief, "The occupation contested")
    starts_on = day("First day", "2024-07-01")
    ends_on = day("Last day", "2024-07-03")
    organizer = string("Organizer", "苏州市人力资源和社会保障局")
    city_code = string("City code where it is held", "3205", null=True)
    province_code = string("Province code where it is held", "32", null=True)
    policy_id = string("Its own reward policy, or null for the tier's default", null=True)
    rule_id = integer("The bureau reward rule it names (its current version judges), or null", null=True)
    plan_state = choice(values(PlanState), "Inclusion in the bureau's competition plan (enterprise contests)",
                        "not_applicable")
    plan_reason = string("The bureau's reason, when it refused or included", null=True)
    links = nested(CompetitionLinks, "Related addresses")


class CompetitionResultOut(ma.Schema):
    id = integer("Result id", 11)
    worker_id = integer("The worker", 42)
    rank = integer("Rank, 1 = first", 1, null=True)
    medal = choice(medals(), "Medal or award", "gold", null=True)
    team_size = integer("Members of the team (1: individual)", 1)
    outcome = choice(values(ResultOutcome), "What the result brings", "proposed")
    titles = stored(Bilingual, "Titles the rule awards", example=[{"zh": "全国技术能手", "en": "National Technical Expert"}])
    rule_id = integer("The bureau rule version it was judged under (null: a shipped policy, or none)", null=True)
    proposal_id = integer("The promotion it proposes, if any", 5, null=True)


class CompetitionDetail(CompetitionOut):
    results = many(CompetitionResultOut, "Results recorded so far")


class CompetitionPage(Page):
    items = many(CompetitionOut, "This page's competitions")


class ProposalOut(ma.Schema):
    id = integer("Proposal id", 5)
    state = choice(values(ProposalState), "proposed, confirmed or rejected", "proposed")
    version = integer("Increases with every decision", 1)
    result_id = integer("The result behind it", 11)
    competition_id = integer("The competition", 3)
    worker_id = integer("The worker", 42)
    occupation = string("Occupation code", "6-18-01-01")
    current_level = nested(LevelOut, "The worker's level before (null: none held)", null=True)
    target_level = nested(LevelOut, "The level proposed")
    policy_id = string("The policy granting it", "national-contest-2012")
    rule_id = integer("The bureau rule version granting it (GET /competition-rules/{id}), or null", null=True)
    rule = nested(Bilingual, "The rule applied, in words")
    reason = string("The bureau's reason for rejecting", null=True)
    decided_at = moment("When it was confirmed or rejected (UTC)", null=True)
    certificate_number = string("The certificate issued on confirmation", null=True)


class ProposalPage(Page):
    items = many(ProposalOut, "This page's proposals")


class ResultRecorded(ma.Schema):
    id = integer("Result id", 11)
    outcome = choice(values(ResultOutcome), "What the result brings", "proposed")
    titles = stored(Bilingual, "Titles the rule awards", example=[])
    proposal = nested(ProposalOut, "The promotion it proposes, if any", null=True)


def competition_dict(competition: Competition, *, results: bool = False) -> dict:
    body = {"id": competition.id, "name": competition.name, "tier": competition.tier,
            "occupation": {"code": competition.occupation.code, "name": competition.occupation.name},
            "starts_on": competition.starts_on.isoformat(), "ends_on": competition.ends_on.isoformat(),
            "organizer": competition.organizer, "city_code": competition.city_code,
            "province_code": competition.province_code, "policy_id": competition.policy_id,
            "rule_id": competition.rule_id,
            "plan_state": competition.plan_state.value, "plan_reason": competition.plan_reason,
            "links": {"self": url_for("api_competitions.get_competition", competition_id=competition.id)}}
    if results:
        body["results"] = [{"id": r.id, "worker_id": r.worker_id, "rank": r.rank, "medal": r.medal,
                            "team_size": r.team_size, "outcome": r.outcome.value, "titles": r.titles,
                            "rule_id": r.rule_id,
                            "proposal_id": r.proposal.id if r.proposal else None} for r in competition.results]
    return body


def proposal_dict(proposal: CompetitionPromotion) -> dict:

    certificate = db.session.scalar(select(Certificate.number).where(
        Certificate.competition_promotion_id == proposal.id))
    return {"id": proposal.id, "state": proposal.state.value, "version": proposal.version,
            "result_id": proposal.result_id, "competition_id": proposal.result.competition_id,
            "worker_id": proposal.worker_id, "occupation": proposal.occupation.code,
            "current_level": level_dict(proposal.current_level) if proposal.current_level else None,
            "target_level": level_dict(proposal.target_level), "policy_id": proposal.policy_id,
            "rule_id": proposal.rule_id,
            "rule": {"zh": proposal.rule_zh, "en": proposal.rule_en}, "reason": proposal.reason,
            "decided_at": iso_utc(proposal.decided_at), "certificate_number": certificate}



@blp.route("", methods=["GET"])
@allow(Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
@blp.arguments(CompetitionArgs, location="query")
@blp.response(200, CompetitionPage)
@problems(401, 403, 422)
def list_competitions(args):
    return page_envelope(competitions_for(current_actor(), tier=args["tier"]), args, competition_dict)


@blp.route("/<int:competition_id>", methods=["GET"])
@allow(Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
@blp.response(200, CompetitionDetail)
@problems(401, 403, 404)
def get_competition(competition_id: int):
    return competition_dict(competition_or_404(competition_id), results=True)


@blp.route("", methods=["POST"])
@allow(*RUNNERS)
@blp.arguments(CompetitionCreate)
@blp.response(201, CompetitionOut)
@problems(400, 401, 403, 422)
def create_competition(body):
    session = db.session()
    occupation = occupation_or_field_error(body.pop("occupation_code"))
    rule_id = body.pop("rule_id")
    rule = competition_rule_or_404(rule_id) if rule_id else None
    competition = register_competition(session, occupation=occupation, by=current_actor(), rule=rule, **body)
    db.session.commit()
    return competition_dict(competition), 201


@blp.route("/<int:competition_id>/plan", methods=["POST"])
@allow(*RUNNERS)
@blp.arguments(PlanAction)
@blp.response(200, CompetitionDetail)
@problems(400, 401, 403, 404, 409, 422)
def plan(body, competition_id: int):
    """apply (the organizing institution), include or refuse with a reason (the bureau of the place)."""
    competition = competition_or_404(competition_id)
    if body["action"] == "apply":
        apply_for_plan(db.session(), competition, by=current_actor())
    else:
        decide_plan(db.session(), competition, include=body["action"] == "include", reason=body["reason"] or "",
                    by=current_actor())
    db.session.commit()
    return competition_dict(competition, results=True)


@blp.route("/<int:competition_id>/reevaluation", methods=["POST"])
@allow(Role.BUREAU_OFFICER)
@blp.arguments(JudgeAgain)
@blp.response(200, CompetitionDetail)
@problems(400, 401, 403, 404, 409, 422)
def reevaluate(body, competition_id: int):
    """Judge again the results no rule applied to (outcome no_rule) under the rule of the competition's region,
    or under `rule_id`, which the competition then follows; the bureau of its place only."""
    competition = competition_or_404(competition_id)
    rule = competition_rule_or_404(body["rule_id"]) if body["rule_id"] else None
    judge_again(db.session(), competition, by=current_actor(), rule=rule)
    db.session.commit()
    return competition_dict(competition, results=True)


@blp.route("/<int:competition_id>/results", methods=["POST"])
@allow(*RUNNERS)
@blp.arguments(ResultCreate)
@blp.response(201, ResultRecorded)
@problems(400, 401, 403, 404, 409, 422)
def add_result(body, competition_id: int):
    competition = competition_or_404(competition_id)
    worker = entrant(db.session(), vault(), body["national_id"], by=current_actor())
    result = record_result(db.session(), competition, worker=worker, rank=body["rank"], medal=body["medal"],
                           team_size=body["team_size"], by=current_actor())
    db.session.commit()
    return {"id": result.id, "outcome": result.outcome.value, "titles": result.titles,
            "proposal": proposal_dict(result.proposal) if result.proposal else None}



@blp.route("/promotions", methods=["GET"])
@allow(Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
@blp.arguments(ProposalArgs, location="query")
@blp.response(200, ProposalPage)
@problems(401, 422)
def list_proposals(args):
    statement = (select(CompetitionPromotion).where(proposal_scope(current_actor()))
                 .order_by(CompetitionPromotion.id.desc()))
    if args["state"]:
        statement = statement.where(CompetitionPromotion.state == ProposalState(args["state"]))
    return page_envelope(statement, args, proposal_dict)


@blp.route("/promotions/<int:proposal_id>/transitions", methods=["POST"])
@allow(Role.BUREAU_OFFICER)
@blp.arguments(ProposalAction)
@blp.response(200, ProposalOut)
@problems(400, 401, 403, 404, 409, 422)
def decide_proposal(body, proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    if body["action"] == "confirm":
        issuer = db.session.get(Institution, body["issuer_id"]) if body["issuer_id"] else None
        if issuer is None:
            raise ValidationFailed("required", field="issuer_id")
        confirm_competition_promotion(db.session(), proposal, issuer=issuer, by=current_actor())
    else:
        reject_competition_promotion(db.session(), proposal, reason=body["reason"] or "", by=current_actor())
    db.session.commit()
    return proposal_dict(proposal)

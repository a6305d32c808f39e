"""Competition reward rules a city or province bureau enters from its own notice: list, read, create, revise
(in place while no result was judged under the rule, else a new version; the old one stays readable), and a
preview of what a draft would give the results already entered in the region. The ministry reads only.

A rule's rows are checked by the registry: a refusal names the row's field as `rewards.<i>.<field>` (the
i-th row sent, from 0) in the problem's `errors`."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask_smorest import Blueprint
from sqlalchemy import func, select

from credentials.identity import mask_name
from credentials.models import CompetitionRule, ResultOutcome, Role
from credentials.permissions import covers_city
from credentials.queries.competition_rules import (
    policy_key,
    proposals_under,
    reward_text,
    rule_in_use,
    rules_for,
    versions_of,
)
from credentials.services.competition_rules import (
    MAX_ROWS,
    PreviewRow,
    RewardDraft,
    RuleDraft,
    create_rule,
    preview_rule,
    revise_rule,
)
from ladder.competitions import medals, tiers
from ladder.i18n import Text

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import competition_rule_or_404
from .common import (
    Bilingual,
    LevelOut,
    Page,
    PageArgs,
    boolean,
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

PREFIX = "/competition-rules"
blp = Blueprint("api_competition_rules", __name__,
                description="Reward rules of the bureaus' own competition notices (rank or medal → level, titles)")
READERS = (Role.BUREAU_OFFICER, Role.ADMIN)
EFFECT = ("set:L, set_or_up:L, up:N or up:N cap:L with L a level code (junior … senior_technician); "
          "null for titles only")


class RuleArgs(PageArgs):
    current = ma.fields.Boolean(load_default=True, metadata={"description": "only the current version of each rule"})


class TitleIn(ma.Schema):
    zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    en = ma.fields.String(load_default="", validate=ma.validate.Length(max=100),
                          metadata={"description": "empty: the Chinese title"})


class RewardIn(ma.Schema):
    rank_from = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=100_000))
    rank_to = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=100_000),
                                metadata={"description": "null with rank_from: that place and below"})
    medals = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(list(medals()))), load_default=list)
    effect = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=64),
                              metadata={"description": EFFECT, "example": "set_or_up:senior"})
    titles = ma.fields.List(ma.fields.Nested(TitleIn), load_default=list)


class RuleIn(ma.Schema):
    name_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    name_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    document_number = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100),
                                       metadata={"example": "苏人社发〔2024〕12号"})
    issued_on = ma.fields.Date(required=True)
    valid_from = ma.fields.Date(required=True)
    valid_to = ma.fields.Date(load_default=None, allow_none=True)
    tiers = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(list(tiers()))), required=True,
                           validate=ma.validate.Length(min=1))
    max_promotions_per_year = ma.fields.Integer(load_default=None, allow_none=True,
                                                validate=ma.validate.Range(min=1, max=12))
    rewards = ma.fields.List(ma.fields.Nested(RewardIn), required=True,
                             validate=ma.validate.Length(min=1, max=MAX_ROWS))


class PreviewIn(RuleIn):
    replaces_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**62),
                                    metadata={"description": "the rule this draft would revise, if any"})


class RewardOut(ma.Schema):
    rank_from = integer("First place the row covers", 1, null=True)
    rank_to = integer("Last place (null: and below)", 3, null=True)
    medals = strings("Medals the row covers", [], enum=list(medals()))
    effect = string(f"Level effect: {EFFECT}", "set_or_up:technician", null=True)
    titles = many(Bilingual, "Titles awarded")
    text = nested(Bilingual, "The row in words")


class RuleLinks(ma.Schema):
    self = string("This version's address", "/api/v1/competition-rules/4")


class RuleOut(ma.Schema):
    id = integer("Rule (version) id", 4)
    policy_id = string("Its id where proposals name their policy", "rule-4")
    name = nested(Bilingual, "Name")
    document_number = string("The notice's document number", "苏人社发〔2024〕12号")
    issued_on = day("The notice's date", "2024-03-01")
    valid_from = day("Judges competitions ending on or after", "2024-03-01")
    valid_to = day("… and on or before (null: open)", null=True)
    province_code = string("Province of the bureau", "32")
    city_code = string("City of the bureau (null: a province's rule)", "3205", null=True)
    tiers = strings("Competition tiers it covers", ["city", "enterprise"], enum=list(tiers()))
    max_promotions_per_year = integer("Competition promotions per worker per year (null: no limit)", 1, null=True)
    rewards = many(RewardOut, "The rows, by place")
    version = integer("Version number, from 1", 1)
    replaces_id = integer("The version it replaced", null=True)
    is_current = boolean("The current version (else superseded)", True)
    superseded_at = moment("When a newer version replaced it (UTC)", null=True)
    in_use = boolean("Results were judged under it (a revision then adds a version)", False)
    links = nested(RuleLinks, "Related addresses")


class VersionOut(ma.Schema):
    id = integer("Version id", 4)
    version = integer("Version number", 1)
    is_current = boolean("The current version", True)
    created_at = moment("When it was entered (UTC)", "2024-03-01T08:00:00Z")


class RuleDetail(RuleOut):
    versions = many(VersionOut, "Every version of the rule, newest first")
    proposals = integer("Promotion proposals made under this version", 0)


class RulePage(Page):
    items = many(RuleOut, "This page's rules")


class PreviewRowOut(ma.Schema):
    competition_id = integer("Competition", 3)
    competition_name = string("Competition name", "苏州精工杯车工技术比武")
    ends_on = day("Its last day", "2024-06-01")
    result_id = integer("Result", 11)
    worker_id = integer("Worker", 42)
    worker_name = string("Name (masked outside your region)", "王建国")
    rank = integer("Rank", 1, null=True)
    medal = choice(medals(), "Medal", null=True)
    held_level = nested(LevelOut, "Level held in the occupation now", null=True)
    outcome = choice(values(ResultOutcome), "What the draft gives", "proposed")
    target_level = nested(LevelOut, "The level the draft proposes", null=True)
    titles = many(Bilingual, "Titles the draft awards")
    applies = boolean("The draft would judge this competition once saved", True)
    governed_by = nested(Bilingual, "What judges the competition instead, when the draft would not", null=True)
    current_outcome = choice(values(ResultOutcome), "The result's outcome now", "no_rule")
    current_target_level = nested(LevelOut, "The level proposed now, if any", null=True)


class PreviewOut(ma.Schema):
    competitions = integer("Matching competitions of the region", 1)
    results = integer("Their results", 3)
    proposed = integer("Proposals the draft would make (where it applies)", 2)
    truncated = boolean("More results exist than rows listed", False)
    rows = many(PreviewRowOut, "One row per result, oldest competition first")


def _text(value: Text) -> dict:
    return value.as_dict()


def rule_dict(rule: CompetitionRule) -> dict:
    rows = [{"rank_from": (row.get("ranks") or [None, None])[0], "rank_to": (row.get("ranks") or [None, None])[1],
             "medals": list(row.get("medals") or []), "effect": row.get("effect"),
             "titles": [dict(t) for t in row.get("titles") or []], "text": _text(reward_text(row))}
            for row in rule.rewards]
    return {"id": rule.id, "policy_id": policy_key(rule.id), "name": {"zh": rule.name_zh, "en": rule.name_en},
            "document_number": rule.document_number, "issued_on": rule.issued_on.isoformat(),
            "valid_from": rule.valid_from.isoformat(),
            "valid_to": rule.valid_to.isoformat() if rule.valid_to else None, "province_code": rule.province_code,
            "city_code": rule.city_code, "tiers": list(rule.tiers),
            "max_promotions_per_year": rule.max_promotions_per_year, "rewards": rows, "version": rule.version,
            "replaces_id": rule.replaces_id, "is_current": rule.is_current,
            "superseded_at": iso_utc(rule.superseded_at), "in_use": rule_in_use(db.session(), rule),
            "links": {"self": url_for("api_competition_rules.get_rule", rule_id=rule.id)}}


def _draft(body: dict) -> RuleDraft:
    rows = tuple(RewardDraft(rank_from=row["rank_from"], rank_to=row["rank_to"], medals=tuple(row["medals"]),
                             effect=row["effect"], titles=tuple(Text(t["zh"], t["en"]) for t in row["titles"]))
                 for row in body["rewards"])
    return RuleDraft(name_zh=body["name_zh"], name_en=body["name_en"], document_number=body["document_number"],
                     issued_on=body["issued_on"], valid_from=body["valid_from"], valid_to=body["valid_to"],
                     tiers=tuple(body["tiers"]), rewards=rows,
                     max_promotions_per_year=body["max_promotions_per_year"])


def _preview_row(row: PreviewRow) -> dict:
    result, worker, user = row.result, row.result.worker, current_actor()
    return {"competition_id": row.competition.id, "competition_name": row.competition.name,
            "ends_on": row.competition.ends_on.isoformat(), "result_id": result.id, "worker_id": worker.id,
            "worker_name": worker.name if covers_city(user, worker.city_code) else mask_name(worker.name),
            "rank": result.rank, "medal": result.medal,
            "held_level": level_dict(row.held) if row.held else None, "outcome": row.outcome.value,
            "target_level": level_dict(row.target) if row.target else None,
            "titles": [_text(t) for t in row.titles], "applies": row.governed_by is None,
            "governed_by": _text(row.governed_by) if row.governed_by else None,
            "current_outcome": result.outcome.value,
            "current_target_level": level_dict(result.proposal.target_level) if result.proposal else None}


@blp.route("", methods=["GET"])
@allow(*READERS)
@blp.arguments(RuleArgs, location="query")
@blp.response(200, RulePage)
@problems(401, 403, 422)
def list_rules(args):
    return page_envelope(rules_for(current_actor(), current_only=args["current"]), args, rule_dict)


@blp.route("", methods=["POST"])
@allow(Role.BUREAU_OFFICER)
@blp.arguments(RuleIn)
@blp.response(201, RuleOut)
@problems(400, 401, 403, 422)
def create(body):
    rule = create_rule(db.session(), _draft(body), by=current_actor())
    db.session.commit()
    return rule_dict(rule), 201


@blp.route("/preview", methods=["POST"])
@allow(Role.BUREAU_OFFICER)
@blp.arguments(PreviewIn)
@blp.response(200, PreviewOut)
@problems(400, 401, 403, 404, 422)
def preview(body):
    """What the draft would give each result of the region's matching competitions; nothing is saved."""
    replacing = competition_rule_or_404(body["replaces_id"]) if body["replaces_id"] else None
    found = preview_rule(db.session(), _draft(body), by=current_actor(), replacing=replacing)
    db.session.rollback()
    return {"competitions": found.competitions, "results": found.results, "proposed": found.proposed,
            "truncated": found.truncated, "rows": [_preview_row(row) for row in found.rows]}


@blp.route("/<int:rule_id>", methods=["GET"])
@allow(*READERS)
@blp.response(200, RuleDetail)
@problems(401, 403, 404)
def get_rule(rule_id: int):
    rule = competition_rule_or_404(rule_id)
    session = db.session()
    proposals = session.scalar(select(func.count()).select_from(proposals_under(rule).order_by(None).subquery()))
    return {**rule_dict(rule), "proposals": proposals or 0,
            "versions": [{"id": v.id, "version": v.version, "is_current": v.is_current,
                          "created_at": iso_utc(v.created_at)} for v in versions_of(session, rule)]}


@blp.route("/<int:rule_id>/revisions", methods=["POST"])
@allow(Role.BUREAU_OFFICER)
@blp.arguments(RuleIn)
@blp.response(200, RuleOut, description="Changed in place: no result was judged under it yet")
@blp.alt_response(201, schema=RuleOut, description="A new version (the one sent was in use and stays as it was)",
                  success=True)
@problems(400, 401, 403, 404, 409, 422)
def revise(body, rule_id: int):
    rule = competition_rule_or_404(rule_id)
    saved = revise_rule(db.session(), rule, _draft(body), by=current_actor())
    db.session.commit()
    return rule_dict(saved), 201 if saved.id != rule_id else 200

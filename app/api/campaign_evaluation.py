"""A campaign city's performance evaluation for a bureau's own system: each indicator's whole-campaign target
against its actual, the weighted score, grade and rank among ALL the campaign's cities, the rule and the data it
was computed from, and the province's and ministry's comments (credentials.queries.evaluation; the rule is data in
ladder/data/campaign-scoring.toml). Nothing is stored: every call computes the scores for the date asked.

Scoped like the evaluation pages: `?city=` a city the caller may read (`may_read_region`, else 404); without it,
every city of the caller's region (the ministry and admins: all), best rank first. A separate module from
app/api/campaigns.py only to keep each file short; both answer under /api/v1/campaigns.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import marshmallow as ma
from flask import abort
from flask_smorest import Blueprint

from credentials.clock import china_today
from credentials.models import CommentLevel, Role, User
from credentials.permissions import may_read_region
from credentials.queries.campaigns import campaign_for
from credentials.queries.evaluation import CampaignEvaluation, CityEvaluation, CommentView, evaluate_campaign, evaluate_city
from credentials.queries.indicators import Region, Unit
from ladder.campaign_scoring import Status

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from .common import Bilingual, boolean, choice, day, integer, iso_utc, many, moment, nested, problems, string

PREFIX = "/campaigns"
blp = Blueprint("api_campaign_evaluation", __name__, description="A campaign city's performance evaluation: "
                                                                 "scores, grade and rank (bureaus and admins)")
READERS = (Role.BUREAU_OFFICER, Role.ADMIN)
FIRST_DAY, LAST_DAY = date(1949, 10, 1), date(2099, 12, 31)


# ---------------------------------------------------------------- answers

class GradeOut(ma.Schema):
    code = string("Grade code, from the scoring rule", "excellent")
    name = nested(Bilingual, "Name", example={"zh": "优秀", "en": "excellent"})


class IndicatorScoreOut(ma.Schema):
    code = string("Indicator code (GET .../indicators describes it)", "certificates_issued")
    name = nested(Bilingual, "Name", example={"zh": "发放职业技能证书", "en": "certificates issued"})
    unit = choice([u.value for u in Unit], "Unit of target and actual", "张")
    target = string("The city's whole-campaign target, decimal string; null: none entered", "1200.00", null=True)
    actual = string("From the campaign's first day to as_of; null: not computable (a ratio over 0)", "980.00",
                    null=True)
    achievement = string("actual ÷ target, rounded as the rule says; null without a positive target", "0.8167",
                         null=True)
    weight = string("The rule's weight (points of 100 when every indicator has a target)", "20")
    effective_weight = string("The weight scaled with the indicators that count; null when left out", "25.00",
                              null=True)
    cap = string("The achievement counted at most (1.2 = 120 %)", "1.2")
    points = string("Points scored; null when left out or the city is not scored", "20.42", null=True)
    status = choice([s.value for s in Status], "What became of it", "scored")


class CommentOut(ma.Schema):
    level = choice([c.value for c in CommentLevel], "Whose comment: the province's or the ministry's", "province")
    author = string("The commenting account's name (a bureau)", "江苏省人力资源和社会保障厅")
    text = string("The comment", "目标完成情况良好。")
    created_at = moment("When it was written (UTC)", "2014-11-20T02:00:00Z")


class CityEvaluationOut(ma.Schema):
    code = string("Four-digit city code", "3205")
    name = string("Name", "苏州市")
    province_code = string("Two-digit province code", "32")
    province_name = string("Province", "江苏省")
    scored = boolean("Scored: the city set targets for enough of the rule's indicators", True)
    total = string("Total points of 100; null when not scored", "86.50", null=True)
    grade = nested(GradeOut, "Grade; null when not scored", null=True)
    rank = integer("Rank among every city of the campaign (ties share a rank); null when not scored", 3, null=True)
    notes = many(Bilingual, "How the total came about, in words")
    indicators = many(IndicatorScoreOut, "Each indicator of the rule, in its order")
    comments = many(CommentOut, "The province's and the ministry's comments, oldest first (with ?city= only)",
                    required=False)


class ProvenanceOut(ma.Schema):
    computed_at = moment("When these scores were computed (UTC)", "2014-12-31T08:00:00Z")
    as_of = day("The date asked", "2014-12-31")
    period_start = day("Actuals counted from (the campaign's first day)", "2013-02-01")
    period_end = day("Actuals counted to (as_of, or the campaign's last day when later)", "2014-12-31")
    covered_start = day("First day of the whole months read", "2013-02-01")
    covered_end = day("Last day of the whole months read", "2014-12-31")
    rule_id = string("The scoring rule applied (the one in force on as_of)", "skills-100-2013-v1")
    rule_name = nested(Bilingual, "Its name", example={"zh": "绩效评估评分办法", "en": "evaluation scoring rule"})
    rule_valid_from = day("The rule in force since", "2013-02-01", null=True)
    statement = nested(Bilingual, "All of the above in one sentence, as the printed report says it",
                       example={"zh": "于 2014-12-31 16:00（北京时间）计算……", "en": "Computed at 2014-12-31 16:00 …"})


class CampaignEvaluationOut(ma.Schema):
    campaign = string("Campaign code", "skills-100-2013")
    provenance = nested(ProvenanceOut, "When and from what the scores were computed")
    city_count = integer("Cities taking part in the campaign (the ranks are among all of them)", 100)
    scored_count = integer("How many of them are scored and ranked", 87)
    evaluation_from = day("First day of the evaluation phase (comments are written from then on)", "2014-10-01")
    cities = many(CityEvaluationOut, "The city asked, or every city of the caller's region: ranked first")


class EvaluationArgs(ma.Schema):
    city = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^\d{4}$"), metadata={
        "description": "A 4-digit city code; absent: every campaign city of the caller's region"})
    as_of = ma.fields.Date(load_default=None, validate=ma.validate.Range(min=FIRST_DAY, max=LAST_DAY), metadata={
        "description": "Actuals to this date, scored by the rule then in force; absent: today, or the campaign's "
                       "last day once it is over"})


# ---------------------------------------------------------------- dicts

def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _comment(comment: CommentView) -> dict:
    return {"level": comment.level.value, "author": comment.author, "text": comment.text,
            "created_at": iso_utc(comment.created_at)}


def city_dict(city: CityEvaluation, comments: tuple[CommentView, ...] | None = None) -> dict:
    score = city.score
    found = {
        "code": city.city_code, "name": city.city_name, "province_code": city.province_code,
        "province_name": city.province_name, "scored": score.scored, "total": _plain(score.total),
        "grade": {"code": score.grade.code, "name": score.grade.name.as_dict()} if score.grade else None,
        "rank": city.rank, "notes": [note.as_dict() for note in score.notes],
        "indicators": [{
            "code": line.indicator.code, "name": line.indicator.name.as_dict(), "unit": line.indicator.unit.value,
            "target": _plain(line.score.target), "actual": _plain(line.score.actual),
            "achievement": _plain(line.score.achievement), "weight": _plain(line.score.weight),
            "effective_weight": _plain(line.score.effective_weight), "cap": _plain(line.score.cap),
            "points": _plain(line.score.points), "status": line.score.status.value,
        } for line in city.lines],
    }
    if comments is not None:
        found["comments"] = [_comment(comment) for comment in comments]
    return found


def evaluation_dict(evaluation: CampaignEvaluation, cities: list[dict]) -> dict:
    p = evaluation.provenance
    return {
        "campaign": evaluation.campaign_code,
        "provenance": {
            "computed_at": iso_utc(p.computed_at), "as_of": p.as_of.isoformat(),
            "period_start": p.period_start.isoformat(), "period_end": p.period_end.isoformat(),
            "covered_start": p.covered_start.isoformat(), "covered_end": p.covered_end.isoformat(),
            "rule_id": p.rule_id, "rule_name": p.rule_name.as_dict(),
            "rule_valid_from": p.rule_valid_from.isoformat() if p.rule_valid_from else None,
            "statement": p.statement.as_dict(),
        },
        "city_count": evaluation.city_count, "scored_count": evaluation.scored_count,
        "evaluation_from": evaluation.evaluation_from.isoformat(), "cities": cities,
    }


def _region_of(user: User) -> Region:
    """The cities an officer reads: the ministry (and an admin) every one, a province its own, a city itself."""
    return Region.of(user.region_code or "")


# ---------------------------------------------------------------- view

@blp.route("/<code>/evaluation", methods=["GET"])
@allow(*READERS)
@blp.arguments(EvaluationArgs, location="query")
@blp.response(200, CampaignEvaluationOut)
@problems(401, 403, 404, 422)
@blp.doc(description="Scores, grade and rank of a campaign city (or of every city of the caller's region), computed "
                     "now for the date asked. A city the caller may not read, or not in the campaign, answers 404; "
                     "a date before the campaign, after today or with no scoring rule in force, 422 on `as_of`.")
def campaign_evaluation(args: dict, code: str):
    user = current_actor()
    view = campaign_for(db.session(), user, code)
    if view is None or (args["city"] is not None and not may_read_region(user, args["city"])):
        abort(404)
    as_of = args["as_of"] or min(china_today(), view.campaign.ends_on)
    if args["city"] is not None:
        report = evaluate_city(db.session(), code, args["city"], as_of=as_of)  # not a campaign city: 404
        return evaluation_dict(report.evaluation, [city_dict(report.city, report.comments)])
    evaluation = evaluate_campaign(db.session(), code, as_of=as_of, within=_region_of(user))
    return evaluation_dict(evaluation, [city_dict(city) for city in evaluation.cities])

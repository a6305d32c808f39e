"""Scoring a campaign city: weights summing to 100, the achievement capped, an indicator without a target left out
with the other weights scaled up, rounding, grade bands, competition ranking with ties, and the data's checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ladder.campaign_scoring import (
    CityScore,
    Status,
    check_rules,
    parse_rule,
    rank,
    rule_for,
    score_city,
    scoring_rules,
    select_rule,
)
from ladder.frameworks import LadderDataError

D = Decimal
GRADES = [{"code": "excellent", "name_zh": "优秀", "name_en": "excellent", "min_total": 90},
          {"code": "good", "name_zh": "良好", "name_en": "good", "min_total": 75},
          {"code": "pass", "name_zh": "合格", "name_en": "satisfactory", "min_total": 60},
          {"code": "fail", "name_zh": "不合格", "name_en": "unsatisfactory", "min_total": 0}]


def row(**changes) -> dict:
    base = {"id": "test.v1", "campaign": "test", "name_zh": "测试", "name_en": "test", "valid_from": date(2013, 2, 1),
            "confidence": "U", "source": "test", "function": "linear", "cap": 1.2, "min_targets": 2,
            "achievement_decimals": 4, "points_decimals": 2, "total_decimals": 1,
            "indicator": [{"code": "trainees", "weight": 50}, {"code": "certificates_issued", "weight": 30},
                          {"code": "pass_rate", "weight": 20, "cap": 1.0}],
            "grade": GRADES}
    return {**base, **changes}


RULE = parse_rule(row())


def test_every_indicator_met_exactly_earns_its_weight_and_the_total_is_100():
    score = score_city(RULE, {"trainees": (D(500), D(500)), "certificates_issued": (D(30), D(30)),
                              "pass_rate": (D(85), D(85))})

    assert [s.points for s in score.indicators] == [D(50), D(30), D(20)]
    assert score.total == D(100) and score.grade.code == "excellent" and score.notes == ()


def test_achievement_is_linear_and_counted_up_to_the_indicators_cap():
    score = score_city(RULE, {"trainees": (D(750), D(500)), "certificates_issued": (D(15), D(40)),
                              "pass_rate": (D(95), D(80))})
    trainees, certificates, pass_rate = score.indicators

    assert (trainees.achievement, trainees.status, trainees.points) == (D("1.5"), Status.CAPPED, D(60))  # 50 x 1.2
    assert (certificates.achievement, certificates.status, certificates.points) == (D("0.375"), Status.SCORED, D("11.25"))
    assert (pass_rate.achievement, pass_rate.status, pass_rate.points) == (D("1.1875"), Status.CAPPED, D(20))  # cap 1.0
    assert score.total == D("91.3")  # 60 + 11.25 + 20 = 91.25, rounded half up to one decimal


def test_an_indicator_without_a_target_is_left_out_and_the_other_weights_scaled_to_100():
    score = score_city(RULE, {"trainees": (D(400), D(500)), "certificates_issued": (D(30), D(30)),
                              "pass_rate": (D(90), None), "unknown": (D(1), D(1))})
    trainees, certificates, pass_rate = score.indicators

    assert (pass_rate.status, pass_rate.points, pass_rate.effective_weight) == (Status.NO_TARGET, None, None)
    assert (trainees.effective_weight, certificates.effective_weight) == (D("62.50"), D("37.50"))  # 50, 30 -> x 100/80
    assert (trainees.points, certificates.points) == (D("50.00"), D("37.50"))
    assert score.total == D("87.5") and score.grade.code == "good"
    assert "1 项指标未设目标" in score.notes[0].zh and "scaled up to sum to 100" in score.notes[0].en


def test_a_target_of_zero_is_left_out_like_none_and_a_ratio_with_no_actual_counts_as_nothing_achieved():
    score = score_city(RULE, {"trainees": (D(500), D(500)), "certificates_issued": (D(3), D(0)),
                              "pass_rate": (None, D(80))})
    trainees, certificates, pass_rate = score.indicators

    assert certificates.status is Status.ZERO_TARGET and certificates.points is None
    assert (pass_rate.status, pass_rate.achievement, pass_rate.points) == (Status.NO_ACTUAL, D(0), D(0))
    assert trainees.points == D("71.43")  # 50 x 100/70
    assert score.total == D("71.4") and score.grade.code == "pass"


def test_a_city_with_fewer_targets_than_the_rule_asks_has_no_total_grade_or_rank():
    score = score_city(RULE, {"trainees": (D(500), D(400))})

    assert not score.scored and score.total is None and score.grade is None
    assert score.indicator("trainees").achievement == D("1.25") and score.indicator("trainees").points is None
    assert score.indicator("trainees").status is Status.NOT_SCORED
    assert "至少 2 项才评分" in score.notes[0].zh
    assert rank({"3205": score}) == {}


def test_grade_bands_start_at_their_minimum():
    for total, grade in ((D(90), "excellent"), (D("89.9"), "good"), (D(75), "good"), (D(60), "pass"),
                         (D("59.9"), "fail"), (D(0), "fail"), (D(120), "excellent")):
        assert RULE.grade_for(total).code == grade


def _scored(total: str) -> CityScore:
    return CityScore("test.v1", (), D(total), RULE.grade_for(D(total)), ())


def test_ranking_is_competition_ranking_ties_share_a_place_and_the_next_skips():
    scores = {"3205": _scored("92.5"), "3202": _scored("88.0"), "3201": _scored("88.0"), "3204": _scored("70.1"),
              "3206": CityScore("test.v1", (), None, None, ())}

    assert rank(scores) == {"3205": 1, "3202": 2, "3201": 2, "3204": 4}


def test_ties_are_read_from_the_rounded_total_the_report_shows():
    first = score_city(RULE, {"trainees": (D(4010), D(5000)), "certificates_issued": (D(30), D(30))})
    second = score_city(RULE, {"trainees": (D(4008), D(5000)), "certificates_issued": (D(30), D(30))})
    assert first.indicator("trainees").points != second.indicator("trainees").points
    assert first.total == second.total == D("87.6")
    assert rank({"a": first, "b": second}) == {"a": 1, "b": 1}


# ---- the data ----------------------------------------------------------------------------------------------------

def test_the_shipped_rule_scores_the_2013_campaign_from_its_first_day_with_weights_summing_to_100():
    rule = rule_for("skills-100-2013", on=date(2014, 12, 31))

    assert rule is not None and rule.id == "skills-100-2013.v1" and rule.confidence == "U"
    assert sum(i.weight for i in rule.indicators) == 100
    assert rule_for("skills-100-2013", on=date(2013, 2, 1)) is rule
    assert rule_for("skills-100-2013", on=date(2013, 1, 31)) is None
    assert rule_for("another-campaign", on=date(2014, 12, 31)) is None
    assert [g.name.zh for g in rule.grades] == ["优秀", "良好", "合格", "不合格"]
    assert len(scoring_rules()) >= 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"indicator": [{"code": "trainees", "weight": 60}, {"code": "pass_rate", "weight": 30}]}, "sum to 90"),
    ({"indicator": [{"code": "trainees", "weight": 50}, {"code": "trainees", "weight": 50}]}, "listed twice"),
    ({"indicator": [{"code": "trainees", "weight": 100, "cap": 0.9}]}, "cap must be at least 1"),
    ({"indicator": [{"code": "trainees", "weight": 100, "function": "log"}]}, "unknown function"),
    ({"indicator": [{"code": "trainees", "weight": 100, "bonus": 1}]}, "unknown keys"),
    ({"grade": GRADES[:3]}, "last grade must start at 0"),
    ({"grade": [GRADES[1], GRADES[0], GRADES[3]]}, "best first"),
    ({"min_targets": 4}, "min_targets"),
    ({"total_decimals": -1}, "total_decimals"),
    ({"valid_to": date(2012, 1, 1)}, "valid_to is before"),
    ({"colour": "red"}, "unknown keys"),
])
def test_a_rule_that_does_not_add_up_is_refused_when_read(changes, message):
    with pytest.raises(LadderDataError, match=message):
        parse_rule(row(**changes))


def test_two_rules_of_one_campaign_may_not_be_in_force_on_the_same_day_and_the_date_picks_one():
    old = parse_rule(row(id="test.v1", valid_to=date(2014, 9, 30)))
    new = parse_rule(row(id="test.v2", valid_from=date(2014, 10, 1), cap=1.1))
    rules = check_rules([old, new])

    assert select_rule(rules, "test", on=date(2014, 9, 30)).id == "test.v1"
    assert select_rule(rules, "test", on=date(2014, 10, 1)).id == "test.v2"
    with pytest.raises(LadderDataError, match="both in force"):
        check_rules([old, parse_rule(row(id="test.v2", valid_from=date(2014, 9, 1)))])
    with pytest.raises(LadderDataError, match="unique"):
        check_rules([old, old])

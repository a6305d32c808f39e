"""Promotion by competition, DOMAIN §4 and the Tianjin rule of §11."""

from datetime import date

import pytest

from ladder.competitions import LevelEffect, default_policy, promotion_for
from ladder.frameworks import LadderDataError

ON = date(2023, 6, 1)
TIANJIN = "120000"


def target(tier, result, current, **kwargs):
    promotion = promotion_for(tier, result, current, on=ON, **kwargs)
    return promotion.target_level if promotion else "no reward"


@pytest.mark.parametrize(("result", "current", "expected"), [
    ("excellence", None, "technician"),
    ("excellence", "senior", "technician"),
    ("bronze", "intermediate", "technician"),
    ("excellence", "technician", "senior_technician"),
    ("gold", "senior_technician", None),  # nothing above the appraised levels
])
def test_national_skills_medallion_for_excellence_and_above_promotes_to_technician(result, current, expected):
    assert target("national_skills", result, current) == expected


def test_national_skills_top_five_are_national_technical_experts():
    promotion = promotion_for("national_skills", 4, "senior", on=ON)
    assert [t.en for t in promotion.titles] == ["National Technical Expert"]
    assert promotion.target_level is None  # a rank without a medal earns no level here
    assert promotion.policy_id == "national-skills-2020"


def test_national_skills_team_events_narrow_the_expert_title():
    assert promotion_for("national_skills", 3, "senior", on=ON, team_size=2).titles
    assert promotion_for("national_skills", 4, "senior", on=ON, team_size=2) is None


def test_a_medal_also_counts_as_its_rank():
    promotion = promotion_for("national_skills", "gold", "senior", on=ON)
    assert promotion.target_level == "technician"
    assert [t.zh for t in promotion.titles] == ["全国技术能手"]
    assert promotion.rule.zh.startswith("前 5 名")


@pytest.mark.parametrize(("rank", "current", "expected"), [
    (6, "junior", "intermediate"),
    (20, "intermediate", "senior"),
    (6, "senior", "technician"),
    (6, "technician", None),  # capped at technician
    (6, None, "junior"),
    (3, "senior", "technician"),
    (3, "technician", "senior_technician"),
    (21, "senior", "no reward"),
])
def test_national_class_one_places_six_to_twenty_go_up_one_level_up_to_technician(rank, current, expected):
    assert target("national_class_1", rank, current) == expected


def test_national_class_one_top_five_earn_two_titles():
    promotion = promotion_for("national_class_1", 5, "senior", on=ON)
    assert [t.zh for t in promotion.titles] == ["全国技术能手", "全国青年岗位能手"]


def test_tianjin_allows_one_competition_promotion_per_worker_per_year():
    first = promotion_for("provincial_class_1", 3, "senior", on=ON, jurisdiction=TIANJIN)
    assert first.target_level == "technician" and not first.limit_reached
    second = promotion_for("provincial_class_1", 3, "senior", on=ON, jurisdiction=TIANJIN,
                           prior_promotions=[date(2023, 2, 1)])
    assert second.limit_reached and second.target_level is None
    next_year = promotion_for("provincial_class_1", 3, "senior", on=ON, jurisdiction=TIANJIN,
                              prior_promotions=[date(2022, 11, 1)])
    assert next_year.target_level == "technician"


@pytest.mark.parametrize(("tier", "rank", "current", "expected"), [
    ("provincial_class_1", 10, "technician", "senior_technician"),
    ("provincial_class_2", 6, "intermediate", "senior"),
    ("city", 6, "senior", "technician"),
    ("city", 7, "senior", "no reward"),
])
def test_tianjin_reward_table(tier, rank, current, expected):
    assert target(tier, rank, current, jurisdiction=TIANJIN) == expected


def test_tianjin_enterprise_contests_promote_the_top_thirty_percent_to_intermediate():
    assert target("enterprise", 3, "junior", jurisdiction=TIANJIN, entrants=10) == "intermediate"
    assert target("enterprise", 4, "junior", jurisdiction=TIANJIN, entrants=10) == "no reward"
    assert target("enterprise", 1, "junior", jurisdiction=TIANJIN) == "no reward"  # a share needs the field


def test_local_policy_wins_and_the_national_one_fills_in():
    assert default_policy("national_skills", on=ON, jurisdiction=TIANJIN).id == "national-skills-2020"
    assert default_policy("provincial_class_1", on=ON, jurisdiction=TIANJIN).id == "tianjin-competitions"
    assert default_policy("provincial_class_1", on=ON) is None
    assert default_policy("national_skills", on=date(2019, 1, 1)) is None  # first held in 2020


def test_worldskills_rewards_are_local():
    assert promotion_for("worldskills", "gold", "senior", on=ON) is None
    assert target("worldskills", "gold", "senior", jurisdiction="310000") == "senior_technician"
    assert target("worldskills", "excellence", "senior", jurisdiction="310000") == "technician"
    assert target("worldskills", "participant", "senior", jurisdiction="310000") == "technician"


@pytest.mark.parametrize(("paper", "rank", "expected"), [
    ("senior", 5, "technician"), ("senior", 15, "senior"), ("intermediate", 1, "senior"),
    ("intermediate", 15, "intermediate"),
])
def test_2012_national_contest_rewards_depend_on_the_paper_level(paper, rank, expected):
    promotion = target("national_class_1", rank, "junior", policy="national-contest-2012", paper_level=paper)
    assert promotion == expected


def test_heilongjiang_passing_competitors_reach_senior_unless_already_there():
    kwargs = {"jurisdiction": "230000", "paper_level": "technician"}
    assert target("provincial_class_1", 12, "intermediate", **kwargs) == "senior"
    assert target("provincial_class_1", 12, "senior", **kwargs) is None
    assert target("provincial_class_1", 2, "intermediate", **kwargs) == "senior_technician"


def test_hainan_and_hunan_medallion_for_excellence_reaches_senior_or_one_up():
    assert target("provincial_class_1", "excellence", "intermediate", jurisdiction="430000") == "senior"
    assert target("provincial_class_1", "excellence", "senior", jurisdiction="460000") == "technician"


def test_unknown_medal_and_malformed_effects_are_refused():
    with pytest.raises(ValueError, match="platinum"):
        promotion_for("national_skills", "platinum", None, on=ON)
    with pytest.raises(LadderDataError, match="up:one"):
        LevelEffect.parse("up:one")

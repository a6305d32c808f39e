"""Bureau reward rules: every check on either side of its boundary, the rule as the engine's policy, proposals
made under it (the cap, the yearly limit), which rule governs which competition, who sees and edits what,
versions, judging again, and the preview's numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from credentials import Conflict, Forbidden, ValidationFailed
from credentials.models import CompetitionPromotion, CompetitionRule, ResultOutcome
from credentials.queries.competition_rules import applicable_rule, policy_of, rules_for
from credentials.services.competition_promotions import (
    confirm_competition_promotion,
    judge_again,
    policy_of_proposal,
)
from credentials.services.competition_rules import (
    RewardDraft,
    check_rule,
    preview_rule,
    revise_rule,
)
from credentials.services.competitions import record_result
from ladder.competitions import promotion_for
from ladder.i18n import Text
from tests.rule_fixtures import EXPERT, draft

TODAY = date(2025, 1, 15)


def refusal(world, by="city", **changes) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        check_rule(draft(**changes), by=world[by], today=TODAY)
    return refused.value


def accepted(world, by="city", **changes):
    return check_rule(draft(**changes), by=world[by], today=TODAY)


def rows(*rewards: RewardDraft) -> tuple[RewardDraft, ...]:
    return rewards


# ---- checks, each side of each boundary ------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "field"), [
    ({"name_zh": " "}, "name_zh"),
    ({"name_zh": "名" * 201}, "name_zh"),
    ({"name_en": "n" * 201}, "name_en"),
    ({"document_number": ""}, "document_number"),
    ({"document_number": "号" * 101}, "document_number"),
    ({"issued_on": None}, "issued_on"),
    ({"issued_on": TODAY + timedelta(days=1)}, "issued_on"),
    ({"valid_from": None}, "valid_from"),
    ({"valid_to": date(2023, 12, 31)}, "valid_to"),
    ({"tiers": ()}, "tiers"),
    ({"tiers": ("olympics",)}, "tiers"),
    ({"tiers": ("provincial_class_1",)}, "tiers"),  # a city's notice governs city and enterprise contests
    ({"max_promotions_per_year": 0}, "max_promotions_per_year"),
    ({"max_promotions_per_year": 13}, "max_promotions_per_year"),
    ({"rewards": ()}, "rewards"),
    ({"rewards": tuple(RewardDraft(rank_from=n, rank_to=n, effect="up:1") for n in range(1, 22))}, "rewards"),
])
def test_a_rule_is_refused_on_the_field_that_breaks_it(world, changes, field):
    assert refusal(world, **changes).field == field


@pytest.mark.parametrize("changes", [
    {"name_zh": "名" * 200, "name_en": "n" * 200, "document_number": "号" * 100},
    {"issued_on": TODAY},
    {"valid_to": date(2024, 1, 1)},  # one day long
    {"max_promotions_per_year": 1},
    {"max_promotions_per_year": 12},
    {"rewards": tuple(RewardDraft(rank_from=n, rank_to=n, effect="up:1") for n in range(1, 21))},
])
def test_the_same_fields_are_accepted_just_inside_their_bounds(world, changes):
    assert accepted(world, **changes).rewards


@pytest.mark.parametrize(("row", "field"), [
    (RewardDraft(rank_to=3, effect="up:1"), "rank_from"),  # a last place without a first
    (RewardDraft(effect="up:1"), "rank_from"),  # neither places nor medals
    (RewardDraft(rank_from=0, effect="up:1"), "rank_from"),
    (RewardDraft(rank_from=100_001, effect="up:1"), "rank_from"),
    (RewardDraft(rank_from=3, rank_to=2, effect="up:1"), "rank_to"),
    (RewardDraft(medals=("platinum",), effect="up:1"), "medals"),
    (RewardDraft(rank_from=1, effect="up:0"), "effect"),
    (RewardDraft(rank_from=1, effect="up:5"), "effect"),
    (RewardDraft(rank_from=1, effect="up:one"), "effect"),
    (RewardDraft(rank_from=1, effect="set:wizard"), "effect"),
    (RewardDraft(rank_from=1, effect="set:apprentice"), "effect"),  # a post, not an appraised level
    (RewardDraft(rank_from=1, effect="up:1 cap:chief_technician"), "effect"),
    (RewardDraft(rank_from=1, effect="set:technician cap:senior"), "effect"),
    (RewardDraft(rank_from=1), "effect"),  # gives nothing at all
    (RewardDraft(rank_from=1, titles=tuple(Text(f"称号{n}", "") for n in range(6))), "titles"),
    (RewardDraft(rank_from=1, titles=(Text("称" * 101, ""),)), "titles"),
])
def test_a_row_is_refused_on_its_own_field(world, row, field):
    assert refusal(world, rewards=(RewardDraft(rank_from=50, effect="up:1"), row)).field == f"rewards.1.{field}"


@pytest.mark.parametrize("row", [
    RewardDraft(rank_from=1, rank_to=1, effect="up:1"),  # one place
    RewardDraft(rank_from=1, rank_to=100_000, effect="up:4"),
    RewardDraft(medals=("gold", "silver"), effect="set:senior_technician"),
    RewardDraft(rank_from=1, effect="up:1 cap:senior_technician"),
    RewardDraft(rank_from=1, titles=(Text("称号", ""),) * 5),  # titles only, five of them
    RewardDraft(rank_from=1, titles=(Text("称" * 100, ""),)),
])
def test_rows_just_inside_their_bounds_are_accepted(world, row):
    assert accepted(world, rewards=(row,)).rewards


@pytest.mark.parametrize(("ranges", "bad_row"), [
    (((1, 3), (3, 5)), 1),
    (((1, None), (5, 6)), 1),  # "1st and below" leaves no place for another row
    (((4, 6), (1, 4)), 0),  # out of order and overlapping: the later place is named
])
def test_overlapping_places_name_the_overlapping_row(world, ranges, bad_row):
    rewards = tuple(RewardDraft(rank_from=a, rank_to=b, effect="up:1") for a, b in ranges)
    assert refusal(world, rewards=rewards).field == f"rewards.{bad_row}.rank_from"


def test_touching_ranges_are_accepted_and_stored_in_order_of_place(world):
    checked = accepted(world, rewards=(RewardDraft(medals=("gold",), effect="set:technician"),
                                       RewardDraft(rank_from=4, rank_to=5, effect="up:1"),
                                       RewardDraft(rank_from=1, rank_to=3, effect="up:2")))
    assert [row["ranks"] for row in checked.rewards] == [[1, 3], [4, 5], None]


def test_a_medal_may_appear_in_one_row_only(world):
    rewards = (RewardDraft(medals=("gold",), effect="up:1"), RewardDraft(medals=("silver", "gold"), effect="up:1"))
    assert refusal(world, rewards=rewards).field == "rewards.1.medals"


def test_a_province_governs_provincial_tiers_and_nobody_else_writes(world):
    assert accepted(world, by="province", tiers=("provincial_class_1", "city")).city_code is None
    for by in ("ministry", "staff", "admin"):
        with pytest.raises(Forbidden):
            check_rule(draft(), by=world[by], today=TODAY)


# ---- the rule as the engine's policy ---------------------------------------------------------------------

def test_a_stored_rule_is_the_same_policy_value_the_engine_judges(world):
    rule = world.rule(max_promotions_per_year=1, valid_to=date(2024, 12, 31))
    policy = policy_of(rule)

    assert (policy.id, policy.tiers, policy.jurisdictions) == (f"rule-{rule.id}", ("city", "enterprise"), ("320500",))
    assert (policy.valid_from, policy.valid_to, policy.max_promotions_per_year) == (
        date(2024, 1, 1), date(2024, 12, 31), 1)
    assert [r.ranks for r in policy.rewards] == [(1, 1), (2, 5), (6, None)]
    assert policy.rewards[0].titles == (EXPERT,) and policy.medal_ranks == {}
    assert policy.rewards[1].text == Text("第 2 至 5 名：晋升 1 个等级，最高至技师（二级）",
                                          "places 2 to 5: 1 level up, at most to Technician (Level 2)")
    assert policy.source == "苏人社发〔2024〕12号（2024-03-01）"
    earned = promotion_for("city", 1, "senior", on=date(2024, 6, 1), policy=policy)
    assert (earned.target_level, earned.titles) == ("technician", (EXPERT,))


# ---- proposals under a bureau rule -------------------------------------------------------------------------

def test_results_of_the_city_follow_its_rule_with_its_cap_and_titles(world):
    rule = world.rule()
    contest = world.contest()
    w = world.workers
    entered = {name: record_result(db.session(), contest, worker=w[name], rank=rank, by=world["city"])
               for name, rank in (("senior", 1), ("junior", 3), ("technician", 2), ("none", 7), ("intermediate", 6))}

    assert {n: (r.outcome, r.proposal.target_level if r.proposal else None) for n, r in entered.items()} == {
        "senior": (ResultOutcome.PROPOSED, "technician"), "junior": (ResultOutcome.PROPOSED, "intermediate"),
        "technician": (ResultOutcome.NO_PROMOTION, None),  # one up, but never past Technician
        "none": (ResultOutcome.PROPOSED, "intermediate"),
        "intermediate": (ResultOutcome.NO_PROMOTION, None)}  # already there
    first = entered["senior"]
    assert first.titles == [EXPERT.as_dict()] and first.rule_id == rule.id
    assert (first.proposal.rule_id, first.proposal.policy_id) == (rule.id, f"rule-{rule.id}")
    assert first.proposal.rule_zh.startswith("第 1 名：晋升技师（二级）")


def test_a_medal_and_a_rank_are_each_judged_and_the_better_counts(world):
    world.rule(rewards=(RewardDraft(rank_from=1, rank_to=3, effect="set:technician"),
                        RewardDraft(medals=("excellence",), effect="set:senior")))
    contest = world.contest()

    result = record_result(db.session(), contest, worker=world.workers["junior"], rank=2, medal="excellence",
                           by=world["city"])

    assert result.proposal.target_level == "technician"


def test_the_yearly_limit_of_a_bureau_rule_holds_at_proposal_and_at_confirmation(world):
    world.rule(max_promotions_per_year=1)
    worker = world.workers["junior"]
    spring, autumn = world.contest(ends_on=date(2024, 5, 1)), world.contest(ends_on=date(2024, 10, 1))
    next_year = world.contest(ends_on=date(2025, 1, 10))

    first = record_result(db.session(), spring, worker=worker, rank=3, by=world["city"])
    second = record_result(db.session(), autumn, worker=worker, rank=3, by=world["city"])
    third = record_result(db.session(), next_year, worker=worker, rank=6, by=world["city"])

    assert (first.outcome, second.outcome, third.outcome) == (
        ResultOutcome.PROPOSED, ResultOutcome.LIMIT_REACHED, ResultOutcome.PROPOSED)
    certificate = confirm_competition_promotion(db.session(), first.proposal, issuer=world.school, by=world["city2"])
    assert certificate.level == "intermediate" and policy_of_proposal(first.proposal).max_promotions_per_year == 1


# ---- which rule governs, and who sees it -----------------------------------------------------------------

def test_the_citys_rule_before_the_provinces_and_the_province_for_its_other_cities(world, make_user):
    province_rule = world.rule("province", name_zh="江苏省竞赛奖励办法", tiers=("city", "provincial_class_1"),
                               rewards=(RewardDraft(rank_from=1, effect="set:junior"),))
    city_rule = world.rule()
    world.users["hangzhou"] = make_user("bureau_officer", scope="city", region="3301")
    suzhou, wuxi = world.contest(), world.contest("other_city", name="无锡市车工大赛")
    provincial = world.contest("province", tier="provincial_class_1", name="江苏省车工大赛")
    hangzhou = world.contest("hangzhou", name="杭州市车工大赛")
    late = world.contest(name="通知生效前的比赛", ends_on=date(2023, 12, 31))

    assert applicable_rule(db.session(), suzhou).id == city_rule.id
    assert applicable_rule(db.session(), wuxi).id == province_rule.id
    assert applicable_rule(db.session(), provincial).id == province_rule.id
    assert applicable_rule(db.session(), hangzhou) is None
    assert applicable_rule(db.session(), late) is None  # both notices took effect on 2024-01-01


def test_a_shipped_policy_comes_before_a_bureau_rule_unless_the_competition_names_the_rule(world, make_user):
    tianjin = make_user("bureau_officer", scope="city", region="1201")
    world.users["tianjin"] = tianjin
    rule = world.rule("tianjin", rewards=(RewardDraft(rank_from=1, effect="set:senior_technician"),))
    junior = world.workers["junior"]

    plain = world.contest("tianjin", name="天津市车工大赛")
    named = world.contest("tianjin", name="天津市青年技能赛", rule=rule)
    shipped = record_result(db.session(), plain, worker=junior, rank=1, by=tianjin)
    bureau = record_result(db.session(), named, worker=world.workers["none"], rank=1, by=tianjin)

    assert (shipped.proposal.policy_id, shipped.rule_id) == ("tianjin-competitions", None)
    assert (bureau.proposal.policy_id, bureau.proposal.target_level) == (f"rule-{rule.id}", "senior_technician")


def test_each_officer_sees_the_rules_that_may_govern_their_region_and_edits_only_their_own(world):
    province_rule = world.rule("province", name_zh="江苏省竞赛奖励办法", tiers=("provincial_class_1",))
    city_rule = world.rule()
    seen = {name: {r.id for r in db.session.scalars(rules_for(world[name]))}
            for name in ("city", "other_city", "province", "other_province", "ministry", "staff", "worker")}

    assert seen == {"city": {city_rule.id, province_rule.id}, "other_city": {province_rule.id},
                    "province": {city_rule.id, province_rule.id}, "other_province": set(),
                    "ministry": {city_rule.id, province_rule.id}, "staff": set(), "worker": set()}
    for by, rule in (("other_city", city_rule), ("city", province_rule), ("province", city_rule),
                     ("ministry", city_rule)):
        with pytest.raises(Forbidden):
            revise_rule(db.session(), rule, draft(), by=world[by], today=TODAY)


# ---- judging again -----------------------------------------------------------------------------------------

def test_results_entered_before_the_rule_are_judged_again_once_it_exists(world):
    contest = world.contest()
    waiting = record_result(db.session(), contest, worker=world.workers["senior"], rank=1, by=world["city"])
    assert waiting.outcome is ResultOutcome.NO_RULE
    rule = world.rule()

    for by in ("ministry", "other_city", "staff"):
        with pytest.raises(Forbidden):
            judge_again(db.session(), contest, by=world[by])
    judged = judge_again(db.session(), contest, by=world["province"])

    assert judged == [waiting] and waiting.outcome is ResultOutcome.PROPOSED and waiting.rule_id == rule.id
    assert judge_again(db.session(), contest, by=world["city"]) == []  # nothing waits any more


def test_naming_a_rule_that_does_not_cover_the_competition_is_refused(world):
    provincial = world.rule("province", tiers=("provincial_class_1",))
    contest = world.contest()

    with pytest.raises(ValidationFailed) as refused:
        judge_again(db.session(), contest, by=world["city"], rule=provincial)
    assert refused.value.field == "rule_id"
    rule = world.rule()
    record_result(db.session(), contest, worker=world.workers["junior"], rank=2, by=world["city"])
    revise_rule(db.session(), rule, draft(), by=world["city"], today=TODAY)
    with pytest.raises(Conflict):
        judge_again(db.session(), contest, by=world["city"], rule=rule)  # superseded just now


# ---- the preview -------------------------------------------------------------------------------------------

def test_the_preview_judges_the_regions_results_with_the_draft_and_writes_nothing(world, make_user):
    spring = world.contest(ends_on=date(2024, 5, 1))
    autumn = world.contest(ends_on=date(2024, 10, 1))
    before = world.contest(ends_on=date(2023, 10, 1))  # before the notice takes effect
    wuxi = world.contest("other_city", name="无锡市车工大赛")
    w = world.workers
    for contest, name, rank in ((spring, "junior", 3), (spring, "senior", 1), (spring, "technician", 2),
                                (autumn, "junior", 6), (before, "none", 1), (wuxi, "none", 1)):
        record_result(db.session(), contest, worker=w[name], rank=rank, by=world["city"] if contest is not wuxi
                      else world["other_city"])
    db.session.commit()

    preview = preview_rule(db.session(), draft(max_promotions_per_year=1), by=world["city"], today=TODAY)

    assert (preview.competitions, preview.results, preview.proposed, preview.truncated) == (2, 4, 2, False)
    assert [(r.result.worker.name, r.outcome, r.target) for r in preview.rows] == [  # by competition, then rank
        ("李高级", ResultOutcome.PROPOSED, "technician"), ("周技师", ResultOutcome.NO_PROMOTION, None),
        ("钱初级", ResultOutcome.PROPOSED, "intermediate"),
        ("钱初级", ResultOutcome.LIMIT_REACHED, None)]  # spring's proposal counts toward the yearly limit
    assert preview.rows[0].titles == (EXPERT,) and {r.governed_by for r in preview.rows} == {None}
    assert db.session.scalar(select(func.count()).select_from(CompetitionRule)) == 0
    assert db.session.scalar(select(func.count()).select_from(CompetitionPromotion)) == 0
    assert {r.result.outcome for r in preview.rows} == {ResultOutcome.NO_RULE}


def test_the_preview_says_which_competitions_another_rule_governs_and_caps_its_rows(world):
    province_rule = world.rule("province", tiers=("city",), rewards=(RewardDraft(rank_from=1, effect="up:1"),))
    pinned = world.contest(name="指定省办法的比赛", rule=province_rule)
    free = world.contest(name="普通比赛")
    for contest in (pinned, free):
        record_result(db.session(), contest, worker=world.workers["junior"], rank=1, by=world["city"])
    db.session.commit()

    preview = preview_rule(db.session(), draft(), by=world["city"], today=TODAY, cap=1)

    assert (preview.results, len(preview.rows), preview.truncated) == (2, 1, True)
    full = preview_rule(db.session(), draft(), by=world["city"], today=TODAY)
    assert [r.governed_by for r in full.rows] == [Text(province_rule.name_zh, province_rule.name_en), None]
    revising = preview_rule(db.session(), draft(tiers=("city",)), by=world["province"], today=TODAY,
                            replacing=province_rule)
    assert [r.governed_by for r in revising.rows] == [None, None]  # the revision would judge both

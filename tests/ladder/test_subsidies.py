"""Training subsidies: schedules as dated data per jurisdiction, the rule shown to the user."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ladder.frameworks import LadderDataError
from ladder.i18n import Text
from ladder.subsidies import _rule, all_rules, restore, subsidy_for, training_vocabulary, withheld

ON = date(2024, 6, 1)
EMPLOYEE = frozenset({"employee"})
MIGRANT = frozenset({"rural_migrant"})
CLAIM = {"certificate_on": date(2024, 5, 20), "insured_months": 36}  # a claim with the certificate in hand


@pytest.mark.parametrize(("level", "amount"), [("junior", 1000), ("intermediate", 1500), ("senior", 2000)])
def test_skills_upgrading_subsidy_pays_the_national_amounts_per_level(level, amount):
    decision = subsidy_for("3205", "on_the_job_upgrading", level, EMPLOYEE, on=ON, **CLAIM)

    assert decision.eligible and decision.amount == Decimal(amount)
    assert decision.rule_id == "CN-2017.upgrading"  # Suzhou has no rule of its own: the national one applies


def test_the_explanation_names_the_rule_the_amount_and_the_once_per_level_limit():
    decision = subsidy_for("3205", "on_the_job_upgrading", "intermediate", EMPLOYEE, on=ON, **CLAIM)

    assert "技能提升补贴" in decision.explanation.zh and "补贴 1,500 元" in decision.explanation.zh
    assert "每人每职业每等级限享受一次" in decision.explanation.zh
    english = decision.explanation.en
    assert "CNY 1,500" in english and "once per person, occupation and level" in english


def test_a_city_schedule_decides_before_the_national_default():
    suzhou = subsidy_for("3205", "employment_skills", "junior", MIGRANT, on=ON)
    elsewhere = subsidy_for("1101", "employment_skills", "junior", MIGRANT, on=ON)

    assert (suzhou.rule_id, suzhou.amount) == ("3205-2019.employment", Decimal(800))
    assert elsewhere.rule_id == "CN-2017.employment" and elsewhere.eligible


def test_a_qualifying_rule_without_an_amount_says_the_city_sets_it():
    decision = subsidy_for("1101", "employment_skills", "junior", MIGRANT, on=ON)

    assert decision.eligible and decision.amount is None
    assert "金额按当地标准核定" in decision.explanation.zh and "local schedule" in decision.explanation.en


def test_a_person_outside_the_target_groups_is_told_who_qualifies():
    decision = subsidy_for("3205", "employment_skills", "junior", EMPLOYEE, on=ON)

    assert not decision.eligible and decision.reason == "not_in_group"
    assert "仅限" in decision.explanation.zh and "退役军人" in decision.explanation.zh
    assert "veteran" in decision.explanation.en


def test_veterans_qualify_in_suzhou_but_not_under_the_national_list():
    veteran = frozenset({"veteran"})

    assert subsidy_for("3205", "employment_skills", "senior", veteran, on=ON).eligible
    assert not subsidy_for("4401", "employment_skills", "senior", veteran, on=ON).eligible


def test_levels_without_a_rule_are_not_subsidised_and_the_reason_names_type_and_level():
    decision = subsidy_for("3205", "on_the_job_upgrading", "technician", EMPLOYEE, on=ON)

    assert not decision.eligible and decision.rule_id is None and decision.reason == "no_rule"
    assert "岗位技能提升培训" in decision.explanation.zh and "技师" in decision.explanation.zh
    assert "Technician (Level 2)" in decision.explanation.en


def test_schedules_are_dated_training_before_the_first_schedule_earns_nothing():
    before = subsidy_for("3205", "on_the_job_upgrading", "junior", EMPLOYEE, on=date(2016, 12, 31))
    city_before = subsidy_for("3205", "employment_skills", "junior", MIGRANT, on=date(2018, 6, 1))

    assert not before.eligible and "2016-12-31" in before.explanation.zh
    assert city_before.rule_id == "CN-2017.employment"  # Suzhou's own rule starts in 2019


def test_a_flat_amount_applies_at_every_level():
    graduate = frozenset({"college_graduate"})

    decision = subsidy_for("3205", "entrepreneurship", "senior_technician", graduate, on=ON)

    assert decision.eligible and decision.amount == Decimal(1000)


@pytest.mark.parametrize(("args", "message"), [
    (("3205", "knitting", "junior", EMPLOYEE), "unknown training type"),
    (("3205", "employment_skills", "grandmaster", EMPLOYEE), "grandmaster"),
    (("3205", "employment_skills", "junior", frozenset({"astronaut"})), "unknown target group"),
])
def test_unknown_codes_are_refused_rather_than_guessed(args, message):
    with pytest.raises(ValueError, match=message):
        subsidy_for(*args, on=ON)


@pytest.mark.parametrize("groups", [EMPLOYEE, MIGRANT, frozenset()])
@pytest.mark.parametrize("training_type", ["employment_skills", "on_the_job_upgrading", "entrepreneurship"])
def test_a_stored_decision_code_restores_the_same_decision(training_type, groups):
    decision = subsidy_for("3205", training_type, "junior", groups, on=ON)

    again = restore(decision.code, training_type=training_type, target_level="junior", on=ON,
                    amount=decision.amount)

    assert again == decision


def test_refusals_found_in_the_records_have_their_own_words_and_codes():
    for reason in ("already_subsidised", "dropped_out"):
        decision = withheld(reason)
        assert not decision.eligible and decision.code == reason
        again = restore(reason, training_type="employment_skills", target_level="junior", on=ON, amount=None)
        assert again == decision
    assert "限享受一次" in withheld("already_subsidised").explanation.zh


def test_every_rule_is_sourced_and_its_codes_are_known():
    assert all_rules()
    for rule in all_rules():
        assert rule.source and rule.confidence in ("C", "S", "U") and rule.text.zh and rule.text.en
        assert rule.training_types <= set(training_vocabulary("training_types"))
        assert set(rule.groups) <= set(training_vocabulary("target_groups"))


@pytest.mark.parametrize(("row", "message"), [
    ({"training_types": ["knitting"]}, "unknown training type"),
    ({"groups": ["astronaut"]}, "unknown target group"),
    ({"amounts": {"junior": -5}}, "negative"),
    ({"amounts": {"junior": 5}, "amount": 3}, "not both"),
    ({"colour": "red"}, "unknown keys"),
    ({"min_insured_months": 36}, "needs_certificate"),
])
def test_inconsistent_schedule_data_fails_at_load_time(row, message):
    base = {"id": "x", "training_types": ["employment_skills"], "confidence": "U", "source": "s",
            "text_zh": "规则", "text_en": "rule"}
    with pytest.raises(LadderDataError, match=message):
        _rule({**base, **row}, "3205", Text("苏州", "Suzhou"), "subsidies-test.toml")

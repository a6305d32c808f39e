"""Right verdicts: rules never date eligibility before they exist, years add up on the calendar, years
"after graduation" start at graduation, the technician-college shortcuts belong to their streams, the
skills upgrading subsidy waits for the certificate, and target groups count only while they last."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from ladder.eligibility import (
    Diploma,
    HeldLevel,
    WorkerHistory,
    WorkPeriod,
    evaluate,
    get_rules,
)
from ladder.graph import graph_for
from ladder.routes import plan_routes
from ladder.subsidies import groups_during, restore, subsidy_for
from ladder.timeline import WorkTime, calendar_span

OCC = "6-31-01-03"  # 电工
D = date.fromisoformat
EMPLOYEE = frozenset({"employee"})


def history(*items):
    def of(kind):
        return tuple(i for i in items if isinstance(i, kind))
    return WorkerHistory(held_levels=of(HeldLevel), work_periods=of(WorkPeriod), diplomas=of(Diploma))


def work(start, end=None):
    return WorkPeriod(OCC, D(start), D(end) if end else None)


def held(level, on):
    return HeldLevel(OCC, level, D(on))


def diploma(stream, graduated, school="technician_college"):
    return Diploma(school, stream, OCC, D(graduated))


def only(clause_id):
    rules = get_rules("standard-" + clause_id.split(".")[0])
    return replace(rules, clauses=tuple(c for c in rules.clauses if c.id == clause_id))


# ---- 2. no eligibility before the rule came into force --------------------------------------------------

@pytest.mark.parametrize(("started", "eligible_from"), [
    ("2017-12-25", "2018-12-26"),  # the year was complete on 25 Dec 2018; the 2018 template starts a day later
    ("2017-12-26", "2018-12-26"),
    ("2017-12-27", "2018-12-27"),
])
def test_eligible_from_is_never_before_the_rule_set_came_into_force(started, eligible_from):
    result = evaluate(history(work(started)), OCC, "junior", on=D("2019-06-01"))

    assert result.rules == "standard-2018" and result.eligible
    assert result.eligible_from == D(eligible_from)


def test_long_service_under_the_2018_template_is_eligible_from_its_first_day_not_from_years_before():
    result = evaluate(history(work("2010-01-01")), OCC, "junior", on=D("2019-06-01"))

    assert result.eligible and result.eligible_from == D("2018-12-26")  # not 2011-01-01


def test_rules_asked_about_before_they_are_in_force_answer_from_when():
    worker = history(work("2010-01-01"))

    before = evaluate(worker, OCC, "junior", on=D("2018-12-25"), rules="standard-2018")
    first_day = evaluate(worker, OCC, "junior", on=D("2018-12-26"), rules="standard-2018")

    assert not before.eligible and before.eligible_from == D("2018-12-26")
    assert before.describe("zh") == ("这些申报条件自 2018-12-26 起施行",)
    assert before.describe("en") == ("These application conditions apply from 2018-12-26",)
    assert first_day.eligible and first_day.eligible_from == D("2018-12-26")


@pytest.mark.parametrize(("held_since", "earliest"), [
    ("2016-11-27", "2018-11-28"),  # two years at senior done on 27 Nov 2018; the 2018 pilot began on the 28th
    ("2016-11-29", "2018-11-29"),
])
def test_a_route_step_on_a_dated_graph_is_never_before_its_policy(held_since, earliest):
    g = graph_for(D("2020-06-01"))

    route = plan_routes(g, "skill-2013:senior", "title:engineering:assistant", start_date=D("2016-01-01"),
                        held_since=D(held_since))[0]

    assert route.steps[0].policy == "crossover-2018-engineering"
    assert route.steps[0].earliest_date == D(earliest)


# ---- 3. separate stretches add up on the calendar --------------------------------------------------------

LEAP_YEAR_PARTS = (work("2020-01-01", "2020-02-29"), work("2021-03-01", "2021-12-31"))  # 2 + 10 months


def test_two_stretches_making_one_calendar_year_with_29_february_count_as_one_year():
    result = evaluate(history(*LEAP_YEAR_PARTS), OCC, "junior", on=D("2022-01-01"), rules=only("2018.junior.a"))

    assert result.eligible and result.eligible_from == D("2022-01-01")  # 60 + 306 = 366 days, 12 months


def test_the_same_stretches_one_day_short_are_not_a_year():
    worker = history(LEAP_YEAR_PARTS[0], work("2021-03-01", "2021-12-30"))

    result = evaluate(worker, OCC, "junior", on=D("2022-06-01"), rules=only("2018.junior.a"))

    assert not result.eligible and result.eligible_from is None
    assert result.describe("en") == ("1 more month of cumulative work in the occupation",)  # one day, rounded up


@pytest.mark.parametrize(("second_from", "due"), [
    ("2021-07-01", "2022-01-01"),  # January–June 2020 (182 days with 29 Feb) is six months, not 182/365 years
    ("2023-02-01", "2023-08-01"),
])
def test_an_open_stretch_completes_the_months_left_by_an_earlier_one(second_from, due):
    periods = (work("2020-01-01", "2020-06-30"), work(second_from))
    worked = WorkTime.of(periods, OCC, continuous=False, on=D("2024-01-01"))

    assert worked.reached(date.min, 1) == D(due)


@pytest.mark.parametrize(("start", "end", "span"), [
    ("2020-01-01", "2020-03-01", (2, 0)), ("2020-02-29", "2021-02-28", (12, 0)), ("2021-01-31", "2021-03-01", (1, 1)),
    ("2020-01-15", "2020-01-20", (0, 5)),
])
def test_calendar_span_counts_whole_months_then_days(start, end, span):
    assert calendar_span(D(start), D(end)) == span


# ---- 4. years after graduation, and the streams the shortcuts belong to ---------------------------------

@pytest.mark.parametrize(("on", "eligible"), [("2021-06-30", False), ("2021-07-01", True)])
def test_preparatory_technician_years_count_from_graduation_not_before(on, eligible):
    worker = history(work("2019-03-01"), diploma("preparatory_technician_class", "2019-07-01"))

    result = evaluate(worker, OCC, "technician", on=D(on), rules=only("2018.technician.c"))

    assert result.eligible is eligible and result.eligible_from == D("2021-07-01")


@pytest.mark.parametrize(("on", "eligible"), [("2021-06-30", False), ("2021-07-01", True)])
def test_senior_class_graduates_holding_senior_count_three_years_from_graduation(on, eligible):
    worker = history(held("senior", "2018-06-15"), work("2016-09-01"), diploma("senior_class", "2018-07-01"))

    result = evaluate(worker, OCC, "technician", on=D(on), rules=only("2018.technician.b"))

    assert result.eligible is eligible and result.eligible_from == D("2021-07-01")


def test_work_before_graduation_is_named_as_missing_after_graduation():
    worker = history(held("senior", "2018-06-15"), work("2016-09-01"), diploma("senior_class", "2018-07-01"))

    result = evaluate(worker, OCC, "technician", on=D("2021-01-01"), rules=only("2018.technician.b"))

    assert result.describe("zh") == ("还需毕业后累计从事本职业 6 个月",)
    assert result.describe("en") == ("6 more months of cumulative work in the occupation after graduation",)


@pytest.mark.parametrize(("stream", "eligible"), [
    ("senior_class", True), ("intermediate_class", False), ("none", False),
])
def test_only_the_senior_class_takes_the_three_year_technician_shortcut(stream, eligible):
    worker = history(held("senior", "2018-07-01"), work("2018-07-01"), diploma(stream, "2018-07-01"))

    result = evaluate(worker, OCC, "technician", on=D("2022-06-01"), rules=only("2018.technician.b"))

    assert result.eligible is eligible


@pytest.mark.parametrize(("stream", "eligible"), [
    ("preparatory_technician_class", True), ("senior_class", False), ("intermediate_class", False),
])
def test_only_the_preparatory_technician_class_takes_the_two_year_technician_shortcut(stream, eligible):
    worker = history(work("2019-07-01"), diploma(stream, "2019-07-01"))

    assert evaluate(worker, OCC, "technician", on=D("2022-06-01"),
                    rules=only("2018.technician.c")).eligible is eligible


@pytest.mark.parametrize("rules", ["2018.senior.b", "2000.senior.c"])
@pytest.mark.parametrize(("stream", "eligible"), [
    ("senior_class", True), ("preparatory_technician_class", True), ("intermediate_class", False),
])
def test_a_technician_college_intermediate_class_is_no_senior_worker_diploma(rules, stream, eligible):
    worker = history(held("intermediate", "2012-01-01"), diploma(stream, "2013-07-01"))
    on = D("2021-06-01") if rules.startswith("2018") else D("2015-06-01")

    assert evaluate(worker, OCC, "senior", on=on, rules=only(rules)).eligible is eligible


@pytest.mark.parametrize(("on", "eligible"), [("2023-02-28", False), ("2023-03-01", True)])
def test_years_after_obtaining_the_level_count_only_work_after_the_certificate(on, eligible):
    worker = history(held("senior", "2019-03-01"), work("2012-01-01"))

    result = evaluate(worker, OCC, "technician", on=D(on), rules=only("2018.technician.a"))

    assert result.eligible is eligible and result.eligible_from == D("2023-03-01")


# ---- 5. the skills upgrading subsidy is claimed after the certificate -----------------------------------

def upgrading(**facts):
    return subsidy_for("3205", "on_the_job_upgrading", "senior", EMPLOYEE, on=D("2024-03-01"), **facts)


def test_at_enrolment_the_upgrading_subsidy_may_be_claimed_after_certification_never_granted():
    decision = upgrading()

    assert not decision.eligible and decision.pending and decision.amount is None
    assert (decision.reason, decision.code) == ("after_certification", "after_certification:CN-2017.upgrading")
    assert "取得证书后可申领" in decision.explanation.zh and "2,000 元" in decision.explanation.zh
    assert "参保满 36 个月" in decision.explanation.zh and "12 个月内申领" in decision.explanation.zh
    assert "may claim after certification" in decision.explanation.en and "CNY 2,000" in decision.explanation.en


@pytest.mark.parametrize(("insured", "reason"), [
    (None, "insured_months_unknown"), (35, "insured_months_short"), (36, "granted"),
])
def test_a_claim_needs_36_insured_months_and_unknown_months_are_not_enough(insured, reason):
    decision = upgrading(certificate_on=D("2024-06-15"), insured_months=insured, claim_on=D("2024-07-01"))

    assert decision.reason == reason and decision.eligible is (reason == "granted")
    assert decision.amount == (Decimal(2000) if reason == "granted" else None)


@pytest.mark.parametrize(("claim_on", "reason"), [
    ("2025-06-15", "granted"), ("2025-06-16", "claim_too_late"), ("2024-06-14", "after_certification"),
])
def test_a_claim_comes_within_12_months_of_the_certificate_date(claim_on, reason):
    decision = upgrading(certificate_on=D("2024-06-15"), insured_months=48, claim_on=D(claim_on))

    assert decision.reason == reason


@pytest.mark.parametrize("facts", [
    {}, {"certificate_on": D("2024-06-15")}, {"certificate_on": D("2024-06-15"), "insured_months": 12},
    {"certificate_on": D("2024-06-15"), "insured_months": 40, "claim_on": D("2026-01-01")},
])
def test_every_upgrading_decision_restores_from_its_code_in_both_languages(facts):
    decision = upgrading(**facts)

    again = restore(decision.code, training_type="on_the_job_upgrading", target_level="senior",
                    on=D("2024-03-01"), amount=decision.amount)

    assert again == decision and decision.explanation.zh and decision.explanation.en


# ---- 6. a target group counts only for training within its dates ----------------------------------------

MIGRANT_UNTIL_APRIL = [("rural_migrant", D("2020-01-01"), D("2024-04-30"))]


@pytest.mark.parametrize(("end", "groups"), [
    ("2024-04-30", {"rural_migrant"}), ("2024-05-01", set()), (None, {"rural_migrant"}),
])
def test_a_group_counts_only_when_the_whole_training_falls_within_it(end, groups):
    assert groups_during(MIGRANT_UNTIL_APRIL, D("2024-03-01"), D(end) if end else None) == groups


@pytest.mark.parametrize(("start", "groups"), [("2019-12-31", set()), ("2020-01-01", {"rural_migrant"})])
def test_a_group_joined_after_the_training_began_does_not_count(start, groups):
    assert groups_during(MIGRANT_UNTIL_APRIL, D(start), D("2020-03-01")) == groups


def test_back_to_back_memberships_of_a_group_join():
    memberships = [("veteran", D("2020-01-01"), D("2022-12-31")), ("veteran", D("2023-01-01"), None),
                   ("college_graduate", D("2022-07-01"), D("2022-12-31"))]

    assert groups_during(memberships, D("2022-11-01"), D("2023-02-01")) == {"veteran"}

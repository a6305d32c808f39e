"""Regular-route eligibility: every row of DOMAIN §2.1 and §2.2, counting rules, and what is missing."""

from dataclasses import replace
from datetime import date

import pytest

from ladder.eligibility import (
    Diploma,
    HeldLevel,
    NoRegularRoute,
    TrainingRecord,
    WorkerHistory,
    WorkPeriod,
    evaluate,
    get_rules,
    next_regular_target,
    rules_for,
)

OCC = "6-31-01-03"  # 电工
OTHER = "6-18-01-01"  # 车工
D = date.fromisoformat
ON_2000 = D("2015-06-01")  # the older template is in force
ON_2018 = D("2021-06-01")  # the 2018 template is in force


def held(level, on, route="regular"):
    return HeldLevel(OCC, level, D(on), route)


def work(start, end=None, occupation=OCC):
    return WorkPeriod(occupation, D(start), D(end) if end else None)


def trained(level, hours, on):
    return TrainingRecord(OCC, level, hours, D(on))


def diploma(school, stream="none", major=OCC, graduated=None, current=False):
    return Diploma(school, stream, major, D(graduated) if graduated else None, current)


def history(*items):
    def of(kind):
        return tuple(i for i in items if isinstance(i, kind))
    return WorkerHistory(of(HeldLevel), of(WorkPeriod), of(TrainingRecord), of(Diploma))


def only(clause_id):
    """The rule set reduced to one clause, so each table row is tested on its own."""
    rules = get_rules("standard-" + clause_id.split(".")[0])
    return replace(rules, clauses=tuple(c for c in rules.clauses if c.id == clause_id))


def evaluate_alone(clause_id, worker):
    template, target, _ = clause_id.split(".")
    on = ON_2000 if template == "2000" else ON_2018
    return evaluate(worker, OCC, target, on=on, rules=only(clause_id))


# (clause, eligible_from, history); each case is evaluated on the ON_ date of its template
ELIGIBLE = [
    # 2.1, older template, continuous years
    ("2000.junior.a", "2015-03-01", history(trained("junior", 600, "2015-03-01"))),
    ("2000.junior.b", "2015-03-01", history(work("2013-03-01"))),
    ("2000.junior.c", "2014-12-31", history(held("apprentice", "2014-12-31"))),
    ("2000.intermediate.a", "2014-05-01",
     history(held("junior", "2011-05-01"), work("2010-01-01"), trained("intermediate", 500, "2014-01-10"))),
    ("2000.intermediate.b", "2015-05-01", history(held("junior", "2010-05-01"), work("2009-01-01"))),
    ("2000.intermediate.c", "2015-01-01", history(work("2008-01-01"))),
    ("2000.intermediate.d", "2014-07-01",
     history(diploma("technical_school", "intermediate_class", graduated="2014-07-01"))),
    ("2000.senior.a", "2014-03-01",
     history(held("intermediate", "2010-03-01"), work("2005-01-01"), trained("senior", 320, "2013-01-01"))),
    ("2000.senior.b", "2015-01-01", history(held("intermediate", "2008-01-01"), work("2005-01-01"))),
    ("2000.senior.c", "2014-07-01",
     history(diploma("senior_technical_school", "senior_class", graduated="2014-07-01"))),
    ("2000.senior.d", "2015-01-01",
     history(held("intermediate", "2013-01-01"), work("2012-08-01"),
             diploma("junior_college", graduated="2012-07-01"))),
    ("2000.technician.a", "2014-01-01",
     history(held("senior", "2009-01-01"), work("2005-01-01"), trained("technician", 200, "2012-01-01"))),
    ("2000.technician.b", "2015-01-01", history(held("senior", "2007-01-01"), work("2000-01-01"))),
    ("2000.technician.c", "2014-08-01",
     history(held("senior", "2014-01-01"), work("2012-08-01"),
             diploma("senior_technical_school", "senior_class", graduated="2012-07-01"))),
    ("2000.senior_technician.a", "2014-01-01",
     history(held("technician", "2011-01-01"), work("2000-01-01"),
             trained("senior_technician", 120, "2013-01-01"))),
    ("2000.senior_technician.b", "2015-01-01", history(held("technician", "2010-01-01"), work("2000-01-01"))),
    # 2.2, 2018 template, cumulative years; the first case has a break that cumulative counting bridges
    ("2018.junior.a", "2021-04-01", history(work("2020-01-01", "2020-03-31"), work("2020-07-01"))),
    ("2018.junior.b", "2021-03-01", history(held("apprentice", "2021-03-01"))),
    ("2018.intermediate.a", "2021-01-01", history(held("junior", "2017-01-01"), work("2016-01-01"))),
    ("2018.intermediate.b", "2021-01-01", history(work("2015-01-01"))),
    ("2018.intermediate.c", "2020-07-01", history(diploma("technical_school", graduated="2020-07-01"))),
    ("2018.senior.a", "2021-01-01", history(held("intermediate", "2016-01-01"), work("2015-01-01"))),
    ("2018.senior.b", "2020-07-01",
     history(held("intermediate", "2019-01-01"),
             diploma("technician_college", "senior_class", graduated="2020-07-01"))),
    ("2018.senior.c", "2020-07-01",
     history(held("intermediate", "2019-01-01"), diploma("higher_vocational", graduated="2020-07-01"))),
    ("2018.senior.d", "2021-01-01",
     history(held("intermediate", "2019-01-01"), work("2015-08-01"),
             diploma("bachelor", graduated="2015-07-01"))),
    ("2018.technician.a", "2021-01-01", history(held("senior", "2017-01-01"), work("2012-01-01"))),
    ("2018.technician.b", "2021-01-01",
     history(held("senior", "2019-01-01"), work("2018-01-01"),
             diploma("technician_college", "senior_class", graduated="2017-07-01"))),
    ("2018.technician.c", "2021-03-01",
     history(work("2019-03-01"),
             diploma("technician_college", "preparatory_technician_class", graduated="2019-01-15"))),
    ("2018.senior_technician.a", "2021-01-01", history(held("technician", "2017-01-01"), work("2010-01-01"))),
]


@pytest.mark.parametrize(("clause", "since", "worker"), ELIGIBLE, ids=[c[0] for c in ELIGIBLE])
def test_worker_meeting_the_clause_is_eligible_from_the_day_it_was_met(clause, since, worker):
    result = evaluate_alone(clause, worker)
    assert result.eligible
    assert result.matched_clause == clause
    assert result.eligible_from == D(since)
    assert result.missing == ()


IN_FIELD = "（本专业或相关专业）"
SCHOOLS_ZH = "需具备以下学历之一：中等职业学校、技工学校" + IN_FIELD
SCHOOLS_EN = "Needs one of these diplomas: secondary vocational school, technical school (in the field)"
# (clause, eligible_from or None, missing zh, missing en, history)
NOT_YET = [
    ("2000.junior.a", None, "还需完成初级工培训 200 学时", "200 more training hours towards Junior Worker",
     history(trained("junior", 400, "2015-03-01"))),
    ("2000.junior.b", "2016-09-01",
     "还需连续从事本职业 1 年 3 个月", "1 year 3 months more of continuous work in the occupation",
     history(work("2014-09-01"))),
    ("2000.junior.c", None, "需先取得学徒工等级", "Needs Apprentice first", history()),
    ("2000.intermediate.a", "2016-05-01", "还需在初级工等级工作 11 个月", "11 more months at Junior Worker",
     history(held("junior", "2013-05-01"), work("2010-01-01"), trained("intermediate", 500, "2014-01-10"))),
    ("2000.intermediate.b", "2017-06-01", "还需在初级工等级工作 2 年", "2 more years at Junior Worker",
     history(held("junior", "2012-06-01"), work("2010-01-01"))),
    ("2000.intermediate.c", "2017-06-01",
     "还需连续从事本职业 2 年", "2 more years of continuous work in the occupation",
     history(work("2010-06-01"))),
    ("2000.intermediate.d", None, SCHOOLS_ZH, SCHOOLS_EN,
     history(diploma("technical_school", major=OTHER, graduated="2014-07-01"))),
    ("2000.senior.a", "2016-03-01", "还需在中级工等级工作 9 个月", "9 more months at Intermediate Worker",
     history(held("intermediate", "2012-03-01"), work("2005-01-01"), trained("senior", 320, "2013-01-01"))),
    ("2000.senior.b", "2016-06-01", "还需在中级工等级工作 1 年", "1 more year at Intermediate Worker",
     history(held("intermediate", "2009-06-01"), work("2005-01-01"))),
    ("2000.senior.c", None,
     "需具备以下学历之一：高等职业学校、高级技工学校、技师学院（预备技师班）、技师学院（高级工班）" + IN_FIELD,
     "Needs one of these diplomas: higher vocational college, senior technical school, technician college "
     "(preparatory technician class), technician college (senior class) (in the field)",
     history(diploma("junior_college", graduated="2014-07-01"))),
    ("2000.senior.d", "2016-01-01", "还需在中级工等级工作 7 个月", "7 more months at Intermediate Worker",
     history(held("intermediate", "2014-01-01"), work("2012-08-01"),
             diploma("junior_college", graduated="2012-07-01"))),
    ("2000.technician.a", None, "还需完成技师培训 50 学时", "50 more training hours towards Technician",
     history(held("senior", "2009-01-01"), work("2005-01-01"), trained("technician", 150, "2012-01-01"))),
    ("2000.technician.b", "2018-01-01",
     "还需在高级工等级工作 2 年 7 个月", "2 years 7 months more at Senior Worker",
     history(held("senior", "2010-01-01"), work("2000-01-01"))),
    ("2000.technician.c", "2016-03-01",
     "还需毕业后连续从事本职业 9 个月", "9 more months of continuous work in the occupation after graduation",
     history(held("senior", "2014-01-01"), work("2014-03-01"),
             diploma("senior_technical_school", "senior_class", graduated="2012-07-01"))),
    ("2000.senior_technician.a", "2016-01-01", "还需在技师等级工作 7 个月", "7 more months at Technician",
     history(held("technician", "2013-01-01"), work("2000-01-01"),
             trained("senior_technician", 120, "2013-06-01"))),
    ("2000.senior_technician.b", "2016-01-01", "还需在技师等级工作 7 个月", "7 more months at Technician",
     history(held("technician", "2011-01-01"), work("2000-01-01"))),
    ("2018.junior.a", "2022-01-01",
     "还需累计从事本职业 7 个月", "7 more months of cumulative work in the occupation",
     history(work("2021-01-01"))),
    ("2018.junior.b", None, "需先取得学徒工等级", "Needs Apprentice first", history()),
    ("2018.intermediate.a", "2022-06-01", "还需在初级工等级工作 1 年", "1 more year at Junior Worker",
     history(held("junior", "2018-06-01"), work("2016-01-01"))),
    ("2018.intermediate.b", "2022-01-01",
     "还需累计从事本职业 7 个月", "7 more months of cumulative work in the occupation",
     history(work("2016-01-01"))),
    ("2018.intermediate.c", None, SCHOOLS_ZH, SCHOOLS_EN,
     history(diploma("secondary_vocational", major=OTHER, graduated="2020-07-01"))),
    ("2018.senior.a", "2022-03-01", "还需在中级工等级工作 9 个月", "9 more months at Intermediate Worker",
     history(held("intermediate", "2017-03-01"), work("2015-01-01"))),
    ("2018.senior.b", None, "需先取得中级工等级", "Needs Intermediate Worker first",
     history(diploma("technician_college", "senior_class", graduated="2020-07-01"))),
    ("2018.senior.c", None, "需具备以下学历之一：高等职业学校" + IN_FIELD,
     "Needs one of these diplomas: higher vocational college (in the field)",
     history(held("intermediate", "2019-01-01"),
             diploma("higher_vocational", major=OTHER, graduated="2020-07-01"))),
    ("2018.senior.d", "2022-01-01", "还需在中级工等级工作 7 个月", "7 more months at Intermediate Worker",
     history(held("intermediate", "2020-01-01"), work("2015-08-01"),
             diploma("bachelor", graduated="2015-07-01"))),
    ("2018.technician.a", "2023-03-01",
     "还需在高级工等级工作 1 年 9 个月", "1 year 9 months more at Senior Worker",
     history(held("senior", "2019-03-01"), work("2012-01-01"))),
    ("2018.technician.b", "2022-01-01",
     "还需毕业后累计从事本职业 7 个月", "7 more months of cumulative work in the occupation after graduation",
     history(held("senior", "2019-01-01"), work("2019-01-01"),
             diploma("technician_college", "senior_class", graduated="2018-07-01"))),
    ("2018.technician.c", None, "需具备以下学历之一：技师学院（预备技师班）",
     "Needs one of these diplomas: technician college (preparatory technician class)",
     history(work("2019-03-01"), diploma("technician_college", "senior_class", graduated="2019-07-01"))),
    ("2018.senior_technician.a", "2022-06-01", "还需在技师等级工作 1 年", "1 more year at Technician",
     history(held("technician", "2018-06-01"), work("2010-01-01"))),
]


@pytest.mark.parametrize(("clause", "since", "zh", "en", "worker"), NOT_YET, ids=[c[0] for c in NOT_YET])
def test_worker_short_of_the_clause_is_told_what_is_missing_and_from_when(clause, since, zh, en, worker):
    result = evaluate_alone(clause, worker)
    assert not result.eligible
    assert result.closest_clause == clause
    assert result.eligible_from == (D(since) if since else None)
    assert result.describe("zh") == (zh,)
    assert result.describe("en") == (en,)


def test_every_clause_of_both_templates_has_a_case_of_each_kind():
    clause_ids = {c.id for code in ("standard-2000", "standard-2018") for c in get_rules(code).clauses}
    assert {c[0] for c in ELIGIBLE} == clause_ids
    assert {c[0] for c in NOT_YET} == clause_ids


def test_any_one_clause_suffices_and_the_earliest_met_is_reported():
    worker = history(held("junior", "2017-01-01"), work("2014-01-01"))
    result = evaluate(worker, OCC, "intermediate", on=ON_2018)
    assert result.eligible and result.rules == "standard-2018"
    assert result.matched_clause == "2018.intermediate.b"  # 6 years in the occupation came before 4 at junior
    assert result.eligible_from == D("2020-01-01")


def test_not_yet_eligible_worker_gets_the_clause_that_is_met_soonest():
    worker = history(held("junior", "2020-01-01"), work("2019-01-01"))
    result = evaluate(worker, OCC, "intermediate", on=ON_2018)
    assert not result.eligible
    assert result.closest_clause == "2018.intermediate.a"  # 4 years at junior: 2024; 6 in the job: 2025
    assert result.eligible_from == D("2024-01-01")
    assert result.describe("zh") == ("还需在初级工等级工作 2 年 7 个月",)


def test_cumulative_counting_bridges_a_break_in_the_occupation():
    worker = history(held("junior", "2017-01-01"), work("2016-01-01", "2018-12-31"), work("2020-01-01"))
    result = evaluate(worker, OCC, "intermediate", on=ON_2018, rules=only("2018.intermediate.a"))
    assert result.eligible_from == D("2022-01-01")  # 2017 and 2018 count, then two more years from 2020


def test_continuous_counting_restarts_after_a_break():
    worker = history(held("junior", "2017-01-01"), work("2016-01-01", "2018-12-31"), work("2020-01-01"))
    continuous = replace(only("2018.intermediate.a"), counting="continuous")
    result = evaluate(worker, OCC, "intermediate", on=ON_2018, rules=continuous)
    assert result.eligible_from == D("2024-01-01")  # only the stretch from 2020 counts


def test_back_to_back_periods_are_one_unbroken_stretch():
    worker = history(work("2013-01-01", "2013-12-31"), work("2014-01-01"))
    result = evaluate(worker, OCC, "junior", on=ON_2000, rules=only("2000.junior.b"))
    assert result.eligible and result.eligible_from == D("2015-01-01")


def test_work_in_another_occupation_does_not_count():
    worker = history(work("2010-01-01", occupation=OTHER))
    result = evaluate(worker, OCC, "junior", on=ON_2018, rules=only("2018.junior.a"))
    assert not result.eligible and result.eligible_from is None
    assert result.describe("en") == ("1 more year of cumulative work in the occupation",)


def test_a_continuous_stretch_that_has_ended_cannot_be_completed_by_waiting():
    worker = history(work("2014-01-01", "2014-12-31"))
    result = evaluate(worker, OCC, "junior", on=ON_2000, rules=only("2000.junior.b"))
    assert result.eligible_from is None
    assert result.describe("zh") == ("还需连续从事本职业 2 年",)


def test_year_counted_from_a_leap_day_ends_on_28_february():
    worker = history(work("2020-02-29"))
    rules = only("2018.junior.a")
    assert not evaluate(worker, OCC, "junior", on=D("2021-02-27"), rules=rules).eligible
    result = evaluate(worker, OCC, "junior", on=D("2021-02-28"), rules=rules)
    assert result.eligible and result.eligible_from == D("2021-02-28")


def test_four_years_from_a_leap_day_end_on_the_next_leap_day():
    worker = history(held("senior", "2016-02-29"), work("2010-01-01"))
    result = evaluate(worker, OCC, "technician", on=D("2020-01-01"), rules=only("2018.technician.a"))
    assert result.eligible_from == D("2020-02-29")


def test_current_year_students_may_apply_under_the_2018_template():
    worker = history(held("intermediate", "2020-06-01"),
                     diploma("technician_college", "senior_class", graduated="2021-07-01", current=True))
    result = evaluate(worker, OCC, "senior", on=ON_2018, rules=only("2018.senior.b"))
    assert result.eligible and result.eligible_from == ON_2018


def test_current_year_students_wait_for_the_diploma_under_the_older_template():
    worker = history(diploma("technical_school", graduated="2015-07-01", current=True))
    result = evaluate(worker, OCC, "intermediate", on=ON_2000, rules=only("2000.intermediate.d"))
    assert not result.eligible and result.eligible_from == D("2015-07-01")


def test_training_in_progress_does_not_count():
    worker = history(TrainingRecord(OCC, "junior", 600, None))
    result = evaluate(worker, OCC, "junior", on=ON_2000, rules=only("2000.junior.a"))
    assert not result.eligible and result.describe("zh") == ("还需完成初级工培训 600 学时",)


def test_a_level_reached_by_skipping_counts_as_the_previous_level():
    worker = history(held("senior", "2017-01-01", route="skip"), work("2010-01-01"))
    assert evaluate(worker, OCC, "technician", on=ON_2018).matched_clause == "2018.technician.a"


def test_a_level_already_held_is_reported_not_evaluated():
    result = evaluate(history(held("technician", "2019-01-01")), OCC, "senior", on=ON_2018)
    assert not result.eligible
    assert result.describe("zh") == ("已取得高级工或更高等级",)


def test_posts_by_appointment_have_no_regular_route():
    with pytest.raises(NoRegularRoute, match="appointment"):
        evaluate(history(), OCC, "principal_technician", on=ON_2018)


@pytest.mark.parametrize(("on", "template"), [
    ("2013-05-01", "standard-2000"), ("2018-12-25", "standard-2000"),
    ("2018-12-26", "standard-2018"), ("2024-01-01", "standard-2018"),
])
def test_the_template_in_force_is_chosen_by_date(on, template):
    assert rules_for(OCC, D(on)).code == template


@pytest.mark.parametrize(("levels", "expected"), [
    ((), "junior"),
    (("apprentice",), "junior"),
    (("junior", "intermediate"), "senior"),
    (("intermediate", "technician"), "senior_technician"),  # a skipped level does not hold the worker back
    (("senior_technician",), None),
])
def test_next_regular_target_is_one_above_the_highest_level_held(levels, expected):
    worker = history(*(held(level, "2015-01-01") for level in levels))
    assert next_regular_target(worker, OCC) == expected


def test_history_values_reject_unknown_codes():
    with pytest.raises(ValueError, match="school type"):
        Diploma("university")
    with pytest.raises(ValueError, match="promotion route"):
        HeldLevel(OCC, "senior", D("2020-01-01"), "bribery")
    with pytest.raises(ValueError, match="before it starts"):
        WorkPeriod(OCC, D("2020-01-01"), D("2019-01-01"))

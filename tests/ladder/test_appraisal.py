from datetime import date

import pytest

from ladder.appraisal import ScoreOutOfRange, judge, pass_rule, retake_deadline

ON = date(2024, 6, 1)


@pytest.mark.parametrize(("level", "theory", "practical", "review", "passed"), [
    ("senior", 60, 60, None, True),
    ("senior", 59.5, 90, None, False),
    ("senior", 90, 59, None, False),
    ("technician", 80, 80, 60, True),
    ("technician", 80, 80, None, False),
    ("senior_technician", 80, 80, 59, False),
])
def test_pass_needs_sixty_on_each_part_and_a_review_from_technician_up(level, theory, practical, review, passed):
    assert judge(level, theory, practical, review, on=ON).passed is passed


def test_a_failed_sitting_says_which_part_failed_in_both_languages():
    verdict = judge("technician", 55, 70, None, on=ON)
    assert [r.en for r in verdict.reasons] == ["theory exam 55, below 60",
                                              "comprehensive review score missing (required for Technician and above)"]
    assert verdict.reasons[0].zh == "理论知识考试 55 分，低于 60 分"


@pytest.mark.parametrize("score", [-1, 100.5, 101])
def test_scores_outside_zero_to_hundred_are_refused(score):
    with pytest.raises(ScoreOutOfRange):
        judge("junior", score, 70, None, on=ON)


# ---- incomplete sittings and the retake window (issue 14 items 3 and 4) -------------------------------

@pytest.mark.parametrize(("level", "theory", "practical", "review", "outcome"), [
    ("technician", 80, 80, None, "incomplete"),  # the review is still to come, nothing below the mark
    ("senior_technician", 60, 60, None, "incomplete"),
    ("technician", 59, 80, None, "failed"),  # a part below the mark fails it whatever is missing
    ("technician", 80, 80, 60, "passed"),
    ("technician", 80, 80, 59.5, "failed"),
    ("senior", 80, 80, None, "passed"),  # no review below technician: nothing is missing
])
def test_a_missing_review_makes_the_sitting_incomplete_not_failed(level, theory, practical, review, outcome):
    verdict = judge(level, theory, practical, review, on=ON)

    assert verdict.outcome == outcome
    assert verdict.incomplete is (outcome == "incomplete")
    assert verdict.passed is (outcome == "passed")


def test_an_incomplete_sitting_says_what_is_missing():
    verdict = judge("technician", 80, 80, None, on=ON)

    assert verdict.missing == ("review",)
    assert [r.en for r in verdict.reasons] == [
        "comprehensive review score missing (required for Technician and above)"]


@pytest.mark.parametrize(("exam", "deadline"), [
    (date(2024, 6, 1), date(2025, 6, 1)),
    (date(2024, 2, 29), date(2025, 2, 28)),  # no 29 February: the last day of the month (Civil Code art. 202)
    (date(2023, 12, 31), date(2024, 12, 31)),
])
def test_the_retake_window_is_twelve_months_from_the_failed_sitting(exam, deadline):
    assert retake_deadline(exam) == deadline


def test_the_retake_window_is_dated_data_with_its_source():
    rule = pass_rule(ON)

    assert rule.retake_months == 12
    assert rule.retake_source.startswith("[U]")

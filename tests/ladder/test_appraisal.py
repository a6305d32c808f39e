from datetime import date

import pytest

from ladder.appraisal import ScoreOutOfRange, judge

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

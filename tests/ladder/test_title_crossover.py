"""A professional title stands in for the level below the skill level it crosses over to (DOMAIN §5.2 item 4):
助理级/中级/副高级 → 高级工/技师/高级技师, with the standard's years counted from the title, in the occupation of
the worker's post, while a national crossover policy is in force."""

from __future__ import annotations

from datetime import date

import pytest

from ladder.eligibility import evaluate
from ladder.frameworks import UnknownTitle
from ladder.history import HeldTitle, WorkerHistory, WorkPeriod

LATHE = "6-18-01-01"
ON = date(2025, 1, 15)


def history(*titles: HeldTitle, worked_in: str = LATHE) -> WorkerHistory:
    return WorkerHistory(work_periods=(WorkPeriod(worked_in, date(2010, 1, 1)),), titles=titles)


@pytest.mark.parametrize(("grade", "target", "stands_in_for"), [
    ("assistant", "senior", "intermediate"), ("intermediate", "technician", "senior"),
    ("associate_senior", "senior_technician", "technician"),
])
def test_a_title_stands_in_for_the_level_below_its_crossover_target(grade, target, stands_in_for):
    held = history(HeldTitle("engineering", grade, date(2015, 1, 1)))

    [stand_in] = held.title_stand_ins(LATHE, target, ON)

    assert (stand_in.level_code, stand_in.reached_on, stand_in.route) == (stands_in_for, date(2015, 1, 1),
                                                                         "title_crossover")
    assert evaluate(held, LATHE, target, on=ON).eligible


def test_the_standards_years_still_count_from_the_title():
    result = evaluate(history(HeldTitle("engineering", "assistant", date(2022, 1, 1))), LATHE, "senior", on=ON)

    assert not result.eligible and result.eligible_from == date(2027, 1, 1)


@pytest.mark.parametrize(("held", "target", "on"), [
    (history(HeldTitle("engineering", "assistant", date(2015, 1, 1)), worked_in="6-18-01-02"), "senior", ON),
    (history(HeldTitle("engineering", "assistant", date(2015, 1, 1))), "technician", ON),
    (history(HeldTitle("engineering", "entry", date(2015, 1, 1))), "senior", ON),
    (history(HeldTitle("engineering", "assistant", date(2015, 1, 1))), "senior", date(2019, 6, 1)),
])
def test_no_stand_in_outside_the_post_the_grade_or_the_policys_dates(held, target, on):
    assert held.title_stand_ins(LATHE, target, on) == ()


def test_a_title_does_not_make_a_lower_level_already_held():
    result = evaluate(history(HeldTitle("engineering", "assistant", date(2015, 1, 1))), LATHE, "intermediate", on=ON)

    assert all(m.code != "already_held" for m in result.missing)


def test_an_unknown_series_or_grade_is_refused():
    with pytest.raises(UnknownTitle):
        HeldTitle("engineering", "wizard", date(2015, 1, 1))

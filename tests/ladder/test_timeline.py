"""Calendar arithmetic behind "N years in the occupation"."""

from datetime import date

import pytest

from ladder.eligibility import WorkPeriod
from ladder.timeline import WorkTime, add_years, merge_periods, months_until

D = date.fromisoformat


@pytest.mark.parametrize(("start", "years", "expected"), [
    ("2015-03-01", 4, "2019-03-01"),
    ("2016-02-29", 1, "2017-02-28"),  # no 29 Feb: the month's last day (Civil Code art. 202)
    ("2016-02-29", 4, "2020-02-29"),
    ("2015-12-31", 1, "2016-12-31"),
])
def test_add_years_is_exact_calendar_arithmetic(start, years, expected):
    assert add_years(D(start), years) == D(expected)


@pytest.mark.parametrize(("start", "end", "months"), [
    ("2021-06-01", "2023-06-01", 24), ("2021-06-01", "2023-06-02", 25), ("2021-01-31", "2021-02-28", 1),
    ("2021-06-01", "2021-06-01", 0), ("2021-06-01", "2020-06-01", 0),
])
def test_months_until_rounds_up(start, end, months):
    assert months_until(D(start), D(end)) == months


def test_overlapping_and_back_to_back_periods_merge():
    periods = [WorkPeriod("x", D("2010-01-01"), D("2010-12-31")),
               WorkPeriod("x", D("2011-01-01"), D("2011-06-30")),
               WorkPeriod("x", D("2011-03-01"), D("2011-09-30")), WorkPeriod("x", D("2012-01-01")),
               WorkPeriod("y", D("2011-10-01"))]
    assert merge_periods(periods, "x") == ((D("2010-01-01"), D("2011-10-01")), (D("2012-01-01"), None))


def test_worked_days_stop_at_the_day_of_evaluation():
    work = WorkTime.of([WorkPeriod("x", D("2020-01-01"))], "x", continuous=False, on=D("2020-01-11"))
    assert work.worked_days(D("2020-01-01")) == 10
    assert work.worked_days(D("2020-01-06")) == 5

"""Calendar arithmetic for "N years in the occupation": exact dates, never 365-day approximations."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

_DAYS_PER_YEAR = 365.2425  # only to report elapsed time as a number; decisions use calendar dates


class _Period(Protocol):  # read-only members, so frozen dataclasses such as history.WorkPeriod match
    @property
    def occupation_code(self) -> str: ...
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date | None: ...


def add_months(d: date, months: int) -> date:
    """Same day `months` later; a day the target month lacks becomes its last day.

    This is how Chinese law counts periods in years and months (Civil Code art. 202: with no corresponding
    day, the period ends on the last day of the month), so a level reached on 29 Feb counts a full year on
    28 Feb of a common year.
    """
    year, month = divmod(d.month - 1 + months, 12)
    year, month = d.year + year, month + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def months_until(start: date, end: date) -> int:
    """Whole months from start to end, rounded up (a worker must not be told to apply too early)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) < end:
        months += 1
    return max(months, 0)


def calendar_span(start: date, end: date) -> tuple[int, int]:
    """Whole calendar months from `start` up to `end` (exclusive), and the days left over after them."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    months = max(months, 0)
    return months, max((end - add_months(start, months)).days, 0)


def due_after(start: date, months: int, credit: tuple[int, int] = (0, 0)) -> date:
    """First day `months` calendar months are complete for work from `start` on, given `credit`: the whole
    months and left-over days already worked in earlier stretches.

    Whole months count as months on the calendar (so a stretch that held 29 February is worth exactly its
    months); only the left-over days move the start back day for day. Never before `start`.
    """
    credited_months, credited_days = credit
    return max(add_months(start - timedelta(days=credited_days), months - credited_months), start)


def years_between(days: int) -> float:
    return days / _DAYS_PER_YEAR


def in_window(on: date | None, valid_from: date | None, valid_to: date | None) -> bool:
    """Whether `on` falls in a validity window with open (None) bounds; `on=None` asks about any date."""
    return on is None or ((valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to))


class Dated:
    """A rule with a validity window; a missing bound is open."""

    valid_from: date | None
    valid_to: date | None

    def in_force(self, on: date | None) -> bool:
        return in_window(on, self.valid_from, self.valid_to)

    def overlaps(self, other: Dated) -> bool:
        """Some day lies in both windows."""
        return ((self.valid_to is None or other.valid_from is None or other.valid_from <= self.valid_to)
                and (other.valid_to is None or self.valid_from is None or self.valid_from <= other.valid_to))


Span = tuple[date, date | None]  # [start, end) with end exclusive; None while the work goes on


def merge_periods(periods: Iterable[_Period], occupation_code: str) -> tuple[Span, ...]:
    """Work in one occupation as unbroken stretches: overlapping or back-to-back periods join."""
    # By start only: two periods starting the same day, one still open (end None), cannot compare their ends
    # (a period and another occupation's period related to this one; found by tests/properties).
    spans = sorted(((p.start, None if p.end is None else p.end + timedelta(days=1))
                    for p in periods if p.occupation_code == occupation_code), key=lambda span: span[0])
    merged: list[Span] = []
    for start, end in spans:
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            last_start, last_end = merged[-1]
            merged[-1] = (last_start, None if last_end is None or end is None else max(last_end, end))
        else:
            merged.append((start, end))
    return tuple(merged)


@dataclass(frozen=True)
class WorkTime:
    """Time worked in one occupation, as seen on `on`, projecting open periods forward.

    Cumulative (累计) counts every stretch; continuous (连续) counts only the latest stretch that began
    by `on`: a break restarts the count.
    """

    stretches: tuple[Span, ...]
    continuous: bool
    on: date

    @classmethod
    def of(cls, periods: Iterable[_Period], occupation_code: str, *, continuous: bool, on: date) -> WorkTime:
        return cls(merge_periods(periods, occupation_code), continuous, on)

    def _counted(self) -> tuple[Span, ...]:
        if not self.continuous:
            return self.stretches
        started = tuple(span for span in self.stretches if span[0] <= self.on)
        return started[-1:]

    def reached(self, anchor: date, years: int) -> date | None:
        """First day `years` of work since `anchor` are complete; None if the recorded work stops short.

        Separate stretches add up on the calendar: each one's whole months, then the left-over days (see
        `due_after`), never 365-day years or 30-day months.
        """
        credit = (0, 0)
        for start, end in self._counted():
            start = max(start, anchor)
            if end is not None and start >= end:
                continue
            due = due_after(start, 12 * years, credit)
            if end is None or due <= end:
                return due
            months, days = calendar_span(start, end)
            credit = (credit[0] + months, credit[1] + days)
        return None

    def credit(self, anchor: date) -> tuple[int, int]:
        """Whole months and left-over days worked since `anchor`, up to `on` (exclusive)."""
        months = days = 0
        for start, end in self._counted():
            start, stop = max(start, anchor), self.on if end is None else min(end, self.on)
            if start < stop:
                span = calendar_span(start, stop)
                months, days = months + span[0], days + span[1]
        return months, days

    def worked_days(self, anchor: date) -> int:
        """Days worked from `anchor` up to `on` (exclusive)."""
        total = 0
        for start, end in self._counted():
            stop = self.on if end is None else min(end, self.on)
            total += max((stop - max(start, anchor)).days, 0)
        return total

"""One "today" for the whole product: the date in China (Asia/Shanghai, UTC+8, no daylight saving).

The servers keep UTC, so `date.today()` turns at 08:00 Beijing time: between midnight and 08:00 a page
would show yesterday, a certificate issued "today" would be dated the day before, and an approval would
expire eight hours late. Every default "today" in the product comes from here; timestamps stay UTC in the
database (`models.base.utcnow`) and are shown in China time by the pages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def china_now(now: datetime | None = None) -> datetime:
    """A moment in China time: the current one, or `now` (a naive one is UTC, as the database keeps them)."""
    moment = now or datetime.now(UTC)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(CHINA)


def china_today(now: datetime | None = None) -> date:
    """Today's date in China."""
    return china_now(now).date()


def china_date(moment: datetime) -> date:
    """The date in China of a stored timestamp (a naive one is UTC, as the database keeps them)."""
    return china_now(moment).date()

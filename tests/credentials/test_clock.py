"""One today, in China's time zone, whatever the server's."""

from datetime import UTC, date, datetime

from credentials.clock import china_date, china_now, china_today


def test_china_today_turns_at_midnight_beijing_time_not_utc():
    assert china_today(datetime(2024, 6, 30, 15, 59, 59, tzinfo=UTC)) == date(2024, 6, 30)
    assert china_today(datetime(2024, 6, 30, 16, 0, 0, tzinfo=UTC)) == date(2024, 7, 1)  # 00:00 in Beijing


def test_china_now_is_aware_and_eight_hours_ahead():
    moment = china_now(datetime(2024, 7, 1, 0, 0, tzinfo=UTC))
    assert moment.utcoffset().total_seconds() == 8 * 3600 and moment.hour == 8


def test_a_stored_timestamp_is_dated_in_china():
    assert china_date(datetime(2024, 6, 30, 16, 30, tzinfo=UTC)) == date(2024, 7, 1)
    assert china_date(datetime(2024, 6, 30, 16, 30)) == date(2024, 7, 1)  # naive: UTC, as the database keeps it
    assert china_date(datetime(2024, 6, 30, 15, 30)) == date(2024, 6, 30)

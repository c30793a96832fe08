from datetime import date, time

import pytest

from bot.practice.schedule import (
    ChannelClock,
    ScheduleError,
    due_by_clock,
    local_date,
    local_instant,
    next_occurrence,
    parse_weekdays,
    week_bounds_utc,
    week_start,
)
from tests.conftest import utc


def test_local_date_far_east_is_already_tomorrow() -> None:
    # 20:00 UTC on Monday is 09:00 Tuesday in Kiritimati (UTC+14).
    assert local_date(utc(2026, 3, 2, 20, 0), "Pacific/Kiritimati") == date(2026, 3, 3)


def test_local_date_far_west_is_still_yesterday() -> None:
    # 05:00 UTC on Tuesday is 18:00 Monday in Pago Pago (UTC-11).
    assert local_date(utc(2026, 3, 3, 5, 0), "Pacific/Pago_Pago") == date(2026, 3, 2)


def test_post_instant_follows_daylight_saving() -> None:
    # New York: 09:00 is 14:00 UTC in winter and 13:00 UTC after 8 March 2026.
    assert local_instant(date(2026, 3, 6), time(9), "America/New_York") == utc(2026, 3, 6, 14)
    assert local_instant(date(2026, 3, 9), time(9), "America/New_York") == utc(2026, 3, 9, 13)


def test_time_in_spring_forward_gap_still_has_an_instant() -> None:
    # 02:30 does not exist in Berlin on 29 March 2026; it maps to 03:30 CEST (01:30 UTC).
    assert local_instant(date(2026, 3, 29), time(2, 30), "Europe/Berlin") == utc(2026, 3, 29, 1, 30)


def test_week_runs_monday_to_sunday_in_local_time() -> None:
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)  # a Sunday
    start, end = week_bounds_utc(date(2026, 3, 2), "Asia/Tokyo")
    assert start == utc(2026, 3, 1, 15) and end == utc(2026, 3, 8, 15)


def test_next_occurrence_skips_non_practice_days() -> None:
    friday_evening = utc(2026, 3, 6, 18)
    nxt = next_occurrence(friday_evening, time(9), parse_weekdays("1,2,3,4,5"), "UTC")
    assert nxt == utc(2026, 3, 9, 9)


@pytest.mark.parametrize("text", ["", "0", "8", "mon", "1,,x"])
def test_bad_weekdays_are_refused(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_weekdays(text)


def test_due_by_clock_asks_once_per_distinct_schedule_and_keeps_the_channels_order() -> None:
    berlin = ChannelClock("Europe/Berlin", "1,2,3,4,5", "09:00", 1, "09:00")
    late = ChannelClock("Europe/Berlin", "1,2,3,4,5", "10:00", 1, "09:00")
    asked: list[ChannelClock] = []

    def when(clock: ChannelClock) -> date | None:
        asked.append(clock)
        return date(2026, 3, 2) if clock.post_time == "09:00" else None

    clocks = [(7, berlin), (3, late), (5, berlin), (9, late), (1, berlin)]
    assert due_by_clock(clocks, when) == [
        (7, date(2026, 3, 2)),
        (5, date(2026, 3, 2)),
        (1, date(2026, 3, 2)),
    ]
    assert asked == [berlin, late]

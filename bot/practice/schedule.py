"""Local time for channels: practice days, post instants, weeks (Monday to Sunday).

Every function takes an explicit `now` (aware UTC); nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ScheduleError(ValueError):
    """A schedule setting that cannot be used; the message is fit to show a user."""


class ChannelClock(NamedTuple):
    """A channel's schedule settings, named as `Channel`'s columns: all that decides when its
    prompts, weekly leaderboards and season posts are due. Channels mostly share one (a few
    zones, the default times). A tuple, so the due scans' lookups hash it in C (a frozen
    dataclass's hash was a tenth of an idle tick)."""

    timezone: str
    weekdays: str
    post_time: str
    leaderboard_weekday: int
    leaderboard_time: str


Due = TypeVar("Due")


def due_by_clock(
    clocks: Iterable[tuple[int, ChannelClock]], when: Callable[[ChannelClock], Due | None]
) -> list[tuple[int, Due]]:
    """(channel pk, what `when` says is due) for each channel it says is due at all.

    `when` runs once per distinct clock, not once per channel: at a thousand channels in four
    zones, working out each channel's local date and due instant again was a third of an idle
    tick (docs/benchmarks-history.md, issue 27's sixth session).
    """
    seen: dict[ChannelClock, Due | None] = {}
    due = []
    for pk, clock in clocks:
        if clock not in seen:
            seen[clock] = when(clock)
        if (value := seen[clock]) is not None:
            due.append((pk, value))
    return due


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"'{name}' is not a time zone I know (try e.g. Europe/Berlin)") from exc


def is_known_zone(name: str) -> bool:
    return name in available_timezones()


def parse_hhmm(text: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ScheduleError(f"'{text}' is not a time of day like 09:00") from exc


def parse_weekdays(text: str) -> frozenset[int]:
    """ "1,2,3,4,5" (ISO numbers) into a set; raises ScheduleError on anything else."""
    try:
        days = frozenset(int(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ScheduleError(f"'{text}' is not a list of weekdays") from exc
    if not days or not days <= set(range(1, 8)):
        raise ScheduleError("pick at least one weekday")
    return days


def format_weekdays(days: frozenset[int] | set[int]) -> str:
    return ",".join(str(d) for d in sorted(days))


def describe_weekdays(days: frozenset[int] | set[int]) -> str:
    if set(days) == {1, 2, 3, 4, 5}:
        return "weekdays"
    if set(days) == set(range(1, 8)):
        return "every day"
    return ", ".join(WEEKDAY_NAMES[d - 1].capitalize() for d in sorted(days))


def local_now(now: datetime, tz: str) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone(tz))


def local_date(now: datetime, tz: str) -> date:
    return local_now(now, tz).date()


def local_instant(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `tz`.

    On a spring-forward day a time inside the gap is taken as the same offset as before the
    gap (so 02:30 becomes 03:30 local), and on a fall-back day the first of the two.
    """
    return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(UTC)


def week_start(day: date) -> date:
    """The Monday of the Monday-to-Sunday week holding `day`."""
    return day - timedelta(days=day.isoweekday() - 1)


def week_bounds_utc(monday: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of the local week starting on `monday`, as UTC instants."""
    start = local_instant(monday, time(0, 0), tz)
    end = local_instant(monday + timedelta(days=7), time(0, 0), tz)
    return start, end


def next_occurrence(now: datetime, at: time, weekdays: frozenset[int], tz: str) -> datetime | None:
    """The next instant after `now` at local time `at` on one of `weekdays`."""
    today = local_date(now, tz)
    for offset in range(0, 8):
        day = today + timedelta(days=offset)
        if day.isoweekday() in weekdays:
            instant = local_instant(day, at, tz)
            if instant > now:
                return instant
    return None

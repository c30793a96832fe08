"""When a member can meet: time windows over the next days, in their own time zone.

A pick is a local window start, "YYYY-MM-DD HH" in the member's IANA time zone; each window
lasts `BLOCK` (3 hours). The modal offers `BLOCK_STARTS` on each of the next `DAYS` days;
`/mock [note]` without the modal picks the member's working hours (`WORKING_HOURS`). Windows
are kept as [start, end) UTC epoch seconds, merged, so matching compares plain numbers and a
daylight-saving change is handled once, here, by zoneinfo.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = 7
BLOCK = timedelta(hours=3)
BLOCK_STARTS = (6, 9, 12, 15, 18, 21)  # local hours: 06-09 ... 21-24
# "Any time in my working hours": Monday to Friday, 09:00-18:00 in the member's time zone.
WORKING_HOURS = (9, 12, 15)
WORKING_DAYS = range(5)
# Two requests match only on a shared slot this long (MOCK_SLOT_MINUTES); the slot lasts it.
MIN_SLOT = timedelta(minutes=45)
# A slot starts at least this long after the match, on a quarter hour.
LEAD = timedelta(hours=1)
QUARTER = 15 * 60

Window = tuple[int, int]  # [start, end) UTC epoch seconds


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime


def zone(tz: str) -> ZoneInfo:
    """The member's time zone; UTC when Slack gave none or one zoneinfo does not know."""
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_days(tz: str, now: datetime) -> list[date]:
    """The next DAYS dates in the member's time zone, today first."""
    today = now.astimezone(zone(tz)).date()
    return [today + timedelta(days=i) for i in range(DAYS)]


def pick(day: date, hour: int) -> str:
    return f"{day.isoformat()} {hour:02d}"


def parse_pick(text: str) -> tuple[date, int] | None:
    """A pick's date and hour; None for anything else (a stale or forged value)."""
    day_text, _, hour_text = text.partition(" ")
    try:
        day, hour = date.fromisoformat(day_text), int(hour_text)
    except ValueError:
        return None
    return (day, hour) if hour in BLOCK_STARTS else None


def working_hours_picks(tz: str, now: datetime) -> list[str]:
    return [
        pick(day, hour)
        for day in local_days(tz, now)
        if day.weekday() in WORKING_DAYS
        for hour in WORKING_HOURS
    ]


def prefill(previous: Sequence[str], tz: str, now: datetime) -> list[str]:
    """The last request's picks carried onto the next DAYS days by weekday and hour."""
    wanted = set()
    for text in previous:
        parsed = parse_pick(text)
        if parsed is not None:
            wanted.add((parsed[0].weekday(), parsed[1]))
    return [
        pick(day, hour)
        for day in local_days(tz, now)
        for hour in BLOCK_STARTS
        if (day.weekday(), hour) in wanted
    ]


def windows_for(picks: Iterable[str], tz: str) -> list[Window]:
    """The picks as merged [start, end) UTC epoch windows."""
    where = zone(tz)
    spans = []
    for text in picks:
        parsed = parse_pick(text)
        if parsed is None:
            continue
        day, hour = parsed
        start = datetime(day.year, day.month, day.day, hour, tzinfo=where)
        spans.append((int(start.timestamp()), int((start + BLOCK).timestamp())))
    return merge(spans)


def merge(spans: Iterable[Window]) -> list[Window]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _overlap(a: Sequence[Sequence[int]], b: Sequence[Sequence[int]]) -> list[Window]:
    shared = []
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                shared.append((start, end))
    return merge(shared)


def shared_slot(
    a: Sequence[Sequence[int]],
    b: Sequence[Sequence[int]],
    length: timedelta,
    not_before: datetime,
) -> Slot | None:
    """The earliest slot of `length` both can make, starting on a quarter hour no earlier
    than `not_before`; None when they share no such time."""
    earliest = -(-int(not_before.timestamp()) // QUARTER) * QUARTER
    seconds = int(length.total_seconds())
    for start, end in _overlap(a, b):
        begin = max(earliest, -(-start // QUARTER) * QUARTER)
        if begin + seconds <= end:
            first = datetime.fromtimestamp(begin, UTC)
            return Slot(first, first + length)
    return None


def nearest_window(
    own: Sequence[Sequence[int]], others: Iterable[Sequence[Sequence[int]]], after: datetime
) -> Window | None:
    """Of the windows others gave (ending after `after`), the one closest to any of `own`:
    what the member could have picked to be matched."""
    floor = int(after.timestamp())
    best: tuple[int, Window] | None = None
    for windows in others:
        for start, end in windows:
            if end <= floor:
                continue
            gap = min(
                (max(o_start - end, start - o_end, 0) for o_start, o_end in own),
                default=0,
            )
            if best is None or (gap, (start, end)) < best:
                best = (gap, (max(start, floor), end))
    return best[1] if best else None


def local_label(when: datetime, tz: str) -> str:
    """e.g. "Tue 3 Mar, 19:00 EST": a time as the member reads it (also the text fallback)."""
    local = when.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} {local.tzname()}"

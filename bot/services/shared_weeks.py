"""One tally for the `/practice leaderboard` requests that queued for the same week.

Tallies run one at a time in a process (`leaderboards._TALLYING`). On a busy Monday morning
dozens of people ask for the same channel's standings within seconds, and each waited its turn
to make the same tally again: a few milliseconds of CPU each for a small channel, more for a
large one, all of it taken from the request threads' acks (the GIL). Here a tally is kept while
requests are still waiting, and a waiting request uses it when it was begun after the request
arrived: its reads are then at least as recent as the request's own would have been, so nobody
sees standings older than their question. Nothing is kept once nobody waits.

What differs per person (their own row's criteria and reviewers, wherever they rank) is read
for each request on top of the shared week (`tally.with_rows_shown`), never written into it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from bot.practice.leaderboard.week import Week
from bot.practice.schedule import local_date, week_start


class Key(NamedTuple):
    database: int  # the session factory's id: one process may serve two (the tests do)
    team_id: str
    channel_id: str
    last: bool  # last week's standings


@dataclass(frozen=True)
class MadeWeek:
    """A tally with when it was begun (`time.monotonic`), and what its reuse must match."""

    begun: float
    week: Week  # criteria read for the top rows only; never changed after it is kept
    timezone: str
    monday: date
    names: dict[str, str]


def week_of(now: datetime, timezone: str, last: bool) -> date:
    """The Monday of the channel's week at `now` (the one before with `last`)."""
    monday = week_start(local_date(now, timezone))
    return monday - timedelta(days=7) if last else monday


class SharedWeeks:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting = 0
        self._made: dict[Key, MadeWeek] = {}

    @property
    def queued(self) -> int:
        """How many requests are waiting now."""
        with self._lock:
            return self._waiting

    @property
    def kept(self) -> int:
        """How many tallies are kept now."""
        with self._lock:
            return len(self._made)

    @contextmanager
    def waiting(self) -> Iterator[float]:
        """Count a request as waiting from now until it has its week; yields its arrival."""
        with self._lock:  # counted before its arrival time is taken: see `keep`
            self._waiting += 1
            arrived = time.monotonic()
        try:
            yield arrived
        finally:
            with self._lock:
                self._waiting -= 1
                if not self._waiting:
                    self._made.clear()

    def usable(self, key: Key, now: datetime, arrived: float) -> MadeWeek | None:
        """The kept tally for `key` if it was begun after `arrived` and is of `now`'s week."""
        with self._lock:
            made = self._made.get(key)
        if made is None or made.begun <= arrived:
            return None
        if week_of(now, made.timezone, key.last) != made.monday:
            return None
        return made

    def keep(self, key: Key, made: MadeWeek) -> None:
        """Keep `made` for the requests waiting now. A request that arrives later cannot use
        it (it was begun before), and every one that arrived before it was begun is counted."""
        with self._lock:
            if self._waiting > 1:  # someone besides its maker
                self._made[key] = made


SHARED = SharedWeeks()

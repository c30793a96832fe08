"""The Tier 3 pacer keeps to Slack's sliding minute: never more than the limit in any 60 s,
and no wait beyond what that requires."""

from __future__ import annotations

import math

from bot.slack.thread_reader import WINDOW, Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds


def _times(calls: int, per_minute: int, work: float = 0.0) -> tuple[list[float], Pacer]:
    t = FakeTime()
    pacer = Pacer(per_minute, clock=t.clock, sleep=t.sleep)
    times = []
    for _ in range(calls):
        pacer.wait()
        times.append(t.now)
        t.now += work  # the caller's own time between calls
    return times, pacer


def test_no_minute_holds_more_calls_than_the_limit() -> None:
    times, _ = _times(260, 50, work=0.07)
    for i, start in enumerate(times):
        in_window = [x for x in times[i:] if x < start + WINDOW]
        assert len(in_window) <= 50


def test_the_last_call_starts_with_the_last_window_not_later() -> None:
    # 250 calls: five windows, the first free; the pacer waits four minutes in all, not the
    # 288 s a token bucket with a burst of 10 took.
    times, pacer = _times(250, 50)
    assert times[-1] - times[0] == (math.ceil(250 / 50) - 1) * WINDOW
    assert pacer.waited == 240.0 and pacer.calls == 250


def test_work_between_calls_counts_toward_the_window() -> None:
    # A caller slower than the limit never waits.
    _, pacer = _times(120, 50, work=1.3)
    assert pacer.waited == 0.0


def test_the_first_window_is_not_waited_for() -> None:
    times, pacer = _times(50, 50)
    assert set(times) == {times[0]} and pacer.waited == 0.0

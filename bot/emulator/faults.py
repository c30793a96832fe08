"""Fault injection and rate limiting for the emulator's Web API.

Kept apart from the method handlers so that a handler never has to know whether the call it
serves was meant to fail: the server consults these objects before dispatching.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Fault:
    """One planned failure: an HTTP status (429, 500, 503...), an `ok: false` error, or a
    delay (the call hangs `delay` seconds, then fails as planned or, with neither, succeeds)."""

    status: int | None
    error: str | None
    retry_after: int | None
    remaining: int
    delay: float = 0.0
    drop: str | None = None  # "before" or "after" the method runs: no answer at all


@dataclass(frozen=True)
class Refusal:
    """How the server must answer instead of running the method."""

    status: int
    error: str
    retry_after: int | None = None
    delay: float = 0.0  # real seconds to hang before answering
    proceed: bool = False  # after the delay, run the method as usual
    # The connection is closed without an answer (after `delay`): "before" the method runs
    # (Slack never did it) or "after" it ran (Slack did it; the client cannot know).
    drop: str | None = None


class FaultPlan:
    """Failures queued per method by `SlackEmulator.fail_next`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, deque[Fault]] = {}

    def add(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        drop: str | None = None,
    ) -> None:
        if status is None and error is None and not delay and drop is None:
            raise ValueError("fail_next needs a status, an error, a delay or a drop")
        if drop not in (None, "before", "after"):
            raise ValueError(f"drop is 'before' or 'after', not {drop!r}")
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.setdefault(method, deque()).append(
                Fault(status, error, retry_after, times, delay, drop)
            )

    def take(self, method: str) -> Refusal | None:
        """Consume one planned failure for `method`, if any is queued."""
        with self._lock:
            queue = self._faults.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.popleft()
        if fault.drop is not None:
            return Refusal(0, "", delay=fault.delay, proceed=fault.drop == "after", drop=fault.drop)
        if fault.status is not None and fault.status != 200:
            default = "ratelimited" if fault.status == 429 else "internal_error"
            return Refusal(fault.status, fault.error or default, fault.retry_after, fault.delay)
        if fault.error is None:
            return Refusal(200, "", delay=fault.delay, proceed=True)
        return Refusal(200, fault.error, delay=fault.delay)

    def pending(self, method: str) -> int:
        """How many planned failures for `method` are still to be used."""
        with self._lock:
            return sum(f.remaining for f in self._faults.get(method, ()))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


# Methods whose Slack limit is "about one message per second per channel".
PER_CHANNEL_METHODS = frozenset({"chat.postMessage"})


class RateLimiter:
    """Sliding-window limits; off until `configure` is called.

    Windows use the emulator clock so that tests which move the clock also move the limits.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.enabled = False
        self.per_channel_per_second: float | None = None
        self.per_method_per_minute: dict[str, int] = {}
        self._channel_hits: dict[str, deque[float]] = {}
        self._method_hits: dict[str, deque[float]] = {}
        self.limited: Counter[str] = Counter()  # method -> number of 429s answered
        self.limited_by: Counter[str] = Counter()  # "method" or "channel": the limit that refused

    def configure(
        self,
        per_channel_per_second: float | None,
        per_method_per_minute: dict[str, int] | None,
    ) -> None:
        with self._lock:
            self.enabled = True
            self.per_channel_per_second = per_channel_per_second
            self.per_method_per_minute = dict(per_method_per_minute or {})
            self._channel_hits.clear()
            self._method_hits.clear()

    def disable(self) -> None:
        with self._lock:
            self.enabled = False

    def check(self, method: str, channel: str | None) -> Refusal | None:
        """Count this call, or refuse it with the seconds until a slot frees up."""
        if not self.enabled:
            return None
        with self._lock:
            now = self._clock()
            waits: dict[str, float] = {}
            method_limit = self.per_method_per_minute.get(method)
            if method_limit is not None:
                waits["method"] = _window_wait(self._method_hits, method, now, 60.0, method_limit)
            per_second = self.per_channel_per_second
            if per_second and channel and method in PER_CHANNEL_METHODS:
                # A rate below one a second becomes one call per 1/rate seconds.
                window, allowed = (1.0, int(per_second)) if per_second >= 1 else (1 / per_second, 1)
                waits["channel"] = _window_wait(self._channel_hits, channel, now, window, allowed)
            wait = max(waits.values(), default=0.0)
            if wait > 0:
                self.limited[method] += 1
                self.limited_by[max(waits, key=lambda k: waits[k])] += 1
                return Refusal(429, "ratelimited", max(1, math.ceil(wait)))
            if method_limit is not None:
                self._method_hits[method].append(now)
            if per_second and channel and method in PER_CHANNEL_METHODS:
                self._channel_hits[channel].append(now)
            return None


def _window_wait(
    hits: dict[str, deque[float]], key: str, now: float, window: float, allowed: int
) -> float:
    """Seconds until `key` may call again (0 if a slot is free), after pruning old hits."""
    queue = hits.setdefault(key, deque())
    while queue and queue[0] <= now - window:
        queue.popleft()
    if len(queue) < allowed:
        return 0.0
    return queue[len(queue) - allowed] + window - now

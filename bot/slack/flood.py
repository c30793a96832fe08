"""A per-member limit on slash commands and modal submissions, checked on the ack path.

One member flooding `/practice` (a stuck key, a script) must not slow everyone else: past the
limit their requests are acked at once with a polite "slow down" and never reach a listener, a
pool thread or the database. The count is per process (each gunicorn worker keeps its own), which
is enough to protect the process doing the work. Hand-written rather than `limits`: its memory
storage runs an expiry timer thread every 10 ms in every process.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

log = logging.getLogger("bot.slack")

WINDOW_SECONDS = 60.0
SLOW_DOWN = (
    "You're sending requests faster than I can keep up with. Please wait a few seconds "
    "and try again."
)


class PerMemberLimit:
    """At most `limit` requests per member in any `window` seconds (a sliding window)."""

    def __init__(
        self,
        limit: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = clock() + window

    def allow(self, member: str) -> bool:
        now = self._clock()
        with self._lock:
            if now >= self._next_sweep:  # forget members who went quiet: memory stays bounded
                since = now - self.window
                self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > since}
                self._next_sweep = now + self.window
            times = self._seen.setdefault(member, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True


def _member(body: dict[str, Any]) -> str | None:
    """`team:user` of a slash command or a modal submission; None for anything else."""
    if "command" in body:
        return f"{body.get('team_id')}:{body.get('user_id')}"
    if body.get("type") == "view_submission":
        user, team = body.get("user") or {}, body.get("team") or {}
        if isinstance(user, dict):
            return f"{team.get('id') if isinstance(team, dict) else ''}:{user.get('id')}"
    return None


def _first_input_block(body: dict[str, Any]) -> str | None:
    for block in (body.get("view") or {}).get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


class SlowDown(Middleware):
    """Answers a member over their limit without running a listener.

    A slash command gets the sentence as an ephemeral reply in the ack. A modal stays open with
    the sentence on its first input (nothing typed is lost); a modal without inputs goes through.
    """

    def __init__(self, limit: PerMemberLimit) -> None:
        self._limit = limit

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body: Any = req.body
        member = _member(body) if isinstance(body, dict) else None
        if member is None or self._limit.allow(member):
            return next()
        if "command" in body:
            reply: dict[str, Any] = {"response_type": "ephemeral", "text": SLOW_DOWN}
        else:
            block_id = _first_input_block(body)
            if block_id is None:
                return next()
            reply = {"response_action": "errors", "errors": {block_id: SLOW_DOWN}}
        log.warning(
            "slowed down %s: over %d requests in %.0f s", member, self._limit.limit,
            self._limit.window,
        )  # fmt: skip
        return BoltResponse(
            status=200, body=json.dumps(reply), headers={"content-type": ["application/json"]}
        )

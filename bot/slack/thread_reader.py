"""Reading a prompt's thread from Slack: `conversations.replies`, paginated and paced.

`conversations.replies` is a Tier 3 method: about 50 calls a minute per workspace, and Slack
answers 429 beyond that. Recovering many threads at once (a process starting with a thousand
open posts) would hit it, so every call first waits for its workspace's `Pacer`: at most
`TIER3_PER_MINUTE` calls in any 60 seconds, the sliding window Slack counts. A 429 that
still comes (another process reading the same workspace) is waited out by the client's own
rate-limit handler (`bot/slack/gateway.py`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.practice.ports import ThreadUnreadable
from bot.practice.recovery import ThreadReply
from bot.slack.errors import slack_error
from bot.slack.gateway import SlackGateway, WorkspaceNotInstalled
from bot.slack.payloads import REPLY_SUBTYPES, is_human, is_ts, text_of

TIER3_PER_MINUTE = 50
WINDOW = 60.0  # seconds: Slack's limits are counted per minute
PAGE_SIZE = 200  # Slack's advice for paginated reads (its maximum is 1,000)


class Pacer:
    """At most `per_minute` calls in any `WINDOW` seconds: `wait()` returns once one more is
    allowed.

    A sliding window, the way Slack counts, rather than a token bucket: a bucket whose burst
    keeps it under the limit (10 of the 50) spent about a minute more than the limit requires
    on every 250 calls (the busy morning's close of 250 threads: 288 s against 240 s), and a
    bigger burst would meet 429s.
    """

    def __init__(
        self,
        per_minute: int = TIER3_PER_MINUTE,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque(maxlen=per_minute)  # the latest calls' times
        self._lock = threading.Lock()
        self.calls = 0
        self.waited = 0.0  # seconds spent waiting for the window, in total

    def wait(self) -> None:
        with self._lock:  # callers queue up, one call each, in turn
            if len(self._calls) == self.per_minute:
                pause = self._calls[0] + WINDOW - self._clock()
                if pause > 0:
                    self._sleep(pause)
                    self.waited += pause
            self._calls.append(self._clock())
            self.calls += 1


class Pacers:
    """One `Pacer` per workspace, for this process."""

    def __init__(self, make: Callable[[], Pacer] = Pacer) -> None:
        self._make = make
        self._pacers: dict[str, Pacer] = {}
        self._lock = threading.Lock()

    def for_team(self, team_id: str) -> Pacer:
        with self._lock:
            pacer = self._pacers.get(team_id)
            if pacer is None:
                pacer = self._pacers[team_id] = self._make()
            return pacer


PACERS = Pacers()


def _reply(message: dict[str, Any], thread_ts: str) -> ThreadReply | None:
    """A person's reply in the thread, by the rules the live message listener applies."""
    ts = message.get("ts")
    if ts == thread_ts or not is_ts(ts) or message.get("subtype") not in REPLY_SUBTYPES:
        return None
    if not is_human(message):
        return None
    edited = message.get("edited")
    edited_ts = edited.get("ts") if isinstance(edited, dict) else None
    return ThreadReply(
        user_id=message["user"],
        ts=str(ts),
        text=text_of(message),
        edited_ts=str(edited_ts) if is_ts(edited_ts) else None,
    )


def read_thread(
    client: WebClient, team_id: str, channel_id: str, thread_ts: str, *, pacers: Pacers = PACERS
) -> list[ThreadReply]:
    """Every human reply in the thread, all pages; raises `SlackApiError` as the client does."""
    replies: list[ThreadReply] = []
    cursor = ""
    pacer = pacers.for_team(team_id)
    while True:
        pacer.wait()
        page = client.conversations_replies(
            channel=channel_id, ts=thread_ts, limit=PAGE_SIZE, cursor=cursor or None
        )
        for message in page.get("messages") or []:
            if isinstance(message, dict) and (reply := _reply(message, thread_ts)) is not None:
                replies.append(reply)
        cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor or not page.get("has_more", True):
            return replies


class SlackThreadReader:
    """The `ThreadReader` port with the Web API: each workspace's client, paced per workspace;
    Slack's failures become `ThreadUnreadable`."""

    def __init__(self, slack: SlackGateway, *, pacers: Pacers = PACERS) -> None:
        self._slack = slack
        self._pacers = pacers

    def read(self, team_id: str, channel_id: str, thread_ts: str) -> list[ThreadReply]:
        try:
            client = self._slack.client_for(team_id)
            return read_thread(client, team_id, channel_id, thread_ts, pacers=self._pacers)
        except SlackApiError as exc:
            raise ThreadUnreadable(slack_error(exc)) from exc
        except (SlackClientError, WorkspaceNotInstalled, OSError) as exc:
            raise ThreadUnreadable(str(exc) or type(exc).__name__) from exc

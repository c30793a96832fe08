"""The Slack emulator in its own process, so its work never shares a GIL with the load generator.

The parent talks to it over a pipe: `EmulatorProcess.call(name, *args)` runs one of the
functions in `_COMMANDS` inside the child, against its `SlackEmulator`, and returns the result.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import time
from collections import Counter
from typing import Any

from bot.emulator import SlackEmulator
from bot.emulator.faults import RateLimiter
from bot.emulator.state import DEFAULT_BOT_USER_ID, DEFAULT_TEAM_ID, Message, ResponseTarget


def _add_users(slack: SlackEmulator, ids: list[str], admin: str | None) -> None:
    for user_id in ids:
        slack.state.add_user(user_id, user_id.lower(), tz="UTC")
    if admin:
        slack.state.add_user(admin, "admin", tz="UTC", is_admin=True)


def _add_channels(
    slack: SlackEmulator, channels: list[str], creator: str, members: list[str]
) -> None:
    for channel in channels:
        slack.state.add_channel(channel, channel.lower(), creator=creator, members=members)


def _add_replies(
    slack: SlackEmulator, channel: str, thread_ts: str, replies: list[tuple[str, str]]
) -> None:
    for user, ts in replies:
        slack.state.add_message(
            Message(
                channel=channel, ts=ts, text=f"answer from {user}", user=user, thread_ts=thread_ts
            )
        )


def _add_threads(
    slack: SlackEmulator, threads: list[tuple[str, str, list[tuple[str, str]]]]
) -> None:
    """A bot prompt per (channel, ts) with its replies [(user, ts)]: threads to recover."""
    for channel, thread_ts, replies in threads:
        slack.state.add_message(
            Message(
                channel=channel,
                ts=thread_ts,
                text="prompt",
                user=DEFAULT_BOT_USER_ID,
                bot_id="B0001",
                team=DEFAULT_TEAM_ID,
            )
        )
        _add_replies(slack, channel, thread_ts, replies)


def _top_level_posts(slack: SlackEmulator, channels: list[str]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for channel in channels:
        counts[channel] = sum(
            1
            for m in slack.state.messages.get(channel, [])
            if m.user == DEFAULT_BOT_USER_ID or m.bot_id
            if not m.thread_ts or m.thread_ts == m.ts
        )
    return dict(counts)


def _calls(slack: SlackEmulator, method: str) -> int:
    return len(slack.calls_to(method))


def _calls_by_method(slack: SlackEmulator) -> dict[str, int]:
    with slack._calls_lock:
        return dict(Counter(call.method for call in slack.calls))


def _ok_calls_by_method(slack: SlackEmulator) -> dict[str, int]:
    """Calls Slack answered 200, per method."""
    with slack._calls_lock:
        return dict(Counter(call.method for call in slack.calls if call.status == 200))


def _posts_by_channel(slack: SlackEmulator) -> dict[str, int]:
    """Successful chat.postMessage calls per channel (a DM's channel is the user's id)."""
    with slack._calls_lock:
        return dict(
            Counter(
                str(call.args.get("channel"))
                for call in slack.calls
                if call.method == "chat.postMessage" and call.status == 200
            )
        )


def _edit_replies(slack: SlackEmulator, channel: str, edits: list[tuple[str, str]]) -> None:
    """New text for replies [(ts, text)], as the member's edit leaves them in Slack."""
    for ts, words in edits:
        with slack.state.lock:
            slack.state.find_message(channel, ts).text = words


def _remove_replies(slack: SlackEmulator, channel: str, stamps: list[str]) -> None:
    for ts in stamps:
        slack.state.remove_message(channel, ts)


def _rate_limits(slack: SlackEmulator, per_channel: float, per_method: dict[str, int]) -> None:
    slack.enforce_rate_limits(per_channel_per_second=per_channel, per_method_per_minute=per_method)


def _limited(slack: SlackEmulator) -> int:
    return slack.rate_limited_count


def _limited_by(slack: SlackEmulator) -> dict[str, int]:
    """429s by the limit that refused them: the method's minute or the channel's second."""
    return dict(slack.rate_limiter.limited_by)


def _clear(slack: SlackEmulator) -> None:
    slack.clear_calls()


def _response_urls(slack: SlackEmulator, users: list[str], channel: str) -> list[str]:
    """One live response_url per command, as Slack hands each slash command its own."""
    return [
        slack.web_api.response_url_for(ResponseTarget(channel, user, DEFAULT_TEAM_ID))
        for user in users
    ]


_COMMANDS: dict[str, Any] = {
    "add_users": _add_users,
    "add_channels": _add_channels,
    "add_replies": _add_replies,
    "add_threads": _add_threads,
    "top_level_posts": _top_level_posts,
    "calls": _calls,
    "calls_by_method": _calls_by_method,
    "edit_replies": _edit_replies,
    "posts_by_channel": _posts_by_channel,
    "ok_calls_by_method": _ok_calls_by_method,
    "remove_replies": _remove_replies,
    "rate_limits": _rate_limits,
    "limited": _limited,
    "limited_by": _limited_by,
    "clear": _clear,
    "response_urls": _response_urls,
}


def _child(conn: Any, clocks: VirtualClocks | None) -> None:
    slack = SlackEmulator()
    if clocks is not None:
        clocks.install(slack)
    slack.start()
    conn.send(slack.api_url)
    try:
        while True:
            name, args = conn.recv()
            if name == "stop":
                break
            try:
                conn.send(("ok", _COMMANDS[name](slack, *args)))
            except Exception as exc:  # report, keep serving
                conn.send(("error", repr(exc)))
    finally:
        slack.stop()


class VirtualClocks:
    """Two clocks shared between the bench and the emulator's process (busy morning).

    `offset`: Slack's wall clock is real time plus it (the bench sets the simulated day).
    `skipped`: seconds of waiting that were counted instead of slept (Retry-After, pacing);
    the emulator's rate limits run on real monotonic time plus them, so a counted wait frees
    the window exactly as a slept one would.
    """

    def __init__(self) -> None:
        ctx = mp.get_context("spawn")
        self.offset = ctx.Value("d", 0.0, lock=False)
        self.skipped = ctx.Value("d", 0.0, lock=False)

    def wall(self) -> float:
        return time.time() + self.offset.value

    def monotonic(self) -> float:
        return time.monotonic() + self.skipped.value

    def skip(self, seconds: float) -> None:
        self.skipped.value += seconds

    def install(self, slack: SlackEmulator) -> None:
        slack.state.clock = self.wall
        slack.rate_limiter = RateLimiter(self.monotonic)


class EmulatorProcess:
    def __init__(self, clocks: VirtualClocks | None = None) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_child, args=(child, clocks), daemon=True)
        self.api_url = ""

    def __enter__(self) -> EmulatorProcess:
        self._process.start()
        if not self._conn.poll(30):
            raise RuntimeError("the emulator process did not start")
        self.api_url = self._conn.recv()
        return self

    def call(self, name: str, *args: Any) -> Any:
        self._conn.send((name, args))
        if not self._conn.poll(120):
            raise RuntimeError(f"the emulator did not answer {name}")
        status, value = self._conn.recv()
        if status != "ok":
            raise RuntimeError(f"emulator {name}: {value}")
        return value

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._conn.send(("stop", ()))
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)

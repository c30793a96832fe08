"""Reading Slack's payloads: the one place that turns a request body into typed values.

Slack sends JSON whose shape a forged or buggy request can break, so every reader here checks
types and falls back to an empty value instead of raising: a listener then refuses or ignores
what is malformed (with at most a log line) and never crashes on it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Subtypes that are still a person's reply; everything else (joins, bots, topic...) is not.
REPLY_SUBTYPES = {None, "thread_broadcast", "file_share"}

TS = re.compile(r"\d{1,12}\.\d{1,6}")


def is_human(message: Mapping[str, Any]) -> bool:
    """A person's message: a user id, and no bot or app behind it (the bot's own included)."""
    user = message.get("user")
    return (
        isinstance(user, str)
        and bool(user)
        and not message.get("bot_id")
        and not message.get("app_id")
    )


def is_ts(value: object) -> bool:
    """A Slack message timestamp ("1700000000.000100"); anything else is a malformed payload."""
    return isinstance(value, str) and TS.fullmatch(value) is not None


def text_of(message: Mapping[str, Any]) -> str:
    text = message.get("text")
    return text if isinstance(text, str) else ""


def thread_of(message: Mapping[str, Any]) -> str | None:
    """The parent ts when `message` is a reply in a thread, else None."""
    thread_ts = message.get("thread_ts")
    if not is_ts(thread_ts) or thread_ts == message.get("ts"):
        return None
    assert isinstance(thread_ts, str)  # is_ts: a ts string
    return thread_ts


def _object(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Interaction:
    """Who clicked or submitted what: the fields every action and view listener reads.

    `action` is the first action of a `block_actions` payload (Slack sends one per click);
    `view` is the modal of a `view_submission` (or the App Home / modal an action came from).
    """

    user_id: str
    team_id: str
    trigger_id: str
    response_url: str
    action_id: str
    value: str
    view: Mapping[str, Any]

    @classmethod
    def of(cls, body: Mapping[str, Any], team_id: str | None = None) -> Interaction:
        """Read `body`; `team_id` is Bolt's `context.team_id`, which knows Enterprise Grid's
        team when the body's `team` is the organisation."""
        actions = body.get("actions")
        action = _object(actions[0]) if isinstance(actions, list) and actions else {}
        value = action.get("value")
        if value is None:
            value = _object(action.get("selected_option")).get("value")
        return cls(
            user_id=_string(_object(body.get("user")).get("id")),
            team_id=team_id or _string(_object(body.get("team")).get("id")),
            trigger_id=_string(body.get("trigger_id")),
            response_url=_string(body.get("response_url")),
            action_id=_string(action.get("action_id")),
            value=_string(value),
            view=_object(body.get("view")),
        )

    @property
    def private_metadata(self) -> str:
        return _string(self.view.get("private_metadata"))

    @property
    def view_id(self) -> str:
        return _string(self.view.get("id"))

    @property
    def from_home(self) -> bool:
        """The click came from the App Home (no response_url to answer through)."""
        return self.view.get("type") == "home"

    def values(self) -> dict[str, Any]:
        """A submitted view's `state.values` as {block_id: {action_id: element state}}."""
        state = _object(self.view.get("state")).get("values")
        return {str(block): dict(_object(elements)) for block, elements in _object(state).items()}

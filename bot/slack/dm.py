"""Every direct message the bot sends goes through here (`DirectMessages`).

Before each DM it asks the member's settings (`bot/services/members.dm_decision`): away,
reminders and quiet hours. A DM due in quiet hours raises `DmHeld` (a retryable
`PublishError`): the caller's claim is released, and the job that owes it sends it on the
first tick after the quiet hours end. One whose quiet hours outlast its `deadline` (a
review's close) is dropped with a log line, as is one that away or the reminder setting
rules out; the caller's claim is kept so it is not tried again. `tests/slack/test_dm_gate.py`
fails when any other module of `bot/` calls the Web API to post to a person.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.db import SessionFactory
from bot.practice.members.dm_policy import SEND, Action, DmDecision, DmKind
from bot.practice.ports import PublishError
from bot.services.members import dm_decision
from bot.slack.errors import publish_errors
from bot.slack.gateway import SlackGateway
from bot.slack.payloads import Interaction

log = logging.getLogger(__name__)

__all__ = ["DirectMessages", "DmHeld", "DmKind"]


class DmHeld(PublishError):
    """The member is in quiet hours: send it again from `until` on."""

    def __init__(self, user_id: str, until: datetime) -> None:
        super().__init__(f"{user_id} is in quiet hours until {until.isoformat()}", permanent=False)
        self.until = until


class DirectMessages:
    """DMs (and posts in the bot's group DMs) with the member's settings applied.

    `now`: the time to judge quiet hours and away by (a job's `now`; a listener's clock).
    """

    def __init__(
        self,
        gateway: SlackGateway,
        sessions: SessionFactory,
        now: datetime | Callable[[], datetime],
    ) -> None:
        self.gateway = gateway
        self.sessions = sessions
        self._now = now

    def now(self) -> datetime:
        return self._now() if callable(self._now) else self._now

    def decision(
        self, team_id: str, user_id: str, kind: DmKind, deadline: datetime | None = None
    ) -> DmDecision:
        if kind is DmKind.REPLY:
            return SEND
        return dm_decision(self.sessions, self.now(), team_id, user_id, kind, deadline)

    def check(
        self, team_id: str, users: Iterable[str], kind: DmKind, deadline: datetime | None
    ) -> DmDecision:
        """The strictest decision over every recipient; raises DmHeld when one is quiet."""
        decisions = [(user, self.decision(team_id, user, kind, deadline)) for user in users]
        for user, decided in decisions:
            if decided.action in (Action.SKIP, Action.DROP):
                log.info("DM (%s) to %s not sent: %s", kind.value, user, decided.reason)
                return decided
        held = [(user, d.until) for user, d in decisions if d.action is Action.HOLD and d.until]
        if held:
            user, until = max(held, key=lambda pair: pair[1])
            raise DmHeld(user, until)
        return SEND

    def client(self, team_id: str) -> WebClient:
        with publish_errors():
            return self.gateway.client_for(team_id)

    def send(
        self,
        team_id: str,
        user_id: str,
        kind: DmKind,
        text: str,
        blocks: list[Any] | None = None,
        *,
        deadline: datetime | None = None,
        metadata: dict[str, Any] | None = None,
        client: WebClient | None = None,
        thread: tuple[str, str] | None = None,
    ) -> DmDecision:
        """DM `user_id` unless their settings say otherwise (see the module). Returns the
        decision (SEND when it went); raises DmHeld, or PublishError when Slack refused.
        `client`: a listener's own client (its request's token) instead of the gateway's.
        `thread`: (their DM's id, a message's ts) to answer in that thread of the DM."""
        decided = self.check(team_id, [user_id], kind, deadline)
        if decided.action is not Action.SEND:
            return decided
        extra: dict[str, Any] = {}
        if blocks is not None:
            extra["blocks"] = blocks
        if metadata is not None:
            extra["metadata"] = metadata
        channel = user_id
        if thread is not None:
            channel, extra["thread_ts"] = thread
        with publish_errors():
            # chat.postMessage to a user id opens (or reuses) the app's DM with them.
            web = client or self.client(team_id)
            response = web.chat_postMessage(channel=channel, text=text, **extra)
        return replace(SEND, ts=str(response.get("ts") or ""))

    def post_to_group(
        self,
        team_id: str,
        members: list[str],
        kind: DmKind,
        text: str,
        blocks: list[Any] | None = None,
        *,
        conversation: str | None = None,
        client: WebClient | None = None,
    ) -> tuple[DmDecision, str]:
        """Post in the bot's DM with `members` (opened unless `conversation` is given), judged
        for each member. Returns the decision and the conversation id ("" when not sent)."""
        decided = self.check(team_id, members, kind, None)
        if decided.action is not Action.SEND:
            return decided, ""
        web = client or self.client(team_id)
        with publish_errors():
            channel = conversation or self.open(team_id, members, client=web)
            extra: dict[str, Any] = {"blocks": blocks} if blocks is not None else {}
            web.chat_postMessage(channel=channel, text=text, **extra)
        return SEND, channel

    def upload_to_group(
        self, team_id: str, members: list[str], kind: DmKind, conversation: str, **file: Any
    ) -> DmDecision:
        """A file (a calendar invite) in the bot's DM with `members`, judged as a post."""
        decided = self.check(team_id, members, kind, None)
        if decided.action is not Action.SEND:
            return decided
        with publish_errors():
            self.client(team_id).files_upload_v2(channel=conversation, **file)
        return SEND

    def open(self, team_id: str, members: list[str], *, client: WebClient | None = None) -> str:
        """The id of the bot's DM (or group DM) with `members`; sends nothing."""
        with publish_errors():
            response = (client or self.client(team_id)).conversations_open(users=",".join(members))
        return str(response["channel"]["id"])

    def upload(
        self, team_id: str, user_id: str, *, client: WebClient | None = None, **file: Any
    ) -> None:
        """A file the member asked for (their export) in their DM: a reply, always sent."""
        web = client or self.client(team_id)
        channel = self.open(team_id, [user_id], client=web)
        with publish_errors():
            web.files_upload_v2(channel=channel, **file)


# Replies: a DM answering what the member just did (a button on the App Home, a command that
# sends a file, a modal in a mock's group DM) is always sent, so no settings are read. Slack's
# errors are raised as they are, for the listener to handle.


def reply_dm(client: WebClient, user_id: str, text: str) -> None:
    client.chat_postMessage(channel=user_id, text=text)


def reply_privately(respond: Respond, body: dict[str, Any], client: WebClient, text: str) -> None:
    """Answer a button's click to the clicker alone: ephemerally, or by DM for a button on the
    App Home, which has no response URL."""
    seen = Interaction.of(body)
    if not seen.response_url and (body.get("container") or {}).get("type") == "view":
        reply_dm(client, seen.user_id, text)
        return
    respond(text=text, response_type="ephemeral", replace_original=False)


def reply_in_conversation(client: WebClient, conversation: str, text: str) -> None:
    client.chat_postMessage(channel=conversation, text=text)


def reply_in_thread(
    client: WebClient, conversation: str, thread_ts: str, text: str, blocks: list[Any]
) -> None:
    """In a DM's thread, to what the member just wrote there (a drill answer's receipt)."""
    client.chat_postMessage(channel=conversation, thread_ts=thread_ts, text=text, blocks=blocks)


def reply_file(client: WebClient, user_id: str, **file: Any) -> None:
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(channel=channel, **file)

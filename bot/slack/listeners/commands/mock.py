"""`/mock [note] | status | cancel | stats | help`: peer mock interviews."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.practice.mocks.queue import MOCK_EXPIRY, MockError
from bot.services import mocks
from bot.slack.listeners.commands.registry import add_help_line
from bot.slack.mock_notifier import SlackMockNotifier
from bot.slack.render.channel import HelpLine
from bot.slack.render.fallback import SORRY
from bot.slack.render.mock import (
    HELP,
    cancel_reply,
    request_reply,
    stats_reply,
    status_reply,
)

log = logging.getLogger(__name__)

add_help_line(
    HelpLine(
        "`/mock [note]`, `/mock status`, `/mock cancel`, `/mock stats`",
        "a one-to-one mock interview with a peer",
    )
)

ANNOUNCE_FAILED = (
    "You're matched with <@{partner}>, but Slack refused part of the introduction ({reason}). "
    "I'll send it again within a few minutes; meanwhile you can message them directly."
)


def tz_offset_minutes(client: WebClient, user_id: str) -> int:
    """The user's UTC offset from their Slack profile (0 when Slack does not say)."""
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except SlackApiError as exc:
        log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
        return 0
    return int(user.get("tz_offset") or 0) // 60


def mock_command(
    ack: Any, command: dict[str, Any], respond: Any, client: WebClient, context: Any
) -> None:
    ack()
    context["runtime"].defer(
        lambda: handle_mock(command, respond, client, context),
        on_error=lambda: respond(text=SORRY, response_type="ephemeral"),
    )


def handle_mock(command: dict[str, Any], respond: Any, client: WebClient, context: Any) -> None:
    """The work of a `/mock` command, after the ack (users.info, matching, the group DM)."""
    runtime = context["runtime"]
    text = str(command.get("text") or "").strip()
    team_id = str(command.get("team_id") or context.team_id or "")
    user_id = str(command.get("user_id") or "")
    word = text.lower()

    def reply(message: str) -> None:
        respond(text=message, response_type="ephemeral")

    if word == "help":
        reply(HELP)
        return
    now = runtime.clock()
    # Every reply is sent after the service returned: no transaction is open by then.
    if word == "status":
        reply(status_reply(mocks.status(runtime.sessions, team_id, user_id, now)))
        return
    if word == "cancel":
        reply(cancel_reply(mocks.cancel(runtime.sessions, team_id, user_id, now)))
        return
    if word == "stats":
        reply(stats_reply(*mocks.progress(runtime.sessions, team_id, user_id, runtime.library)))
        return
    offset = tz_offset_minutes(client, user_id)
    try:
        result = mocks.request_partner(
            runtime.sessions,
            now,
            team_id,
            user_id,
            text,
            offset,
            library=runtime.library,
            expiry=runtime.settings.mock_expiry or MOCK_EXPIRY,
            notifier=SlackMockNotifier(runtime.slack),
        )
    except MockError as exc:
        reply(str(exc))
        return
    if result.announce_failure:
        partner = result.outcome.partner_id
        reply(ANNOUNCE_FAILED.format(partner=partner, reason=result.announce_failure))
        return
    reply(request_reply(result.outcome))
